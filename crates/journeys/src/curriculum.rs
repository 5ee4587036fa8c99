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
