use sea_orm::entity::prelude::*;

/// A class's sign-up window: its code lets up to `max_signups` people register, until
/// `expires_at`, into the class.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "class_signups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub class_id: Uuid,
    pub opened_by: Uuid,
    pub expires_at: DateTimeUtc,
    pub max_signups: i32,
    pub used: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
