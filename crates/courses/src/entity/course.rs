use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "courses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub title_en: Option<String>,
    pub summary: String,
    pub summary_en: Option<String>,
    pub level: i32,
    pub estimated_minutes: i32,
    pub sequential: bool,
    pub pass_mark: i32,
    /// `draft`, `published` or `archived`.
    pub status: String,
    /// Grows with every change learners can see; part of the ETag.
    pub version: i32,
    /// The trainer who authors it; none for the shipped curriculum.
    pub owner_id: Option<Uuid>,
    /// Title and summary folded (no diacritics, lower case), for text filters.
    pub search_text: String,
    /// SHA-256 of the course's files when imported, so an unchanged re-import does nothing.
    pub content_hash: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
