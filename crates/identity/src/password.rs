//! Passwords: a policy that names the rule broken, and Argon2id hashing (off the async
//! threads, since a hash deliberately takes tens of milliseconds).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::IdentityError;

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

/// Why a password was refused; each reason is its own problem code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeakPassword {
    TooShort,
    TooLong,
    TooSimple,
    ContainsIdentifier,
}

impl WeakPassword {
    pub fn code(self) -> &'static str {
        match self {
            WeakPassword::TooShort => "password_too_short",
            WeakPassword::TooLong => "password_too_long",
            WeakPassword::TooSimple => "password_too_simple",
            WeakPassword::ContainsIdentifier => "password_contains_identifier",
        }
    }

    pub fn messages(self) -> (&'static str, &'static str) {
        match self {
            WeakPassword::TooShort => (
                "Mật khẩu phải có ít nhất 8 ký tự.",
                "The password must be at least 8 characters long.",
            ),
            WeakPassword::TooLong => (
                "Mật khẩu không được dài quá 128 ký tự.",
                "The password must be at most 128 characters long.",
            ),
            WeakPassword::TooSimple => (
                "Mật khẩu phải có cả chữ cái và chữ số (hoặc ký tự đặc biệt).",
                "The password must mix letters with digits or symbols.",
            ),
            WeakPassword::ContainsIdentifier => (
                "Mật khẩu không được chứa số điện thoại hoặc email của bạn.",
                "The password must not contain your phone number or email.",
            ),
        }
    }
}

/// Checks a new password. `identifiers` are the account's phone and email, which a
/// password must not contain.
pub fn check_policy(password: &str, identifiers: &[&str]) -> Result<(), WeakPassword> {
    let length = password.chars().count();
    if length < MIN_LEN {
        return Err(WeakPassword::TooShort);
    }
    if length > MAX_LEN {
        return Err(WeakPassword::TooLong);
    }
    let has_letter = password.chars().any(char::is_alphabetic);
    let has_other = password
        .chars()
        .any(|c| !c.is_alphabetic() && !c.is_whitespace());
    if !(has_letter && has_other) {
        return Err(WeakPassword::TooSimple);
    }
    let lower = password.to_lowercase();
    let contains = |identifier: &str| {
        let identifier = identifier.to_lowercase();
        let local = identifier.split('@').next().unwrap_or_default();
        let national = identifier.strip_prefix("+84").map(|n| format!("0{n}"));
        (local.len() >= 4 && lower.contains(local))
            || national.is_some_and(|n| lower.contains(&n) || lower.contains(&n[1..]))
    };
    if identifiers.iter().any(|id| contains(id)) {
        return Err(WeakPassword::ContainsIdentifier);
    }
    Ok(())
}

pub async fn hash(password: String) -> Result<String, IdentityError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| IdentityError::Internal(format!("password hashing: {e}")))
    })
    .await
    .map_err(|e| IdentityError::Internal(format!("password hashing task: {e}")))?
}

/// Whether `password` matches `stored`. With no stored hash (unknown account, or an
/// account that signs in only through VNeID) a dummy hash is checked anyway, so the
/// answer takes the same time either way and reveals nothing.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, IdentityError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| IdentityError::Internal(format!("stored password hash: {e}")))?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await
    .map_err(|e| IdentityError::Internal(format!("password check task: {e}")))?
}

/// The hash of a password nobody knows, made with the same parameters as real ones.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    Argon2::default()
        .hash_password(uuid::Uuid::new_v4().as_bytes())
        .map(|hash| hash.to_string())
        .unwrap_or_default()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_rule_broken() {
        assert_eq!(check_policy("ab1", &[]), Err(WeakPassword::TooShort));
        assert_eq!(
            check_policy(&"a1".repeat(70), &[]),
            Err(WeakPassword::TooLong)
        );
        assert_eq!(
            check_policy("abcdefghij", &[]),
            Err(WeakPassword::TooSimple)
        );
        assert_eq!(
            check_policy("1234567890", &[]),
            Err(WeakPassword::TooSimple)
        );
        assert_eq!(
            check_policy("x0912345678", &["+84912345678"]),
            Err(WeakPassword::ContainsIdentifier)
        );
        assert_eq!(
            check_policy("annguyen!2024", &["annguyen@example.vn"]),
            Err(WeakPassword::ContainsIdentifier)
        );
        assert_eq!(check_policy("Học vụ số 2025!", &["+84912345678"]), Ok(()));
    }

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let stored = hash("mật khẩu 2025".into()).await.expect("hash");
        assert!(stored.starts_with("$argon2id$"));
        assert!(
            verify("mật khẩu 2025".into(), Some(stored.clone()))
                .await
                .expect("verify")
        );
        assert!(
            !verify("mật khẩu 2026".into(), Some(stored))
                .await
                .expect("verify")
        );
        assert!(!verify("anything".into(), None).await.expect("verify"));
    }
}
