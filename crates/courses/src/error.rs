use hocvuso_kernel::Problem;
use hocvuso_kernel::problem::validation::invalid_input;
use hocvuso_kernel::problem::{FieldError, Message};

use crate::content::ContentError;

#[derive(Debug, thiserror::Error)]
pub enum CoursesError {
    #[error("not found")]
    NotFound,
    #[error("the curriculum has {} errors", .0.len())]
    Content(Vec<ContentError>),
    #[error("course code {0} belongs to a course authored on the platform")]
    CodeTaken(String),
    #[error("not allowed")]
    Forbidden,
    #[error("invalid {field}: {code}")]
    Invalid {
        field: &'static str,
        code: &'static str,
        vi: &'static str,
        en: &'static str,
    },
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
            CoursesError::Forbidden => Problem::forbidden(),
            CoursesError::Invalid {
                field,
                code,
                vi,
                en,
            } => invalid_input(vec![FieldError {
                field: field.to_owned(),
                code: code.into(),
                message: Message::new(vi, en),
            }]),
            CoursesError::Page(problem) => problem,
            CoursesError::Db(e) => e.into(),
            other @ (CoursesError::Content(_)
            | CoursesError::CodeTaken(_)
            | CoursesError::Search(_)) => Problem::internal(&other),
        }
    }
}
