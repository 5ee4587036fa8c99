//! Ed25519 signing keys for the JWTs Hocvuso issues.
//!
//! A key lives in a PKCS#8 PEM file readable only by its owner, and is known by its
//! RFC 7638 JWK thumbprint (`kid`), so every server that loads the same file signs
//! with the same `kid` and any verifier can pick the right public key from a JWKS.

use std::path::Path;

use data_encoding::BASE64URL_NOPAD;
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use jsonwebtoken::{DecodingKey, EncodingKey};
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("key file {0} is not an Ed25519 private key in PKCS#8 PEM")]
    Invalid(String),
    #[error("the operating system's random generator failed: {0}")]
    Random(String),
    #[error(
        "key file {0} can be read by other users of this machine; restrict it with `chmod 600 {0}`"
    )]
    Exposed(String),
}

/// Reads a secret file, refusing one that others than its owner may read or write: a
/// key anybody on the box can copy protects nothing.
pub fn read_secret_file(path: &Path) -> Result<String, KeyError> {
    let io = |source| KeyError::Io {
        path: path.display().to_string(),
        source,
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_err(io)?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(KeyError::Exposed(path.display().to_string()));
        }
    }
    std::fs::read_to_string(path).map_err(io)
}

/// A public key as published in a JWKS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicJwk {
    pub kty: &'static str,
    pub crv: &'static str,
    pub x: String,
    pub kid: String,
    #[serde(rename = "use")]
    pub key_use: &'static str,
    pub alg: &'static str,
}

pub struct Ed25519Key {
    signing: SigningKey,
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for Ed25519Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ed25519Key")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// Creates `path` (and its folder) readable only by its owner and writes `contents`;
/// fails rather than overwrite an existing file.
pub fn write_secret_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Fills `buf` from the operating system's secure random generator.
pub fn random_bytes(buf: &mut [u8]) -> Result<(), KeyError> {
    getrandom::fill(buf).map_err(|e| KeyError::Random(e.to_string()))
}

impl Ed25519Key {
    pub fn generate() -> Result<Self, KeyError> {
        let mut seed = [0u8; 32];
        random_bytes(&mut seed)?;
        Self::from_signing_key(SigningKey::from_bytes(&seed))
    }

    fn from_signing_key(signing: SigningKey) -> Result<Self, KeyError> {
        let der = signing
            .to_pkcs8_der()
            .map_err(|_| KeyError::Invalid("generated key".into()))?;
        let x = BASE64URL_NOPAD.encode(signing.verifying_key().as_bytes());
        let decoding = DecodingKey::from_ed_components(&x)
            .map_err(|_| KeyError::Invalid("generated key".into()))?;
        Ok(Self {
            kid: thumbprint(&x),
            encoding: EncodingKey::from_ed_der(der.as_bytes()),
            decoding,
            signing,
        })
    }

    pub fn from_pem(pem: &str, origin: &str) -> Result<Self, KeyError> {
        let signing =
            SigningKey::from_pkcs8_pem(pem).map_err(|_| KeyError::Invalid(origin.to_owned()))?;
        Self::from_signing_key(signing)
    }

    pub fn to_pem(&self) -> Result<String, KeyError> {
        self.signing
            .to_pkcs8_pem(LineEnding::LF)
            .map(|pem| pem.to_string())
            .map_err(|_| KeyError::Invalid("key".into()))
    }

    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let pem = read_secret_file(path)?;
        Self::from_pem(&pem, &path.display().to_string())
    }

    /// Loads the key at `path`, or generates one there (mode 0600) when the file is missing.
    /// Returns the key and whether it was generated.
    pub fn load_or_generate(path: &Path) -> Result<(Self, bool), KeyError> {
        if path.exists() {
            return Ok((Self::load(path)?, false));
        }
        let key = Self::generate()?;
        key.save_new(path)?;
        Ok((key, true))
    }

    /// Writes the key to a new file readable only by its owner; never overwrites.
    pub fn save_new(&self, path: &Path) -> Result<(), KeyError> {
        write_secret_file(path, self.to_pem()?.as_bytes()).map_err(|source| KeyError::Io {
            path: path.display().to_string(),
            source,
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn encoding_key(&self) -> &EncodingKey {
        &self.encoding
    }

    pub fn decoding_key(&self) -> &DecodingKey {
        &self.decoding
    }

    pub fn public_jwk(&self) -> PublicJwk {
        PublicJwk {
            kty: "OKP",
            crv: "Ed25519",
            x: BASE64URL_NOPAD.encode(self.signing.verifying_key().as_bytes()),
            kid: self.kid.clone(),
            key_use: "sig",
            alg: "EdDSA",
        }
    }
}

/// RFC 7638 thumbprint of an Ed25519 public key (RFC 8037): the required members in
/// lexicographic order, no white space.
fn thumbprint(x: &str) -> String {
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
    BASE64URL_NOPAD.encode(&Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprint_matches_rfc_8037_example() {
        // RFC 8037 appendix A.3.
        assert_eq!(
            thumbprint("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }

    #[test]
    fn a_saved_key_loads_back_with_the_same_kid_and_private_permissions() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("keys/signing.pem");
        let (generated, was_new) = Ed25519Key::load_or_generate(&path).expect("generated");
        assert!(was_new);
        let (loaded, was_new) = Ed25519Key::load_or_generate(&path).expect("loaded");
        assert!(!was_new);
        assert_eq!(generated.kid(), loaded.kid());
        assert_eq!(generated.public_jwk(), loaded.public_jwk());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(
            generated.save_new(&path).is_err(),
            "an existing key was overwritten"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_may_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("signing.pem");
        Ed25519Key::generate()
            .expect("key")
            .save_new(&path)
            .expect("saved");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(matches!(Ed25519Key::load(&path), Err(KeyError::Exposed(_))));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert!(Ed25519Key::load(&path).is_ok());
    }

    #[test]
    fn garbage_is_not_a_key() {
        assert!(matches!(
            Ed25519Key::from_pem("not a key", "test"),
            Err(KeyError::Invalid(_))
        ));
    }
}
