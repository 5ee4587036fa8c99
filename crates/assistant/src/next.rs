//! The next step for every learner: what to continue, what to finish, and which courses
//! to start, from their target group, placement test and competency levels. Elderly
//! learners and learners with a disability are pointed at easy-read versions and at
//! courses written for them, and away from lessons they could not take in whole.
//!
//! Pure: the server gathers the facts from the other domains.

use std::collections::HashMap;

use hocvuso_kernel::TargetGroup;
use serde::Serialize;
use utoipa::ToSchema;

/// Steps recommended at most.
const STEPS: usize = 6;
/// New courses recommended at most.
const NEW_COURSES: usize = 3;

pub struct LearnerFacts {
    pub target_group: Option<TargetGroup>,
    pub elderly: bool,
    pub disability: bool,
    pub placement_taken: bool,
    /// Level per competency code, from placement tests and quizzes.
    pub mastery: HashMap<String, u32>,
}

impl LearnerFacts {
    fn needs_easy_read(&self) -> bool {
        self.elderly || self.disability
    }

    fn level_in(&self, competency: &str) -> u32 {
        self.mastery.get(competency).copied().unwrap_or(0)
    }
}

/// A course the learner is or was enrolled in, latest activity first.
pub struct EnrolmentFacts {
    pub course_code: String,
    /// `active`, `completed` or `withdrawn`.
    pub status: String,
    pub resume_lesson: Option<String>,
    pub final_assessment_required: bool,
    pub final_assessment_passed: bool,
}

/// A published course open to the learner's target group.
pub struct CourseFacts {
    pub code: String,
    pub title: String,
    pub level: i32,
    pub competencies: Vec<String>,
    pub audiences: Vec<String>,
    pub estimated_minutes: i32,
    /// In course order.
    pub lessons: Vec<LessonFacts>,
}

pub struct LessonFacts {
    pub slug: String,
    pub title: String,
    pub level: i32,
    pub competencies: Vec<String>,
    pub has_easy_read: bool,
    pub accessible: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Set the target group in the profile: courses open by group.
    CompleteProfile,
    /// Go on with a lesson of a course in progress.
    ContinueLesson,
    /// Every lesson is done; the final quiz is what is left.
    FinalAssessment,
    /// A short test that marks what the learner already knows as skippable.
    PlacementTest,
    /// Enrol in a course, starting at the lesson given.
    StartCourse,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NextStep {
    pub kind: StepKind,
    pub course_code: Option<String>,
    pub course_title: Option<String>,
    pub lesson_slug: Option<String>,
    pub lesson_title: Option<String>,
    /// Open the lesson's easy-read version (for elderly learners and learners with a
    /// disability, when the lesson has one).
    pub easy_read: bool,
    /// Where to go in the API (a lesson, a course, the quiz or the placement test).
    pub path: String,
    /// The competencies the step builds.
    pub competencies: Vec<String>,
    /// Why: `profile_incomplete`, `in_progress`, `quiz_left`, `placement_not_taken`,
    /// `suits_you`, `fills_gap`.
    pub reason_code: &'static str,
    pub reason: String,
    pub reason_en: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NextSteps {
    /// Most useful first.
    pub steps: Vec<NextStep>,
}

fn step(
    kind: StepKind,
    path: String,
    reason_code: &'static str,
    reason: String,
    reason_en: String,
) -> NextStep {
    NextStep {
        kind,
        course_code: None,
        course_title: None,
        lesson_slug: None,
        lesson_title: None,
        easy_read: false,
        path,
        competencies: Vec::new(),
        reason_code,
        reason,
        reason_en,
    }
}

fn lesson_path(course: &str, lesson: &str) -> String {
    format!("/api/v1/courses/{course}/lessons/{lesson}")
}

/// The first lesson of a course that the learner has not shown they master.
fn first_to_learn<'a>(learner: &LearnerFacts, course: &'a CourseFacts) -> Option<&'a LessonFacts> {
    let mastered = |lesson: &LessonFacts| {
        !lesson.competencies.is_empty()
            && lesson
                .competencies
                .iter()
                .all(|c| i64::from(learner.level_in(c)) >= i64::from(lesson.level))
    };
    course
        .lessons
        .iter()
        .find(|l| !mastered(l))
        .or_else(|| course.lessons.first())
}

