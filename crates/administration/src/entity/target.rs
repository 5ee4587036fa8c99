use sea_orm::entity::prelude::*;

/// One of the plan's targets: the percent of a target group to be confirmed by the end
/// of a year. Rows nobody edited carry the plan's own figure.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "targets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub target_group: String,
    pub percent: i32,
    pub updated_by: Option<Uuid>,
    pub updated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
