//! The course-plan port: learning (the enrollment domain) sees a course only as a
//! [`CoursePlan`]; this adapter makes plans from the courses domain (structure) and
//! the assessment domain (whether a final quiz exists).

use std::sync::Arc;

use async_trait::async_trait;
use hocvuso_assessment::Assessment;
use hocvuso_courses::Courses;
use hocvuso_enrollment::{CoursePlan, CoursePlans, EnrollmentError, PlannedLesson};
use uuid::Uuid;

use crate::{JourneyError, JourneyResult, Platform};

/// Course plans read from the courses and assessment domains.
#[derive(Clone)]
pub struct Plans {
    courses: Courses,
    assessment: Assessment,
}

impl Plans {
    pub fn new(courses: Courses, assessment: Assessment) -> Self {
        Plans {
            courses,
            assessment,
        }
    }
}

#[async_trait]
impl CoursePlans for Plans {
    async fn plan(&self, course_id: Uuid) -> Result<Option<Arc<CoursePlan>>, EnrollmentError> {
        let plans_error = |e: &dyn std::fmt::Display| EnrollmentError::Plans(e.to_string());
        let Some(structure) = self
            .courses
            .structure(course_id)
            .await
            .map_err(|e| plans_error(&e))?
        else {
            return Ok(None);
        };
        let final_assessment = self
            .assessment
            .has_final_quiz(course_id)
            .await
            .map_err(|e| plans_error(&e))?;
        Ok(Some(Arc::new(CoursePlan {
            course_id: structure.id,
            code: structure.code.clone(),
            title: structure.title.clone(),
            published: structure.published,
            target_groups: structure.target_groups.clone(),
            sequential: structure.sequential,
            lessons: structure
                .lessons
                .iter()
                .map(|l| PlannedLesson {
                    id: l.id,
                    slug: l.slug.clone(),
                })
                .collect(),
            final_assessment,
        })))
    }
}

impl Platform {
    /// The plan of the published course `code` (404 for drafts and unknown codes).
    pub async fn published_plan(&self, code: &str) -> JourneyResult<Arc<CoursePlan>> {
        let structure = self.courses.published_structure(code).await?;
        self.plan(structure.id).await?.ok_or(JourneyError::NotFound)
    }

    /// The plan of any course by id, published or not (archived courses keep theirs).
    pub async fn plan(&self, course_id: Uuid) -> JourneyResult<Option<Arc<CoursePlan>>> {
        Ok(self.plans().plan(course_id).await?)
    }
}
