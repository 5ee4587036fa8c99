//! Courses and content.
//!
//! - the digital competence framework (Circular 02/2025/TT-BGDĐT): 6 domains, 24
//!   component competencies, 8 proficiency levels, as data in `content/`;
//! - courses → modules → lessons, each course for one or more of the four target groups
//!   and aligned to competencies and a level;
//! - [`content`] reads a curriculum folder and reports every problem with file and line;
//!   [`import`] loads it idempotently;
//! - [`catalog`] serves learners: the framework, published courses by target group,
//!   competency, level and text (diacritics optional), outlines and lessons (Markdown
//!   and sanitised HTML, with easy-read versions);
//! - [`authoring`]: trainers build draft courses, order them, publish when complete;
//! - [`media`]: uploaded lesson files, typed by their bytes, served by byte range;
//! - [`search`] ranks courses and lessons for a query, Vietnamese-aware (BM25, tantivy).

pub mod authoring;
pub mod catalog;
pub mod content;
pub mod dto;
pub mod entity;
mod error;
pub mod import;
pub mod markdown;
pub mod media;
pub mod search;

use std::path::Path;

use sea_orm::DatabaseConnection;

pub use error::CoursesError;
pub use import::ImportReport;

#[derive(Clone)]
pub struct Courses {
    db: DatabaseConnection,
    search: search::SearchIndex,
}

impl Courses {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            search: search::SearchIndex::default(),
        }
    }

    /// Ranked matches among published courses and lessons (diacritics optional).
    pub async fn search(
        &self,
        query: &str,
        limit: usize,
    ) -> Result<search::SearchResults, CoursesError> {
        self.search.search(&self.db, query, limit).await
    }

    /// Reads `dir` and imports it; nothing is written when the folder has errors.
    pub async fn import_folder(&self, dir: &Path) -> Result<ImportReport, CoursesError> {
        let curriculum = content::load(dir).map_err(CoursesError::Content)?;
        import::import(&self.db, &curriculum).await
    }
}
