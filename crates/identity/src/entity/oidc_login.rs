use sea_orm::entity::prelude::*;

/// A sign-in started at the identity provider and not yet finished. Kept in the
/// database, not in memory, so any server behind the load balancer can finish it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oidc_logins")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub expires_at: DateTimeUtc,
    /// SHA-256 of the secret handed to the client that started the sign-in; finishing
    /// needs it, so a sign-in started by one client cannot be finished by another.
    pub binding_hash: Option<String>,
    /// Set when a signed-in person links VNeID to their own account.
    pub link_user_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
