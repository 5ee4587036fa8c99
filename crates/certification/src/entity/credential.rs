use sea_orm::entity::prelude::*;

/// An issued completion record. The signed token is kept exactly as issued; revocation
/// and replacement are recorded beside it, never by changing it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub user_id: Uuid,
    pub course_id: Uuid,
    /// `user:course` while this is the learner's current record for the course.
    pub current_key: Option<String>,
    pub status_list: i32,
    pub status_index: i32,
    pub token: String,
    pub kid: String,
    pub holder_name: String,
    pub score_percent: i32,
    pub issued_at: DateTimeUtc,
    pub valid_until: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revocation_reason: Option<String>,
    pub revoked_by: Option<Uuid>,
    /// The record this one was re-issued in place of.
    pub replaces: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
