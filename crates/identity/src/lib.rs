//! Identity and access.
//!
//! - accounts and sessions ([`accounts`]): registration with phone or email, sign-in,
//!   short-lived access tokens and rotating refresh tokens ([`tokens`]);
//! - roles (`learner`, `trainer`, `admin`) and administrative units ([`units`]): a tree
//!   of wards, residential groups, agencies, schools and enterprises; administrators act
//!   only within the units they are scoped to;
//! - learner profiles ([`profile`]): target group, unit, household, disability, language,
//!   and the citizen ID ([`cccd`]), validated, encrypted at rest and found by keyed hash
//!   ([`pii`]), shown masked to anyone who does not need it whole.
//!
//! - resident lists ([`residents`]): an administrator's spreadsheet rows, each checked on
//!   its own, created or updated idempotently by the citizen ID's keyed hash.
//!
//! - sign-in through the national identity provider ([`oidc`]): an OpenID Connect
//!   relying party that creates or links the learner and marks them identity-verified.
//!
//! Passwords are hashed with Argon2id ([`password`]). Nothing here knows about HTTP servers.

pub mod accounts;
pub mod cccd;
pub mod census;
pub mod contact;
pub mod dto;
pub mod entity;
mod error;
pub mod oidc;
pub mod password;
pub mod pii;
pub mod profile;
pub mod provenance;
pub mod residents;
pub mod tokens;
pub mod units;

use chrono::Duration;
use hocvuso_kernel::db::Db;

pub use error::IdentityError;
pub use oidc::{OidcSettings, OidcSignIn};
pub use pii::PiiVault;
pub use provenance::{CccdSource, FactSource, IdentityEvidence};
pub use tokens::AccessTokens;

/// The identity service: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Identity {
    db: Db,
    tokens: AccessTokens,
    vault: PiiVault,
    refresh_ttl: Duration,
    oidc: Option<OidcSignIn>,
    /// Target groups, read for every question to the assistant: kept a little while,
    /// and forgotten on this server when a profile changes.
    groups: moka::future::Cache<uuid::Uuid, Option<hocvuso_kernel::TargetGroup>>,
    /// Whether a session was ended, by family id, for a few seconds.
    ended_sessions: moka::future::Cache<uuid::Uuid, bool>,
    /// How long a session lasts however often it is refreshed.
    session_lifetime: Duration,
}

/// How long a session lasts at most, however often it is refreshed: then its holder
/// signs in again.
pub const SESSION_LIFETIME_DAYS: i64 = 90;

impl Identity {
    pub fn new(
        db: Db,
        tokens: AccessTokens,
        vault: PiiVault,
        refresh_ttl: Duration,
        oidc: Option<OidcSignIn>,
    ) -> Self {
        Self {
            db,
            tokens,
            vault,
            refresh_ttl,
            oidc,
            groups: moka::future::Cache::builder()
                .max_capacity(200_000)
                .time_to_live(std::time::Duration::from_secs(30))
                .build(),
            ended_sessions: moka::future::Cache::builder()
                .max_capacity(500_000)
                .time_to_live(std::time::Duration::from_secs(2))
                .build(),
            session_lifetime: Duration::days(SESSION_LIFETIME_DAYS),
        }
    }

    pub fn tokens(&self) -> &AccessTokens {
        &self.tokens
    }
}
