//! Problem details (RFC 9457): the body of every error the API returns.
//!
//! A [`Problem`] carries a stable machine `code` that clients branch on, the HTTP status,
//! and its message in both languages; it is rendered into one language per response.
//! Each domain crate converts its own error type into a `Problem`, taking the code from
//! its registry of codes ([`codes`]); the generic codes are the kernel's own
//! ([`KernelErrorCode`]).

use std::borrow::Cow;

use serde::Serialize;
use utoipa::ToSchema;

use crate::Lang;

/// A human message in the platform's two languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub vi: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Message {
    pub fn new(vi: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self {
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn in_lang(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// One invalid input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path of the field in the request (`profile.birth_date`, `items[2].id`).
    pub field: String,
    pub code: Cow<'static, str>,
    pub message: Message,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub status: u16,
    pub code: Cow<'static, str>,
    pub message: Message,
    pub errors: Vec<FieldError>,
    /// Seconds a client should wait before retrying (rate limits, maintenance).
    pub retry_after: Option<u64>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message.en)
    }
}

impl std::error::Error for Problem {}

impl Problem {
    pub fn new(
        status: u16,
        code: impl Into<Cow<'static, str>>,
        vi: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            code: code.into(),
            message: Message::new(vi, en),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn bad_request(
        code: impl Into<Cow<'static, str>>,
        vi: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(400, code, vi, en)
    }

    pub fn not_found() -> Self {
        Self::new(
            404,
            KernelErrorCode::NotFound,
            "Không tìm thấy tài nguyên được yêu cầu.",
            "The requested resource was not found.",
        )
    }

    pub fn unauthorized() -> Self {
        Self::new(
            401,
            KernelErrorCode::Unauthorized,
            "Bạn cần đăng nhập để thực hiện thao tác này.",
            "You need to sign in to do this.",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            403,
            KernelErrorCode::Forbidden,
            "Bạn không có quyền thực hiện thao tác này.",
            "You are not allowed to do this.",
        )
    }

    /// A fault of ours, never of the client. The cause is logged, not shown.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            500,
            KernelErrorCode::InternalError,
            "Hệ thống gặp lỗi. Vui lòng thử lại sau.",
            "Something went wrong on our side. Please try again later.",
        )
    }

    pub fn unavailable(what: &dyn std::fmt::Display) -> Self {
        tracing::warn!(cause = %what, "service unavailable");
        Self::new(
            503,
            KernelErrorCode::ServiceUnavailable,
            "Dịch vụ tạm thời không sẵn sàng. Vui lòng thử lại sau.",
            "The service is temporarily unavailable. Please try again later.",
        )
    }

    pub fn is_server_error(&self) -> bool {
        self.status >= 500
    }

    /// The body in one language; `instance` is the request path.
    pub fn body(&self, lang: Lang, instance: Option<&str>) -> ProblemBody {
        ProblemBody {
            problem_type: format!("urn:hocvuso:problem:{}", self.code),
            title: self.message.in_lang(lang).to_owned(),
            status: self.status,
            code: self.code.to_string(),
            instance: instance.map(str::to_owned),
            errors: self
                .errors
                .iter()
                .map(|e| FieldErrorBody {
                    field: e.field.clone(),
                    code: e.code.to_string(),
                    message: e.message.in_lang(lang).to_owned(),
                })
                .collect(),
        }
    }
}

/// RFC 9457 problem details, as sent with `Content-Type: application/problem+json`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Problem)]
pub struct ProblemBody {
    /// `urn:hocvuso:problem:{code}`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// What went wrong, in the negotiated language (Vietnamese unless `Accept-Language` prefers English).
    pub title: String,
    pub status: u16,
    /// Stable machine-readable code; clients branch on this, never on `title`.
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Every invalid field of the request, when the problem is invalid input.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldErrorBody>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = FieldError)]
pub struct FieldErrorBody {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl From<sea_orm::DbErr> for Problem {
    fn from(err: sea_orm::DbErr) -> Self {
        match err {
            sea_orm::DbErr::ConnectionAcquire(_) | sea_orm::DbErr::Conn(_) => {
                Problem::unavailable(&err)
            }
            other => Problem::internal(&other),
        }
    }
}

pub mod codes;
pub mod validation;

pub use codes::{ErrorCode, KernelErrorCode, registered};
