use std::fmt;

use crate::StorageError;

/// A validated object key: slash-separated segments of `[A-Za-z0-9._-]`, none of
/// them `.` or `..`, so it can never escape the store's root.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BlobKey(String);

impl BlobKey {
    pub const MAX_LEN: usize = 512;

    pub fn parse(key: &str) -> Result<Self, StorageError> {
        let valid_segment = |s: &str| {
            !s.is_empty()
                && s != "."
                && s != ".."
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        };
        if key.len() <= Self::MAX_LEN && key.split('/').all(valid_segment) {
            Ok(Self(key.to_owned()))
        } else {
            Err(StorageError::InvalidKey(key.to_owned()))
        }
    }

    /// A fresh key under `prefix` (itself a valid key), e.g. `lessons/0193…-…`.
    pub fn generate(prefix: &str) -> Result<Self, StorageError> {
        Self::parse(&format!("{prefix}/{}", uuid::Uuid::now_v7()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BlobKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_keys_that_could_escape_the_root() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "a/./b",
            "a\\b",
            "a b",
            "tệp",
            "a/",
        ] {
            assert!(BlobKey::parse(bad).is_err(), "{bad:?} accepted");
        }
        for good in ["lessons/abc-1.mp4", "a", "x/y/z_1.2"] {
            assert_eq!(BlobKey::parse(good).expect("valid").as_str(), good);
        }
        assert!(BlobKey::parse(&"a".repeat(513)).is_err());
    }

    #[test]
    fn generated_keys_are_unique_and_valid() {
        let a = BlobKey::generate("media").expect("valid");
        let b = BlobKey::generate("media").expect("valid");
        assert_ne!(a, b);
        assert!(a.as_str().starts_with("media/"));
    }
}
