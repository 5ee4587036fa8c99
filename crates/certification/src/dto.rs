//! What the certification API sends and receives.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// An issued record, as its holder and administrators see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CredentialView {
    pub id: Uuid,
    /// The verification code, grouped for reading: `7KQ2M-9XH4D`.
    pub code: String,
    pub course_id: Uuid,
    pub course_title: String,
    pub holder_name: String,
    pub score_percent: u32,
    pub issued_at: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revocation_reason: Option<String>,
    /// The record this one replaced, after a correction.
    pub replaces: Option<Uuid>,
    /// The public verification page; its QR code is on the certificate.
    pub verification_url: String,
    /// The signed credential (VC-JWT, `application/vc+jwt`), to hand to any verifier.
    pub token: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    Valid,
    Revoked,
    Expired,
    NotFound,
    BadSignature,
}

impl VerificationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
            Self::NotFound => "not_found",
            Self::BadSignature => "bad_signature",
        }
    }
}

/// The answer to "is this record genuine and in force?".
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Verification {
    pub status: VerificationStatus,
    pub checked_at: DateTime<Utc>,
    pub code: Option<String>,
    pub holder_name: Option<String>,
    pub course_title: Option<String>,
    pub issued_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The code of the record re-issued in place of a revoked one.
    pub replaced_by: Option<String>,
    /// The credential's claims (the JWT payload) when the signature is ours; looked up by
    /// code, without the keyed hash of the holder's citizen ID (which would link their
    /// other records for anyone who scanned one).
    #[schema(value_type = Option<Object>)]
    pub credential: Option<Value>,
}

impl Verification {
    /// A verdict with nothing to show beyond its status (not found, bad signature).
    pub fn bare(status: VerificationStatus, checked_at: DateTime<Utc>) -> Self {
        Self {
            status,
            checked_at,
            code: None,
            holder_name: None,
            course_title: None,
            issued_at: None,
            revoked_at: None,
            replaced_by: None,
            credential: None,
        }
    }
}

/// A token to verify.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct VerifyRequest {
    /// A VC-JWT, as issued.
    #[validate(length(min = 1, max = 16384))]
    #[schema(min_length = 1, max_length = 16384)]
    pub token: String,
}

/// Why a record is revoked or re-issued; kept in the audit trail.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct ReasonRequest {
    #[validate(length(min = 3, max = 500))]
    #[schema(min_length = 3, max_length = 500)]
    pub reason: String,
}

/// One change to a record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CredentialEvent {
    pub action: String,
    pub actor_id: Option<Uuid>,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}
