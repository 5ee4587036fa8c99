//! Enrolment and what a learner sees of it: their courses, progress, where to resume,
//! which lessons are open; and the final assessment's outcome, reported by the caller.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use hocvuso_kernel::{TargetGroup, ids::new_id, time::now};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entity::{enrollment, lesson_progress};
use crate::state::{LessonState, derive};
use crate::{CoursePlan, CoursePlans, EnrollmentError, Learning};

pub(crate) const ACTIVE: &str = "active";
pub(crate) const COMPLETED: &str = "completed";
const WITHDRAWN: &str = "withdrawn";

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollmentView {
    pub course_id: Uuid,
    pub course_code: String,
    pub course_title: String,
    /// `active`, `completed` or `withdrawn`.
    pub status: String,
    pub enrolled_at: DateTime<Utc>,
    /// When the completion rule was met (once; never changes).
    pub completed_at: Option<DateTime<Utc>>,
    /// Lessons done (completed or skippable) out of all, in percent.
    pub progress_percent: u8,
    pub lessons_done: u32,
    pub lessons_total: u32,
    pub final_assessment_required: bool,
    pub final_assessment_passed: bool,
    pub final_score: Option<i32>,
    /// Where to continue; none when every lesson is done.
    pub resume: Option<ResumePoint>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResumePoint {
    pub lesson_id: Uuid,
    pub lesson_slug: String,
    /// In an audio or video lesson.
    pub position_seconds: i32,
}

/// An enrolment with the state of each lesson.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseProgress {
    #[serde(flatten)]
    pub enrollment: EnrollmentView,
    pub lessons: Vec<LessonProgressView>,
}

/// A completed course, as certification needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedCourse {
    pub course_id: Uuid,
    pub completed_at: DateTime<Utc>,
    pub final_score: Option<i32>,
}

