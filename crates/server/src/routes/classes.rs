//! Classes: created by trainers and administrators, filled with people of a unit,
//! enrolled in courses together, with in-person sessions, attendance and progress.

use actix_web::{HttpResponse, delete, get, post, put, web};
use hocvuso_administration::classes::{
    AttendanceRequest, ClassView, CreateClassRequest, CreateSessionRequest, PeopleRequest,
    PersonOutcome, SessionView,
};
use hocvuso_kernel::Role;
use hocvuso_kernel::problem::ProblemBody;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::auth::Authenticated;
use crate::error::ApiResult;
use crate::extract::ValidJson;
use crate::state::AppState;
use hocvuso_administration::signups::{OpenSignupsRequest, SignupWindow};
use hocvuso_journeys::enrolment::ClassProgress;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_class)
        .service(list_classes)
        .service(get_class)
        .service(open_signups)
        .service(add_members)
        .service(remove_member)
        .service(enrol_class)
        .service(create_session)
        .service(list_sessions)
        .service(record_attendance)
        .service(class_progress);
}

const MANAGERS: &[Role] = &[Role::Admin, Role::Trainer];

/// Creates a class in a unit: administrators in their units, trainers in their own
/// unit and the units below it (audited).
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    request_body = CreateClassRequest,
    responses(
        (status = CREATED, body = ClassView),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`validation_failed`: field unit_id is `unknown_unit`, not a unit you may teach or administer in"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/classes")]
async fn create_class(
    state: web::Data<AppState>,
    caller: Authenticated,
    ValidJson(body): ValidJson<CreateClassRequest>,
) -> ApiResult<HttpResponse> {
    let who = caller.require(MANAGERS)?;
    let class = state.create_class(who, body).await?;
    Ok(HttpResponse::Created().json(class))
}

/// The classes you manage.
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    responses((status = OK, body = Vec<ClassView>))
)]
#[get("/classes")]
async fn list_classes(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<ClassView>>> {
    let who = caller.require(MANAGERS)?;
    Ok(web::Json(state.administration.classes(who).await?))
}

#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = ClassView),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/classes/{id}")]
async fn get_class(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ClassView>> {
    let who = caller.require(MANAGERS)?;
    Ok(web::Json(state.administration.class(who, *id).await?))
}

/// Opens a sign-up window for the class: a code, valid `hours`, with which up to
/// `max_signups` people register (`class_code` at `/auth/register`) straight into the
/// class and its unit — a whole hall on one Wi-Fi, past the per-address limit.
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = OpenSignupsRequest,
    responses(
        (status = CREATED, body = SignupWindow),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`validation_failed`: field hours is `signup_hours`; field max_signups is `signup_count`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/classes/{id}/signups")]
async fn open_signups(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<OpenSignupsRequest>,
) -> ApiResult<HttpResponse> {
    let who = caller.require(MANAGERS)?;
    let window = state.open_signups(who, *id, body).await?;
    Ok(HttpResponse::Created().json(window))
}

/// Adds people of the class's unit (or below it), up to 1,000 at once; each gets its
/// own outcome: `added`, `already_member`, or `rejected` with `not_in_class_unit`.
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = PeopleRequest,
    responses(
        (status = OK, body = Vec<PersonOutcome>),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/classes/{id}/members")]
async fn add_members(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<PeopleRequest>,
) -> ApiResult<web::Json<Vec<PersonOutcome>>> {
    let who = caller.require(MANAGERS)?;
    let outcomes = state.add_members(who, *id, &body.user_ids).await?;
    Ok(web::Json(outcomes))
}

#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses(
        (status = NO_CONTENT),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[delete("/classes/{id}/members/{user_id}")]
async fn remove_member(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let who = caller.require(MANAGERS)?;
    let (id, person) = path.into_inner();
    state.remove_member(who, id, person).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
struct EnrolClassRequest {
    /// A course code.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    course: String,
}

/// Enrols every member in a course: each gets `enrolled`, or `rejected` with the code a
/// learner would get (`course_not_for_your_group`, `target_group_unknown`, …).
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = EnrolClassRequest,
    responses(
        (status = OK, body = Vec<PersonOutcome>),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json", description = "an unknown class or course"),
    )
)]
#[post("/classes/{id}/enrolments")]
async fn enrol_class(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<EnrolClassRequest>,
) -> ApiResult<web::Json<Vec<PersonOutcome>>> {
    let who = caller.require(MANAGERS)?;
    Ok(web::Json(state.enrol_class(who, *id, &body.course).await?))
}

/// Schedules (or records) an in-person session.
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = CreateSessionRequest,
    responses(
        (status = CREATED, body = SessionView),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/classes/{id}/sessions")]
async fn create_session(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<CreateSessionRequest>,
) -> ApiResult<HttpResponse> {
    let who = caller.require(MANAGERS)?;
    let session = state.create_session(who, *id, body).await?;
    Ok(HttpResponse::Created().json(session))
}

/// Sessions, oldest first, with who was present.
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = Vec<SessionView>),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/classes/{id}/sessions")]
async fn list_sessions(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<SessionView>>> {
    let who = caller.require(MANAGERS)?;
    Ok(web::Json(state.administration.sessions(who, *id).await?))
}

/// Records who was present at a session (the list replaces an earlier one); everyone
/// listed must be a member (`not_a_member`).
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("session_id" = Uuid, Path)),
    request_body = AttendanceRequest,
    responses(
        (status = OK, body = SessionView),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`validation_failed`: field present is `not_a_member`"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[put("/classes/{id}/sessions/{session_id}/attendance")]
async fn record_attendance(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
    ValidJson(body): ValidJson<AttendanceRequest>,
) -> ApiResult<web::Json<SessionView>> {
    let who = caller.require(MANAGERS)?;
    let (id, session) = path.into_inner();
    let recorded = state
        .record_attendance(who, id, session, &body.present)
        .await?;
    Ok(web::Json(recorded))
}

/// The class's progress: per member, sessions attended and their progress in each of
/// the class's courses.
#[utoipa::path(
    tag = "classes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = ClassProgress),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/classes/{id}/progress")]
async fn class_progress(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ClassProgress>> {
    let who = caller.require(MANAGERS)?;
    Ok(web::Json(state.class_progress(who, *id).await?))
}
