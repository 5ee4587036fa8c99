//! Completion records: the learner's own, public verification (JSON, and an HTML page
//! for scanned QR codes), the keys and status lists verifiers fetch, revocation and
//! re-issue by administrators, and PDF certificates singly or as a streamed ZIP.

use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{NaiveDate, Utc};
use hocvuso_certification::Jwks;
use hocvuso_certification::dto::{
    CredentialEvent, CredentialView, ReasonRequest, Verification, VerifyRequest,
};
use hocvuso_journeys::exports::ZipRequest;
use hocvuso_kernel::Problem;
use hocvuso_kernel::problem::ProblemBody;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ValidJson, ValidQuery};
use crate::rate_limit::Limited;
use crate::state::AppState;
use crate::work_limits::Work;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(my_credentials)
        .service(credential)
        .service(certificate_pdf)
        .service(verify_code)
        .service(verify_token)
        .service(status_list)
        .service(issuer_profile)
        .service(revoke)
        .service(reissue)
        .service(events)
        .service(certificates_zip);
}

/// Outside `/api/v1`: where verifiers and phones expect them.
pub fn public_routes(cfg: &mut ServiceConfig) {
    cfg.service(jwks).service(page).service(page_form);
}

/// The caller's completion records, newest first (revoked ones included, marked).
#[utoipa::path(
    tag = "certification",
    security(("bearer" = [])),
    responses((status = OK, body = Vec<CredentialView>))
)]
#[get("/me/credentials")]
async fn my_credentials(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<CredentialView>>> {
    Ok(web::Json(
        state.certification.records_of(caller.0.user_id).await?,
    ))
}

/// One record with its signed token, for its holder or an administrator in scope.
#[utoipa::path(
    tag = "certification",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = CredentialView),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/credentials/{id}")]
async fn credential(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<CredentialView>> {
    let record = state.readable_record(&caller.0, *id).await?;
    Ok(web::Json(state.certification.view(&record)?))
}

/// The record's certificate as a PDF (A4 landscape, with its code and QR code).
#[utoipa::path(
    tag = "certification",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, content_type = "application/pdf", body = Vec<u8>),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
        (status = TOO_MANY_REQUESTS, body = ProblemBody, content_type = "application/problem+json", description = "`too_many_at_once`: two of your PDFs are being made; with `Retry-After`"),
        (status = SERVICE_UNAVAILABLE, body = ProblemBody, content_type = "application/problem+json", description = "`server_busy`, with `Retry-After`"),
    )
)]
#[get("/credentials/{id}/certificate.pdf")]
async fn certificate_pdf(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let record = state.readable_record(&caller.0, *id).await?;
    let permit = state.work_limits.begin(Work::Pdf, Some(caller.0.user_id))?;
    let certification = state.certification.clone();
    let pdf = web::block(move || {
        let _permit = permit;
        certification.certificate_pdf(&record)
    })
    .await
    .map_err(|e| ApiError(Problem::internal(&e)))??;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"chung-nhan-{id}.pdf\""),
        ))
        .body(pdf))
}

/// Verifies a record by the code printed on it (no sign-in). Case, hyphens and the
/// letters I, L, O for 1 and 0 are forgiven.
#[utoipa::path(
    tag = "verification",
    params(("code" = String, Path, example = "7KQ2M-9XH4D")),
    responses(
        (status = OK, body = Verification, description = "`status`: valid, revoked, expired, not_found or bad_signature"),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`malformed_code`"),
        (status = TOO_MANY_REQUESTS, body = ProblemBody, content_type = "application/problem+json", description = "`rate_limited`, with `Retry-After`"),
    )
)]
#[get("/verify/{code}")]
async fn verify_code(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    state.rate_limits.check(Limited::VerifyCode, &req)?;
    let verified = state.certification.verify_code(&code).await?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(verified.json()))
}

/// Verifies a record presented as its signed token (VC-JWT), no sign-in.
#[utoipa::path(
    tag = "verification",
    request_body = VerifyRequest,
    responses(
        (status = OK, body = Verification, description = "`status`: valid, revoked, expired, not_found or bad_signature"),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`malformed_token`"),
        (status = SERVICE_UNAVAILABLE, body = ProblemBody, content_type = "application/problem+json", description = "`server_busy`, with `Retry-After`"),
    )
)]
#[post("/verify")]
async fn verify_token(
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<VerifyRequest>,
) -> ApiResult<HttpResponse> {
    let _permit = state.work_limits.begin(Work::Verify, None)?;
    let verified = state.certification.verify_token(&body.token).await?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(verified.json()))
}

/// A Bitstring Status List credential (revocation), as a signed VC-JWT.
#[utoipa::path(
    tag = "verification",
    params(("id" = i32, Path)),
    responses(
        (status = OK, content_type = "application/vc+jwt", body = String),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/status-lists/{id}")]
async fn status_list(state: web::Data<AppState>, id: web::Path<i32>) -> ApiResult<HttpResponse> {
    let token = state.certification.status_list(*id).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/vc+jwt")
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .body(token))
}

/// The issuing organisation's Open Badges profile.
#[utoipa::path(
    tag = "verification",
    responses((status = OK, body = Object))
)]
#[get("/issuer")]
async fn issuer_profile(state: web::Data<AppState>) -> web::Json<serde_json::Value> {
    web::Json(state.certification.issuer().profile_json())
}

