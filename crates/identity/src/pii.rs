//! Protecting citizen ID numbers at rest: AES-256-GCM encryption so an owner or an
//! administrator can read them back, and an HMAC-SHA-256 keyed hash so uniqueness and
//! look-ups work without decrypting. Both keys derive (HKDF-SHA-256) from one secret.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use data_encoding::HEXLOWER;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::IdentityError;
use crate::cccd::Cccd;

const NONCE_LEN: usize = 12;

#[derive(Clone)]
pub struct PiiVault {
    cipher: Aes256Gcm,
    lookup_key: [u8; 32],
}

impl std::fmt::Debug for PiiVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PiiVault(..)")
    }
}

impl PiiVault {
    pub fn new(secret: &[u8; 32]) -> Self {
        let hkdf = Hkdf::<Sha256>::new(Some(b"hocvuso-pii-v1"), secret);
        let mut encryption_key = [0u8; 32];
        let mut lookup_key = [0u8; 32];
        // 32-byte outputs are far below HKDF-SHA-256's limit; expansion cannot fail.
        let _ = hkdf.expand(b"cccd encryption", &mut encryption_key);
        let _ = hkdf.expand(b"cccd lookup", &mut lookup_key);
        let cipher = Aes256Gcm::new(&encryption_key.into());
        Self { cipher, lookup_key }
    }

    /// `nonce || ciphertext+tag`, a fresh random nonce each time.
    pub fn encrypt(&self, cccd: &Cccd) -> Result<Vec<u8>, IdentityError> {
        let mut nonce = [0u8; NONCE_LEN];
        hocvuso_keys::random_bytes(&mut nonce)
            .map_err(|e| IdentityError::Internal(e.to_string()))?;
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), cccd.as_str().as_bytes())
            .map_err(|_| IdentityError::Internal("citizen ID encryption failed".into()))?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    pub fn decrypt(&self, stored: &[u8]) -> Result<Cccd, IdentityError> {
        let corrupt = || IdentityError::Internal("stored citizen ID cannot be decrypted".into());
        if stored.len() <= NONCE_LEN {
            return Err(corrupt());
        }
        let (nonce, sealed) = stored.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| corrupt())?;
        let plain = self
            .cipher
            .decrypt(&Nonce::from(nonce), sealed)
            .map_err(|_| corrupt())?;
        let text = String::from_utf8(plain).map_err(|_| corrupt())?;
        Cccd::parse(&text).map_err(|_| corrupt())
    }

    /// The keyed hash that identifies a citizen ID in the database (hex).
    pub fn lookup_hash(&self, cccd: &Cccd) -> Result<String, IdentityError> {
        let mut mac = <Hmac<Sha256>>::new_from_slice(&self.lookup_key)
            .map_err(|_| IdentityError::Internal("HMAC key rejected".into()))?;
        mac.update(cccd.as_str().as_bytes());
        Ok(HEXLOWER.encode(&mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypts_to_different_bytes_and_back() {
        let vault = PiiVault::new(&[7u8; 32]);
        let cccd = Cccd::parse("001090012345").expect("valid");
        let a = vault.encrypt(&cccd).expect("sealed");
        let b = vault.encrypt(&cccd).expect("sealed");
        assert_ne!(a, b, "nonces must differ");
        assert!(!a.windows(12).any(|w| w == b"001090012345"));
        assert_eq!(vault.decrypt(&a).expect("opened"), cccd);

        let mut tampered = a.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(vault.decrypt(&tampered).is_err());
        assert!(PiiVault::new(&[8u8; 32]).decrypt(&a).is_err());
    }

    #[test]
    fn lookup_hashes_are_stable_and_keyed() {
        let cccd = Cccd::parse("001090012345").expect("valid");
        let vault = PiiVault::new(&[7u8; 32]);
        let hash = |v: &PiiVault| v.lookup_hash(&cccd).expect("hash");
        assert_eq!(hash(&vault), hash(&vault));
        assert_ne!(hash(&vault), hash(&PiiVault::new(&[8u8; 32])));
        assert_eq!(hash(&vault).len(), 64);
    }
}
