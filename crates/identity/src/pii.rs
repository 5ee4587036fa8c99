//! Protecting citizen ID numbers at rest: AES-256-GCM encryption so an owner or an
//! administrator can read them back, and an HMAC-SHA-256 keyed hash so uniqueness and
//! look-ups work without decrypting. Both keys derive (HKDF-SHA-256) from one secret.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use data_encoding::HEXLOWER;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::IdentityError;
use crate::cccd::Cccd;
use uuid::Uuid;

const NONCE_LEN: usize = 12;
/// The first byte of a number sealed with its owner's id as associated data.
const BOUND: u8 = 2;

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

    /// `2 || nonce || ciphertext+tag`, a fresh random nonce each time, the owner's id as
    /// associated data: a sealed number copied into another person's row (by someone with
    /// the database but not the key) no longer opens there.
    pub fn encrypt(&self, cccd: &Cccd, owner: Uuid) -> Result<Vec<u8>, IdentityError> {
        let mut nonce = [0u8; NONCE_LEN];
        hocvuso_keys::random_bytes(&mut nonce)
            .map_err(|e| IdentityError::Internal(e.to_string()))?;
        let payload = Payload {
            msg: cccd.as_str().as_bytes(),
            aad: owner.as_bytes(),
        };
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), payload)
            .map_err(|_| IdentityError::Internal("citizen ID encryption failed".into()))?;
        Ok([&[BOUND][..], nonce.as_slice(), &sealed].concat())
    }

    /// Opens a number sealed for `owner`; one sealed before numbers were bound to their
    /// owner (no version byte) opens as it was sealed.
    pub fn decrypt(&self, stored: &[u8], owner: Uuid) -> Result<Cccd, IdentityError> {
        let corrupt = || IdentityError::Internal("stored citizen ID cannot be decrypted".into());
        // A citizen ID is 12 bytes: unbound, nonce + 12 + 16-byte tag = 40; bound, 41.
        let (body, aad): (&[u8], &[u8]) = match stored {
            [BOUND, rest @ ..] if stored.len() == NONCE_LEN + 12 + 16 + 1 => {
                (rest, owner.as_bytes())
            }
            _ => (stored, &[]),
        };
        if body.len() <= NONCE_LEN {
            return Err(corrupt());
        }
        let (nonce, sealed) = body.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| corrupt())?;
        let plain = self
            .cipher
            .decrypt(&Nonce::from(nonce), Payload { msg: sealed, aad })
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
        let owner = Uuid::new_v4();
        let cccd = Cccd::parse("001090012345").expect("valid");
        let a = vault.encrypt(&cccd, owner).expect("sealed");
        let b = vault.encrypt(&cccd, owner).expect("sealed");
        assert_ne!(a, b, "nonces must differ");
        assert!(!a.windows(12).any(|w| w == b"001090012345"));
        assert_eq!(vault.decrypt(&a, owner).expect("opened"), cccd);

        let mut tampered = a.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(vault.decrypt(&tampered, owner).is_err());
        assert!(PiiVault::new(&[8u8; 32]).decrypt(&a, owner).is_err());
    }

    #[test]
    fn a_number_copied_into_someone_elses_row_does_not_open() {
        let vault = PiiVault::new(&[7u8; 32]);
        let cccd = Cccd::parse("001090012345").expect("valid");
        let sealed = vault.encrypt(&cccd, Uuid::new_v4()).expect("sealed");
        assert!(vault.decrypt(&sealed, Uuid::new_v4()).is_err());
    }

    #[test]
    fn numbers_sealed_before_binding_still_open() {
        let vault = PiiVault::new(&[7u8; 32]);
        let cccd = Cccd::parse("001090012345").expect("valid");
        let nonce = [3u8; NONCE_LEN];
        let legacy = [
            nonce.as_slice(),
            &vault
                .cipher
                .encrypt(&Nonce::from(nonce), cccd.as_str().as_bytes())
                .expect("sealed"),
        ]
        .concat();
        assert_eq!(legacy.len(), 40);
        assert_eq!(
            vault.decrypt(&legacy, Uuid::new_v4()).expect("opened"),
            cccd
        );
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
