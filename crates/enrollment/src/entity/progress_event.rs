use sea_orm::entity::prelude::*;

/// A progress event as received, kept by the client's id so a replay changes nothing.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "progress_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: Uuid,
    pub course_id: Uuid,
    pub lesson_id: Uuid,
    pub kind: String,
    pub client_at: DateTimeUtc,
    pub received_at: DateTimeUtc,
    pub position_seconds: Option<i32>,
    pub time_spent_seconds: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
