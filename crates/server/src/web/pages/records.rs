//! The learner's completion records: the list, one record with its code, QR and
//! verification link to share, its status, and its PDF.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use hocvuso_certification::dto::CredentialView;
use hocvuso_certification::entity::credential;
use hocvuso_kernel::{Principal, Problem};
use uuid::Uuid;

use crate::state::AppState;
use crate::web::chrome::{self, Chrome};
use crate::web::session::Visitor;
use crate::web::texts::texts;
use crate::work_limits::Work;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/records", web::get().to(list))
        .route("/records/{id}", web::get().to(show))
        .route("/records/{id}/certificate.pdf", web::get().to(pdf));
}

struct RecordLine {
    id: Uuid,
    course_title: String,
    issued_on: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "web/records.html")]
struct RecordsPage {
    c: Chrome,
    records: Vec<RecordLine>,
}

#[derive(Template)]
#[template(path = "web/record.html")]
struct RecordPage {
    c: Chrome,
    id: Uuid,
    course_title: String,
    holder: String,
    score: u32,
    issued_on: String,
    code: String,
    revoked: bool,
    qr: String,
    share_url: String,
}

fn issued_on(view: &CredentialView) -> String {
    chrome::vietnam_time(view.issued_at, "%d/%m/%Y")
}

async fn list(state: web::Data<AppState>, req: HttpRequest, visitor: Visitor) -> HttpResponse {
    let principal = match chrome::signed_in(&req, &visitor) {
        Ok(principal) => principal,
        Err(to_signin) => return to_signin,
    };
    let records = match state.certification.records_of(principal.user_id).await {
        Ok(records) => records,
        Err(err) => return chrome::problem_page(&req, &visitor, &Problem::from(err)),
    };
    let t = texts(visitor.lang);
    let page = RecordsPage {
        c: Chrome::new(&visitor, &req, t.records_heading),
        records: records
            .iter()
            .map(|r| RecordLine {
                id: r.id,
                course_title: r.course_title.clone(),
                issued_on: issued_on(r),
                revoked: r.revoked_at.is_some(),
            })
            .collect(),
    };
    chrome::page(&req, &visitor, StatusCode::OK, page.render())
}

/// The signed-in person and record `id`, when they may read it; otherwise the page that
/// says so (or asks them to sign in).
async fn readable<'v>(
    state: &AppState,
    req: &HttpRequest,
    visitor: &'v Visitor,
    id: Uuid,
) -> Result<(&'v Principal, credential::Model), HttpResponse> {
    let principal = chrome::signed_in(req, visitor)?;
    state
        .readable_record(principal, id)
        .await
        .map(|record| (principal, record))
        .map_err(|err| chrome::problem_page(req, visitor, &Problem::from(err)))
}

async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    visitor: Visitor,
    id: web::Path<Uuid>,
) -> HttpResponse {
    let view = match readable(&state, &req, &visitor, *id).await {
        Ok((_, record)) => match state.certification.view(&record) {
            Ok(view) => view,
            Err(err) => return chrome::problem_page(&req, &visitor, &Problem::from(err)),
        },
        Err(response) => return response,
    };
    let qr = match hocvuso_certificate_pdf::qr_svg(&view.verification_url) {
        Ok(svg) => svg,
        Err(err) => return chrome::problem_page(&req, &visitor, &Problem::internal(&err)),
    };
    let page = RecordPage {
        c: Chrome::new(&visitor, &req, view.course_title.clone()),
        id: view.id,
        issued_on: issued_on(&view),
        course_title: view.course_title,
        holder: view.holder_name,
        score: view.score_percent,
        code: view.code,
        revoked: view.revoked_at.is_some(),
        qr,
        share_url: view.verification_url,
    };
    chrome::page(&req, &visitor, StatusCode::OK, page.render())
}

async fn pdf(
    state: web::Data<AppState>,
    req: HttpRequest,
    visitor: Visitor,
    id: web::Path<Uuid>,
) -> HttpResponse {
    let (principal, record) = match readable(&state, &req, &visitor, *id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let permit = match state.work_limits.begin(Work::Pdf, Some(principal.user_id)) {
        Ok(permit) => permit,
        Err(problem) => return chrome::problem_page(&req, &visitor, &problem),
    };
    let certification = state.certification.clone();
    let made = web::block(move || {
        let _permit = permit;
        certification.certificate_pdf(&record)
    })
    .await;
    match made {
        Ok(Ok(pdf)) => {
            let mut response = HttpResponse::Ok();
            visitor.set_cookies(&mut response);
            response
                .content_type("application/pdf")
                .insert_header((header::CACHE_CONTROL, "private, no-store"))
                .insert_header((
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"chung-nhan-{id}.pdf\""),
                ))
                .body(pdf)
        }
        Ok(Err(err)) => chrome::problem_page(&req, &visitor, &Problem::from(err)),
        Err(err) => chrome::problem_page(&req, &visitor, &Problem::internal(&err)),
    }
}
