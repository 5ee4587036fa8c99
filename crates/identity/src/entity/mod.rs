//! The identity tables, as sea-orm entities. Only this crate reads or writes them.

pub mod admin_scope;
pub mod external_identity;
pub mod oidc_login;
pub mod refresh_token;
pub mod unit;
pub mod user;
