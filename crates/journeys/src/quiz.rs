//! The final quiz and the placement test. Assessment grades; the attempt that counts
//! (the highest or the last) changes the learner's enrolment, which may complete the
//! course; a rise in mastery makes lessons skippable everywhere the learner is
//! enrolled. Completed courses get their records.

use std::sync::Arc;

use hocvuso_assessment::dto::{
    AttemptResult, AttemptView, CourseResult, PlacementResult, QuizSettings, Submission,
};
use hocvuso_enrollment::{CoursePlan, EnrollmentError};
use hocvuso_kernel::Principal;
use uuid::Uuid;

use crate::{JourneyError, JourneyResult, Platform};

impl Platform {
    /// A course's final-quiz settings, with the course's own pass mark.
    pub async fn quiz_settings(&self, course_id: Uuid) -> JourneyResult<QuizSettings> {
        let structure = self
            .courses
            .structure(course_id)
            .await?
            .ok_or(JourneyError::NotFound)?;
        let pass_mark = u32::try_from(structure.pass_mark).unwrap_or(0);
        Ok(self.assessment.quiz_settings(course_id, pass_mark).await?)
    }

    /// The plan of the published course `code`, which the caller is enrolled in.
    async fn enrolled_plan(
        &self,
        principal: &Principal,
        code: &str,
    ) -> JourneyResult<Arc<CoursePlan>> {
        let plan = self.published_plan(code).await?;
        self.learning
            .course_progress(principal.user_id, &plan)
            .await?;
        Ok(plan)
    }

    /// Starts an attempt at the final quiz of `code`, or returns the one in progress.
    pub async fn start_quiz(
        &self,
        principal: &Principal,
        code: &str,
    ) -> JourneyResult<AttemptView> {
        let plan = self.enrolled_plan(principal, code).await?;
        let settings = self.quiz_settings(plan.course_id).await?;
        Ok(self
            .assessment
            .start_attempt(principal.user_id, plan.course_id, &settings)
            .await?)
    }

    /// The caller's standing in the final quiz of `code`.
    pub async fn quiz_standing(
        &self,
        principal: &Principal,
        code: &str,
    ) -> JourneyResult<CourseResult> {
        let plan = self.enrolled_plan(principal, code).await?;
        Ok(self
            .assessment
            .course_result(principal.user_id, plan.course_id)
            .await?)
    }

    /// Submits a final-quiz attempt. Only the attempt that counts changes the
    /// enrolment; passing may complete the course, whose record is then issued.
    pub async fn submit_quiz(
        &self,
        principal: &Principal,
        attempt: Uuid,
        submission: &Submission,
    ) -> JourneyResult<AttemptResult> {
        let user = principal.user_id;
        let submitted = self
            .assessment
            .submit_final(user, attempt, submission)
            .await?;
        let result = submitted.result;
        let Some(course_id) = result.course_id else {
            return Ok(result);
        };
        let counted = self.assessment.counted_attempt(user, course_id).await?;
        let mut completed = Vec::new();
        // A weaker attempt leaves the enrolment as it was.
        if let Some(standing) = counted.filter(|c| c.attempt_id == result.attempt_id) {
            let plan = self.plan(course_id).await?.ok_or(JourneyError::NotFound)?;
            let score = i32::try_from(standing.score_percent).unwrap_or(0);
            completed.extend(
                self.learning
                    .record_assessment(user, &plan, score, standing.passed)
                    .await?,
            );
        }
        if submitted.mastery_rose {
            completed.extend(self.apply_mastery(user).await?);
        }
        self.certify(user, &completed).await?;
        Ok(result)
    }

    /// Starts (or resumes) a placement test over the competencies of the courses open
    /// to the caller's target group.
    pub async fn start_placement(&self, principal: &Principal) -> JourneyResult<AttemptView> {
        let group = self
            .identity
            .me(principal)
            .await?
            .target_group
            .ok_or(EnrollmentError::TargetGroupUnknown)?;
        let courses: Vec<Uuid> = self
            .courses
            .structures_for(group)
            .await?
            .iter()
            .map(|s| s.id)
            .collect();
        Ok(self
            .assessment
            .start_placement(principal.user_id, group, &courses)
            .await?)
    }

    /// Submits a placement test; lessons the caller masters become skippable in the
    /// courses they are enrolled in (and in those they enrol in later).
    pub async fn submit_placement(
        &self,
        principal: &Principal,
        attempt: Uuid,
        submission: &Submission,
    ) -> JourneyResult<PlacementResult> {
        let result = self
            .assessment
            .submit_placement(principal.user_id, attempt, submission)
            .await?;
        self.apply_mastery_and_certify(principal.user_id).await?;
        Ok(result)
    }
}
