//! The completion record as an Open Badges 3.0 `OpenBadgeCredential`, a W3C Verifiable
//! Credential 2.0 secured as a JWT per VC-JOSE-COSE: the payload *is* the credential
//! (no `vc` wrapper), the header says `typ: vc+jwt`, `alg: EdDSA` and the signing `kid`.
//! `iss` repeats the issuer's id and `jti` the credential's; `iat` dates the signature.
//!
//! What the subject carries, and why (also in the README): the holder's name, in plain
//! text, because a certificate names its holder and whoever checks it needs to see
//! whose it is; the citizen ID only as a keyed hash (HMAC-SHA-256 with a key shared with
//! the identity platform), so an identity platform holding the key can match the record
//! to its citizen while a leaked record reveals nothing that can be brute-forced (12
//! digits are too few for a plain or salted hash); no birth date, which confirmation
//! does not need.

use chrono::{DateTime, SecondsFormat, Utc};
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::keyring::KeyRing;
use crate::{CertificationError, IssuerProfile};

pub const MEDIA_TYPE: &str = "vc+jwt";
pub const CONTEXT_VC: &str = "https://www.w3.org/ns/credentials/v2";
pub const CONTEXT_OB: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// A competency of the national framework the course develops.
#[derive(Debug, Clone)]
pub struct Competency {
    pub code: String,
    pub name: String,
}

/// The course, as the achievement a record attests.
#[derive(Debug, Clone)]
pub struct AchievementSpec {
    pub course_code: String,
    pub title: String,
    pub summary: String,
    pub level: i32,
    pub pass_mark: u32,
    pub has_final_quiz: bool,
    pub competencies: Vec<Competency>,
}

/// Who completed the course.
#[derive(Debug, Clone)]
pub struct Holder {
    pub name: String,
    /// The 12-digit citizen ID, already validated by the identity domain — only when it
    /// came from a trusted source (see `identity_check`).
    pub national_id: Option<String>,
    /// How the holder's identity was established; `None` when it rests on what they
    /// typed themselves, which the record then says.
    pub identity_check: Option<IdentityCheck>,
}

/// How a holder's identity was established, as the record states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityCheck {
    /// Signed in through VNeID at the given assurance level.
    Vneid { assurance: Option<String> },
    /// On the ward's resident list, or confirmed by an administrator who saw the card.
    WardRegister,
}

impl IdentityCheck {
    fn narrative(check: Option<&IdentityCheck>) -> String {
        match check {
            Some(IdentityCheck::Vneid {
                assurance: Some(level),
            }) => format!("Danh tính được xác thực qua VNeID (mức {level})."),
            Some(IdentityCheck::Vneid { assurance: None }) => {
                "Danh tính được xác thực qua VNeID.".to_owned()
            }
            Some(IdentityCheck::WardRegister) => {
                "Danh tính theo danh sách cư dân do phường, xã quản lý.".to_owned()
            }
            None => "Họ tên do người học tự khai, chưa được xác thực.".to_owned(),
        }
    }
}

/// What a record is made of before it is signed.
pub(crate) struct Draft<'a> {
    pub id: uuid::Uuid,
    pub code: &'a str,
    pub issued_at: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    pub score_percent: u32,
    pub holder: &'a Holder,
    pub national_id_hash: Option<String>,
    pub achievement: &'a AchievementSpec,
    pub status_list_url: String,
    pub status_index: u32,
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn level_name(level: i32) -> String {
    format!("Mức {level}")
}

/// The credential's JSON, as the payload of its JWT.
pub(crate) fn credential_json(draft: &Draft<'_>, issuer: &IssuerProfile) -> Value {
    let achievement_id = format!(
        "{}/api/v1/courses/{}",
        issuer.public_url, draft.achievement.course_code
    );
    let result_id = format!("{achievement_id}#score");
    let criteria = if draft.achievement.has_final_quiz {
        format!(
            "Hoàn thành mọi bài học của khoá học và đạt bài kiểm tra cuối khoá với ít nhất {} %.",
            draft.achievement.pass_mark
        )
    } else {
        "Hoàn thành mọi bài học của khoá học.".to_owned()
    };
    let alignment: Vec<Value> = draft
        .achievement
        .competencies
        .iter()
        .map(|c| {
            serde_json::json!({
                "type": ["Alignment"],
                "targetName": c.name,
                "targetUrl": format!("{}/api/v1/framework#{}", issuer.public_url, c.code),
                "targetCode": c.code,
                "targetFramework": "Khung năng lực số cơ bản — Bình dân học vụ số",
                "targetDescription": level_name(draft.achievement.level),
                "targetType": "CFItem",
            })
        })
        .collect();
    let mut identifier = vec![serde_json::json!({
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": false,
        "identityHash": draft.holder.name,
    })];
    if let Some(hash) = &draft.national_id_hash {
        identifier.push(serde_json::json!({
            "type": "IdentityObject",
            "identityType": "nationalIdentityNumber",
            "hashed": true,
            "identityHash": hash,
        }));
    }
    let mut credential = serde_json::json!({
        "@context": [CONTEXT_VC, CONTEXT_OB],
        "id": format!("urn:uuid:{}", draft.id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": format!("Hoàn thành khoá học: {}", draft.achievement.title),
        "issuer": issuer.profile_json(),
        "validFrom": timestamp(draft.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": identifier,
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": draft.achievement.title,
                "description": draft.achievement.summary,
                "criteria": { "narrative": criteria },
                "alignment": alignment,
                "humanCode": draft.achievement.course_code,
                "resultDescription": [{
                    "id": result_id,
                    "type": ["ResultDescription"],
                    "name": "Điểm bài kiểm tra cuối khoá",
                    "resultType": "Percent",
                    "requiredValue": draft.achievement.pass_mark.to_string(),
                }],
            },
            "result": [{
                "type": ["Result"],
                "resultDescription": result_id,
                "value": draft.score_percent.to_string(),
                "status": "Completed",
            }],
        },
        "credentialStatus": {
            "id": format!("{}#{}", draft.status_list_url, draft.status_index),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": draft.status_index.to_string(),
            "statusListCredential": draft.status_list_url,
        },
        "evidence": [{
            "type": ["Evidence"],
            "name": "Mã xác minh",
            "narrative": draft.code,
            "id": format!("{}/v/{}", issuer.public_url, draft.code),
        }, {
            "type": ["Evidence"],
            "name": "Xác thực danh tính",
            "narrative": IdentityCheck::narrative(draft.holder.identity_check.as_ref()),
            "genre": match &draft.holder.identity_check {
                Some(IdentityCheck::Vneid { .. }) => "vneid",
                Some(IdentityCheck::WardRegister) => "ward_register",
                None => "self_declared",
            },
        }],
    });
    if let (Some(until), Some(object)) = (draft.valid_until, credential.as_object_mut()) {
        object.insert("validUntil".into(), Value::String(timestamp(until)));
    }
    credential
}

