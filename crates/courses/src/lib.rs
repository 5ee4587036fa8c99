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
//!   [`direct`]: presigned uploads and downloads when the store is S3-compatible;
//! - [`corpus`]: published lessons as plain-text sections, for the learning assistant;
//! - [`search`] ranks courses and lessons for a query, Vietnamese-aware (BM25, tantivy);
//! - [`structure`]: a course's target groups and lesson order, for learning and assessment.

pub mod authoring;
pub mod catalog;
pub mod content;
pub mod corpus;
pub mod direct;
pub mod dto;
pub mod entity;
mod error;
pub mod import;
pub mod markdown;
pub mod media;
pub mod search;
pub mod structure;

use std::path::Path;
use std::sync::Arc;

use hocvuso_kernel::db::Db;

pub use error::CoursesError;
pub use import::ImportReport;

/// Published views served from memory for a moment: a lesson is read by thousands of
/// learners between two edits. Edits on this server clear it at once; other servers of a
/// deployment catch up within the time to live.
const VIEW_TTL: std::time::Duration = std::time::Duration::from_secs(2);

type ViewCache<T> = moka::future::Cache<(String, String), Arc<dto::Tagged<T>>>;

#[derive(Clone)]
pub struct Courses {
    db: Db,
    search: search::SearchIndex,
    lessons: ViewCache<dto::LessonView>,
    outlines: ViewCache<dto::CourseDetail>,
    structures: moka::future::Cache<uuid::Uuid, Arc<structure::CourseStructure>>,
    /// Course ids by code: every learner request names its course by code.
    ids: moka::future::Cache<String, uuid::Uuid>,
}

fn view_cache<T: Send + Sync + 'static>() -> ViewCache<T> {
    moka::future::Cache::builder()
        .max_capacity(20_000)
        .time_to_live(VIEW_TTL)
        .build()
}

impl Courses {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            search: search::SearchIndex::default(),
            lessons: view_cache(),
            outlines: view_cache(),
            structures: moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(VIEW_TTL)
                .build(),
            ids: moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(VIEW_TTL)
                .build(),
        }
    }

    /// Forgets cached views after a change.
    pub(crate) fn forget_views(&self) {
        self.lessons.invalidate_all();
        self.outlines.invalidate_all();
        self.structures.invalidate_all();
        self.ids.invalidate_all();
    }

    /// A published course and its outline (cached briefly).
    pub async fn course(
        &self,
        code: &str,
    ) -> Result<Arc<dto::Tagged<dto::CourseDetail>>, CoursesError> {
        let key = (code.to_owned(), String::new());
        if let Some(hit) = self.outlines.get(&key).await {
            return Ok(hit);
        }
        let view = Arc::new(self.load_course(code).await?);
        self.outlines.insert(key, view.clone()).await;
        Ok(view)
    }

    /// A lesson of a published course (cached briefly).
    pub async fn lesson(
        &self,
        code: &str,
        slug: &str,
    ) -> Result<Arc<dto::Tagged<dto::LessonView>>, CoursesError> {
        let key = (code.to_owned(), slug.to_owned());
        if let Some(hit) = self.lessons.get(&key).await {
            return Ok(hit);
        }
        let view = Arc::new(self.load_lesson(code, slug).await?);
        self.lessons.insert(key, view.clone()).await;
        Ok(view)
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
        let report = import::import(&self.db, &curriculum).await;
        self.forget_views();
        report
    }
}
