//! `/api/v1/me/courses`, `/api/v1/me/progress`, `/api/v1/progress/sync`: enrolment,
//! progress (online and from offline clients) and the learner's view of a lesson.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use hocvuso_enrollment::enrol::{CourseProgress, EnrollmentView};
use hocvuso_enrollment::progress::{EventResult, ProgressEvent};
use hocvuso_journeys::progress::{LearnerLesson, SyncResults};
use hocvuso_kernel::problem::ProblemBody;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Authenticated;
use crate::error::ApiResult;
use crate::middleware::lang_of;
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(my_courses)
        .service(enrol)
        .service(unenrol)
        .service(course_progress)
        .service(open_lesson)
        .service(record_one)
        .service(sync);
}

/// The courses the caller is enrolled in (or completed), latest activity first, with
/// progress in percent and where to resume.
#[utoipa::path(
    tag = "learning",
    security(("bearer" = [])),
    responses(
        (status = OK, body = Vec<EnrollmentView>),
        (status = UNAUTHORIZED, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/me/courses")]
async fn my_courses(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<EnrollmentView>>> {
    let courses = state
        .learning
        .my_courses(caller.0.user_id, state.plans())
        .await?;
    Ok(web::Json(courses))
}

/// Enrols the caller in a published course open to their target group (set in the
/// profile). Enrolling again changes nothing; after unenrolling, progress is kept.
#[utoipa::path(
    tag = "learning",
    security(("bearer" = [])),
    params(("code" = String, Path)),
    responses(
        (status = OK, body = CourseProgress),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json", description = "`course_not_for_target_group`, `target_group_required`"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[put("/me/courses/{code}")]
async fn enrol(
    state: web::Data<AppState>,
    caller: Authenticated,
    code: web::Path<String>,
) -> ApiResult<web::Json<CourseProgress>> {
    Ok(web::Json(state.enrol(&caller.0, &code).await?))
}

/// Unenrols the caller; progress is kept. A completed course cannot be left (409).
#[utoipa::path(
    tag = "learning",
    security(("bearer" = [])),
    params(("code" = String, Path)),
    responses(
        (status = NO_CONTENT),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json", description = "`not_enrolled`"),
        (status = CONFLICT, body = ProblemBody, content_type = "application/problem+json", description = "`course_already_completed`"),
    )
)]
#[delete("/me/courses/{code}")]
async fn unenrol(
    state: web::Data<AppState>,
    caller: Authenticated,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let plan = state.published_plan(&code).await?;
    state.learning.withdraw(caller.0.user_id, &plan).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's progress in a course: every lesson's state (`locked`, `available`,
/// `started`, `completed`, `skippable`), the final assessment, completion.
#[utoipa::path(
    tag = "learning",
    security(("bearer" = [])),
    params(("code" = String, Path)),
    responses(
        (status = OK, body = CourseProgress),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json", description = "`not_enrolled`"),
    )
)]
#[get("/me/courses/{code}")]
async fn course_progress(
    state: web::Data<AppState>,
    caller: Authenticated,
    code: web::Path<String>,
) -> ApiResult<web::Json<CourseProgress>> {
    let plan = state.published_plan(&code).await?;
    Ok(web::Json(
        state
            .learning
            .course_progress(caller.0.user_id, &plan)
            .await?,
    ))
}

/// A lesson as an enrolled learner opens it, with their progress in it. In a
/// sequential course a lesson whose predecessors are not done is refused (403
/// `lesson_locked`).
#[utoipa::path(
    tag = "learning",
    security(("bearer" = [])),
    params(("code" = String, Path), ("slug" = String, Path)),
    responses(
        (status = OK, body = LearnerLesson),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json", description = "`not_enrolled`, `lesson_locked`"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/me/courses/{code}/lessons/{slug}")]
async fn open_lesson(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (code, slug) = path.into_inner();
    let opened = state.open_lesson(&caller.0, &code, &slug).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(opened))
}

/// Records one progress event while online. Not enrolled in the lesson's course → 403
/// `not_enrolled`; an invalid event → 400 with its code; a replay → `duplicate`.
#[utoipa::path(
    tag = "learning",
    security(("bearer" = [])),
    request_body = ProgressEvent,
    responses(
        (status = OK, body = EventResult),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json", description = "`not_enrolled`"),
    )
)]
#[post("/me/progress")]
async fn record_one(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Authenticated,
    event: web::Json<ProgressEvent>,
) -> ApiResult<web::Json<EventResult>> {
    let result = state
        .record_progress(&caller.0, event.into_inner(), lang_of(&req))
        .await?;
    Ok(web::Json(result))
}

#[derive(Debug, Deserialize, ToSchema)]
struct SyncBatch {
    /// At most 500 events; each is checked on its own.
    #[schema(value_type = Vec<ProgressEvent>)]
    events: Vec<serde_json::Value>,
}

/// Progress queued by an offline client, in one batch (at most 500 events, else 413
/// `batch_too_large`). Idempotent: each event is kept by its client-generated id, so a
/// replayed batch reports `duplicate` and changes nothing. Order-independent: a late
/// "started" never undoes a completion. Valid events are stored even when others in
/// the batch are rejected; each gets its own result.
#[utoipa::path(
    tag = "learning",
    security(("bearer" = [])),
    request_body = SyncBatch,
    responses(
        (status = OK, body = SyncResults),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = PAYLOAD_TOO_LARGE, body = ProblemBody, content_type = "application/problem+json", description = "`batch_too_large`"),
    )
)]
#[post("/progress/sync")]
async fn sync(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Authenticated,
    batch: web::Json<SyncBatch>,
) -> ApiResult<web::Json<SyncResults>> {
    let items = batch
        .into_inner()
        .events
        .into_iter()
        .map(|value| serde_json::from_value::<ProgressEvent>(value).map_err(|e| e.to_string()))
        .collect();
    Ok(web::Json(
        state.sync_progress(&caller.0, items, lang_of(&req)).await?,
    ))
}
