//! Mastery across domains: the assessment domain knows a learner's level in each
//! competency, the courses domain which competencies each lesson teaches and at what
//! level. A lesson is mastered when every competency it teaches is shown at its level
//! or above; mastered lessons become skippable in learning, which may complete a course.

use std::collections::HashMap;

use hocvuso_courses::structure::CourseStructure;
use hocvuso_enrollment::CoursePlans;
use hocvuso_enrollment::enrol::CompletedCourse;
use uuid::Uuid;

use crate::{JourneyResult, Platform};

/// A learner's level per competency code.
pub type Levels = HashMap<String, u32>;

/// The lessons of `course` that `levels` master. A lesson teaching no competency is
/// never mastered: nothing shows it is known.
pub fn mastered_lessons(course: &CourseStructure, levels: &Levels) -> Vec<Uuid> {
    course
        .lessons
        .iter()
        .filter(|lesson| {
            !lesson.competencies.is_empty()
                && lesson.competencies.iter().all(|c| {
                    levels
                        .get(c)
                        .is_some_and(|level| i64::from(*level) >= i64::from(lesson.level))
                })
        })
        .map(|lesson| lesson.id)
        .collect()
}

impl Platform {
    /// A learner's level per competency, from every quiz and placement test.
    pub async fn levels(&self, user: Uuid) -> JourneyResult<Levels> {
        Ok(self
            .assessment
            .mastery(user)
            .await?
            .into_iter()
            .map(|m| (m.competency, m.level))
            .collect())
    }

    /// Marks as skippable, in every course the learner is enrolled in, the lessons
    /// they master; returns the courses this completed (their records are not issued
    /// here: callers pass them to [`Platform::certify`]).
    pub(crate) async fn apply_mastery(&self, user: Uuid) -> JourneyResult<Vec<CompletedCourse>> {
        let levels = self.levels(user).await?;
        let mut completed = Vec::new();
        if levels.is_empty() {
            return Ok(completed);
        }
        let plans = self.plans();
        for enrolled in self.learning.my_courses(user, plans).await? {
            let Some(structure) = self.courses.structure(enrolled.course_id).await? else {
                continue;
            };
            let mastered = mastered_lessons(&structure, &levels);
            if mastered.is_empty() {
                continue;
            }
            if let Some(plan) = plans.plan(structure.id).await? {
                completed.extend(self.learning.mark_skippable(user, &plan, &mastered).await?);
            }
        }
        Ok(completed)
    }

    /// Applies mastery and issues the records of the courses that completed.
    pub(crate) async fn apply_mastery_and_certify(&self, user: Uuid) -> JourneyResult<()> {
        let completed = self.apply_mastery(user).await?;
        self.certify(user, &completed).await
    }
}

#[cfg(test)]
mod tests {
    use hocvuso_courses::structure::LessonStructure;

    use super::*;

    fn lesson(n: u128, level: i32, competencies: &[&str]) -> LessonStructure {
        LessonStructure {
            id: Uuid::from_u128(n),
            slug: format!("bai-{n}"),
            level,
            competencies: competencies.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    fn course(lessons: Vec<LessonStructure>) -> CourseStructure {
        CourseStructure {
            id: Uuid::from_u128(100),
            code: "c".into(),
            title: "C".into(),
            published: true,
            target_groups: Vec::new(),
            competencies: Vec::new(),
            level: 1,
            sequential: false,
            pass_mark: 70,
            lessons,
        }
    }

    #[test]
    fn a_lesson_is_mastered_only_when_every_competency_reaches_its_level() {
        let course = course(vec![
            lesson(1, 2, &["1.1"]),
            lesson(2, 2, &["1.1", "4.2"]),
            lesson(3, 3, &["1.1"]),
            lesson(4, 1, &[]),
        ]);
        let levels: Levels = [("1.1".to_owned(), 2), ("4.2".to_owned(), 1)].into();
        // Lesson 2 lacks 4.2 at level 2, lesson 3 needs level 3, lesson 4 teaches nothing.
        assert_eq!(mastered_lessons(&course, &levels), vec![Uuid::from_u128(1)]);
        let higher: Levels = [("1.1".to_owned(), 3), ("4.2".to_owned(), 2)].into();
        assert_eq!(
            mastered_lessons(&course, &higher),
            vec![Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3)]
        );
        assert!(mastered_lessons(&course, &Levels::new()).is_empty());
    }
}
