//! Verification codes: 10 characters of Crockford's base32 (50 random bits), short
//! enough to read aloud over the phone or type from a printed certificate. Reading one
//! back forgives what people get wrong: case, spaces, hyphens, and the letters I, L and
//! O typed for the digits 1 and 0.

use std::fmt;
use std::sync::LazyLock;

use data_encoding::{Encoding, Specification};

use crate::CertificationError;

pub const CODE_LEN: usize = 10;
const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static CROCKFORD: LazyLock<Option<Encoding>> = LazyLock::new(|| {
    let mut spec = Specification::new();
    spec.symbols.push_str(ALPHABET);
    spec.encoding().ok()
});

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VerificationCode(String);

impl VerificationCode {
    /// A fresh random code.
    pub fn generate() -> Result<Self, CertificationError> {
        let mut bytes = [0u8; 7];
        hocvuso_keys::random_bytes(&mut bytes)
            .map_err(|e| CertificationError::Keys(e.to_string()))?;
        let encoding = CROCKFORD
            .as_ref()
            .ok_or_else(|| CertificationError::Keys("base32 alphabet rejected".into()))?;
        let mut text = encoding.encode(&bytes);
        text.truncate(CODE_LEN);
        Ok(Self(text))
    }

    /// A code as a person typed it.
    pub fn parse(input: &str) -> Result<Self, CertificationError> {
        let mut code = String::with_capacity(CODE_LEN);
        for c in input.chars() {
            let c = match c.to_ascii_uppercase() {
                '-' | ' ' => continue,
                'I' | 'L' => '1',
                'O' => '0',
                c => c,
            };
            if !ALPHABET.contains(c) || code.len() == CODE_LEN {
                return Err(CertificationError::MalformedCode);
            }
            code.push(c);
        }
        if code.len() == CODE_LEN {
            Ok(Self(code))
        } else {
            Err(CertificationError::MalformedCode)
        }
    }

    /// The stored form, without the hyphen.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Grouped in two halves, as printed: `7KQ2M-9XH4D`.
impl fmt::Display for VerificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = self.0.split_at(CODE_LEN / 2);
        write!(f, "{a}-{b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_are_ten_symbols_and_differ() {
        let a = VerificationCode::generate().expect("code");
        let b = VerificationCode::generate().expect("code");
        assert_eq!(a.as_str().len(), CODE_LEN);
        assert!(a.as_str().chars().all(|c| ALPHABET.contains(c)));
        assert_ne!(a, b);
        assert_eq!(VerificationCode::parse(&a.to_string()).expect("parse"), a);
    }

    #[test]
    fn reading_forgives_case_hyphens_and_look_alike_letters() {
        let code = VerificationCode::parse("7kq2m-9xh4d").expect("parse");
        assert_eq!(code.as_str(), "7KQ2M9XH4D");
        assert_eq!(
            VerificationCode::parse("i0l2m 9XH4o")
                .expect("parse")
                .as_str(),
            "1012M9XH40"
        );
        for bad in ["", "7KQ2M9XH4", "7KQ2M9XH4DD", "7KQ2M9XH4U", "ĐKQ2M9XH4D"] {
            assert!(VerificationCode::parse(bad).is_err(), "{bad}");
        }
    }
}
