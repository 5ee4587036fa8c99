//! The web app's stylesheet, script and service worker, compiled into the binary.
//! Their URLs carry a hash of their content, so browsers keep them for a year and a new
//! release is fetched at once; the service worker's URL cannot change, so it is
//! revalidated instead.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

const CSS: &str = include_str!("../../static/app.css");
const JS: &str = include_str!("../../static/app.js");
const SERVICE_WORKER: &str = include_str!("../../static/sw.js");

fn fingerprint(content: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(content.as_bytes())[..6])
}

pub static CSS_URL: LazyLock<String> =
    LazyLock::new(|| format!("/static/app.css?v={}", fingerprint(CSS)));
pub static JS_URL: LazyLock<String> =
    LazyLock::new(|| format!("/static/app.js?v={}", fingerprint(JS)));

fn asset(req: &HttpRequest, content: &'static str, kind: &str, cache: &str) -> HttpResponse {
    let etag = format!("\"{}\"", fingerprint(content));
    if req
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish();
    }
    HttpResponse::Ok()
        .content_type(kind)
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(content)
}

const FOR_A_YEAR: &str = "public, max-age=31536000, immutable";

pub async fn stylesheet(req: HttpRequest) -> HttpResponse {
    asset(&req, CSS, "text/css; charset=utf-8", FOR_A_YEAR)
}

pub async fn script(req: HttpRequest) -> HttpResponse {
    asset(&req, JS, "text/javascript; charset=utf-8", FOR_A_YEAR)
}

pub async fn service_worker(req: HttpRequest) -> HttpResponse {
    let mut response = asset(
        &req,
        SERVICE_WORKER,
        "text/javascript; charset=utf-8",
        "no-cache",
    );
    // A worker's own policy governs its fetches: this site's pages and assets only.
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static("default-src 'self'"),
    );
    response
}
