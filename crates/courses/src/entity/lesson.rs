use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lessons")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub course_id: Uuid,
    pub module_id: Uuid,
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub summary: String,
    /// Markdown, as written.
    pub body: String,
    /// The Markdown rendered and sanitised once, when stored.
    pub body_html: String,
    pub easy_read: Option<String>,
    pub easy_read_html: Option<String>,
    /// What an audio or video lesson says, for learners who cannot hear it.
    pub transcript: Option<String>,
    /// What an image lesson shows, for learners who cannot see it.
    pub alt_text: Option<String>,
    pub level: i32,
    /// Competency codes, comma-separated (`4.2,2.6`).
    pub competencies: String,
    pub estimated_minutes: i32,
    /// Order within the course (0-based, across modules).
    pub position: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