/// How well a new course suits the learner, or `None` when they master all it teaches.
fn fit(learner: &LearnerFacts, course: &CourseFacts) -> Option<(f32, Vec<String>, bool)> {
    let gaps: Vec<String> = course
        .competencies
        .iter()
        .filter(|c| i64::from(learner.level_in(c)) < i64::from(course.level))
        .cloned()
        .collect();
    if gaps.is_empty() && !course.competencies.is_empty() {
        return None;
    }
    // The next level up from where the learner stands suits best.
    let standing = gaps.iter().map(|c| learner.level_in(c)).min().unwrap_or(0);
    let distance = (i64::from(course.level) - i64::from(standing) - 1).abs() as f32;
    let mut score = gaps.len() as f32 * 0.5 - distance;
    let written_for = (learner.elderly && course.audiences.iter().any(|a| a == "elderly"))
        || (learner.disability && course.audiences.iter().any(|a| a == "disability"));
    if written_for {
        score += 2.0;
    }
    if learner.disability && course.lessons.iter().any(|l| !l.accessible) {
        score -= 1.5;
    }
    if learner.needs_easy_read() && course.lessons.iter().any(|l| l.has_easy_read) {
        score += 0.5;
    }
    Some((score, gaps, written_for))
}

pub fn next_steps(
    learner: &LearnerFacts,
    enrolments: &[EnrolmentFacts],
    courses: &[CourseFacts],
) -> NextSteps {
    let mut steps = Vec::new();
    if learner.target_group.is_none() {
        steps.push(step(
            StepKind::CompleteProfile,
            "/api/v1/me".into(),
            "profile_incomplete",
            "Hãy chọn nhóm đối tượng của bạn trong hồ sơ để xem các khoá học dành cho bạn.".into(),
            "Choose your target group in your profile to see the courses for you.".into(),
        ));
        return NextSteps { steps };
    }
    let course_by_code: HashMap<&str, &CourseFacts> =
        courses.iter().map(|c| (c.code.as_str(), c)).collect();
    for enrolment in enrolments.iter().filter(|e| e.status == "active") {
        let course = course_by_code.get(enrolment.course_code.as_str());
        let title = course.map(|c| c.title.clone());
        if let Some(slug) = &enrolment.resume_lesson {
            let lesson = course.and_then(|c| c.lessons.iter().find(|l| &l.slug == slug));
            steps.push(NextStep {
                course_code: Some(enrolment.course_code.clone()),
                course_title: title.clone(),
                lesson_slug: Some(slug.clone()),
                lesson_title: lesson.map(|l| l.title.clone()),
                easy_read: learner.needs_easy_read() && lesson.is_some_and(|l| l.has_easy_read),
                competencies: lesson.map(|l| l.competencies.clone()).unwrap_or_default(),
                ..step(
                    StepKind::ContinueLesson,
                    lesson_path(&enrolment.course_code, slug),
                    "in_progress",
                    "Bạn đang học dở khoá này: học tiếp từ bài này.".into(),
                    "You are part-way through this course: carry on from this lesson.".into(),
                )
            });
        } else if enrolment.final_assessment_required && !enrolment.final_assessment_passed {
            steps.push(NextStep {
                course_code: Some(enrolment.course_code.clone()),
                course_title: title,
                ..step(
                    StepKind::FinalAssessment,
                    format!("/api/v1/me/courses/{}/quiz", enrolment.course_code),
                    "quiz_left",
                    "Bạn đã học xong các bài: làm bài kiểm tra cuối khoá để hoàn thành.".into(),
                    "You have done every lesson: take the final quiz to complete the course."
                        .into(),
                )
            });
        }
    }
    if !learner.placement_taken {
        steps.push(step(
            StepKind::PlacementTest,
            "/api/v1/me/placement".into(),
            "placement_not_taken",
            "Làm bài kiểm tra đầu vào ngắn: những gì bạn đã biết sẽ được bỏ qua.".into(),
            "Take the short placement test: what you already know will be skipped.".into(),
        ));
    }
    let taken: Vec<&str> = enrolments
        .iter()
        .filter(|e| e.status != "withdrawn")
        .map(|e| e.course_code.as_str())
        .collect();
    let mut candidates: Vec<(f32, Vec<String>, bool, &CourseFacts)> = courses
        .iter()
        .filter(|c| !taken.contains(&c.code.as_str()))
        .filter_map(|c| {
            fit(learner, c).map(|(score, gaps, written_for)| (score, gaps, written_for, c))
        })
        .collect();
    candidates.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.3.estimated_minutes.cmp(&b.3.estimated_minutes))
            .then(a.3.code.cmp(&b.3.code))
    });
    for (_, gaps, written_for, course) in candidates.into_iter().take(NEW_COURSES) {
        let lesson = first_to_learn(learner, course);
        let (reason_code, reason, reason_en) = if written_for {
            (
                "suits_you",
                "Khoá học được soạn cho người như bạn, với bài dễ đọc và từng bước.".to_owned(),
                "A course written for learners like you, easy to read and step by step.".to_owned(),
            )
        } else {
            (
                "fills_gap",
                format!("Giúp bạn nâng năng lực {}.", gaps.join(", ")),
                format!(
                    "Builds competencies you have yet to show: {}.",
                    gaps.join(", ")
                ),
            )
        };
        steps.push(NextStep {
            course_code: Some(course.code.clone()),
            course_title: Some(course.title.clone()),
            lesson_slug: lesson.map(|l| l.slug.clone()),
            lesson_title: lesson.map(|l| l.title.clone()),
            easy_read: learner.needs_easy_read() && lesson.is_some_and(|l| l.has_easy_read),
            competencies: gaps,
            ..step(
                StepKind::StartCourse,
                format!("/api/v1/courses/{}", course.code),
                reason_code,
                reason,
                reason_en,
            )
        });
    }
    steps.truncate(STEPS);
    NextSteps { steps }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(slug: &str, level: i32, competency: &str, easy: bool) -> LessonFacts {
        LessonFacts {
            slug: slug.into(),
            title: slug.into(),
            level,
            competencies: vec![competency.into()],
            has_easy_read: easy,
            accessible: true,
        }
    }

    fn course(code: &str, level: i32, competency: &str, audiences: &[&str]) -> CourseFacts {
        CourseFacts {
            code: code.into(),
            title: code.into(),
            level,
            competencies: vec![competency.into()],
            audiences: audiences.iter().map(|a| a.to_string()).collect(),
            estimated_minutes: 60,
            lessons: vec![
                lesson("a", 1, competency, false),
                lesson("b", level, competency, true),
            ],
        }
    }

    fn learner(mastery: &[(&str, u32)], elderly: bool) -> LearnerFacts {
        LearnerFacts {
            target_group: Some(TargetGroup::Citizen),
            elderly,
            disability: false,
            placement_taken: true,
            mastery: mastery.iter().map(|(c, l)| (c.to_string(), *l)).collect(),
        }
    }

    fn kinds(steps: &NextSteps) -> Vec<(StepKind, Option<&str>)> {
        steps
            .steps
            .iter()
            .map(|s| (s.kind, s.course_code.as_deref()))
            .collect()
    }

    #[test]
    fn without_a_target_group_the_profile_comes_first() {
        let mut facts = learner(&[], false);
        facts.target_group = None;
        let steps = next_steps(&facts, &[], &[course("x", 1, "1.1", &[])]);
        assert_eq!(kinds(&steps), [(StepKind::CompleteProfile, None)]);
    }

    #[test]
    fn continues_before_starting_and_skips_what_is_mastered() {
        let courses = [
            course("doing", 1, "1.1", &[]),
            course("mastered", 2, "2.1", &[]),
            course("next", 3, "3.1", &[]),
        ];
        let enrolments = [EnrolmentFacts {
            course_code: "doing".into(),
            status: "active".into(),
            resume_lesson: Some("b".into()),
            final_assessment_required: true,
            final_assessment_passed: false,
        }];
        let facts = learner(&[("2.1", 2), ("3.1", 2)], false);
        let steps = next_steps(&facts, &enrolments, &courses);
        assert_eq!(
            kinds(&steps),
            [
                (StepKind::ContinueLesson, Some("doing")),
                (StepKind::StartCourse, Some("next"))
            ]
        );
        // Level 2 in 3.1 shown: the level-1 lesson is skipped.
        assert_eq!(steps.steps[1].lesson_slug.as_deref(), Some("b"));
        assert!(!steps.steps[0].easy_read);
    }

    #[test]
    fn elderly_learners_get_courses_written_for_them_in_easy_read() {
        let courses = [
            course("general", 1, "1.1", &[]),
            course("for-elders", 2, "4.2", &["elderly"]),
        ];
        let steps = next_steps(&learner(&[], true), &[], &courses);
        assert_eq!(steps.steps[0].course_code.as_deref(), Some("for-elders"));
        assert_eq!(steps.steps[0].reason_code, "suits_you");
        let young = next_steps(&learner(&[], false), &[], &courses);
        assert_eq!(young.steps[0].course_code.as_deref(), Some("general"));
        let starts_easy = next_steps(&learner(&[("4.2", 1)], true), &[], &courses[1..]);
        assert_eq!(starts_easy.steps[0].lesson_slug.as_deref(), Some("b"));
        assert!(starts_easy.steps[0].easy_read);
    }

    #[test]
    fn placement_is_suggested_until_taken_and_the_quiz_when_lessons_are_done() {
        let mut facts = learner(&[], false);
        facts.placement_taken = false;
        let enrolments = [EnrolmentFacts {
            course_code: "done".into(),
            status: "active".into(),
            resume_lesson: None,
            final_assessment_required: true,
            final_assessment_passed: false,
        }];
        let steps = next_steps(&facts, &enrolments, &[course("done", 1, "1.1", &[])]);
        assert_eq!(
            kinds(&steps),
            [
                (StepKind::FinalAssessment, Some("done")),
                (StepKind::PlacementTest, None)
            ]
        );
    }
}
