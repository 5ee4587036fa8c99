//! Progress: one event while online, or a batch queued by an offline client. Learning
//! stores the events and says which courses they completed; those get their records.

use hocvuso_courses::dto::LessonView;
use hocvuso_enrollment::EnrollmentError;
use hocvuso_enrollment::enrol::LessonProgressView;
use hocvuso_enrollment::progress::{EventRefusal, EventResult, EventStatus, ProgressEvent};
use hocvuso_kernel::{Lang, Principal, Problem};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{JourneyError, JourneyResult, Platform};

/// An offline batch's outcome: counts, and one result per event in the order sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncResults {
    pub accepted: usize,
    pub duplicates: usize,
    pub rejected: usize,
    /// One per event, in the order sent.
    pub results: Vec<EventResult>,
}

/// A lesson as an enrolled learner opens it, with their progress in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LearnerLesson {
    pub lesson: LessonView,
    pub progress: LessonProgressView,
}

impl Platform {
    /// Records a batch of events, each already parsed on its own (`Err` says why an
    /// item could not be read), and issues the records of the courses it completed.
    pub async fn sync_progress(
        &self,
        principal: &Principal,
        items: Vec<Result<ProgressEvent, String>>,
        lang: Lang,
    ) -> JourneyResult<SyncResults> {
        let user = principal.user_id;
        let recorded = self
            .learning
            .record(user, items, self.plans(), lang)
            .await?;
        self.certify(user, &recorded.completed).await?;
        let count = |status| {
            recorded
                .results
                .iter()
                .filter(|r| r.status == status)
                .count()
        };
        Ok(SyncResults {
            accepted: count(EventStatus::Accepted),
            duplicates: count(EventStatus::Duplicate),
            rejected: count(EventStatus::Rejected),
            results: recorded.results,
        })
    }

    /// Records one event sent while online: a refused event is an error with its code
    /// (`not_enrolled` as the learner would get it anywhere else).
    pub async fn record_progress(
        &self,
        principal: &Principal,
        event: ProgressEvent,
        lang: Lang,
    ) -> JourneyResult<EventResult> {
        let user = principal.user_id;
        let mut recorded = self
            .learning
            .record(user, vec![Ok(event)], self.plans(), lang)
            .await?;
        self.certify(user, &recorded.completed).await?;
        let result = recorded.results.pop().ok_or_else(|| {
            JourneyError::Failed(Box::new(Problem::internal(&"no result for the event")))
        })?;
        match result.code {
            None => Ok(result),
            Some(EventRefusal::NotEnrolled) => Err(EnrollmentError::NotEnrolled.into()),
            Some(refusal) => Err(EnrollmentError::EventRefused {
                refusal,
                message: result.message.unwrap_or_default(),
            }
            .into()),
        }
    }

    /// A lesson of the published course `code` as the enrolled caller opens it; in a
    /// sequential course a lesson whose predecessors are not done is locked.
    pub async fn open_lesson(
        &self,
        principal: &Principal,
        code: &str,
        slug: &str,
    ) -> JourneyResult<LearnerLesson> {
        let plan = self.published_plan(code).await?;
        let lesson_id = plan
            .lessons
            .iter()
            .find(|l| l.slug == slug)
            .map(|l| l.id)
            .ok_or(JourneyError::NotFound)?;
        let progress = self
            .learning
            .open_lesson(principal.user_id, &plan, lesson_id)
            .await?;
        let lesson = self.courses.lesson(code, slug).await?;
        Ok(LearnerLesson {
            lesson: lesson.value.clone(),
            progress,
        })
    }
}
