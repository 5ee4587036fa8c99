use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lesson_media")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub lesson_id: Uuid,
    /// `main` (the lesson's video, audio, image or slides), `captions` or `attachment`.
    pub role: String,
    pub blob_key: String,
    /// Sniffed from the bytes, never taken from the client.
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// The uploaded file's name, for display only; never used as a path.
    pub file_name: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
