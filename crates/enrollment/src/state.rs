//! What follows from a plan and a learner's progress rows: which lessons are done or
//! locked, the percentage, where to resume, whether the completion rule is met. Pure,
//! so every rule is tested without a database.

use std::collections::HashMap;

use uuid::Uuid;

use crate::CoursePlan;
use crate::entity::lesson_progress;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LessonState {
    Locked,
    Available,
    Started,
    Completed,
    /// Mastered already (placement test): counts as done.
    Skippable,
}

impl LessonState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            LessonState::Locked => "locked",
            LessonState::Available => "available",
            LessonState::Started => "started",
            LessonState::Completed => "completed",
            LessonState::Skippable => "skippable",
        }
    }

    fn is_done(self) -> bool {
        matches!(self, LessonState::Completed | LessonState::Skippable)
    }
}

pub(crate) struct Derived {
    /// One per planned lesson, in course order.
    pub states: Vec<LessonState>,
    pub done: usize,
    pub resume: Option<Uuid>,
}

impl Derived {
    pub(crate) fn all_done(&self) -> bool {
        self.done == self.states.len()
    }

    pub(crate) fn percent(&self) -> u8 {
        if self.states.is_empty() {
            return 0;
        }
        u8::try_from(self.done * 100 / self.states.len()).unwrap_or(100)
    }
}

pub(crate) fn derive(plan: &CoursePlan, rows: &HashMap<Uuid, lesson_progress::Model>) -> Derived {
    let mut states = Vec::with_capacity(plan.lessons.len());
    let mut all_before_done = true;
    for lesson in &plan.lessons {
        let row = rows.get(&lesson.id);
        let state = match row {
            Some(r) if r.completed_at.is_some() => LessonState::Completed,
            Some(r) if r.skippable => LessonState::Skippable,
            _ if plan.sequential && !all_before_done => LessonState::Locked,
            Some(r) if r.started_at.is_some() => LessonState::Started,
            _ => LessonState::Available,
        };
        // A completed lesson after a locked one stays completed (its events arrived
        // first), but the lock still holds for the lessons that follow the gap.
        all_before_done &= state.is_done();
        states.push(state);
    }
    let done = states.iter().filter(|s| s.is_done()).count();
    // Resume where the learner last was, if that lesson is unfinished; else at the
    // first lesson not done.
    let latest_unfinished = plan
        .lessons
        .iter()
        .zip(&states)
        .filter(|(_, s)| **s == LessonState::Started)
        .filter_map(|(l, _)| {
            let row = rows.get(&l.id)?;
            Some((row.position_at.or(row.started_at), l.id))
        })
        .max_by_key(|(at, _)| *at)
        .map(|(_, id)| id);
    let first_open = plan
        .lessons
        .iter()
        .zip(&states)
        .find(|(_, s)| matches!(s, LessonState::Available | LessonState::Started))
        .map(|(l, _)| l.id);
    Derived {
        resume: latest_unfinished.or(first_open),
        states,
        done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PlannedLesson;
    use chrono::{TimeZone, Utc};

    fn plan(sequential: bool) -> CoursePlan {
        CoursePlan {
            course_id: Uuid::from_u128(1),
            code: "c".into(),
            title: "C".into(),
            published: true,
            target_groups: vec![],
            sequential,
            lessons: (10..14)
                .map(|n| PlannedLesson {
                    id: Uuid::from_u128(n),
                    slug: format!("l{n}"),
                })
                .collect(),
            final_assessment: true,
        }
    }

    fn row(lesson: u128, started: Option<i64>, completed: Option<i64>) -> lesson_progress::Model {
        let at = |s: i64| Utc.timestamp_opt(s, 0).single().expect("time");
        lesson_progress::Model {
            user_id: Uuid::from_u128(99),
            lesson_id: Uuid::from_u128(lesson),
            course_id: Uuid::from_u128(1),
            started_at: started.map(at),
            completed_at: completed.map(at),
            position_seconds: 0,
            position_at: None,
            time_spent_seconds: 0,
            skippable: false,
            updated_at: at(0),
        }
    }

    fn rows(list: Vec<lesson_progress::Model>) -> HashMap<Uuid, lesson_progress::Model> {
        list.into_iter().map(|r| (r.lesson_id, r)).collect()
    }

    #[test]
    fn sequential_lessons_open_one_after_another() {
        let fresh = derive(&plan(true), &HashMap::new());
        assert_eq!(
            fresh.states,
            vec![
                LessonState::Available,
                LessonState::Locked,
                LessonState::Locked,
                LessonState::Locked
            ]
        );
        assert_eq!(fresh.resume, Some(Uuid::from_u128(10)));

        let mut skipped = row(11, None, None);
        skipped.skippable = true;
        let later = derive(
            &plan(true),
            &rows(vec![
                row(10, Some(1), Some(2)),
                skipped,
                row(12, Some(3), None),
            ]),
        );
        assert_eq!(
            later.states,
            vec![
                LessonState::Completed,
                LessonState::Skippable,
                LessonState::Started,
                LessonState::Locked
            ]
        );
        assert_eq!((later.done, later.percent()), (2, 50));
        assert_eq!(later.resume, Some(Uuid::from_u128(12)));
    }

    #[test]
    fn free_order_courses_lock_nothing_and_resume_at_the_latest_lesson() {
        let free = derive(
            &plan(false),
            &rows(vec![row(13, Some(50), None), row(11, Some(10), None)]),
        );
        assert!(!free.states.contains(&LessonState::Locked));
        assert_eq!(free.resume, Some(Uuid::from_u128(13)));
    }

    #[test]
    fn everything_done_is_complete_with_nothing_to_resume() {
        let done = derive(
            &plan(true),
            &rows((10..14).map(|n| row(n, Some(1), Some(2))).collect()),
        );
        assert!(done.all_done());
        assert_eq!((done.percent(), done.resume), (100, None));
    }
}
