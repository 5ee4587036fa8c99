//! Verification, for anyone: by the code printed on a certificate, or by the token
//! itself. A token's signature must verify with one of our published keys (the
//! algorithm is ours to fix, never the token's); then our records say whether it is
//! revoked, expired or unknown.
//!
//! Scanned QR codes and integrations verify the same records over and over, so
//! verdicts are kept briefly in memory: a revocation on this server clears them at
//! once; other servers of a deployment see it within [`TTL`].

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use hocvuso_kernel::time::now;
use moka::future::Cache;
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Select};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::code::VerificationCode;
use crate::credential::{TokenProblem, summary, verify};
use crate::dto::{Verification, VerificationStatus};
use crate::entity::credential;
use crate::{Certification, CertificationError};

pub const TTL: Duration = Duration::from_secs(2);

/// A verdict with the JSON the API answers it with, serialised once while it is cached:
/// a cached verdict is sent as it is, however often it is asked for.
#[derive(Debug)]
pub struct Verified {
    verification: Verification,
    json: Bytes,
}

impl Verified {
    fn new(verification: Verification) -> Result<Arc<Self>, CertificationError> {
        let json = serde_json::to_vec(&verification)
            .map_err(|e| CertificationError::Corrupt(e.to_string()))?;
        Ok(Arc::new(Self {
            verification,
            json: Bytes::from(json),
        }))
    }

    /// The verdict as JSON (`application/json`).
    pub fn json(&self) -> Bytes {
        self.json.clone()
    }
}

impl Deref for Verified {
    type Target = Verification;

    fn deref(&self) -> &Verification {
        &self.verification
    }
}

/// What a verdict needs of a record's row: not its 2 KB token, unless the token is
/// what must be checked (verification by code).
#[derive(FromQueryResult)]
struct Standing {
    id: Uuid,
    code: String,
    issued_at: DateTime<Utc>,
    valid_until: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

#[derive(FromQueryResult)]
struct StandingWithToken {
    #[sea_orm(nested)]
    standing: Standing,
    token: String,
}

fn standing_columns() -> Select<credential::Entity> {
    credential::Entity::find().select_only().columns([
        credential::Column::Id,
        credential::Column::Code,
        credential::Column::IssuedAt,
        credential::Column::ValidUntil,
        credential::Column::RevokedAt,
    ])
}

#[derive(Clone)]
pub(crate) struct VerifiedCache {
    by_code: Cache<String, Arc<Verified>>,
    by_token: Cache<[u8; 32], Arc<Verified>>,
    /// Tokens whose signature verified, by digest, with their claims. A token never
    /// changes and keys are never withdrawn, so this needs no time to live; anything
    /// altered has another digest and is checked afresh.
    signatures: Cache<[u8; 32], Arc<Value>>,
}

fn cache<K: std::hash::Hash + Eq + Send + Sync + 'static>() -> Cache<K, Arc<Verified>> {
    Cache::builder()
        .max_capacity(100_000)
        .time_to_live(TTL)
        .build()
}

impl Default for VerifiedCache {
    fn default() -> Self {
        Self {
            by_code: cache(),
            by_token: cache(),
            signatures: Cache::builder().max_capacity(200_000).build(),
        }
    }
}

impl VerifiedCache {
    pub(crate) fn forget(&self) {
        self.by_code.invalidate_all();
        self.by_token.invalidate_all();
    }
}