impl CompletedCourse {
    fn of(enrolment: &enrollment::Model) -> Option<Self> {
        Some(CompletedCourse {
            course_id: enrolment.course_id,
            completed_at: enrolment.completed_at?,
            final_score: enrolment.final_score,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LessonProgressView {
    pub lesson_id: Uuid,
    pub lesson_slug: String,
    /// `locked`, `available`, `started`, `completed` or `skippable`.
    pub state: String,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub position_seconds: i32,
    pub time_spent_seconds: i64,
}

pub(crate) type ProgressRows = HashMap<Uuid, lesson_progress::Model>;

pub(crate) async fn progress_rows(
    db: &impl ConnectionTrait,
    user: Uuid,
    course: Uuid,
) -> Result<ProgressRows, EnrollmentError> {
    Ok(lesson_progress::Entity::find()
        .filter(lesson_progress::Column::UserId.eq(user))
        .filter(lesson_progress::Column::CourseId.eq(course))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.lesson_id, row))
        .collect())
}

fn view(found: &enrollment::Model, plan: &CoursePlan, rows: &ProgressRows) -> CourseProgress {
    let derived = derive(plan, rows);
    let resume = derived.resume.and_then(|id| {
        let lesson = plan.lessons.iter().find(|l| l.id == id)?;
        Some(ResumePoint {
            lesson_id: id,
            lesson_slug: lesson.slug.clone(),
            position_seconds: rows.get(&id).map_or(0, |r| r.position_seconds),
        })
    });
    let lessons = plan
        .lessons
        .iter()
        .zip(&derived.states)
        .map(|(lesson, state)| {
            let row = rows.get(&lesson.id);
            LessonProgressView {
                lesson_id: lesson.id,
                lesson_slug: lesson.slug.clone(),
                state: state.as_str().to_owned(),
                started_at: row.and_then(|r| r.started_at),
                completed_at: row.and_then(|r| r.completed_at),
                position_seconds: row.map_or(0, |r| r.position_seconds),
                time_spent_seconds: row.map_or(0, |r| r.time_spent_seconds),
            }
        })
        .collect();
    CourseProgress {
        enrollment: EnrollmentView {
            course_id: plan.course_id,
            course_code: plan.code.clone(),
            course_title: plan.title.clone(),
            status: found.status.clone(),
            enrolled_at: found.enrolled_at,
            completed_at: found.completed_at,
            progress_percent: derived.percent(),
            lessons_done: u32::try_from(derived.done).unwrap_or(u32::MAX),
            lessons_total: u32::try_from(plan.lessons.len()).unwrap_or(u32::MAX),
            final_assessment_required: plan.final_assessment,
            final_assessment_passed: found.assessment_passed_at.is_some(),
            final_score: found.final_score,
            resume,
        },
        lessons,
    }
}

/// The first statement of every transaction here: a write, which takes the enrolment's
/// row lock (PostgreSQL) or the write lock (SQLite) before anything is read. Read-first
/// transactions fail on SQLite when another writer commits in between, and lose
/// updates on PostgreSQL; this way concurrent changes to one enrolment queue instead.
pub(crate) async fn lock_enrollment(
    db: &impl ConnectionTrait,
    user: Uuid,
    course: Uuid,
    at: DateTime<Utc>,
) -> Result<(), EnrollmentError> {
    enrollment::Entity::update_many()
        .col_expr(
            enrollment::Column::LastActivityAt,
            sea_orm::sea_query::Expr::value(at),
        )
        .filter(enrollment::Column::UserId.eq(user))
        .filter(enrollment::Column::CourseId.eq(course))
        .exec(db)
        .await?;
    Ok(())
}

/// Brings an enrolment up to date with its progress: the resume point and, the first
/// time the rule is met, completion.
/// Brings an enrolment up to date with its lessons; returns the completion this brought
/// about (at most once per enrolment, ever).
pub(crate) async fn settle(
    db: &impl ConnectionTrait,
    found: enrollment::Model,
    plan: &CoursePlan,
    rows: &ProgressRows,
) -> Result<Option<CompletedCourse>, EnrollmentError> {
    let derived = derive(plan, rows);
    let completes = found.completed_at.is_none()
        && found.status != WITHDRAWN
        && derived.all_done()
        && !plan.lessons.is_empty()
        && (!plan.final_assessment || found.assessment_passed_at.is_some());
    if !completes && found.resume_lesson_id == derived.resume {
        return Ok(None);
    }
    let mut active = found.into_active_model();
    active.resume_lesson_id = Set(derived.resume);
    if completes {
        let at = now();
        active.completed_at = Set(Some(at));
        active.last_activity_at = Set(at);
        active.status = Set(COMPLETED.into());
        tracing::info!(course = %plan.code, "course completed");
    }
    let model = active.update(db).await?;
    Ok(if completes {
        CompletedCourse::of(&model)
    } else {
        None
    })
}

impl Learning {
    pub(crate) async fn enrollment_of(
        &self,
        db: &impl ConnectionTrait,
        user: Uuid,
        course: Uuid,
    ) -> Result<Option<enrollment::Model>, EnrollmentError> {
        Ok(enrollment::Entity::find()
            .filter(enrollment::Column::UserId.eq(user))
            .filter(enrollment::Column::CourseId.eq(course))
            .one(db)
            .await?)
    }

    /// An enrolment that is active or completed, else `NotEnrolled`.
    async fn current(
        &self,
        user: Uuid,
        course: Uuid,
    ) -> Result<enrollment::Model, EnrollmentError> {
        self.enrollment_of(&self.db, user, course)
            .await?
            .filter(|e| e.status != WITHDRAWN)
            .ok_or(EnrollmentError::NotEnrolled)
    }

    /// Enrols a learner of `group` in a published course open to that group. Enrolling
    /// again is harmless; after unenrolling, it resumes where the learner left off.
    pub async fn enrol(
        &self,
        user: Uuid,
        group: Option<TargetGroup>,
        plan: &CoursePlan,
    ) -> Result<(), EnrollmentError> {
        if !plan.published {
            return Err(EnrollmentError::NotFound);
        }
        let group = group.ok_or(EnrollmentError::TargetGroupUnknown)?;
        if !plan.target_groups.contains(&group) {
            return Err(EnrollmentError::NotForYourGroup);
        }
        let at = now();
        match self.enrollment_of(&self.db, user, plan.course_id).await? {
            Some(existing) if existing.status == WITHDRAWN => {
                let mut active = existing.into_active_model();
                active.status = Set(ACTIVE.into());
                active.withdrawn_at = Set(None);
                active.last_activity_at = Set(at);
                active.update(&self.db).await?;
            }
            Some(_) => {}
            None => {
                let created = enrollment::ActiveModel {
                    id: Set(new_id()),
                    user_id: Set(user),
                    course_id: Set(plan.course_id),
                    status: Set(ACTIVE.into()),
                    enrolled_at: Set(at),
                    withdrawn_at: Set(None),
                    completed_at: Set(None),
                    final_score: Set(None),
                    assessment_passed_at: Set(None),
                    resume_lesson_id: Set(plan.lessons.first().map(|l| l.id)),
                    last_activity_at: Set(at),
                };
                match created.insert(&self.db).await {
                    // Two enrolments at once: the other one won, which is the same.
                    Err(e)
                        if !matches!(
                            e.sql_err(),
                            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                        ) =>
                    {
                        return Err(e.into());
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Unenrols; progress is kept for a later return. A completed course stays.
    pub async fn withdraw(&self, user: Uuid, plan: &CoursePlan) -> Result<(), EnrollmentError> {
        let found = self.current(user, plan.course_id).await?;
        if found.completed_at.is_some() {
            return Err(EnrollmentError::AlreadyCompleted);
        }
        let mut active = found.into_active_model();
        active.status = Set(WITHDRAWN.into());
        let at = now();
        active.withdrawn_at = Set(Some(at));
        // Every change to an enrolment moves its activity time: reports refresh by it.
        active.last_activity_at = Set(at);
        active.update(&self.db).await?;
        Ok(())
    }

    /// A learner's courses (not those unenrolled), latest activity first.
    pub async fn my_courses(
        &self,
        user: Uuid,
        plans: &dyn CoursePlans,
    ) -> Result<Vec<EnrollmentView>, EnrollmentError> {
        let enrollments = enrollment::Entity::find()
            .filter(enrollment::Column::UserId.eq(user))
            .filter(enrollment::Column::Status.ne(WITHDRAWN))
            .order_by_desc(enrollment::Column::LastActivityAt)
            .all(&self.db)
            .await?;
        let mut views = Vec::with_capacity(enrollments.len());
        for found in enrollments {
            if let Some(plan) = plans.plan(found.course_id).await? {
                let rows = progress_rows(&self.db, user, found.course_id).await?;
                views.push(view(&found, &plan, &rows).enrollment);
            }
        }
        Ok(views)
    }

    /// One enrolment with the state of every lesson.
    pub async fn course_progress(
        &self,
        user: Uuid,
        plan: &CoursePlan,
    ) -> Result<CourseProgress, EnrollmentError> {
        let found = self.current(user, plan.course_id).await?;
        let rows = progress_rows(&self.db, user, plan.course_id).await?;
        Ok(view(&found, plan, &rows))
    }

    /// Checks that a learner may open a lesson: enrolled, and the lesson not locked.
    pub async fn open_lesson(
        &self,
        user: Uuid,
        plan: &CoursePlan,
        lesson_id: Uuid,
    ) -> Result<LessonProgressView, EnrollmentError> {
        let progress = self.course_progress(user, plan).await?;
        let lesson = progress
            .lessons
            .into_iter()
            .find(|l| l.lesson_id == lesson_id)
            .ok_or(EnrollmentError::NotFound)?;
        if lesson.state == LessonState::Locked.as_str() {
            return Err(EnrollmentError::LessonLocked);
        }
        Ok(lesson)
    }

    /// The courses a learner has completed, with when, and the final score when the
    /// course had a final assessment.
    pub async fn completions(&self, user: Uuid) -> Result<Vec<CompletedCourse>, EnrollmentError> {
        Ok(enrollment::Entity::find()
            .filter(enrollment::Column::UserId.eq(user))
            .filter(enrollment::Column::CompletedAt.is_not_null())
            .all(&self.db)
            .await?
            .iter()
            .filter_map(CompletedCourse::of)
            .collect())
    }

    /// Completions at or after `since` that meet `condition` (an SQL condition another
    /// domain states on the learner and the course, e.g. "holds no record of it"), in
    /// completion order, at most `limit`: for steps that must follow every completion.
    pub async fn completions_where(
        &self,
        since: DateTime<Utc>,
        condition: impl FnOnce(Expr, Expr) -> Expr,
        limit: u64,
    ) -> Result<Vec<(Uuid, CompletedCourse)>, EnrollmentError> {
        let learner = Expr::col((enrollment::Entity, enrollment::Column::UserId));
        let course = Expr::col((enrollment::Entity, enrollment::Column::CourseId));
        Ok(enrollment::Entity::find()
            // Completing moves the activity time to the completion, and it only moves
            // forward: the indexed column narrows the rows, the second says which.
            .filter(enrollment::Column::LastActivityAt.gte(since))
            .filter(enrollment::Column::CompletedAt.gte(since))
            .filter(condition(learner, course))
            .order_by_asc(enrollment::Column::CompletedAt)
            .limit(limit)
            .all(&self.db)
            .await?
            .iter()
            .filter_map(|e| Some((e.user_id, CompletedCourse::of(e)?)))
            .collect())
    }

    /// Records the final assessment's outcome (the score as the course grades it) and
    /// completes the course if that was all it lacked; returns that completion.
    pub async fn record_assessment(
        &self,
        user: Uuid,
        plan: &CoursePlan,
        score: i32,
        passed: bool,
    ) -> Result<Option<CompletedCourse>, EnrollmentError> {
        let txn = self.db.begin().await?;
        lock_enrollment(&txn, user, plan.course_id, now()).await?;
        let found = self
            .enrollment_of(&txn, user, plan.course_id)
            .await?
            .filter(|e| e.status != WITHDRAWN)
            .ok_or(EnrollmentError::NotEnrolled)?;
        let mut active = found.into_active_model();
        active.final_score = Set(Some(score));
        if passed && active.assessment_passed_at.as_ref().is_none() {
            active.assessment_passed_at = Set(Some(now()));
        }
        active.last_activity_at = Set(now());
        let updated = active.update(&txn).await?;
        let rows = progress_rows(&txn, user, plan.course_id).await?;
        let completed = settle(&txn, updated, plan, &rows).await?;
        txn.commit().await?;
        Ok(completed)
    }

    /// Marks lessons a placement test showed the learner masters as skippable; returns
    /// the completion this brought about (every lesson done, no final quiz left).
    pub async fn mark_skippable(
        &self,
        user: Uuid,
        plan: &CoursePlan,
        lessons: &[Uuid],
    ) -> Result<Option<CompletedCourse>, EnrollmentError> {
        let txn = self.db.begin().await?;
        lock_enrollment(&txn, user, plan.course_id, now()).await?;
        let mut rows = progress_rows(&txn, user, plan.course_id).await?;
        let at = now();
        for lesson in lessons
            .iter()
            .filter(|id| plan.lessons.iter().any(|l| l.id == **id))
        {
            let changed = match rows.get(lesson) {
                Some(row) if row.skippable => continue,
                Some(row) => {
                    let mut active = row.clone().into_active_model();
                    active.skippable = Set(true);
                    active.updated_at = Set(at);
                    active.update(&txn).await?
                }
                None => {
                    lesson_progress::ActiveModel {
                        user_id: Set(user),
                        lesson_id: Set(*lesson),
                        course_id: Set(plan.course_id),
                        started_at: Set(None),
                        completed_at: Set(None),
                        position_seconds: Set(0),
                        position_at: Set(None),
                        time_spent_seconds: Set(0),
                        skippable: Set(true),
                        updated_at: Set(at),
                    }
                    .insert(&txn)
                    .await?
                }
            };
            rows.insert(*lesson, changed);
        }
        let mut completed = None;
        if let Some(found) = self.enrollment_of(&txn, user, plan.course_id).await? {
            completed = settle(&txn, found, plan, &rows).await?;
        }
        txn.commit().await?;
        Ok(completed)
    }
}
