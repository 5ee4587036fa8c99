//! Publishing a trainer's course: the course must be complete (courses) and, when it has
//! a final quiz, its question bank large enough that one leaked answer list does not
//! pass the next learner (assessment).

use hocvuso_courses::entity::course;
use hocvuso_kernel::Principal;
use uuid::Uuid;

use crate::{JourneyResult, Platform};

impl Platform {
    pub async fn publish_course(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> JourneyResult<course::Model> {
        let found = self.editable_course(principal, id).await?;
        self.assessment.check_bank_for_publishing(found.id).await?;
        Ok(self.courses.publish(found).await?)
    }
}
