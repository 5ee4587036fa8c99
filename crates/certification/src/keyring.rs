//! The keys that sign completion records. Records never expire, so every key that ever
//! signed one stays published for verification; only the newest signs.
//!
//! Keys come from a folder of PKCS#8 PEM files named by creation time (the newest, by
//! name, signs), or from the environment as one or more concatenated PEM blocks (the
//! first signs). `hocvuso keys generate | rotate | list` manage the folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;
use hocvuso_keys::{Ed25519Key, PublicJwk};
use serde::Serialize;

use crate::CertificationError;

const PEM_END: &str = "-----END PRIVATE KEY-----";

#[derive(Clone, Debug)]
pub struct KeyRing {
    signing: Arc<Ed25519Key>,
    all: Vec<Arc<Ed25519Key>>,
}

/// A JSON Web Key Set.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Jwks {
    #[schema(value_type = Vec<Object>)]
    pub keys: Vec<PublicJwk>,
}

/// One key of the folder, as `hocvuso keys list` shows it.
#[derive(Debug, Clone)]
pub struct KeyFile {
    pub path: PathBuf,
    pub kid: String,
    pub signing: bool,
}

fn key_error(e: impl std::fmt::Display) -> CertificationError {
    CertificationError::Keys(e.to_string())
}

/// The PEM files of a key folder, oldest first.
fn pem_files(folder: &Path) -> Result<Vec<PathBuf>, CertificationError> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(key_error(format!("{}: {e}", folder.display()))),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pem"))
        .collect();
    files.sort();
    Ok(files)
}

impl KeyRing {
    pub fn new(signing: Ed25519Key, older: Vec<Ed25519Key>) -> Self {
        let signing = Arc::new(signing);
        let mut all = vec![signing.clone()];
        all.extend(older.into_iter().map(Arc::new));
        Self { signing, all }
    }

    /// Every key in the folder; an error when it holds none.
    pub fn from_folder(folder: &Path) -> Result<Self, CertificationError> {
        let mut keys = pem_files(folder)?
            .iter()
            .map(|path| Ed25519Key::load(path).map_err(key_error))
            .collect::<Result<Vec<_>, _>>()?;
        let signing = keys.pop().ok_or_else(|| {
            key_error(format!(
                "no credential signing key in {}; run `hocvuso keys generate`",
                folder.display()
            ))
        })?;
        keys.reverse();
        Ok(Self::new(signing, keys))
    }

    /// The folder's keys, generating the first when there is none (the embedded
    /// default). The flag tells whether one was generated.
    pub fn from_folder_or_generate(folder: &Path) -> Result<(Self, bool), CertificationError> {
        let generated = if pem_files(folder)?.is_empty() {
            generate(folder)?;
            true
        } else {
            false
        };
        Ok((Self::from_folder(folder)?, generated))
    }

    /// Concatenated PEM blocks, as from an environment variable; the first signs.
    pub fn from_pems(text: &str) -> Result<Self, CertificationError> {
        let mut keys = text
            .split_inclusive(PEM_END)
            .filter(|block| block.contains("BEGIN"))
            .map(|block| Ed25519Key::from_pem(block.trim(), "environment").map_err(key_error))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter();
        let signing = keys
            .next()
            .ok_or_else(|| key_error("no PEM key in the credential keys variable"))?;
        Ok(Self::new(signing, keys.collect()))
    }

    pub fn signing(&self) -> &Ed25519Key {
        &self.signing
    }

    pub fn find(&self, kid: &str) -> Option<&Ed25519Key> {
        self.all.iter().find(|k| k.kid() == kid).map(AsRef::as_ref)
    }

    pub fn jwks(&self) -> Jwks {
        Jwks {
            keys: self.all.iter().map(|k| k.public_jwk()).collect(),
        }
    }
}

/// Writes a new key into the folder, named so that it sorts after every existing one.
fn add_key(folder: &Path) -> Result<KeyFile, CertificationError> {
    let key = Ed25519Key::generate().map_err(key_error)?;
    let stamp = Utc::now().format("%Y%m%dT%H%M%S%.6fZ");
    let path = folder.join(format!("{stamp}.pem"));
    key.save_new(&path).map_err(key_error)?;
    Ok(KeyFile {
        path,
        kid: key.kid().to_owned(),
        signing: true,
    })
}

/// Creates the folder's first key; refuses when it already has one.
pub fn generate(folder: &Path) -> Result<KeyFile, CertificationError> {
    if !pem_files(folder)?.is_empty() {
        return Err(key_error(format!(
            "{} already holds a key; use `hocvuso keys rotate` to add a new one",
            folder.display()
        )));
    }
    add_key(folder)
}

/// Adds a key that signs from now on; the older ones keep verifying.
pub fn rotate(folder: &Path) -> Result<KeyFile, CertificationError> {
    if pem_files(folder)?.is_empty() {
        return Err(key_error(format!(
            "{} holds no key yet; use `hocvuso keys generate`",
            folder.display()
        )));
    }
    add_key(folder)
}

/// The folder's keys, oldest first; the last signs.
pub fn list(folder: &Path) -> Result<Vec<KeyFile>, CertificationError> {
    let files = pem_files(folder)?;
    let count = files.len();
    files
        .into_iter()
        .enumerate()
        .map(|(i, path)| {
            let key = Ed25519Key::load(&path).map_err(key_error)?;
            Ok(KeyFile {
                kid: key.kid().to_owned(),
                signing: i + 1 == count,
                path,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_keeps_old_keys_published_and_signs_with_the_newest() {
        let dir = tempfile::tempdir().expect("dir");
        let first = generate(dir.path()).expect("generate");
        assert!(generate(dir.path()).is_err(), "generate twice is refused");
        let second = rotate(dir.path()).expect("rotate");
        let ring = KeyRing::from_folder(dir.path()).expect("ring");
        assert_eq!(ring.signing().kid(), second.kid);
        let kids: Vec<String> = ring.jwks().keys.into_iter().map(|k| k.kid).collect();
        assert_eq!(kids, vec![second.kid.clone(), first.kid.clone()]);
        let listed = list(dir.path()).expect("list");
        assert_eq!(listed.len(), 2);
        assert!(listed[1].signing && !listed[0].signing);
    }

    #[test]
    fn keys_from_the_environment_first_signs() {
        let a = Ed25519Key::generate().expect("a");
        let b = Ed25519Key::generate().expect("b");
        let text = format!("{}\n{}", a.to_pem().expect("pem"), b.to_pem().expect("pem"));
        let ring = KeyRing::from_pems(&text).expect("ring");
        assert_eq!(ring.signing().kid(), a.kid());
        assert!(ring.find(b.kid()).is_some());
        assert!(KeyRing::from_pems("nothing").is_err());
    }
}
