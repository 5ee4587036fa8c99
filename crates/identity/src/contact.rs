//! Contact details, parsed once into their canonical form.

use validator::ValidateEmail;

/// An email address, trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim().to_lowercase();
        (value.len() <= 254 && value.validate_email()).then_some(Email(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Vietnamese mobile number in E.164 form (`+84912345678`). Accepts the forms people
/// write: `0912 345 678`, `0912.345.678`, `+84 912 345 678`, `84912345678`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(value: &str) -> Option<Self> {
        let compact: String = value
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
            .collect();
        let national = compact
            .strip_prefix("+84")
            .or_else(|| compact.strip_prefix("84").filter(|rest| rest.len() == 9))
            .or_else(|| compact.strip_prefix('0'))?;
        let mobile_prefix = matches!(
            national.as_bytes().first(),
            Some(b'3' | b'5' | b'7' | b'8' | b'9')
        );
        (national.len() == 9 && mobile_prefix && national.bytes().all(|b| b.is_ascii_digit()))
            .then(|| PhoneNumber(format!("+84{national}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How someone signs in: the identifier typed at the login form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginIdentifier {
    Email(Email),
    Phone(PhoneNumber),
}

impl LoginIdentifier {
    pub fn parse(value: &str) -> Option<Self> {
        if value.contains('@') {
            Email::parse(value).map(LoginIdentifier::Email)
        } else {
            PhoneNumber::parse(value).map(LoginIdentifier::Phone)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_take_their_e164_form() {
        for written in [
            "0912345678",
            "0912 345 678",
            "+84 912 345 678",
            "84912345678",
            "0912.345.678",
        ] {
            assert_eq!(
                PhoneNumber::parse(written).map(|p| p.0).as_deref(),
                Some("+84912345678"),
                "{written}"
            );
        }
        for bad in [
            "091234567",
            "09123456789",
            "0112345678",
            "phone",
            "+1 912 345 678",
            "",
        ] {
            assert!(PhoneNumber::parse(bad).is_none(), "{bad} accepted");
        }
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            Email::parse(" An.Nguyen@Example.VN ")
                .map(|e| e.0)
                .as_deref(),
            Some("an.nguyen@example.vn")
        );
        assert!(Email::parse("no-at-sign").is_none());
        assert!(Email::parse("a@").is_none());
    }

    #[test]
    fn login_identifiers_are_emails_or_phones() {
        assert!(matches!(
            LoginIdentifier::parse("a@b.vn"),
            Some(LoginIdentifier::Email(_))
        ));
        assert!(matches!(
            LoginIdentifier::parse("0912345678"),
            Some(LoginIdentifier::Phone(_))
        ));
        assert!(LoginIdentifier::parse("neither").is_none());
    }
}
