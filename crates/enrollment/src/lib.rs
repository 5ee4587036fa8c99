//! Learning: who is enrolled in what, how far they got, and when they completed.
//!
//! - [`enrol`]: a learner enrols in a published course open to their target group,
//!   unenrols, and lists their courses with progress (percent) and where to resume;
//! - [`progress`]: lesson events (started, progress with position and time spent,
//!   completed), online or synced in batches from offline clients. Events are kept by
//!   their client-generated id, so a replayed batch changes nothing, and merged so
//!   that order does not matter (a completion is never undone by a late "started");
//! - lesson locks: in a sequential course a lesson opens when every lesson before it
//!   is done (completed, or skippable after a placement test);
//! - completion: every lesson done and, where the course has one, the final assessment
//!   passed at the course's pass mark; recorded once, with its time.
//!
//! Reports ask of learning through [`census`]: conditions on a person, never the tables.
//!
//! Courses are another domain: this crate sees them only as [`CoursePlan`]s, which the
//! caller provides through [`CoursePlans`].

pub mod census;
pub mod enrol;
pub mod entity;
mod error;
pub mod progress;
mod state;

use std::sync::Arc;

use async_trait::async_trait;
use hocvuso_kernel::TargetGroup;
use hocvuso_kernel::db::Db;
use uuid::Uuid;

pub use error::EnrollmentError;

/// What learning needs to know of a course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoursePlan {
    pub course_id: Uuid,
    pub code: String,
    pub title: String,
    pub published: bool,
    pub target_groups: Vec<TargetGroup>,
    /// Lessons open one after another.
    pub sequential: bool,
    /// In course order.
    pub lessons: Vec<PlannedLesson>,
    /// Completion needs a passed final assessment.
    pub final_assessment: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedLesson {
    pub id: Uuid,
    pub slug: String,
}

/// Where course plans come from (the courses domain, wired by the server).
#[async_trait]
pub trait CoursePlans: Send + Sync {
    async fn plan(&self, course_id: Uuid) -> Result<Option<Arc<CoursePlan>>, EnrollmentError>;
}

#[derive(Clone)]
pub struct Learning {
    db: Db,
}

impl Learning {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}
