//! `/settings`: larger text and the language, kept in cookies so they hold on every
//! page, with or without JavaScript; and `/offline`, what the service worker shows
//! for a page that was not saved.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::web::chrome;
use crate::web::forms::Form;
use crate::web::session::{Preference, Visitor};
use crate::web::texts::texts;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings", web::post().to(save))
        .route("/offline", web::get().to(offline));
}

async fn save(req: HttpRequest, visitor: Visitor, body: web::Bytes) -> HttpResponse {
    let form = match Form::checked(&req, &visitor, &body) {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let back = form
        .get("back")
        .and_then(chrome::local_path)
        .unwrap_or("/")
        .to_owned();
    let mut response = chrome::see_other(&visitor, &back);
    let mut cookies = Vec::new();
    match form.get("text") {
        Some("large") => cookies.push(visitor.preference(Preference::TextSize, "large")),
        Some("normal") => cookies.push(visitor.preference(Preference::TextSize, "normal")),
        _ => {}
    }
    match form.get("lang") {
        Some("en") => cookies.push(visitor.preference(Preference::Lang, "en")),
        Some("vi") => cookies.push(visitor.preference(Preference::Lang, "vi")),
        _ => {}
    }
    for cookie in cookies {
        if let Err(err) = response.add_cookie(&cookie) {
            tracing::warn!(error = %err, "a preference cookie could not be set");
        }
    }
    response
}

async fn offline(req: HttpRequest, visitor: Visitor) -> HttpResponse {
    let t = texts(visitor.lang);
    chrome::message(
        &req,
        &visitor,
        StatusCode::OK,
        t.offline_heading,
        t.offline_page,
        Some(("/learning", t.nav_learning)),
    )
}
