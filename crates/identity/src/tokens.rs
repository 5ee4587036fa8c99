//! Sessions: short-lived access tokens (EdDSA JWTs, RFC 9068 `at+jwt`) and opaque,
//! rotating refresh tokens stored only as hashes.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Duration;
use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use hocvuso_kernel::{Principal, Role};
use hocvuso_keys::Ed25519Key;
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::IdentityError;

const ACCESS_TOKEN_TYPE: &str = "at+jwt";
/// Seconds a token stays acceptable past its `exp`, for clocks slightly apart.
const LEEWAY: i64 = 30;
/// Access tokens remembered as verified; each active session needs one.
const VERIFIED_TOKENS: u64 = 200_000;

#[derive(Debug, Serialize, Deserialize)]
struct AccessClaims {
    iss: String,
    aud: String,
    sub: Uuid,
    role: Role,
    iat: i64,
    exp: i64,
    jti: Uuid,
    /// The session (refresh-token family) the token belongs to: signing out, or a
    /// replayed refresh token, ends it, and with it the access tokens it issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sid: Option<Uuid>,
}

/// Signs access tokens with the current key and verifies them with any key still
/// trusted (the current one and those rotated out but not yet retired).
#[derive(Clone)]
pub struct AccessTokens {
    signing: Arc<Ed25519Key>,
    verifying: Arc<HashMap<String, Arc<Ed25519Key>>>,
    issuer: String,
    audience: String,
    ttl: Duration,
    /// Tokens whose signature and claims verified, by digest, with their expiry. A
    /// client sends the same token with every request for its lifetime, and checking
    /// an Ed25519 signature costs a hundred times a look-up. The keys above never change
    /// for the life of this value, so a verdict stays true until the token expires.
    verified: moka::sync::Cache<[u8; 32], VerifiedToken>,
}

#[derive(Clone)]
struct VerifiedToken {
    principal: Principal,
    session: Option<Uuid>,
    exp: i64,
}

impl AccessTokens {
    pub fn new(
        signing: Ed25519Key,
        previous: Vec<Ed25519Key>,
        issuer: impl Into<String>,
        audience: impl Into<String>,
        ttl: Duration,
    ) -> Self {
        let signing = Arc::new(signing);
        let mut verifying: HashMap<String, Arc<Ed25519Key>> = previous
            .into_iter()
            .map(|k| (k.kid().to_owned(), Arc::new(k)))
            .collect();
        verifying.insert(signing.kid().to_owned(), signing.clone());
        Self {
            signing,
            verifying: Arc::new(verifying),
            issuer: issuer.into(),
            audience: audience.into(),
            ttl,
            verified: moka::sync::Cache::builder()
                .max_capacity(VERIFIED_TOKENS)
                .time_to_live(
                    (ttl + Duration::seconds(LEEWAY))
                        .to_std()
                        .unwrap_or(std::time::Duration::ZERO),
                )
                .build(),
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(&self, user_id: Uuid, role: Role) -> Result<String, IdentityError> {
        self.issue_for(user_id, role, None)
    }

    /// An access token of the session `session` (a refresh-token family).
    pub fn issue_for(
        &self,
        user_id: Uuid,
        role: Role,
        session: Option<Uuid>,
    ) -> Result<String, IdentityError> {
        let now = hocvuso_kernel::time::now().timestamp();
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id,
            role,
            iat: now,
            exp: now + self.ttl.num_seconds(),
            jti: Uuid::new_v4(),
            sid: session,
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = Some(ACCESS_TOKEN_TYPE.into());
        header.kid = Some(self.signing.kid().to_owned());
        jsonwebtoken::encode(&header, &claims, self.signing.encoding_key())
            .map_err(|e| IdentityError::Internal(format!("signing an access token: {e}")))
    }

    /// Verifies signature, `typ`, `kid`, `iss`, `aud` and `exp`. Anything else — `alg:
    /// none`, another algorithm, an unknown key, a tampered payload — is `InvalidToken`.
    pub fn verify(&self, token: &str) -> Result<Principal, IdentityError> {
        self.verify_session(token).map(|(principal, _)| principal)
    }

    /// [`AccessTokens::verify`], with the session the token belongs to (whether that
    /// session still runs is [`crate::Identity::session_ended`]'s question).
    pub fn verify_session(&self, token: &str) -> Result<(Principal, Option<Uuid>), IdentityError> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some(known) = self.verified.get(&digest) {
            let now = hocvuso_kernel::time::now().timestamp();
            // As jsonwebtoken decides: still valid in the second the leeway ends.
            return if now <= known.exp + LEEWAY {
                Ok((known.principal, known.session))
            } else {
                Err(IdentityError::InvalidToken)
            };
        }
        let verified = self.verify_signed(token)?;
        self.verified.insert(digest, verified.clone());
        Ok((verified.principal, verified.session))
    }

    fn verify_signed(&self, token: &str) -> Result<VerifiedToken, IdentityError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| IdentityError::InvalidToken)?;
        if header.alg != Algorithm::EdDSA || header.typ.as_deref() != Some(ACCESS_TOKEN_TYPE) {
            return Err(IdentityError::InvalidToken);
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.verifying.get(kid))
            .ok_or(IdentityError::InvalidToken)?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY.unsigned_abs();
        let data = jsonwebtoken::decode::<AccessClaims>(token, key.decoding_key(), &validation)
            .map_err(|_| IdentityError::InvalidToken)?;
        Ok(VerifiedToken {
            principal: Principal {
                user_id: data.claims.sub,
                role: data.claims.role,
            },
            session: data.claims.sid,
            exp: data.claims.exp,
        })
    }
}

