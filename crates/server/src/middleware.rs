//! The per-request middleware: a request id, one tracing span and one log line per
//! request, and problems rendered in the client's language.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use hocvuso_kernel::{Lang, Problem};
use tracing::Instrument;

use crate::error::{ApiError, problem_for_status, problem_response};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request, available to handlers as request extension.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A client's id is kept only when it is short, printable ASCII; otherwise we make one.
fn request_id_from(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

pub(crate) fn lang_of(req: &actix_web::HttpRequest) -> Lang {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::negotiate)
        .unwrap_or_default()
}

pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let request_id = request_id_from(&req);
    req.extensions_mut().insert(RequestId(request_id.clone()));
    // Paths can carry codes or ids; the span records the route template only.
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %req.method(),
        route = tracing::field::Empty,
        status = tracing::field::Empty,
    );

    // Errors a middleware below returns unrendered (CORS refusals) are rendered by
    // actix-web itself; everything else arrives here as a response.
    let mut response = next
        .call(req)
        .instrument(span.clone())
        .await?
        .map_into_boxed_body();

    let status = response.status();
    if status.is_client_error() || status.is_server_error() {
        response = render_problem(response);
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    secure_headers(&mut response);

    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    span.record("route", route.as_str());
    span.record("status", response.status().as_u16());
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if response.status().is_server_error() {
            tracing::error!(elapsed_ms, "request failed");
        } else {
            tracing::info!(elapsed_ms, "request finished");
        }
    });
    Ok(response)
}

/// `/metrics` for its scraper only, when `http.metrics_token` is set: anyone else is
/// told there is nothing there.
pub async fn guard_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    use secrecy::ExposeSecret;
    if req.path() == "/metrics"
        && let Some(state) = req.app_data::<actix_web::web::Data<crate::state::AppState>>()
        && let Some(expected) = &state.settings.http.metrics_token
    {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let matches = given.is_some_and(|given| {
            use sha2::Digest;
            // Compared as digests, so the time taken says nothing about the token.
            sha2::Sha256::digest(given.as_bytes())
                == sha2::Sha256::digest(expected.expose_secret().as_bytes())
        });
        if !matches {
            let response = problem_response(
                &Problem::not_found(),
                lang_of(req.request()),
                Some(req.path()),
            );
            return Ok(req.into_response(response));
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// What every response says about how a browser may use it: never sniffed into another
/// type, never framed, no referrer leaked (a verification link carries a record's code),
/// and for HTML pages a content policy that allows nothing from elsewhere and no script
/// but our own. Swagger UI (`/docs`) keeps its own inline script.
fn secure_headers(response: &mut ServiceResponse<BoxBody>) {
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let docs = response.request().path().starts_with("/docs");
    let policy = match (html, docs) {
        (_, true) => "frame-ancestors 'none'",
        (true, false) => {
            "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
             media-src 'self'; script-src 'self'; connect-src 'self'; worker-src 'self'; \
             form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        }
        (false, false) => "default-src 'none'; frame-ancestors 'none'",
    };
    let hsts = response
        .request()
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .and_then(|state| state.settings.http.hsts_max_age)
        .and_then(|age| HeaderValue::from_str(&format!("max-age={age}")).ok());
    let headers = response.headers_mut();
    if let Some(hsts) = hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, hsts);
    }
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CONTENT_SECURITY_POLICY, policy),
    ] {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
}

/// Re-renders an error response as a problem in the client's language. Responses that
/// actix-web made itself (no body, plain text) become problems of their status.
fn render_problem(response: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let problem: Problem = match response.response().error() {
        Some(err) => match err.as_error::<ApiError>() {
            Some(api) => api.0.clone(),
            None => problem_for_status(response.status()),
        },
        None if is_problem(&response) => return response,
        None if response.response().body().size().is_eof() => problem_for_status(response.status()),
        // A handler's own non-problem error body (none exist today) is left as it is.
        None => return response,
    };
    let request = response.request().clone();
    let lang = lang_of(&request);
    let rendered = problem_response(&problem, lang, Some(request.path()));
    ServiceResponse::new(request, rendered)
}

fn is_problem(response: &ServiceResponse<BoxBody>) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"))
}
