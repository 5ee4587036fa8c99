//! What the catalog returns.

use hocvuso_kernel::TargetGroup;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Serialize, ToSchema)]
pub struct FrameworkView {
    pub domains: Vec<DomainView>,
    pub levels: Vec<LevelView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DomainView {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub competencies: Vec<CompetencyView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompetencyView {
    pub code: String,
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LevelView {
    pub level: i32,
    /// `foundation`, `intermediate`, `advanced` or `specialised`.
    pub tier: String,
    pub tier_name: String,
    pub description: String,
    pub description_en: String,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogQuery {
    pub target_group: Option<TargetGroup>,
    /// A component competency code such as `4.2`.
    #[validate(length(min = 1, max = 8))]
    #[param(min_length = 1, max_length = 8)]
    pub competency: Option<String>,
    #[validate(range(min = 1, max = 8))]
    #[param(minimum = 1, maximum = 8)]
    pub level: Option<i32>,
    /// Words of the title or summary, with or without diacritics.
    #[validate(length(min = 1, max = 200))]
    #[param(min_length = 1, max_length = 200)]
    pub q: Option<String>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    #[validate(length(max = 512))]
    #[param(max_length = 512)]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseSummary {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub title_en: Option<String>,
    pub summary: String,
    pub summary_en: Option<String>,
    pub target_groups: Vec<TargetGroup>,
    /// Special audiences: `elderly`, `disability`, `small_trader`.
    pub audiences: Vec<String>,
    pub level: i32,
    pub competencies: Vec<String>,
    pub estimated_minutes: i32,
    pub version: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseDetail {
    #[serde(flatten)]
    pub course: CourseSummary,
    /// Lessons unlock in order.
    pub sequential: bool,
    /// Percent needed on the final assessment.
    pub pass_mark: i32,
    pub modules: Vec<ModuleOutline>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleOutline {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub lessons: Vec<LessonOutline>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LessonOutline {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub kind: String,
    pub level: i32,
    pub competencies: Vec<String>,
    pub estimated_minutes: i32,
    /// An easy-read version exists (short sentences, one idea per line).
    pub has_easy_read: bool,
    /// Whole without sight or hearing: a text lesson, or one whose audio or video has a
    /// transcript, or whose image has a description.
    pub accessible: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LessonView {
    pub id: Uuid,
    pub course_code: String,
    pub module_code: String,
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub summary: String,
    pub level: i32,
    pub competencies: Vec<String>,
    pub estimated_minutes: i32,
    /// The lesson as written (Markdown).
    pub markdown: String,
    /// The same, rendered to sanitised HTML.
    pub html: String,
    pub easy_read: Option<EasyRead>,
    /// What an audio or video lesson says.
    pub transcript: Option<String>,
    /// What an image lesson shows.
    pub alt_text: Option<String>,
    /// The lesson's video, audio, image or slides, captions and attachments.
    pub media: Vec<crate::media::MediaView>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EasyRead {
    pub markdown: String,
    pub html: String,
}

/// A course as its author sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthoredCourse {
    #[serde(flatten)]
    pub course: CourseSummary,
    /// `draft`, `published` or `archived`.
    pub status: String,
    pub sequential: bool,
    pub pass_mark: i32,
    pub modules: Vec<ModuleOutline>,
}

/// A view and the entity tag that changes whenever it does.
pub struct Tagged<T> {
    pub value: T,
    pub etag: String,
}
