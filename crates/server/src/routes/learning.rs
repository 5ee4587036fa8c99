//! `/api/v1/me/courses`, `/api/v1/me/progress`, `/api/v1/progress/sync`: enrolment,
//! progress (online and from offline clients) and the learner's view of a lesson.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use async_trait::async_trait;
use hocvuso_courses::dto::LessonView;
use hocvuso_enrollment::enrol::{CourseProgress, EnrollmentView, LessonProgressView};
use hocvuso_enrollment::progress::{EventKind, EventResult, EventStatus, ProgressEvent};
use hocvuso_enrollment::{CoursePlan, CoursePlans, EnrollmentError, PlannedLesson};
use hocvuso_kernel::problem::ProblemBody;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use crate::middleware::lang_of;
use crate::state::AppState;

/// Whether a batch may complete a course (only a lesson's completion can).
fn completes_lessons(items: &[Result<ProgressEvent, String>]) -> bool {
    items
        .iter()
        .any(|item| matches!(item, Ok(event) if event.kind == EventKind::Completed))
}

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(my_courses)
        .service(enrol)
        .service(unenrol)
        .service(course_progress)
        .service(open_lesson)
        .service(record_one)
        .service(sync);
}

/// Course plans for the learning domain, read from the courses domain.
pub struct Plans<'a>(pub &'a AppState);

#[async_trait]
impl CoursePlans for Plans<'_> {
    async fn plan(&self, course_id: Uuid) -> Result<Option<Arc<CoursePlan>>, EnrollmentError> {
        let structure = self
            .0
            .courses
            .structure(course_id)
            .await
            .map_err(|e| EnrollmentError::Plans(e.to_string()))?;
        let Some(structure) = structure else {
            return Ok(None);
        };
        let final_assessment = self
            .0
            .assessment
            .has_final_quiz(course_id)
            .await
            .map_err(|e| EnrollmentError::Plans(e.to_string()))?;
        Ok(Some(Arc::new(CoursePlan {
            course_id: structure.id,
            code: structure.code.clone(),
            title: structure.title.clone(),
            published: structure.published,
            target_groups: structure.target_groups.clone(),
            sequential: structure.sequential,
            lessons: structure
                .lessons
                .iter()
                .map(|l| PlannedLesson {
                    id: l.id,
                    slug: l.slug.clone(),
                })
                .collect(),
            final_assessment,
        })))
    }
}

/// The plan of the published course `code`.
pub async fn published_plan(state: &AppState, code: &str) -> ApiResult<Arc<CoursePlan>> {
    let structure = state.courses.published_structure(code).await?;
    Plans(state)
        .plan(structure.id)
        .await?
        .ok_or_else(|| ApiError(hocvuso_kernel::Problem::not_found()))
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
        .my_courses(caller.0.user_id, &Plans(&state))
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
    let plan = published_plan(&state, &code).await?;
    let group = state.identity.me(&caller.0).await?.target_group;
    let user = caller.0.user_id;
    state.learning.enrol(user, group, &plan).await?;
    // What the learner showed in placement tests and quizzes applies to the new course.
    super::assessment::after_enrolment(&state, user).await?;
    Ok(web::Json(
        state.learning.course_progress(user, &plan).await?,
    ))
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
    let plan = published_plan(&state, &code).await?;
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
    let plan = published_plan(&state, &code).await?;
    Ok(web::Json(
        state
            .learning
            .course_progress(caller.0.user_id, &plan)
            .await?,
    ))
}

#[derive(Serialize, ToSchema)]
struct LearnerLesson {
    lesson: LessonView,
    progress: LessonProgressView,
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
    let plan = published_plan(&state, &code).await?;
    let lesson_id = plan
        .lessons
        .iter()
        .find(|l| l.slug == slug)
        .map(|l| l.id)
        .ok_or_else(|| ApiError(hocvuso_kernel::Problem::not_found()))?;
    let progress = state
        .learning
        .open_lesson(caller.0.user_id, &plan, lesson_id)
        .await?;
    let lesson = state.courses.lesson(&code, &slug).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(LearnerLesson {
            lesson: lesson.value.clone(),
            progress,
        }))
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
    let items = vec![Ok(event.into_inner())];
    let completes_lessons = completes_lessons(&items);
    let mut results = state
        .learning
        .record(caller.0.user_id, items, &Plans(&state), lang_of(&req))
        .await?;
    let result = results
        .pop()
        .ok_or_else(|| ApiError(hocvuso_kernel::Problem::internal(&"no result")))?;
    if completes_lessons && result.status == EventStatus::Accepted {
        super::certification::certify_completions(&state, caller.0.user_id).await?;
    }
    match result.code.as_deref() {
        Some("not_enrolled") => Err(EnrollmentError::NotEnrolled.into()),
        Some(code) => Err(ApiError(hocvuso_kernel::Problem::bad_request(
            code.to_owned(),
            result.message.clone().unwrap_or_default(),
            result.message.unwrap_or_default(),
        ))),
        None => Ok(web::Json(result)),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
struct SyncBatch {
    /// At most 500 events; each is checked on its own.
    #[schema(value_type = Vec<ProgressEvent>)]
    events: Vec<serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
struct SyncResults {
    accepted: usize,
    duplicates: usize,
    rejected: usize,
    /// One per event, in the order sent.
    results: Vec<EventResult>,
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
    let events = batch.into_inner().events;
    let items: Vec<_> = events
        .into_iter()
        .map(|value| serde_json::from_value::<ProgressEvent>(value).map_err(|e| e.to_string()))
        .collect();
    let completes_lessons = completes_lessons(&items);
    let results = state
        .learning
        .record(caller.0.user_id, items, &Plans(&state), lang_of(&req))
        .await?;
    let count = |status| results.iter().filter(|r| r.status == status).count();
    if completes_lessons && count(EventStatus::Accepted) > 0 {
        super::certification::certify_completions(&state, caller.0.user_id).await?;
    }
    Ok(web::Json(SyncResults {
        accepted: count(EventStatus::Accepted),
        duplicates: count(EventStatus::Duplicate),
        rejected: count(EventStatus::Rejected),
        results,
    }))
}
