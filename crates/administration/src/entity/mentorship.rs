use sea_orm::entity::prelude::*;

/// A mentee and their mentor ("Đại sứ số"); one mentor per mentee at a time.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentorships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub mentee_id: Uuid,
    pub mentor_id: Uuid,
    pub assigned_by: Uuid,
    pub assigned_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
