use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub role: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub full_name: String,
    pub birth_date: Option<Date>,
    pub sex: Option<String>,
    pub target_group: Option<String>,
    /// Who set the target group: `self` (declared once), `administrator` or `import`.
    pub target_group_source: Option<String>,
    pub unit_id: Option<Uuid>,
    /// A unit the person asked to join; an administrator of that unit confirms it.
    pub requested_unit_id: Option<Uuid>,
    pub household: Option<String>,
    pub disability: Option<String>,
    pub preferred_language: String,
    pub cccd_encrypted: Option<Vec<u8>>,
    /// Set only for a citizen ID from a trusted source (see [`crate::CccdSource`]).
    pub cccd_hash: Option<String>,
    pub cccd_source: Option<String>,
    pub identity_verified: bool,
    pub identity_assurance: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
