use hocvuso_courses::CoursesError;
use hocvuso_kernel::Problem;

#[derive(Debug, thiserror::Error)]
pub enum AssistantError {
    #[error("not found")]
    NotFound,
    #[error("index: {0}")]
    Index(String),
    #[error(transparent)]
    Courses(#[from] CoursesError),
    #[error("stored citations: {0}")]
    Stored(#[from] serde_json::Error),
    #[error("bad page cursor")]
    Page(Problem),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
}

impl From<AssistantError> for Problem {
    fn from(err: AssistantError) -> Self {
        match err {
            AssistantError::NotFound => Problem::not_found(),
            AssistantError::Page(problem) => problem,
            AssistantError::Courses(e) => e.into(),
            AssistantError::Db(e) => e.into(),
            other @ (AssistantError::Index(_) | AssistantError::Stored(_)) => {
                Problem::internal(&other)
            }
        }
    }
}
