//! Hocvuso's use cases: every step that spans domains, in one place, so the REST API
//! and the web app run exactly the same steps.
//!
//! A domain crate owns its tables and rules and knows no other domain. What happens
//! when a learner finishes a lesson — progress recorded (enrollment), the course
//! completed, its record issued (certification) from the holder's verified identity
//! (identity) and the course's achievement (courses, assessment) — is a journey, and
//! lives here:
//!
//! - [`plans`]: the course-plan port, the courses and assessment domains as learning
//!   sees them, injected once;
//! - [`enrolment`]: a learner's enrolment and a class's, with mastery applied;
//! - [`mastery`]: a lesson is mastered when every competency it teaches is shown at
//!   its level; mastered lessons become skippable;
//! - [`progress`]: one progress event, or an offline batch;
//! - [`quiz`]: the final quiz and the placement test;
//! - [`completion`]: a completed course gets its record; re-issue and revocation;
//!   [`Platform::reconcile`] heals a crash between completion and issue;
//! - [`access`]: who may read or act on a course, a record, an attempt;
//! - [`audit`]: administrative writes in the audit log, citizen IDs masked;
//! - [`curriculum`]: the shipped curriculum, imported at start;
//! - [`learner`]: what a learner's home shows (next steps, mentees' progress).
//!
//! Every step returns what it did; none needs HTTP. Route handlers and web pages parse
//! their input, call one step, and render its result.

pub mod access;
pub mod administering;
pub mod audit;
pub mod completion;
pub mod curriculum;
pub mod enrolment;
mod error;
pub mod exports;
pub mod learner;
pub mod mastery;
pub mod plans;
pub mod progress;
pub mod publishing;
pub mod quiz;
pub mod signup;

use std::sync::Arc;

use hocvuso_administration::Administration;
use hocvuso_assessment::Assessment;
use hocvuso_assistant::Assistant;
use hocvuso_certification::Certification;
use hocvuso_courses::Courses;
use hocvuso_enrollment::Learning;
use hocvuso_identity::Identity;
use hocvuso_kernel::db::Db;
use hocvuso_storage::BlobStore;

pub use error::JourneyError;
pub use plans::Plans;

pub type JourneyResult<T> = Result<T, JourneyError>;

/// The domain services, wired together once at start. Cheap to clone; shared by every
/// worker. Single-domain reads may call a service directly; anything that spans
/// domains is a method of this type.
#[derive(Clone)]
pub struct Platform {
    pub db: Db,
    pub blobs: Arc<dyn BlobStore>,
    pub identity: Identity,
    pub courses: Courses,
    pub learning: Learning,
    pub assessment: Assessment,
    pub certification: Certification,
    pub administration: Administration,
    pub assistant: Assistant,
    /// The course-plan port learning sees courses through, made once.
    plans: Plans,
}

/// The services a [`Platform`] is made of that need configuration of their own;
/// the rest are made from the database.
pub struct Services {
    pub identity: Identity,
    pub courses: Courses,
    pub assessment: Assessment,
    pub certification: Certification,
    pub assistant: Assistant,
}

impl Platform {
    pub fn new(db: Db, blobs: Arc<dyn BlobStore>, services: Services) -> Self {
        let Services {
            identity,
            courses,
            assessment,
            certification,
            assistant,
        } = services;
        Platform {
            plans: Plans::new(courses.clone(), assessment.clone()),
            administration: Administration::new(
                db.clone(),
                identity.clone(),
                certification.clone(),
            ),
            learning: Learning::new(db.clone()),
            db,
            blobs,
            identity,
            courses,
            assessment,
            certification,
            assistant,
        }
    }

    /// The course-plan port over this platform's courses and assessment.
    pub fn plans(&self) -> &Plans {
        &self.plans
    }
}

/// The fail points named in `FAILPOINTS` (e.g. `completion.before_issue=pause`, which
/// the crash tests use), active while the value lives. Without the variable none is,
/// and each point costs a look-up in an empty map.
pub fn fail_points_from_env() -> Option<fail::FailScenario<'static>> {
    std::env::var_os("FAILPOINTS").map(|_| fail::FailScenario::setup())
}

#[cfg(test)]
mod tests;
