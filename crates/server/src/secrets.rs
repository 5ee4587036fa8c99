//! Loading the secrets a server needs at start: the access-token signing key and the
//! key protecting citizen IDs. The embedded default generates both on first start.

use std::path::Path;

use chrono::Duration;
use data_encoding::BASE64;
use hocvuso_certification::{CertificationConfig, IssuerProfile, KeyRing};
use hocvuso_identity::{AccessTokens, PiiVault};
use hocvuso_keys::Ed25519Key;
use secrecy::ExposeSecret;

use crate::{Settings, StartError};

pub fn access_tokens(settings: &Settings) -> Result<AccessTokens, StartError> {
    let path = settings.signing_key_path();
    let signing = if settings.auth.signing_key.is_some() {
        // A configured key must exist: generating one would split a deployment's servers.
        Ed25519Key::load(&path)
    } else {
        Ed25519Key::load_or_generate(&path).map(|(key, generated)| {
            if generated {
                tracing::info!(path = %path.display(), "generated the access-token signing key");
            }
            key
        })
    }
    .map_err(|e| StartError::Keys(e.to_string()))?;
    let previous = settings
        .auth
        .previous_signing_keys
        .iter()
        .map(|p| Ed25519Key::load(p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StartError::Keys(e.to_string()))?;
    Ok(AccessTokens::new(
        signing,
        previous,
        settings.auth.issuer.clone(),
        settings.auth.audience.clone(),
        Duration::seconds(settings.auth.access_token_ttl),
    ))
}

pub fn pii_vault(settings: &Settings) -> Result<PiiVault, StartError> {
    Ok(PiiVault::new(&pii_secret(settings)?))
}

/// The secret the web app derives its CSRF key from: the PII secret, which every node
/// of a deployment shares, under a label of its own (see `web::csrf`).
pub fn web_secret(settings: &Settings) -> Result<[u8; 32], StartError> {
    pii_secret(settings)
}

fn pii_secret(settings: &Settings) -> Result<[u8; 32], StartError> {
    let encoded = match &settings.auth.pii_key {
        Some(key) => key.expose_secret().to_owned(),
        None => {
            if settings.database_url().starts_with("postgres") {
                // Beside the data it protects, a key protects nothing from whoever copies
                // the machine: a production deployment brings it from a secret store.
                tracing::warn!(
                    "the key protecting citizen IDs is a file in data_dir; give it as HOCVUSO_AUTH__PII_KEY in production"
                );
            }
            read_or_create_secret(&settings.keys_folder().join("pii.key"))?
        }
    };
    secret_bytes(&encoded, "PII key")
}

fn secret_bytes(encoded: &str, what: &str) -> Result<[u8; 32], StartError> {
    let bytes = BASE64
        .decode(encoded.trim().as_bytes())
        .map_err(|_| StartError::Keys(format!("the {what} is not base64")))?;
    bytes
        .try_into()
        .map_err(|_| StartError::Keys(format!("the {what} must be 32 bytes")))
}

/// How records are signed and by whom; the embedded default generates the first
/// signing key and says where it put it.
pub fn certification(settings: &Settings) -> Result<CertificationConfig, StartError> {
    let keys_error = |e: hocvuso_certification::CertificationError| StartError::Keys(e.to_string());
    let section = &settings.certification;
    let keys = match (&section.keys_pem, &section.keys_folder) {
        (Some(pems), _) => KeyRing::from_pems(pems.expose_secret()).map_err(keys_error)?,
        // A configured folder must hold keys: generating one would split a deployment.
        (None, Some(folder)) => KeyRing::from_folder(folder).map_err(keys_error)?,
        (None, None) => {
            let folder = settings.credential_keys_folder();
            let (ring, generated) =
                KeyRing::from_folder_or_generate(&folder).map_err(keys_error)?;
            if generated {
                tracing::info!(path = %folder.display(), kid = %ring.signing().kid(), "generated the credential signing key");
            }
            ring
        }
    };
    let subject = match &section.subject_key {
        Some(key) => key.expose_secret().to_owned(),
        None => read_or_create_secret(&settings.keys_folder().join("credential-subject.key"))?,
    };
    Ok(CertificationConfig {
        issuer: IssuerProfile {
            public_url: section.public_url.trim_end_matches('/').to_owned(),
            name: section.issuer_name.clone(),
        },
        keys,
        subject_key: secret_bytes(&subject, "credential subject key")?,
        validity: section
            .validity_days
            .map(|days| Duration::days(i64::from(days))),
    })
}

fn read_or_create_secret(path: &Path) -> Result<String, StartError> {
    let io = |e: std::io::Error| StartError::Keys(format!("{}: {e}", path.display()));
    if path.exists() {
        return hocvuso_keys::read_secret_file(path).map_err(|e| StartError::Keys(e.to_string()));
    }
    let mut secret = [0u8; 32];
    hocvuso_keys::random_bytes(&mut secret).map_err(|e| StartError::Keys(e.to_string()))?;
    let encoded = BASE64.encode(&secret);
    hocvuso_keys::write_secret_file(path, encoded.as_bytes()).map_err(io)?;
    tracing::info!(path = %path.display(), "generated the key protecting citizen IDs");
    Ok(encoded)
}
