//! The one error of the use cases: a domain's error, passed on with its own stable
//! code, or one of the few refusals only a journey can make.

use hocvuso_administration::AdministrationError;
use hocvuso_assessment::AssessmentError;
use hocvuso_assistant::AssistantError;
use hocvuso_certification::CertificationError;
use hocvuso_courses::CoursesError;
use hocvuso_enrollment::EnrollmentError;
use hocvuso_identity::IdentityError;
use hocvuso_kernel::Problem;

#[derive(Debug, thiserror::Error)]
pub enum JourneyError {
    /// Absent, or outside the caller's reach (which must not be told apart).
    #[error("not found")]
    NotFound,
    /// The caller's role or scope does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// A failure already turned into its problem (a step that reports per item).
    #[error("{0}")]
    Failed(Box<Problem>),
    #[error("an audit snapshot could not be made: {0}")]
    Snapshot(#[source] serde_json::Error),
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Courses(#[from] CoursesError),
    #[error(transparent)]
    Enrollment(#[from] EnrollmentError),
    #[error(transparent)]
    Assessment(#[from] AssessmentError),
    #[error(transparent)]
    Certification(#[from] CertificationError),
    // Boxed: the two largest errors would make every journey's result large.
    #[error(transparent)]
    Administration(Box<AdministrationError>),
    #[error(transparent)]
    Assistant(Box<AssistantError>),
}

impl From<AdministrationError> for JourneyError {
    fn from(err: AdministrationError) -> Self {
        JourneyError::Administration(Box::new(err))
    }
}

impl From<AssistantError> for JourneyError {
    fn from(err: AssistantError) -> Self {
        JourneyError::Assistant(Box::new(err))
    }
}

impl From<JourneyError> for Problem {
    fn from(err: JourneyError) -> Self {
        match err {
            JourneyError::NotFound => Problem::not_found(),
            JourneyError::Forbidden => Problem::forbidden(),
            JourneyError::Failed(problem) => *problem,
            JourneyError::Snapshot(e) => Problem::internal(&e),
            JourneyError::Identity(e) => e.into(),
            JourneyError::Courses(e) => e.into(),
            JourneyError::Enrollment(e) => e.into(),
            JourneyError::Assessment(e) => e.into(),
            JourneyError::Certification(e) => e.into(),
            JourneyError::Administration(e) => (*e).into(),
            JourneyError::Assistant(e) => (*e).into(),
        }
    }
}
