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
        use hocvuso_kernel::Problem;
        match err {
            CertificationError::NotFound => Problem::not_found(),
            CertificationError::MalformedCode => Problem::bad_request(
                "malformed_code",
                "Mã xác minh gồm 10 ký tự chữ và số (không có I, L, O, U); hãy kiểm tra lại.",
                "A verification code is 10 letters and digits (no I, L, O, U); please check it.",
            ),
            CertificationError::MalformedToken => Problem::bad_request(
                "malformed_token",
                "Đây không phải là một chứng nhận số (JWT).",
                "This is not a signed credential (JWT).",
            ),
            CertificationError::AlreadyRevoked => Problem::new(
                409,
                "credential_revoked",
                "Chứng nhận này đã bị thu hồi.",
                "This record is already revoked.",
            ),
            CertificationError::ReasonRequired => Problem::bad_request(
                "reason_required",
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
