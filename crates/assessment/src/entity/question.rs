use sea_orm::entity::prelude::*;

/// One question of a course's bank.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "questions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub course_id: Uuid,
    /// The `id` of the question in `questions.toml`; unique within the course.
    pub code: String,
    pub competency: String,
    pub level: i32,
    /// `single_choice`, `multiple_choice`, `true_false`, `ordering` or `short_answer`.
    pub kind: String,
    pub prompt: String,
    /// JSON array of strings; for `ordering`, the items in the correct order.
    pub options: String,
    /// JSON array of the zero-based indexes of the correct options (choice types).
    pub answer: String,
    pub answer_bool: Option<bool>,
    /// JSON array of accepted short answers.
    pub accepted: String,
    pub diacritics_insensitive: bool,
    pub explanation: String,
    /// `content` (imported from `questions.toml`) or `trainer` (written on the platform).
    pub origin: String,
    /// SHA-256 of the question as last imported; a re-import skips it while unchanged,
    /// so a trainer's edit survives until the file itself changes.
    pub content_hash: Option<String>,
    pub version: i32,
    /// Retired questions stay for the attempts that used them but are never drawn.
    pub retired_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
