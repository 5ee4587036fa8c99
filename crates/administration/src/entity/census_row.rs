use sea_orm::entity::prelude::*;

/// A person as reports count them, refreshed from the identity, learning and
/// certification domains (see [`crate::census`]).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_census")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub unit_id: Option<Uuid>,
    pub target_group: Option<String>,
    pub household: Option<String>,
    pub registered_at: DateTimeUtc,
    pub identity_verified: bool,
    pub enrolled_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    pub certified_from: Option<DateTimeUtc>,
    pub certified_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
