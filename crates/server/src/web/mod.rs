//! The web app for learners, in the same binary as the API and on the same use cases:
//! server-rendered HTML that works without JavaScript; the script and service worker
//! in `static/` only enhance it (offline lessons, read-aloud, a running clock).
//!
//! Pages parse the form or path, call one use case of the platform, and render a
//! template of `templates/web/`. Errors are the use cases' own problems, shown in the
//! visitor's language beside the field they concern.

pub(crate) mod assets;
mod chrome;
mod csrf;
mod forms;
mod pages;
mod session;
mod texts;

use actix_web::web;

pub use session::WebState;

/// Every page of the web app. Not part of the OpenAPI document: these answer HTML.
pub fn pages(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/app.css", web::get().to(assets::stylesheet))
        .route("/static/app.js", web::get().to(assets::script))
        .route("/sw.js", web::get().to(assets::service_worker))
        .configure(pages::home::routes)
        .configure(pages::account::routes)
        .configure(pages::profile::routes)
        .configure(pages::learning::routes)
        .configure(pages::course::routes)
        .configure(pages::lesson::routes)
        .configure(pages::quiz::routes)
        .configure(pages::records::routes)
        .configure(pages::assistant::routes)
        .configure(pages::settings::routes);
}

/// What answers a path nothing else serves: a page for a browser, a problem otherwise.
pub async fn fallback(
    req: actix_web::HttpRequest,
    visitor: session::Visitor,
) -> actix_web::HttpResponse {
    let wants_page = !req.path().starts_with("/api/")
        && req
            .headers()
            .get(actix_web::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    let problem = hocvuso_kernel::Problem::not_found();
    if wants_page {
        chrome::problem_page(&req, &visitor, &problem)
    } else {
        crate::error::problem_response(&problem, crate::middleware::lang_of(&req), Some(req.path()))
    }
}
