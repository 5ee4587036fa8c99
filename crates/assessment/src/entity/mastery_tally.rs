use sea_orm::entity::prelude::*;

/// How many questions of one competency and level a learner answered in submitted
/// attempts, and how many of them correctly. Only ever added to.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mastery_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub competency: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub level: i32,
    pub answered: i32,
    pub correct: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
