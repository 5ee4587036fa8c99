use sea_orm::entity::prelude::*;

/// A learner's progress in one lesson, merged from every event received for it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lesson_progress")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub lesson_id: Uuid,
    pub course_id: Uuid,
    /// The earliest "started" (client time).
    pub started_at: Option<DateTimeUtc>,
    /// The earliest "completed" (client time); once set, never cleared.
    pub completed_at: Option<DateTimeUtc>,
    /// Position in an audio or video lesson, from the latest event by client time.
    pub position_seconds: i32,
    pub position_at: Option<DateTimeUtc>,
    pub time_spent_seconds: i64,
    /// Already mastered (placement test): counts as done, may be skipped.
    pub skippable: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
