//! The shipped curriculum: courses and lessons (courses domain) and their question banks
//! (assessment domain), read from one folder and imported together. A folder with any
//! error imports nothing.

use std::path::Path;

use hocvuso_assessment::Assessment;
use hocvuso_assessment::dto::BankImportReport;
use hocvuso_courses::{Courses, CoursesError, ImportReport};

#[derive(Debug, thiserror::Error)]
pub enum CurriculumError {
    /// Every problem found, as `file:line: message`.
    #[error("{} errors in the curriculum; nothing imported", .0.len())]
    Invalid(Vec<String>),
    #[error("{0}")]
    Failed(String),
}

pub struct CurriculumReport {
    pub courses: ImportReport,
    pub questions: BankImportReport,
    /// Courses whose bank has fewer than three draws' worth of questions: (code, have,
    /// need). Still served; trainers' courses could not be published so.
    pub short_banks: Vec<(String, usize, usize)>,
}

pub async fn import(
    courses: &Courses,
    assessment: &Assessment,
    dir: &Path,
) -> Result<CurriculumReport, CurriculumError> {
    let banks = hocvuso_assessment::load_banks(dir).map_err(|errors| {
        CurriculumError::Invalid(errors.iter().map(ToString::to_string).collect())
    })?;
    let course_report = courses.import_folder(dir).await.map_err(|e| match e {
        CoursesError::Content(errors) => {
            CurriculumError::Invalid(errors.iter().map(ToString::to_string).collect())
        }
        other => CurriculumError::Failed(other.to_string()),
    })?;
    // A clashing code is a trainer's course: the shipped bank is not theirs.
    let clashes = &course_report.clashes;
    let ids: std::collections::HashMap<_, _> = courses
        .course_ids()
        .await
        .map_err(|e| CurriculumError::Failed(e.to_string()))?
        .into_iter()
        .filter(|(code, _)| !clashes.contains(code))
        .collect();
    let banks: Vec<_> = banks
        .into_iter()
        .filter(|bank| !clashes.contains(&bank.course_code))
        .collect();
    let questions = assessment
        .import_banks(&banks, &ids)
        .await
        .map_err(|e| CurriculumError::Failed(e.to_string()))?;
    // Shipped courses are served with whatever bank they have; the report says which
    // are too small to publish as a trainer's course would have to be.
    let short_banks = assessment
        .short_banks(&ids)
        .await
        .map_err(|e| CurriculumError::Failed(e.to_string()))?;
    for (code, have, need) in &short_banks {
        tracing::warn!(course = %code, have, need, "a shipped course's question bank is smaller than three draws");
    }
    Ok(CurriculumReport {
        courses: course_report,
        questions,
        short_banks,
    })
}

impl crate::Platform {
    /// Imports the curriculum folder `dir` into this platform (at start).
    pub async fn import_curriculum(&self, dir: &Path) -> Result<CurriculumReport, CurriculumError> {
        import(&self.courses, &self.assessment, dir).await
    }
}

/// The editorial rules of the shipped curriculum, checked on the folder itself: what the
/// import accepts is not all an editor must keep.
#[cfg(test)]
mod rules {
    use std::path::PathBuf;

    use hocvuso_assessment::dto::QuizSettingsUpdate;

    fn shipped() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../content")
    }

    #[test]
    fn every_bank_holds_three_draws() {
        let need = 3 * QuizSettingsUpdate::default().question_count as usize;
        let banks = hocvuso_assessment::load_banks(&shipped()).expect("the banks load");
        let short: Vec<String> = banks
            .iter()
            .filter(|b| b.questions.len() < need)
            .map(|b| format!("{} has {}", b.course_code, b.questions.len()))
            .collect();
        assert!(short.is_empty(), "banks below {need} questions: {short:?}");
    }

    #[test]
    fn every_lesson_for_the_elderly_has_an_easy_read_version() {
        let curriculum = hocvuso_courses::content::load(&shipped()).expect("the curriculum loads");
        let missing: Vec<String> = curriculum
            .courses
            .iter()
            .filter(|c| c.manifest.audiences.iter().any(|a| a == "elderly"))
            .flat_map(|c| {
                c.lessons
                    .iter()
                    .filter(|l| l.easy_read.is_none())
                    .map(move |l| format!("{}/{}", c.manifest.code, l.slug))
            })
            .collect();
        assert!(missing.is_empty(), "no easy-read version: {missing:?}");
    }

    #[test]
    fn no_lesson_teaches_a_superseded_law_and_dated_facts_name_their_sources() {
        let curriculum = hocvuso_courses::content::load(&shipped()).expect("the curriculum loads");
        let mut faults = Vec::new();
        for course in &curriculum.courses {
            for lesson in &course.lessons {
                let place = format!("{}/{}", course.manifest.code, lesson.slug);
                let text = format!(
                    "{}\n{}",
                    lesson.body,
                    lesson.easy_read.as_deref().unwrap_or_default()
                );
                // Decree 13/2023 may be named only as what Law 91/2025 replaced.
                if text.contains("13/2023") && !text.contains("91/2025") {
                    faults.push(format!("{place}: cites Decree 13/2023 as in force"));
                }
                if text.contains("91/2025") && lesson.front.checked.is_none() {
                    faults.push(format!("{place}: teaches Law 91/2025 without `checked`"));
                }
            }
        }
        let banks = hocvuso_assessment::load_banks(&shipped()).expect("the banks load");
        for bank in &banks {
            for question in &bank.questions {
                let text = format!(
                    "{} {} {} {}",
                    question.prompt,
                    question.options.join(" "),
                    question.accepted.join(" "),
                    question.explanation
                );
                if text.contains("13/2023") && !text.contains("91/2025") {
                    faults.push(format!(
                        "{} {}: asks about Decree 13/2023 as in force",
                        bank.course_code, question.code
                    ));
                }
            }
        }
        assert!(faults.is_empty(), "{faults:#?}");
    }
}
