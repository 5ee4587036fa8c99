use hocvuso_kernel::Problem;
use hocvuso_kernel::problem::validation::invalid_field;
use hocvuso_kernel::problem::{ErrorCode, registered};

use crate::cccd::CccdError;
use crate::password::WeakPassword;

hocvuso_kernel::error_codes! {
    /// Every problem code identity and access gives, and every code of an invalid field
    /// it names (inside `validation_failed`). The generic ones (`not_found`,
    /// `forbidden`, `email`, …) are the kernel's.
    pub enum IdentityErrorCode {
        problem {
            /// 401, [`IdentityError::InvalidCredentials`].
            InvalidCredentials = "invalid_credentials",
            /// 401, [`IdentityError::InvalidToken`].
            InvalidToken = "invalid_token",
            /// 401, [`IdentityError::RefreshTokenReused`].
            RefreshTokenReused = "refresh_token_reused",
            /// 409, [`IdentityError::DuplicatePhone`].
            PhoneTaken = "phone_taken",
            /// 409, [`IdentityError::DuplicateEmail`].
            EmailTaken = "email_taken",
            /// 409, [`IdentityError::DuplicateCccd`].
            CccdTaken = "cccd_taken",
            /// 400, [`IdentityError::ImportColumnsMissing`].
            ImportColumnsMissing = "import_columns_missing",
            /// 409, [`IdentityError::UnitInUse`].
            UnitInUse = "unit_in_use",
            /// 404, [`IdentityError::OidcNotConfigured`].
            OidcNotConfigured = "oidc_not_configured",
            /// 503, [`IdentityError::OidcUnavailable`].
            IdentityProviderUnavailable = "identity_provider_unavailable",
            /// 401, [`IdentityError::OidcRejected`].
            OidcSignInFailed = "oidc_sign_in_failed",
            /// 403, [`IdentityError::AssuranceTooLow`].
            AssuranceTooLow = "assurance_too_low",
            /// 409, [`IdentityError::VneidLinkRequired`].
            VneidLinkRequired = "vneid_link_required",
            /// 409, [`IdentityError::VneidAlreadyLinked`].
            VneidAlreadyLinked = "vneid_already_linked",
        }
        field {
            // The `password` field's, one per [`WeakPassword`]:
            PasswordTooShort = "password_too_short",
            PasswordTooLong = "password_too_long",
            PasswordTooSimple = "password_too_simple",
            PasswordContainsIdentifier = "password_contains_identifier",
            // The `cccd` field's, one per [`CccdError`]:
            CccdFormat = "cccd_format",
            CccdProvince = "cccd_province",
            CccdSexMismatch = "cccd_sex_mismatch",
            CccdBirthYearMismatch = "cccd_birth_year_mismatch",
            CccdBirthYearInFuture = "cccd_birth_year_in_future",
            /// `unit_id`, [`IdentityError::UnknownUnit`].
            UnknownUnit = "unknown_unit",
            // Those [`IdentityError::InvalidField`] carries, chosen where it is made:
            /// `phone` (`accounts.rs`).
            PhoneInvalid = "phone_invalid",
            /// `phone` (`accounts.rs`): neither a phone number nor an email.
            ContactRequired = "contact_required",
            /// `birth_date` (`profile.rs`).
            BirthDateOutOfRange = "birth_date_out_of_range",
            /// `cccd` (`profile.rs`): verified through VNeID.
            IdentityLocked = "identity_locked",
            /// `parent_id` (`units.rs`).
            ParentRequired = "parent_required",
            /// `code` (`units.rs`).
            UnitCodeTaken = "unit_code_taken",
            /// `scope_unit_ids` (`units.rs`).
            ScopeOutsideYours = "scope_outside_yours",
            /// `scope_unit_ids` (`units.rs`).
            ScopeRequired = "scope_required",
            /// `state` (`oidc.rs`).
            OidcStateInvalid = "oidc_state_invalid",
            /// `binding` (`oidc.rs`): the callback came from another client than the start.
            OidcBindingMismatch = "oidc_binding_mismatch",
            /// `target_group` (`accounts.rs`): civil servants and enterprise workers are
            /// set by their unit's administrator.
            TargetGroupNeedsUnit = "target_group_needs_unit",
            /// `target_group` (`profile.rs`): declared once already.
            TargetGroupLocked = "target_group_locked",
            /// `household` (`profile.rs`): set by the ward, not by its member.
            AssignedByWard = "assigned_by_ward",
        }
    }
}

