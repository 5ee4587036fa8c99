//! Enrolment: a learner enrols, or a trainer enrols a whole class. Either way the
//! learner's shown mastery applies to the new course at once (its mastered lessons
//! become skippable), which can complete it, and then its record is issued.

use hocvuso_administration::classes::{ClassView, MemberAttendance, PersonOutcome};
use hocvuso_enrollment::CoursePlan;
use hocvuso_enrollment::enrol::{CourseProgress, EnrollmentView};
use hocvuso_kernel::{Principal, Problem, TargetGroup};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::Audited;
use crate::{JourneyError, JourneyResult, Platform};

/// A member of a class, with their progress in its courses.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberProgress {
    #[serde(flatten)]
    pub attendance: MemberAttendance,
    /// The member's enrolments in the class's courses.
    pub courses: Vec<EnrollmentView>,
}

/// A class's progress: sessions held, and per member attendance and courses.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClassProgress {
    pub class: ClassView,
    pub sessions: usize,
    pub members: Vec<MemberProgress>,
}

impl Platform {
    /// Enrols `user` (of `group`) in the course of `plan` and applies their mastery.
    async fn enrol_with_mastery(
        &self,
        user: Uuid,
        group: Option<TargetGroup>,
        plan: &CoursePlan,
    ) -> JourneyResult<()> {
        self.learning.enrol(user, group, plan).await?;
        self.apply_mastery_and_certify(user).await
    }

    /// The caller enrols in the published course `code`, open to their target group.
    pub async fn enrol(&self, principal: &Principal, code: &str) -> JourneyResult<CourseProgress> {
        let plan = self.published_plan(code).await?;
        let group = self.identity.me(principal).await?.target_group;
        self.enrol_with_mastery(principal.user_id, group, &plan)
            .await?;
        Ok(self
            .learning
            .course_progress(principal.user_id, &plan)
            .await?)
    }

    /// Enrols every member of a class in the course `code`: each is `enrolled`, or
    /// `rejected` with the code a learner would get. Audited.
    pub async fn enrol_class(
        &self,
        manager: &Principal,
        class_id: Uuid,
        code: &str,
    ) -> JourneyResult<Vec<PersonOutcome>> {
        let members = self.administration.class_members(manager, class_id).await?;
        let plan = self.published_plan(code).await?;
        let mut outcomes = Vec::with_capacity(members.len());
        for member in members {
            let outcome = match self
                .enrol_with_mastery(member.id, member.target_group, &plan)
                .await
            {
                Ok(()) => PersonOutcome {
                    user_id: member.id,
                    result: "enrolled",
                    code: None,
                },
                Err(e) => {
                    let problem = Problem::from(e);
                    if problem.is_server_error() {
                        return Err(problem_error(problem));
                    }
                    PersonOutcome {
                        user_id: member.id,
                        result: "rejected",
                        code: Some(problem.code.into_owned()),
                    }
                }
            };
            outcomes.push(outcome);
        }
        self.administration
            .record_class_course(manager, class_id, plan.course_id)
            .await?;
        self.audit_class(manager, "class.enrol", class_id, &outcomes)
            .await?;
        Ok(outcomes)
    }

    /// A class's progress, per member: sessions attended and their progress in each
    /// of the class's courses.
    pub async fn class_progress(
        &self,
        manager: &Principal,
        class_id: Uuid,
    ) -> JourneyResult<ClassProgress> {
        let (class, sessions, members) = self
            .administration
            .class_attendance(manager, class_id)
            .await?;
        let plans = self.plans();
        let mut rows = Vec::with_capacity(members.len());
        for attendance in members {
            let courses = self
                .learning
                .my_courses(attendance.person.id, plans)
                .await?
                .into_iter()
                .filter(|c| class.course_ids.contains(&c.course_id))
                .collect();
            rows.push(MemberProgress {
                attendance,
                courses,
            });
        }
        Ok(ClassProgress {
            class,
            sessions,
            members: rows,
        })
    }

    /// Audits a write to a class, in the class's unit.
    pub async fn audit_class<T: Serialize>(
        &self,
        manager: &Principal,
        action: &'static str,
        class_id: Uuid,
        after: &T,
    ) -> JourneyResult<()> {
        let what = Audited {
            action,
            subject_kind: "class",
            subject_id: Some(class_id),
            unit_id: Some(self.administration.class_unit(manager, class_id).await?),
        };
        self.audit(manager, what, None::<()>, Some(after)).await
    }
}

/// A server-side failure met while enrolling one member: the batch stops with it.
fn problem_error(problem: Problem) -> JourneyError {
    JourneyError::Failed(Box::new(problem))
}
