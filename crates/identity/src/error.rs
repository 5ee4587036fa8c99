use hocvuso_kernel::Problem;
use hocvuso_kernel::problem::validation::invalid_field;

use crate::cccd::CccdError;
use crate::password::WeakPassword;

/// Everything that can go wrong in identity and access.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("invalid or expired token")]
    InvalidToken,
    #[error("refresh token reused; its family is revoked")]
    RefreshTokenReused,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("phone number already registered")]
    DuplicatePhone,
    #[error("email already registered")]
    DuplicateEmail,
    #[error("citizen ID already registered")]
    DuplicateCccd,
    #[error("weak password: {0:?}")]
    WeakPassword(WeakPassword),
    #[error("invalid citizen ID: {0}")]
    Cccd(CccdError),
    #[error("invalid field {field}: {code}")]
    InvalidField {
        field: &'static str,
        code: &'static str,
        vi: &'static str,
        en: &'static str,
    },
    #[error("the file lacks required columns: {0:?}")]
    ImportColumnsMissing(Vec<&'static str>),
    #[error("unknown unit")]
    UnknownUnit,
    #[error("the unit still has members or sub-units")]
    UnitInUse,
    #[error("identity provider not configured")]
    OidcNotConfigured,
    #[error("identity provider unavailable: {0}")]
    OidcUnavailable(String),
    #[error("identity provider answer rejected: {0}")]
    OidcRejected(String),
    #[error("invalid page request")]
    Page(Problem),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<IdentityError> for Problem {
    fn from(err: IdentityError) -> Self {
        use IdentityError::*;
        match err {
            InvalidCredentials => Problem::new(
                401,
                "invalid_credentials",
                "Tài khoản hoặc mật khẩu không đúng.",
                "Wrong account or password.",
            ),
            InvalidToken => Problem::new(
                401,
                "invalid_token",
                "Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.",
                "The session is invalid or has expired. Please sign in again.",
            ),
            RefreshTokenReused => Problem::new(
                401,
                "refresh_token_reused",
                "Phiên đăng nhập đã bị thu hồi vì mã làm mới được dùng lại. Vui lòng đăng nhập lại.",
                "The session was revoked because a refresh token was reused. Please sign in again.",
            ),
            Forbidden => Problem::forbidden(),
            NotFound => Problem::not_found(),
            DuplicatePhone => Problem::new(
                409,
                "phone_taken",
                "Số điện thoại này đã được đăng ký.",
                "This phone number is already registered.",
            ),
            DuplicateEmail => Problem::new(
                409,
                "email_taken",
                "Địa chỉ email này đã được đăng ký.",
                "This email address is already registered.",
            ),
            DuplicateCccd => Problem::new(
                409,
                "cccd_taken",
                "Số CCCD này đã gắn với một tài khoản khác.",
                "This citizen ID already belongs to another account.",
            ),
            WeakPassword(reason) => {
                let (vi, en) = reason.messages();
                invalid_field("password", reason.code(), vi, en)
            }
            Cccd(reason) => {
                let (vi, en) = reason.messages();
                invalid_field("cccd", reason.code(), vi, en)
            }
            InvalidField {
                field: name,
                code,
                vi,
                en,
            } => invalid_field(name, code, vi, en),
            ImportColumnsMissing(columns) => {
                let list = columns.join(", ");
                Problem::new(
                    400,
                    "import_columns_missing",
                    format!("Tệp thiếu các cột bắt buộc: {list}."),
                    format!("The file lacks the required columns: {list}."),
                )
            }
            UnknownUnit => invalid_field(
                "unit_id",
                "unknown_unit",
                "Đơn vị không tồn tại.",
                "No such unit.",
            ),
            UnitInUse => Problem::new(
                409,
                "unit_in_use",
                "Đơn vị vẫn còn thành viên hoặc đơn vị con.",
                "The unit still has members or sub-units.",
            ),
            OidcNotConfigured => Problem::new(
                404,
                "oidc_not_configured",
                "Đăng nhập bằng VNeID chưa được cấu hình.",
                "Sign-in with VNeID is not configured.",
            ),
            OidcUnavailable(cause) => {
                tracing::warn!(%cause, "identity provider unavailable");
                Problem::new(
                    503,
                    "identity_provider_unavailable",
                    "Hệ thống định danh (VNeID) đang bận hoặc bảo trì. Vui lòng thử lại sau; các phiên đang học không bị ảnh hưởng.",
                    "The identity provider (VNeID) is busy or under maintenance. Please try again later; ongoing sessions are not affected.",
                )
                .with_retry_after(30)
            }
            OidcRejected(cause) => {
                tracing::warn!(%cause, "identity provider answer rejected");
                Problem::new(
                    401,
                    "oidc_sign_in_failed",
                    "Không thể xác minh đăng nhập từ hệ thống định danh. Vui lòng thử lại.",
                    "The sign-in from the identity provider could not be verified. Please try again.",
                )
            }
            Page(problem) => problem,
            Db(e) => e.into(),
            Internal(cause) => Problem::internal(&cause),
        }
    }
}
