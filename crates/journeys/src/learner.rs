//! What a learner's home shows beyond one domain: the next step, the assistant's
//! answers for their group, and — for a mentor — their mentees' progress.

use hocvuso_assistant::dto::{AskRequest, AskResponse};
use hocvuso_assistant::next::{
    CourseFacts, EnrolmentFacts, LearnerFacts, LessonFacts, NextSteps, next_steps,
};
use hocvuso_courses::dto::{CatalogQuery, CourseDetail};
use hocvuso_enrollment::enrol::EnrollmentView;
use hocvuso_identity::dto::PersonBrief;
use hocvuso_kernel::{Principal, TargetGroup};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{JourneyResult, Platform};

/// One of a mentor's mentees, with their courses and progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct MenteeProgress {
    #[serde(flatten)]
    pub person: PersonBrief,
    pub courses: Vec<EnrollmentView>,
}

fn course_facts(detail: &CourseDetail) -> CourseFacts {
    let course = &detail.course;
    CourseFacts {
        code: course.code.clone(),
        title: course.title.clone(),
        level: course.level,
        competencies: course.competencies.clone(),
        audiences: course.audiences.clone(),
        estimated_minutes: course.estimated_minutes,
        lessons: detail
            .modules
            .iter()
            .flat_map(|m| &m.lessons)
            .map(|l| LessonFacts {
                slug: l.slug.clone(),
                title: l.title.clone(),
                level: l.level,
                competencies: l.competencies.clone(),
                has_easy_read: l.has_easy_read,
                accessible: l.accessible,
            })
            .collect(),
    }
}

impl Platform {
    /// The published courses open to `group`, with their lessons.
    async fn open_courses(&self, group: TargetGroup) -> JourneyResult<Vec<CourseFacts>> {
        let mut facts = Vec::new();
        let mut cursor = None;
        loop {
            let page = self
                .courses
                .catalog(&CatalogQuery {
                    target_group: Some(group),
                    competency: None,
                    level: None,
                    q: None,
                    limit: Some(100),
                    cursor: cursor.take(),
                })
                .await?;
            for summary in &page.items {
                let detail = self.courses.course(&summary.code).await?;
                facts.push(course_facts(&detail.value));
            }
            match page.next_cursor {
                Some(following) => cursor = Some(following),
                None => return Ok(facts),
            }
        }
    }

    /// What the caller should do next, from their group, placement test, levels and
    /// enrolments.
    pub async fn next_steps(&self, principal: &Principal) -> JourneyResult<NextSteps> {
        let user = principal.user_id;
        let me = self.identity.me(principal).await?;
        let learner = LearnerFacts {
            target_group: me.target_group,
            elderly: me.elderly,
            disability: me.disability.is_some(),
            placement_taken: self.assessment.placement_taken(user).await?,
            mastery: self.levels(user).await?,
        };
        let enrolments: Vec<EnrolmentFacts> = self
            .learning
            .my_courses(user, self.plans())
            .await?
            .into_iter()
            .map(|e| EnrolmentFacts {
                course_code: e.course_code,
                status: e.status,
                resume_lesson: e.resume.map(|r| r.lesson_slug),
                final_assessment_required: e.final_assessment_required,
                final_assessment_passed: e.final_assessment_passed,
            })
            .collect();
        let courses = match me.target_group {
            Some(group) => self.open_courses(group).await?,
            None => Vec::new(),
        };
        Ok(next_steps(&learner, &enrolments, &courses))
    }

    /// The assistant answers the caller's question from the lessons of their group.
    pub async fn ask(
        &self,
        principal: &Principal,
        body: &AskRequest,
    ) -> JourneyResult<AskResponse> {
        let user = principal.user_id;
        let group = self.identity.target_group_of(user).await?;
        Ok(self.assistant.ask(user, group, body).await?)
    }

    /// The people the caller guides as a mentor, with their courses and progress.
    pub async fn my_mentees(&self, principal: &Principal) -> JourneyResult<Vec<MenteeProgress>> {
        let plans = self.plans();
        let mut mentees = Vec::new();
        for person in self.administration.mentees(principal.user_id).await? {
            let courses = self.learning.my_courses(person.id, plans).await?;
            mentees.push(MenteeProgress { person, courses });
        }
        Ok(mentees)
    }
}
