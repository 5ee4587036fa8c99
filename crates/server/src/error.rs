//! The one mapping from errors to HTTP: every error becomes an RFC 9457 problem.

use actix_web::body::BoxBody;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use hocvuso_kernel::{Lang, Problem};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error on its way to becoming a problem response.
///
/// Every domain error converts into a [`Problem`], and so into this; the response is
/// rendered in Vietnamese here and re-rendered in the client's language by the
/// request middleware, which knows the request.
#[derive(Debug)]
pub struct ApiError(pub Problem);

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<E: Into<Problem>> From<E> for ApiError {
    fn from(err: E) -> Self {
        ApiError(err.into())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        problem_response(&self.0, Lang::Vi, None)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A multipart upload without its `file` field.
pub fn missing_file() -> ApiError {
    ApiError(Problem::bad_request(
        "file_missing",
        "Thiếu tệp: gửi tệp trong trường multipart có tên \"file\".",
        "No file: send it in the multipart field named \"file\".",
    ))
}

pub fn problem_response(problem: &Problem, lang: Lang, instance: Option<&str>) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    response
        .content_type(PROBLEM_JSON)
        .insert_header((header::CONTENT_LANGUAGE, lang_tag(lang)));
    if let Some(seconds) = problem.retry_after {
        response.insert_header((header::RETRY_AFTER, HeaderValue::from(seconds)));
    }
    response.json(problem.body(lang, instance))
}

fn lang_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "vi",
        Lang::En => "en",
    }
}

/// The problem for a status that actix-web produced on its own (no matching method,
/// body too large, …), so those responses have the same shape as ours.
pub fn problem_for_status(status: StatusCode) -> Problem {
    match status.as_u16() {
        404 => Problem::not_found(),
        405 => Problem::new(
            405,
            "method_not_allowed",
            "Phương thức HTTP này không được hỗ trợ tại địa chỉ này.",
            "This HTTP method is not allowed here.",
        ),
        413 => payload_too_large(),
        415 => unsupported_media_type(),
        s if s >= 500 => Problem::internal(&status),
        s => Problem::new(
            s,
            "bad_request",
            "Yêu cầu không hợp lệ.",
            "The request is not valid.",
        ),
    }
}

pub(crate) fn payload_too_large() -> Problem {
    Problem::new(
        413,
        "payload_too_large",
        "Dữ liệu gửi lên quá lớn.",
        "The request body is too large.",
    )
}

fn unsupported_media_type() -> Problem {
    Problem::new(
        415,
        "unsupported_media_type",
        "Kiểu nội dung không được hỗ trợ; hãy gửi application/json.",
        "Unsupported content type; send application/json.",
    )
}

pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let problem = match &err {
        JsonPayloadError::ContentType => unsupported_media_type(),
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            payload_too_large()
        }
        JsonPayloadError::Deserialize(inner) if inner.is_data() => Problem::bad_request(
            "invalid_body",
            format!("Nội dung JSON không đúng cấu trúc: {inner}"),
            format!("The JSON body does not have the expected shape: {inner}"),
        ),
        _ => Problem::bad_request(
            "malformed_json",
            "Nội dung gửi lên không phải JSON hợp lệ.",
            "The request body is not valid JSON.",
        ),
    };
    ApiError(problem).into()
}

pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError(Problem::bad_request(
        "invalid_query",
        format!("Tham số truy vấn không hợp lệ: {err}"),
        format!("Invalid query parameters: {err}"),
    ))
    .into()
}

pub fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    tracing::debug!(error = %err, "unparseable path segment");
    ApiError(Problem::not_found()).into()
}
