use hocvuso_kernel::problem::ErrorCode;

hocvuso_kernel::error_codes! {
    /// Every problem code certificates and their verification give. The generic ones
    /// (`not_found`, `internal_error`, …) are the kernel's.
    pub enum CertificationErrorCode {
        problem {
            /// 400, [`CertificationError::MalformedCode`].
            MalformedCode = "malformed_code",
            /// 400, [`CertificationError::MalformedToken`].
            MalformedToken = "malformed_token",
            /// 409, [`CertificationError::AlreadyRevoked`].
            CredentialRevoked = "credential_revoked",
            /// 400, [`CertificationError::ReasonRequired`].
            ReasonRequired = "reason_required",
        }
        field {
        }
    }
}

impl CertificationError {
    /// Every code the certification crate's problems carry (theirs and their fields'), besides the kernel's
    /// generic ones.
    pub fn codes() -> impl Iterator<Item = impl ErrorCode> {
        CertificationErrorCode::iter()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CertificationError {
    #[error("not found")]
    NotFound,
    #[error("a verification code is 10 characters of 0-9 and A-Z without I, L, O, U")]
    MalformedCode,
    #[error("not a JSON Web Token")]
    MalformedToken,
    #[error("the record is already revoked")]
    AlreadyRevoked,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("keys: {0}")]
    Keys(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("PDF: {0}")]
    Pdf(String),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

impl From<CertificationError> for hocvuso_kernel::Problem {
    fn from(err: CertificationError) -> Self {
        use CertificationErrorCode as Code;
        use hocvuso_kernel::Problem;
        match err {
            CertificationError::NotFound => Problem::not_found(),
            CertificationError::MalformedCode => Problem::bad_request(
                Code::MalformedCode,
                "Mã xác minh gồm 10 ký tự chữ và số (không có I, L, O, U); hãy kiểm tra lại.",
                "A verification code is 10 letters and digits (no I, L, O, U); please check it.",
            ),
            CertificationError::MalformedToken => Problem::bad_request(
                Code::MalformedToken,
                "Đây không phải là một chứng nhận số (JWT).",
                "This is not a signed credential (JWT).",
            ),
            CertificationError::AlreadyRevoked => Problem::new(
                409,
                Code::CredentialRevoked,
                "Chứng nhận này đã bị thu hồi.",
                "This record is already revoked.",
            ),
            CertificationError::ReasonRequired => Problem::bad_request(
                Code::ReasonRequired,
                "Cần ghi rõ lý do.",
                "A reason is required.",
            ),
            other @ (CertificationError::Keys(_)
            | CertificationError::Corrupt(_)
            | CertificationError::Pdf(_)
            | CertificationError::Db(_)) => Problem::internal(&other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hocvuso_kernel::Problem;

    #[test]
    fn the_registry_is_sound() {
        assert_eq!(CertificationErrorCode::faults(), Vec::<String>::new());
    }

    #[test]
    fn problems_take_their_codes_from_the_registry() {
        let problem = Problem::from(CertificationError::AlreadyRevoked);
        assert_eq!(
            problem.code,
            CertificationErrorCode::CredentialRevoked.as_str()
        );
    }
}