fn digest_of(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl Certification {
    /// The claims of a token whose signature verifies, checked once per token.
    async fn checked(&self, token: &str, digest: [u8; 32]) -> Result<Arc<Value>, TokenProblem> {
        if let Some(claims) = self.verified.signatures.get(&digest).await {
            return Ok(claims);
        }
        let claims = Arc::new(verify(token, &self.config.keys)?);
        self.verified
            .signatures
            .insert(digest, claims.clone())
            .await;
        Ok(claims)
    }

    /// Verifies the record behind a code as a person typed it.
    pub async fn verify_code(&self, input: &str) -> Result<Arc<Verified>, CertificationError> {
        let code = VerificationCode::parse(input)?;
        if let Some(hit) = self.verified.by_code.get(code.as_str()).await {
            return Ok(hit);
        }
        let at = now();
        let found = standing_columns()
            .column(credential::Column::Token)
            .filter(credential::Column::Code.eq(code.as_str()))
            .into_model::<StandingWithToken>()
            .one(&self.db)
            .await?;
        let result = match found {
            None => Verification::bare(VerificationStatus::NotFound, at),
            // Our own token, checked again: a record altered in the database, or whose
            // key was withdrawn, must not pass.
            Some(row) => match self.checked(&row.token, digest_of(&row.token)).await {
                Ok(claims) => {
                    let mut verdict = self.standing(&row.standing, &claims, at).await?;
                    verdict.credential = Some(without_national_id(&claims));
                    verdict
                }
                Err(_) => Verification::bare(VerificationStatus::BadSignature, at),
            },
        };
        let result = Verified::new(result)?;
        self.verified
            .by_code
            .insert(code.as_str().to_owned(), result.clone())
            .await;
        Ok(result)
    }

    /// Verifies a token as presented.
    pub async fn verify_token(&self, token: &str) -> Result<Arc<Verified>, CertificationError> {
        let token = token.trim();
        let digest = digest_of(token);
        if let Some(hit) = self.verified.by_token.get(&digest).await {
            return Ok(hit);
        }
        let at = now();
        let result = match self.checked(token, digest).await {
            Err(TokenProblem::Malformed) => return Err(CertificationError::MalformedToken),
            Err(TokenProblem::BadSignature) => {
                Verification::bare(VerificationStatus::BadSignature, at)
            }
            Ok(claims) => {
                let id = claims["id"]
                    .as_str()
                    .and_then(|id| id.strip_prefix("urn:uuid:"))
                    .and_then(|id| Uuid::parse_str(id).ok());
                let found = match id {
                    Some(id) => {
                        standing_columns()
                            .filter(credential::Column::Id.eq(id))
                            .into_model::<Standing>()
                            .one(&self.db)
                            .await?
                    }
                    None => None,
                };
                match found {
                    Some(row) => self.standing(&row, &claims, at).await?,
                    None => Verification::bare(VerificationStatus::NotFound, at),
                }
            }
        };
        let result = Verified::new(result)?;
        self.verified.by_token.insert(digest, result.clone()).await;
        Ok(result)
    }

    /// A genuine record's standing: revoked, expired or valid, with its claims.
    async fn standing(
        &self,
        row: &Standing,
        claims: &Value,
        at: DateTime<Utc>,
    ) -> Result<Verification, CertificationError> {
        let status = if row.revoked_at.is_some() {
            VerificationStatus::Revoked
        } else if row.valid_until.is_some_and(|until| until <= at) {
            VerificationStatus::Expired
        } else {
            VerificationStatus::Valid
        };
        let replaced_by = if row.revoked_at.is_some() {
            credential::Entity::find()
                .filter(credential::Column::Replaces.eq(row.id))
                .one(&self.db)
                .await?
                .and_then(|newer| VerificationCode::parse(&newer.code).ok())
                .map(|code| code.to_string())
        } else {
            None
        };
        let facts = summary(claims);
        Ok(Verification {
            status,
            checked_at: at,
            code: VerificationCode::parse(&row.code)
                .ok()
                .map(|c| c.to_string()),
            holder_name: Some(facts.holder_name),
            course_title: Some(facts.course_title),
            issued_at: Some(row.issued_at),
            revoked_at: row.revoked_at,
            replaced_by,
            credential: Some(claims.clone()),
        })
    }
}

/// The claims as anyone holding only a code may see them: without the keyed hash of the
/// holder's citizen ID, which is the same in all their records.
fn without_national_id(claims: &Value) -> Value {
    let mut shown = claims.clone();
    if let Some(ids) = shown["credentialSubject"]["identifier"].as_array_mut() {
        ids.retain(|i| i["identityType"] != "nationalIdentityNumber");
    }
    shown
}
