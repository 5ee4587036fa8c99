//! Loading the secrets a server needs at start: the access-token signing key and the
//! key protecting citizen IDs. The embedded default generates both on first start.

use std::path::Path;

use chrono::Duration;
use data_encoding::BASE64;
use hocvuso_identity::{AccessTokens, PiiVault};
use hocvuso_keys::Ed25519Key;

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
    let encoded = match &settings.auth.pii_key {
        Some(key) => key.clone(),
        None => read_or_create_secret(&settings.keys_folder().join("pii.key"))?,
    };
    let bytes = BASE64
        .decode(encoded.trim().as_bytes())
        .map_err(|_| StartError::Keys("the PII key is not base64".into()))?;
    let secret: [u8; 32] = bytes
        .try_into()
        .map_err(|_| StartError::Keys("the PII key must be 32 bytes".into()))?;
    Ok(PiiVault::new(&secret))
}

fn read_or_create_secret(path: &Path) -> Result<String, StartError> {
    let io = |e: std::io::Error| StartError::Keys(format!("{}: {e}", path.display()));
    if path.exists() {
        return std::fs::read_to_string(path).map_err(io);
    }
    let mut secret = [0u8; 32];
    hocvuso_keys::random_bytes(&mut secret).map_err(|e| StartError::Keys(e.to_string()))?;
    let encoded = BASE64.encode(&secret);
    hocvuso_keys::write_secret_file(path, encoded.as_bytes()).map_err(io)?;
    tracing::info!(path = %path.display(), "generated the key protecting citizen IDs");
    Ok(encoded)
}
