use hocvuso_courses::CoursesError;
use hocvuso_kernel::Problem;
use hocvuso_kernel::problem::{ErrorCode, KernelErrorCode};

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

impl AssistantError {
    /// Every code the assistant's problems carry of its own: none. Its problems carry
    /// the kernel's generic codes (`not_found`, `invalid_cursor`, `internal_error`, …)
    /// and the courses crate's ([`CoursesError::codes`]), so it has no registry.
    pub fn codes() -> impl Iterator<Item = impl ErrorCode> {
        std::iter::empty::<KernelErrorCode>()
    }
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