/// Signs a credential's JSON as a VC-JWT with the ring's signing key.
pub(crate) fn sign(
    credential: &Value,
    issuer_id: &str,
    issued_at: DateTime<Utc>,
    keys: &KeyRing,
) -> Result<String, CertificationError> {
    let key = keys.signing();
    let mut header = Header::new(Algorithm::EdDSA);
    header.typ = Some(MEDIA_TYPE.to_owned());
    header.kid = Some(key.kid().to_owned());
    let mut claims = credential.clone();
    if let Some(object) = claims.as_object_mut() {
        object.insert("iss".into(), Value::String(issuer_id.to_owned()));
        if let Some(id) = credential.get("id") {
            object.insert("jti".into(), id.clone());
        }
        object.insert("iat".into(), Value::from(issued_at.timestamp()));
    }
    jsonwebtoken::encode(&header, &claims, key.encoding_key())
        .map_err(|e| CertificationError::Keys(e.to_string()))
}

/// Why a token is not one of ours, or not intact.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    /// Not a JWT at all.
    Malformed,
    /// A JWT whose signature does not verify with any key we publish (or that asks for
    /// another algorithm, `none` included, or is not typed as a credential).
    BadSignature,
}

/// Checks a token's header and signature against the ring; returns its payload.
pub(crate) fn verify(token: &str, keys: &KeyRing) -> Result<Value, TokenProblem> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| {
        // A JWT whose header names an algorithm we do not know (`none` among them) is
        // a token all the same, and an unverifiable one.
        if looks_like_jwt(token) {
            TokenProblem::BadSignature
        } else {
            TokenProblem::Malformed
        }
    })?;
    // The algorithm is fixed by us, never taken from the token.
    if header.alg != Algorithm::EdDSA || header.typ.as_deref() != Some(MEDIA_TYPE) {
        return Err(TokenProblem::BadSignature);
    }
    let key = header
        .kid
        .as_deref()
        .and_then(|kid| keys.find(kid))
        .ok_or(TokenProblem::BadSignature)?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    // Records carry their validity in `validUntil`, checked by the caller; `exp` would
    // describe the signature, and ours do not expire.
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    jsonwebtoken::decode::<Value>(token, key.decoding_key(), &validation)
        .map(|data| data.claims)
        .map_err(|_| TokenProblem::BadSignature)
}

/// Three dot-separated parts whose first is a base64url JSON object.
fn looks_like_jwt(token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    parts.len() == 3
        && data_encoding::BASE64URL_NOPAD
            .decode(parts[0].as_bytes())
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .is_some_and(|header| header.is_object())
}

/// The payload of one of our stored tokens, without checking it again.
pub(crate) fn payload(token: &str) -> Result<Value, CertificationError> {
    let corrupt = || CertificationError::Corrupt("stored token".into());
    let body = token.split('.').nth(1).ok_or_else(corrupt)?;
    let bytes = data_encoding::BASE64URL_NOPAD
        .decode(body.as_bytes())
        .map_err(|_| corrupt())?;
    serde_json::from_slice(&bytes).map_err(|_| corrupt())
}

/// The pieces of a credential that verification reports and certificates print.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Summary {
    pub holder_name: String,
    pub course_title: String,
    pub competencies: Vec<String>,
}

pub(crate) fn summary(payload: &Value) -> Summary {
    let subject = &payload["credentialSubject"];
    let holder_name = subject["identifier"]
        .as_array()
        .and_then(|ids| ids.iter().find(|i| i["identityType"] == "name"))
        .and_then(|i| i["identityHash"].as_str())
        .unwrap_or_default()
        .to_owned();
    let achievement = &subject["achievement"];
    let competencies = achievement["alignment"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|a| {
                    format!(
                        "{} {}",
                        a["targetCode"].as_str().unwrap_or_default(),
                        a["targetName"].as_str().unwrap_or_default()
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Summary {
        holder_name,
        course_title: achievement["name"].as_str().unwrap_or_default().to_owned(),
        competencies,
    }
}
