//! What every page shares: the frame around it ([`Chrome`]), its errors in the
//! visitor's language ([`FormErrors`]), and how a rendered page becomes a response
//! (cookies, `ETag`/304, no caching by shared caches).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, FixedOffset, Utc};
use hocvuso_kernel::{Lang, Problem};
use sha2::{Digest, Sha256};

use crate::web::assets;
use crate::web::session::Visitor;
use crate::web::texts::{Texts, texts};

/// The frame of a page: language, text size, navigation, the CSRF token for its forms.
pub struct Chrome {
    pub lang: &'static str,
    pub t: &'static Texts,
    pub text_large: bool,
    pub csrf: String,
    pub signed_in: bool,
    /// Where the settings form returns to.
    pub here: String,
    pub css: &'static str,
    pub js: &'static str,
    pub title: String,
}

impl Chrome {
    pub fn new(visitor: &Visitor, req: &HttpRequest, title: impl Into<String>) -> Self {
        let here = match req.query_string() {
            "" => req.path().to_owned(),
            query => format!("{}?{query}", req.path()),
        };
        Chrome {
            lang: match visitor.lang {
                Lang::Vi => "vi",
                Lang::En => "en",
            },
            t: texts(visitor.lang),
            text_large: visitor.text_large,
            csrf: visitor.csrf_token.clone(),
            signed_in: visitor.principal.is_some(),
            here,
            css: assets::CSS_URL.as_str(),
            js: assets::JS_URL.as_str(),
            title: title.into(),
        }
    }
}

/// One error shown on a page: beside its field (by the field's `id`) and in the summary.
pub struct ShownError {
    pub field: String,
    pub message: String,
}

#[derive(Default)]
pub struct FormErrors {
    pub items: Vec<ShownError>,
}

impl FormErrors {
    /// The errors of a problem, in the visitor's language: each invalid field by the
    /// page's name for it (`rename`), or the problem's own message when no field is named.
    pub fn from_problem(problem: &Problem, lang: Lang, rename: &dyn Fn(&str) -> String) -> Self {
        let mut items: Vec<ShownError> = problem
            .errors
            .iter()
            .map(|e| ShownError {
                field: rename(&e.field),
                message: e.message.in_lang(lang).to_owned(),
            })
            .collect();
        if items.is_empty() {
            items.push(ShownError {
                field: String::new(),
                message: problem.message.in_lang(lang).to_owned(),
            });
        }
        FormErrors { items }
    }

    pub fn one(field: &str, message: &str) -> Self {
        FormErrors {
            items: vec![ShownError {
                field: field.to_owned(),
                message: message.to_owned(),
            }],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn field(&self, name: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.as_str())
    }
}

/// A rendered page as a response: the visitor's cookies set, private to the browser,
/// and a 304 when the browser already holds this very page.
pub fn page(
    req: &HttpRequest,
    visitor: &Visitor,
    status: StatusCode,
    rendered: Result<String, askama::Error>,
) -> HttpResponse {
    let html = match rendered {
        Ok(html) => html,
        Err(err) => {
            tracing::error!(error = %err, "a page failed to render");
            return HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Lỗi máy chủ. Server error.");
        }
    };
    let etag = format!(
        "\"{}\"",
        data_encoding::BASE64URL_NOPAD.encode(&Sha256::digest(html.as_bytes())[..12])
    );
    let mut response = HttpResponse::build(status);
    visitor.set_cookies(&mut response);
    response
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((header::VARY, "Cookie"))
        .insert_header((header::ETAG, etag.as_str()));
    let fresh = status == StatusCode::OK
        && req
            .headers()
            .get(header::IF_NONE_MATCH)
            .is_some_and(|v| v.as_bytes() == etag.as_bytes());
    if fresh {
        return response.status(StatusCode::NOT_MODIFIED).finish();
    }
    response.content_type("text/html; charset=utf-8").body(html)
}

/// 303 to `location`, with the visitor's cookies.
pub fn see_other(visitor: &Visitor, location: &str) -> HttpResponse {
    let mut response = HttpResponse::SeeOther();
    visitor.set_cookies(&mut response);
    response
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// Only a path of this site: `next=` and `back=` must not send anyone elsewhere.
pub fn local_path(candidate: &str) -> Option<&str> {
    let ok = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.contains('\\')
        && !candidate.chars().any(char::is_control)
        && candidate.len() <= 512;
    ok.then_some(candidate)
}

/// The status a problem's page answers with: client mistakes keep theirs (a form with
/// errors is a 400, a refusal a 403), server failures are logged without personal data.
pub fn status_of(problem: &Problem) -> StatusCode {
    if problem.is_server_error() {
        tracing::error!(code = %problem.code, "a page's use case failed");
    }
    StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

#[derive(askama::Template)]
#[template(path = "web/message.html")]
struct MessagePage<'a> {
    c: Chrome,
    heading: &'a str,
    text: &'a str,
    action: Option<(&'a str, &'a str)>,
}

/// A page that only says something, with at most one way on.
pub fn message(
    req: &HttpRequest,
    visitor: &Visitor,
    status: StatusCode,
    heading: &str,
    text: &str,
    action: Option<(&str, &str)>,
) -> HttpResponse {
    let page_html = askama::Template::render(&MessagePage {
        c: Chrome::new(visitor, req, heading),
        heading,
        text,
        action,
    });
    page(req, visitor, status, page_html)
}

/// A use case's refusal as a page: its message in the visitor's language, and the way
/// on that fits (sign in when the session is gone).
pub fn problem_page(req: &HttpRequest, visitor: &Visitor, problem: &Problem) -> HttpResponse {
    let t = texts(visitor.lang);
    let status = status_of(problem);
    let heading = match status {
        StatusCode::NOT_FOUND => t.not_found_heading,
        StatusCode::UNAUTHORIZED => t.sign_in_needed,
        status if status.is_server_error() => t.server_error_heading,
        _ => t.cannot_do_heading,
    };
    let signin = format!("/signin?next={}", req.path());
    let action = if status == StatusCode::UNAUTHORIZED {
        Some((signin.as_str(), t.sign_in))
    } else {
        Some(("/", t.nav_home))
    };
    message(
        req,
        visitor,
        status,
        heading,
        problem.message.in_lang(visitor.lang),
        action,
    )
}

/// The signed-in person, or the page that asks them to sign in.
// The error is the response itself, handed straight back to actix-web.
#[allow(clippy::result_large_err)]
pub fn signed_in<'v>(
    req: &HttpRequest,
    visitor: &'v Visitor,
) -> Result<&'v hocvuso_kernel::Principal, HttpResponse> {
    visitor.principal.as_ref().ok_or_else(|| {
        let next = match req.query_string() {
            "" => req.path().to_owned(),
            query => format!("{}?{query}", req.path()),
        };
        let location = format!("/signin?next={}", url_encode(&next));
        see_other(visitor, &location)
    })
}

pub fn url_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A moment as a learner in Vietnam reads it (UTC+7, no daylight saving), in `format`.
pub fn vietnam_time(at: DateTime<Utc>, format: &str) -> String {
    let vietnam =
        FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| unreachable!("+07:00 is a valid offset"));
    at.with_timezone(&vietnam).format(format).to_string()
}

/// A date and time, `14:05 08/12/2026`.
pub const AT_TIME: &str = "%H:%M %d/%m/%Y";
