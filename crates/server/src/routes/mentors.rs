//! "Đại sứ số" and "Gia đình số": mentorships, what a mentor sees, and the lists of
//! mentors short of five mentees and of households nobody is certified in.

use actix_web::{HttpResponse, delete, get, put, web};
use hocvuso_administration::mentors::{
    MentorsQuery, MentorsReport, MentorshipView, UncertifiedHouseholds,
};
use hocvuso_journeys::learner::MenteeProgress;
use hocvuso_kernel::Role;
use hocvuso_kernel::problem::ProblemBody;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::error::ApiResult;
use crate::reports::{Format, ReportParams, report_response};
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(assign_mentee)
        .service(unassign_mentee)
        .service(my_mentees)
        .service(mentors_report)
        .service(uncertified_households);
}

/// Assigns a mentee to a mentor ("Đại sứ số"), replacing an earlier mentor; both must
/// be in your units (audited).
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("mentor_id" = Uuid, Path), ("mentee_id" = Uuid, Path)),
    responses(
        (status = OK, body = MentorshipView),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`validation_failed`: field mentee_id is `mentor_is_mentee`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json", description = "a person outside your units"),
    )
)]
#[put("/mentors/{mentor_id}/mentees/{mentee_id}")]
async fn assign_mentee(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<web::Json<MentorshipView>> {
    let principal = caller.require(&[Role::Admin])?;
    let (mentor, mentee) = path.into_inner();
    let after = state.assign_mentee(principal, mentor, mentee).await?;
    Ok(web::Json(after))
}

/// Ends a mentorship (audited).
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("mentor_id" = Uuid, Path), ("mentee_id" = Uuid, Path)),
    responses(
        (status = NO_CONTENT),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[delete("/mentors/{mentor_id}/mentees/{mentee_id}")]
async fn unassign_mentee(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let principal = caller.require(&[Role::Admin])?;
    let (mentor, mentee) = path.into_inner();
    state.unassign_mentee(principal, mentor, mentee).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A mentee and how far they got in each of their courses.
/// The people the caller guides as a mentor, with their courses and progress.
#[utoipa::path(
    tag = "learning",
    security(("bearer" = [])),
    responses(
        (status = OK, body = Vec<MenteeProgress>),
        (status = UNAUTHORIZED, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/me/mentees")]
async fn my_mentees(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<MenteeProgress>>> {
    Ok(web::Json(state.my_mentees(&caller.0).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct MentorsParams {
    /// Mentors in this unit and those below it; by default, all of yours.
    unit_id: Option<Uuid>,
    /// Only mentors with fewer than five mentees.
    below_target: Option<bool>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(inline)]
    format: Option<Format>,
}

/// Mentors ("Đại sứ số") in your units with how many people each guides, fewest first;
/// `below_target=true` lists those with fewer than the plan's five.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(MentorsParams),
    responses(
        (status = OK, description = "JSON; or a CSV file, or an XLSX workbook, with `format`", content(
            (MentorsReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/reports/mentors")]
async fn mentors_report(
    state: web::Data<AppState>,
    caller: Authenticated,
    params: web::Query<MentorsParams>,
) -> ApiResult<HttpResponse> {
    let principal = caller.require(&[Role::Admin])?;
    let query = MentorsQuery {
        unit_id: params.unit_id,
        below_target: params.below_target,
    };
    let report = state
        .administration
        .mentors_report(principal, &query)
        .await?;
    report_response(&report, || report.table(), params.format, "dai-su-so")
}

/// Households in your units where nobody held a valid completion record at the end of
/// the period ("Gia đình số" wants one in each), with their member count.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(ReportParams),
    responses(
        (status = OK, description = "JSON; or a CSV file, or an XLSX workbook, with `format`", content(
            (UncertifiedHouseholds = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`validation_failed`: field period is `period_invalid`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/reports/households/uncertified")]
async fn uncertified_households(
    state: web::Data<AppState>,
    caller: Authenticated,
    params: web::Query<ReportParams>,
) -> ApiResult<HttpResponse> {
    let principal = caller.require(&[Role::Admin])?;
    let report = state
        .administration
        .uncertified_households(principal, &params.query())
        .await?;
    report_response(
        &report,
        || report.table(),
        params.format,
        "ho-chua-co-nguoi-duoc-chung-nhan",
    )
}