/// A new refresh token: what the client keeps, and the hash we store.
pub fn new_refresh_token() -> Result<(String, String), IdentityError> {
    let mut bytes = [0u8; 32];
    hocvuso_keys::random_bytes(&mut bytes).map_err(|e| IdentityError::Internal(e.to_string()))?;
    let token = BASE64URL_NOPAD.encode(&bytes);
    let hash = hash_refresh_token(&token);
    Ok((token, hash))
}

pub fn hash_refresh_token(token: &str) -> String {
    HEXLOWER.encode(&Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(ttl_seconds: i64) -> AccessTokens {
        AccessTokens::new(
            Ed25519Key::generate().expect("key"),
            vec![],
            "https://hocvuso.test",
            "hocvuso-api",
            Duration::seconds(ttl_seconds),
        )
    }

    #[test]
    fn a_token_round_trips_to_its_principal() {
        let tokens = tokens(900);
        let user = Uuid::now_v7();
        let token = tokens.issue(user, Role::Trainer).expect("issued");
        let principal = tokens.verify(&token).expect("verified");
        assert_eq!((principal.user_id, principal.role), (user, Role::Trainer));
        let header = jsonwebtoken::decode_header(&token).expect("header");
        assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    }

    #[test]
    fn forged_expired_and_foreign_tokens_are_refused() {
        let tokens = tokens(900);
        let token = tokens.issue(Uuid::now_v7(), Role::Learner).expect("issued");

        // Tampered payload: make the learner an admin.
        let parts: Vec<&str> = token.split('.').collect();
        let payload = String::from_utf8(BASE64URL_NOPAD.decode(parts[1].as_bytes()).expect("b64"))
            .expect("utf8")
            .replace("learner", "admin");
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            BASE64URL_NOPAD.encode(payload.as_bytes()),
            parts[2]
        );
        assert!(matches!(
            tokens.verify(&forged),
            Err(IdentityError::InvalidToken)
        ));

        // alg: none.
        let none_header = BASE64URL_NOPAD.encode(br#"{"alg":"none","typ":"at+jwt"}"#);
        let unsigned = format!("{none_header}.{}.", parts[1]);
        assert!(matches!(
            tokens.verify(&unsigned),
            Err(IdentityError::InvalidToken)
        ));

        // Signed by another key.
        let other = self::tokens(900)
            .issue(Uuid::now_v7(), Role::Admin)
            .expect("issued");
        assert!(matches!(
            tokens.verify(&other),
            Err(IdentityError::InvalidToken)
        ));

        // Expired beyond the leeway.
        let expired = self::tokens(-120)
            .issue(Uuid::now_v7(), Role::Learner)
            .expect("issued");
        let same_key_expired = {
            let t = AccessTokens {
                ttl: Duration::seconds(-120),
                ..tokens.clone()
            };
            t.issue(Uuid::now_v7(), Role::Learner).expect("issued")
        };
        assert!(tokens.verify(&expired).is_err());
        assert!(matches!(
            tokens.verify(&same_key_expired),
            Err(IdentityError::InvalidToken)
        ));
    }

    #[test]
    fn a_remembered_token_still_expires() {
        // 28 s past its `exp`: within the leeway for two or three more seconds.
        let tokens = tokens(-28);
        let token = tokens.issue(Uuid::now_v7(), Role::Learner).expect("issued");
        assert!(tokens.verify(&token).is_ok());
        assert!(tokens.verify(&token).is_ok(), "again, from memory");
        std::thread::sleep(std::time::Duration::from_millis(3100));
        assert!(matches!(
            tokens.verify(&token),
            Err(IdentityError::InvalidToken)
        ));
    }

    #[test]
    fn rotated_out_keys_still_verify() {
        let old = Ed25519Key::generate().expect("key");
        let old_pem = old.to_pem().expect("pem");
        let before = AccessTokens::new(old, vec![], "i", "a", Duration::minutes(5));
        let token = before.issue(Uuid::now_v7(), Role::Learner).expect("issued");
        let after = AccessTokens::new(
            Ed25519Key::generate().expect("key"),
            vec![Ed25519Key::from_pem(&old_pem, "old").expect("old key")],
            "i",
            "a",
            Duration::minutes(5),
        );
        assert!(after.verify(&token).is_ok());
    }

    #[test]
    fn refresh_tokens_are_random_and_stored_hashed() {
        let (a, hash_a) = new_refresh_token().expect("token");
        let (b, _) = new_refresh_token().expect("token");
        assert_ne!(a, b);
        assert_eq!(hash_refresh_token(&a), hash_a);
        assert_ne!(a, hash_a);
    }
}
