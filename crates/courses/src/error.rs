use hocvuso_kernel::Problem;

use crate::content::ContentError;

#[derive(Debug, thiserror::Error)]
pub enum CoursesError {
    #[error("not found")]
    NotFound,
    #[error("the curriculum has {} errors", .0.len())]
    Content(Vec<ContentError>),
    #[error("course code {0} belongs to a course authored on the platform")]
    CodeTaken(String),
    #[error("search index: {0}")]
    Search(String),
    #[error("invalid page request")]
    Page(Problem),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
}

impl From<CoursesError> for Problem {
    fn from(err: CoursesError) -> Self {
        match err {
            CoursesError::NotFound => Problem::not_found(),
            CoursesError::Page(problem) => problem,
            CoursesError::Db(e) => e.into(),
            other @ (CoursesError::Content(_)
            | CoursesError::CodeTaken(_)
            | CoursesError::Search(_)) => Problem::internal(&other),
        }
    }
}
