//! `/api/v1/authoring`: trainers (and administrators in scope) build courses.

use actix_web::{HttpResponse, get, post, put, web};
use hocvuso_courses::authoring::{CourseOrder, LessonDraft, NewCourse, NewModule};
use hocvuso_courses::dto::AuthoredCourse;
use hocvuso_journeys::access::AUTHORS;
use hocvuso_kernel::problem::ProblemBody;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::error::ApiResult;
use crate::extract::ValidJson;
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_course)
        .service(my_courses)
        .service(get_course)
        .service(add_module)
        .service(add_lesson)
        .service(update_lesson)
        .service(reorder)
        .service(publish)
        .service(archive);
}

async fn view(state: &AppState, id: Uuid) -> ApiResult<web::Json<AuthoredCourse>> {
    let found = state.courses.authored_course(id).await?;
    Ok(web::Json(state.courses.authored_view(found).await?))
}

/// Starts a draft course owned by the caller.
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    request_body = NewCourse,
    responses(
        (status = CREATED, body = AuthoredCourse),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`validation_failed`: field code is `course_code_taken` or `course_code_reserved` (kept for the shipped curriculum); field competencies is `unknown_competency`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/authoring/courses")]
async fn create_course(
    state: web::Data<AppState>,
    caller: Authenticated,
    ValidJson(body): ValidJson<NewCourse>,
) -> ApiResult<HttpResponse> {
    let author = caller.require(AUTHORS)?;
    let created = state.courses.create_course(author.user_id, body).await?;
    Ok(HttpResponse::Created().json(state.courses.authored_view(created).await?))
}

/// The caller's own courses, drafts included.
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    responses(
        (status = OK, body = Vec<AuthoredCourse>),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/authoring/courses")]
async fn my_courses(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<AuthoredCourse>>> {
    let author = caller.require(AUTHORS)?;
    let mut views = Vec::new();
    for found in state.courses.authored_by(author.user_id).await? {
        views.push(state.courses.authored_view(found).await?);
    }
    Ok(web::Json(views))
}

/// One course being authored, any status.
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = AuthoredCourse),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/authoring/courses/{id}")]
async fn get_course(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AuthoredCourse>> {
    let found = state.editable_course(&caller.0, *id).await?;
    Ok(web::Json(state.courses.authored_view(found).await?))
}

/// Adds a module at the end of the course.
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = NewModule,
    responses(
        (status = CREATED, body = AuthoredCourse),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/authoring/courses/{id}/modules")]
async fn add_module(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<NewModule>,
) -> ApiResult<HttpResponse> {
    let found = state.editable_course(&caller.0, *id).await?;
    state.courses.add_module(&found, body).await?;
    Ok(HttpResponse::Created().json(view(&state, *id).await?.into_inner()))
}

/// Adds a text lesson at the end of a module.
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("module_id" = Uuid, Path)),
    request_body = LessonDraft,
    responses(
        (status = CREATED, body = AuthoredCourse),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/authoring/courses/{id}/modules/{module_id}/lessons")]
async fn add_lesson(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
    ValidJson(body): ValidJson<LessonDraft>,
) -> ApiResult<HttpResponse> {
    let (id, module_id) = path.into_inner();
    let found = state.editable_course(&caller.0, id).await?;
    state.courses.add_lesson(&found, module_id, body).await?;
    Ok(HttpResponse::Created().json(view(&state, id).await?.into_inner()))
}

/// Replaces a lesson's content.
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("lesson_id" = Uuid, Path)),
    request_body = LessonDraft,
    responses(
        (status = OK, body = AuthoredCourse),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[put("/authoring/courses/{id}/lessons/{lesson_id}")]
async fn update_lesson(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
    ValidJson(body): ValidJson<LessonDraft>,
) -> ApiResult<web::Json<AuthoredCourse>> {
    let (id, lesson_id) = path.into_inner();
    let found = state.editable_course(&caller.0, id).await?;
    state.courses.update_lesson(&found, lesson_id, body).await?;
    view(&state, id).await
}

/// Puts every module and lesson in a new order (lessons may change module).
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = CourseOrder,
    responses(
        (status = OK, body = AuthoredCourse),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`validation_failed`: field modules is `order_incomplete`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[put("/authoring/courses/{id}/order")]
async fn reorder(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<CourseOrder>,
) -> ApiResult<web::Json<AuthoredCourse>> {
    let found = state.editable_course(&caller.0, *id).await?;
    state.courses.reorder(&found, body).await?;
    view(&state, *id).await
}

/// Publishes the course once complete (it has lessons, and every lesson has content) and,
/// when it has a final quiz, once its bank holds three times the questions one attempt
/// draws.
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = AuthoredCourse),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`validation_failed`: field lessons is `course_empty`, `lesson_incomplete` or `lesson_inaccessible`; field questions is `bank_too_small`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/authoring/courses/{id}/publish")]
async fn publish(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AuthoredCourse>> {
    let published = state.publish_course(&caller.0, *id).await?;
    Ok(web::Json(state.courses.authored_view(published).await?))
}

/// Withdraws the course from the catalog.
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = AuthoredCourse),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/authoring/courses/{id}/archive")]
async fn archive(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AuthoredCourse>> {
    let found = state.editable_course(&caller.0, *id).await?;
    let archived = state.courses.archive(found).await?;
    Ok(web::Json(state.courses.authored_view(archived).await?))
}
