//! Certification: the completion records that confirm a learner has the skills a course
//! teaches, which anyone can verify without asking us.
//!
//! - [`credential`]: a record is an Open Badges 3.0 `OpenBadgeCredential` (W3C VC 2.0)
//!   signed as a VC-JWT with Ed25519 from the [`keyring`]; what its subject carries,
//!   and why, is documented there;
//! - [`issue`]: a completed course yields one record, once, with a short
//!   [`code`] to read aloud and an entry in a [`status_list`];
//! - [`verify`]: by code or by token: `valid`, `revoked`, `expired`, `not_found` or
//!   `bad_signature`, with the claims;
//! - [`revoke`]: administrators revoke with a reason, or re-issue after a correction;
//!   every change is kept in an audit trail;
//! - [`export`]: records a page at a time, oldest first, for exports that resume;
//! - [`page`] and [`certificate`]: the public HTML page a QR code opens, PDF
//!   certificates, and many of them streamed as one ZIP.
//!
//! Reports ask whether a person was certified through [`census`], never the tables.
//!
//! Who completed what, and who may revoke whose record, are the other domains'
//! answers; the server passes them in.

pub mod census;
pub mod certificate;
pub mod code;
pub mod credential;
pub mod dto;
pub mod entity;
mod error;
pub mod export;
pub mod issue;
pub mod keyring;
pub mod page;
pub mod revoke;
pub mod status_list;
pub mod verify;

use std::sync::Arc;

use chrono::Duration;
use hocvuso_kernel::db::Db;
use serde_json::Value;

pub use code::VerificationCode;
pub use credential::{AchievementSpec, Competency, Holder, IdentityCheck};
pub use error::CertificationError;
pub use keyring::{Jwks, KeyRing};

/// The organisation that issues records, and where its public endpoints live.
#[derive(Debug, Clone)]
pub struct IssuerProfile {
    /// The base URL the public reaches this server at, without a trailing slash.
    pub public_url: String,
    pub name: String,
}

impl IssuerProfile {
    pub fn id(&self) -> String {
        format!("{}/api/v1/issuer", self.public_url)
    }

    pub fn status_list_url(&self, list: i32) -> String {
        format!("{}/api/v1/status-lists/{list}", self.public_url)
    }

    pub fn page_url(&self, code: &str) -> String {
        format!("{}/v/{code}", self.public_url)
    }

    /// The Open Badges `Profile`, as embedded in records and served at [`Self::id`].
    pub fn profile_json(&self) -> Value {
        serde_json::json!({
            "id": self.id(),
            "type": ["Profile"],
            "name": self.name,
            "url": self.public_url,
        })
    }
}

/// How records are issued.
#[derive(Clone)]
pub struct CertificationConfig {
    pub issuer: IssuerProfile,
    pub keys: KeyRing,
    /// The key of the keyed hash of citizen IDs in records, shared with the identity
    /// platform that matches records to citizens.
    pub subject_key: [u8; 32],
    /// Records expire this long after issue; never when `None` (the default).
    pub validity: Option<Duration>,
}

#[derive(Clone)]
pub struct Certification {
    db: Db,
    config: Arc<CertificationConfig>,
    verified: verify::VerifiedCache,
    /// The status list new records take entries from, once known (0: not yet).
    list: Arc<std::sync::atomic::AtomicI32>,
}

impl Certification {
    pub fn new(db: Db, config: CertificationConfig) -> Self {
        Self {
            db,
            config: Arc::new(config),
            verified: verify::VerifiedCache::default(),
            list: Arc::default(),
        }
    }

    pub fn issuer(&self) -> &IssuerProfile {
        &self.config.issuer
    }

    pub fn jwks(&self) -> Jwks {
        self.config.keys.jwks()
    }
}