/// Every public key that has signed records (they never expire, so retired keys stay).
#[utoipa::path(
    tag = "verification",
    responses((status = OK, body = Jwks, content_type = "application/jwk-set+json"))
)]
#[get("/.well-known/jwks.json")]
async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/jwk-set+json")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(state.certification.jwks())
}

/// The page a certificate's QR code opens: Vietnamese, no JavaScript.
#[utoipa::path(
    tag = "verification",
    params(("code" = String, Path)),
    responses(
        (status = OK, content_type = "text/html", body = String),
        (status = NOT_FOUND, content_type = "text/html", body = String, description = "A page saying no record has this code"),
        (status = TOO_MANY_REQUESTS, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/v/{code}")]
async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    state.rate_limits.check(Limited::VerifyCode, &req)?;
    let issuer = state.certification.issuer();
    let (status, html) = match state.certification.verify_code(&code).await {
        Ok(verification) => {
            let target = verification
                .code
                .as_deref()
                .map(|c| issuer.page_url(&c.replace('-', "")));
            let html = hocvuso_certification::page::render(
                &verification,
                &issuer.name,
                target.as_deref(),
            )?;
            let status = if verification.code.is_some() {
                actix_web::http::StatusCode::OK
            } else {
                actix_web::http::StatusCode::NOT_FOUND
            };
            (status, html)
        }
        Err(hocvuso_certification::CertificationError::MalformedCode) => {
            let verification = Verification::bare(
                hocvuso_certification::dto::VerificationStatus::NotFound,
                Utc::now(),
            );
            let html = hocvuso_certification::page::render(&verification, &issuer.name, None)?;
            (actix_web::http::StatusCode::NOT_FOUND, html)
        }
        Err(e) => return Err(e.into()),
    };
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html))
}

#[derive(Debug, Deserialize, IntoParams)]
struct CodeForm {
    code: String,
}

/// The page's own form: sends the typed code to its page.
#[utoipa::path(
    tag = "verification",
    params(CodeForm),
    responses((status = SEE_OTHER, description = "to `/v/{code}`"))
)]
#[get("/v")]
async fn page_form(form: web::Query<CodeForm>) -> HttpResponse {
    let code: String = form
        .code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect();
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/v/{code}")))
        .finish()
}

/// Revokes a record, with the reason (administrators of the holder's unit; audited).
/// Verification then answers `revoked`, and the status list bit is set.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ReasonRequest,
    responses(
        (status = OK, body = CredentialView),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
        (status = CONFLICT, body = ProblemBody, content_type = "application/problem+json", description = "`credential_revoked`"),
    )
)]
#[post("/credentials/{id}/revoke")]
async fn revoke(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<ReasonRequest>,
) -> ApiResult<web::Json<CredentialView>> {
    Ok(web::Json(
        state.revoke_record(&caller.0, *id, &body.reason).await?,
    ))
}

/// Re-issues a record after a correction (e.g. the holder's name was fixed in their
/// profile): the old one is revoked with the reason, a new one issued from the current
/// profile and course.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ReasonRequest,
    responses(
        (status = CREATED, body = CredentialView),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
        (status = CONFLICT, body = ProblemBody, content_type = "application/problem+json", description = "`credential_revoked`"),
    )
)]
#[post("/credentials/{id}/reissue")]
async fn reissue(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    let view = state.reissue_record(&caller.0, *id, &body.reason).await?;
    Ok(HttpResponse::Created().json(view))
}

/// A record's audit trail: issued, revoked, re-issued — who, when and why.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = Vec<CredentialEvent>),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/credentials/{id}/events")]
async fn events(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<CredentialEvent>>> {
    state.administered_record(&caller.0, *id).await?;
    Ok(web::Json(state.certification.events(*id).await?))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
struct ZipQuery {
    /// A course code; every course when absent.
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    course: Option<String>,
    /// Issued on or after this day (UTC).
    from: Option<NaiveDate>,
    /// Issued before this day (UTC).
    to: Option<NaiveDate>,
}

/// The PDF certificates of the records of everyone the administrator administers, as
/// one ZIP, streamed while it is made (revoked records left out).
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(ZipQuery),
    responses(
        (status = OK, content_type = "application/zip", body = Vec<u8>),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json", description = "unknown course"),
        (status = TOO_MANY_REQUESTS, body = ProblemBody, content_type = "application/problem+json", description = "`too_many_at_once`: your previous ZIP is still being made; with `Retry-After`"),
        (status = SERVICE_UNAVAILABLE, body = ProblemBody, content_type = "application/problem+json", description = "`server_busy`, with `Retry-After`"),
    )
)]
#[get("/certificates.zip")]
async fn certificates_zip(
    state: web::Data<AppState>,
    caller: Authenticated,
    ValidQuery(query): ValidQuery<ZipQuery>,
) -> ApiResult<HttpResponse> {
    let request = ZipRequest {
        course: query.course.as_deref(),
        issued_from: query.from.map(super::start_of),
        issued_to: query.to.map(super::start_of),
    };
    let permit = state
        .work_limits
        .begin(Work::CertificatesZip, Some(caller.0.user_id))?;
    let body = super::chunked_body(state.certificates_zip(&caller.0, request).await?, permit);
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"chung-nhan.zip\"",
        ))
        .streaming(body))
}