impl IdentityError {
    /// Every code identity's problems carry (theirs and their fields'), besides the kernel's generic ones.
    pub fn codes() -> impl Iterator<Item = impl ErrorCode> {
        IdentityErrorCode::iter()
    }
}

impl From<WeakPassword> for IdentityErrorCode {
    fn from(reason: WeakPassword) -> Self {
        match reason {
            WeakPassword::TooShort => Self::PasswordTooShort,
            WeakPassword::TooLong => Self::PasswordTooLong,
            WeakPassword::TooSimple => Self::PasswordTooSimple,
            WeakPassword::ContainsIdentifier => Self::PasswordContainsIdentifier,
        }
    }
}

impl From<CccdError> for IdentityErrorCode {
    fn from(reason: CccdError) -> Self {
        match reason {
            CccdError::Format => Self::CccdFormat,
            CccdError::Province => Self::CccdProvince,
            CccdError::SexMismatch => Self::CccdSexMismatch,
            CccdError::BirthYearMismatch => Self::CccdBirthYearMismatch,
            CccdError::BirthYearInFuture => Self::CccdBirthYearInFuture,
        }
    }
}

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
    #[error("identity assurance below the configured minimum")]
    AssuranceTooLow { required: u8 },
    #[error("the citizen ID belongs to an account that must link VNeID itself")]
    VneidLinkRequired,
    #[error("this VNeID identity is linked to another account")]
    VneidAlreadyLinked,
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
        use IdentityErrorCode as Code;
        match err {
            InvalidCredentials => Problem::new(
                401,
                Code::InvalidCredentials,
                "Tài khoản hoặc mật khẩu không đúng.",
                "Wrong account or password.",
            ),
            InvalidToken => Problem::new(
                401,
                Code::InvalidToken,
                "Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.",
                "The session is invalid or has expired. Please sign in again.",
            ),
            RefreshTokenReused => Problem::new(
                401,
                Code::RefreshTokenReused,
                "Phiên đăng nhập đã bị thu hồi vì mã làm mới được dùng lại. Vui lòng đăng nhập lại.",
                "The session was revoked because a refresh token was reused. Please sign in again.",
            ),
            Forbidden => Problem::forbidden(),
            NotFound => Problem::not_found(),
            DuplicatePhone => Problem::new(
                409,
                Code::PhoneTaken,
                "Số điện thoại này đã được đăng ký.",
                "This phone number is already registered.",
            ),
            DuplicateEmail => Problem::new(
                409,
                Code::EmailTaken,
                "Địa chỉ email này đã được đăng ký.",
                "This email address is already registered.",
            ),
            DuplicateCccd => Problem::new(
                409,
                Code::CccdTaken,
                "Số CCCD này đã gắn với một tài khoản khác.",
                "This citizen ID already belongs to another account.",
            ),
            WeakPassword(reason) => {
                let (vi, en) = reason.messages();
                invalid_field("password", Code::from(reason), vi, en)
            }
            Cccd(reason) => {
                let (vi, en) = reason.messages();
                invalid_field("cccd", Code::from(reason), vi, en)
            }
            InvalidField {
                field: name,
                code,
                vi,
                en,
            } => invalid_field(name, registered::<Code>(code), vi, en),
            ImportColumnsMissing(columns) => {
                let list = columns.join(", ");
                Problem::new(
                    400,
                    Code::ImportColumnsMissing,
                    format!("Tệp thiếu các cột bắt buộc: {list}."),
                    format!("The file lacks the required columns: {list}."),
                )
            }
            UnknownUnit => invalid_field(
                "unit_id",
                Code::UnknownUnit,
                "Đơn vị không tồn tại.",
                "No such unit.",
            ),
            UnitInUse => Problem::new(
                409,
                Code::UnitInUse,
                "Đơn vị vẫn còn thành viên hoặc đơn vị con.",
                "The unit still has members or sub-units.",
            ),
            OidcNotConfigured => Problem::new(
                404,
                Code::OidcNotConfigured,
                "Đăng nhập bằng VNeID chưa được cấu hình.",
                "Sign-in with VNeID is not configured.",
            ),
            OidcUnavailable(cause) => {
                tracing::warn!(%cause, "identity provider unavailable");
                Problem::new(
                    503,
                    Code::IdentityProviderUnavailable,
                    "Hệ thống định danh (VNeID) đang bận hoặc bảo trì. Vui lòng thử lại sau; các phiên đang học không bị ảnh hưởng.",
                    "The identity provider (VNeID) is busy or under maintenance. Please try again later; ongoing sessions are not affected.",
                )
                .with_retry_after(30)
            }
            OidcRejected(cause) => {
                tracing::warn!(%cause, "identity provider answer rejected");
                Problem::new(
                    401,
                    Code::OidcSignInFailed,
                    "Không thể xác minh đăng nhập từ hệ thống định danh. Vui lòng thử lại.",
                    "The sign-in from the identity provider could not be verified. Please try again.",
                )
            }
            AssuranceTooLow { required } => Problem::new(
                403,
                Code::AssuranceTooLow,
                format!(
                    "Tài khoản VNeID cần được định danh mức {required} trở lên. Vui lòng nâng mức định danh tại cơ quan công an rồi đăng nhập lại."
                ),
                format!(
                    "The VNeID account must be identified at level {required} or above. Raise its level at the police office, then sign in again."
                ),
            ),
            VneidLinkRequired => Problem::new(
                409,
                Code::VneidLinkRequired,
                "Số định danh này đã gắn với một tài khoản có mật khẩu. Hãy đăng nhập tài khoản đó rồi chọn \"Liên kết VNeID\" trong trang cá nhân.",
                "This citizen ID belongs to an account with a password. Sign in to that account, then choose \"Link VNeID\" on your profile.",
            ),
            VneidAlreadyLinked => Problem::new(
                409,
                Code::VneidAlreadyLinked,
                "Tài khoản VNeID này đã được liên kết với một tài khoản khác.",
                "This VNeID identity is already linked to another account.",
            ),
            Page(problem) => problem,
            Db(e) => e.into(),
            Internal(cause) => Problem::internal(&cause),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_sound() {
        assert_eq!(IdentityErrorCode::faults(), Vec::<String>::new());
    }

    /// `WeakPassword::code` and `CccdError::code` name the same codes elsewhere (an
    /// import's rejected rows); they must agree with the registry.
    #[test]
    fn the_reasons_spell_their_codes_as_the_registry() {
        for reason in [
            WeakPassword::TooShort,
            WeakPassword::TooLong,
            WeakPassword::TooSimple,
            WeakPassword::ContainsIdentifier,
        ] {
            assert_eq!(reason.code(), IdentityErrorCode::from(reason).as_str());
        }
        for reason in [
            CccdError::Format,
            CccdError::Province,
            CccdError::SexMismatch,
            CccdError::BirthYearMismatch,
            CccdError::BirthYearInFuture,
        ] {
            assert_eq!(reason.code(), IdentityErrorCode::from(reason).as_str());
        }
    }

    #[test]
    fn problems_take_their_codes_from_the_registry() {
        let problem = Problem::from(IdentityError::DuplicatePhone);
        assert_eq!(problem.code, IdentityErrorCode::PhoneTaken.as_str());
        let problem = Problem::from(IdentityError::WeakPassword(WeakPassword::TooShort));
        assert_eq!(problem.code, "validation_failed");
        assert_eq!(problem.errors[0].code, "password_too_short");
        let problem = Problem::from(IdentityError::InvalidField {
            field: "email",
            code: "email",
            vi: "",
            en: "",
        });
        assert_eq!(problem.errors[0].code, "email");
    }
}
