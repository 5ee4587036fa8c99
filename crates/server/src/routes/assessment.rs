//! Quizzes, placement tests and mastery for learners; question banks and quiz settings
//! for the authors of a course.

use std::collections::HashMap;

use actix_web::{HttpResponse, delete, get, post, put, web};
use hocvuso_assessment::dto::{
    AttemptResult, AttemptView, CompetencyMastery, CourseResult, PlacementResult, QuestionDetail,
    QuestionDraft, QuestionExposure, QuizSettings, QuizSettingsUpdate, ReplayReport, Submission,
};
use hocvuso_kernel::Problem;
use hocvuso_kernel::problem::ProblemBody;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidJson;
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(start_quiz)
        .service(quiz_standing)
        .service(attempt)
        .service(submit)
        .service(start_placement)
        .service(submit_placement)
        .service(competencies)
        .service(questions)
        .service(question_exposure)
        .service(add_question)
        .service(edit_question)
        .service(retire_question)
        .service(quiz_settings)
        .service(change_settings)
        .service(replay);
}

/// Starts an attempt at a course's final quiz (enrolled learners), or returns the one
/// in progress. Questions are drawn from the whole bank with a recorded seed and their
/// options shuffled; no answer leaves the server before submission.
#[utoipa::path(
    tag = "assessment",
    security(("bearer" = [])),
    params(("code" = String, Path)),
    responses(
        (status = CREATED, body = AttemptView),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json", description = "`not_enrolled`"),
        (status = CONFLICT, body = ProblemBody, content_type = "application/problem+json", description = "`attempt_limit_reached`, `quiz_unavailable`"),
        (status = TOO_MANY_REQUESTS, body = ProblemBody, content_type = "application/problem+json", description = "`attempt_cooldown`, with `Retry-After`"),
    )
)]
#[post("/me/courses/{code}/quiz/attempts")]
async fn start_quiz(
    state: web::Data<AppState>,
    caller: Authenticated,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let view = state.start_quiz(&caller.0, &code).await?;
    Ok(HttpResponse::Created().json(view))
}

/// The caller's standing in a course's final quiz: attempts used and left, the score
/// that counts (highest or last), passed or not, an attempt to resume.
#[utoipa::path(
    tag = "assessment",
    security(("bearer" = [])),
    params(("code" = String, Path)),
    responses(
        (status = OK, body = CourseResult),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json", description = "`not_enrolled`"),
    )
)]
#[get("/me/courses/{code}/quiz")]
async fn quiz_standing(
    state: web::Data<AppState>,
    caller: Authenticated,
    code: web::Path<String>,
) -> ApiResult<web::Json<CourseResult>> {
    Ok(web::Json(state.quiz_standing(&caller.0, &code).await?))
}

/// An attempt of the caller's, to resume it (questions and time left, no answers).
#[utoipa::path(
    tag = "assessment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = AttemptView),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/me/attempts/{id}")]
async fn attempt(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AttemptView>> {
    Ok(web::Json(
        state.assessment.attempt(caller.0.user_id, *id).await?,
    ))
}

/// Submits a final-quiz attempt: graded once by the server's clock and stored for
/// good; submitting again returns the same result. The result shows each correct
/// answer and its explanation. Passing may complete the course.
#[utoipa::path(
    tag = "assessment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = Submission,
    responses(
        (status = OK, body = AttemptResult),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`answer_not_in_attempt`, `answer_malformed`"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
        (status = CONFLICT, body = ProblemBody, content_type = "application/problem+json", description = "`attempt_time_over`"),
    )
)]
#[post("/me/attempts/{id}/submit")]
async fn submit(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<Submission>,
) -> ApiResult<web::Json<AttemptResult>> {
    Ok(web::Json(state.submit_quiz(&caller.0, *id, &body).await?))
}

/// Starts (or resumes) a short placement test over the competencies of the courses
/// open to the caller's target group.
#[utoipa::path(
    tag = "assessment",
    security(("bearer" = [])),
    responses(
        (status = CREATED, body = AttemptView),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json", description = "`target_group_required`"),
        (status = CONFLICT, body = ProblemBody, content_type = "application/problem+json", description = "`placement_unavailable`"),
    )
)]
#[post("/me/placement")]
async fn start_placement(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> ApiResult<HttpResponse> {
    let view = state.start_placement(&caller.0).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Submits a placement test: an estimated level per competency. Lessons the caller
/// already masters become skippable in the courses they are enrolled in (and in those
/// they enrol in later).
#[utoipa::path(
    tag = "assessment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = Submission,
    responses(
        (status = OK, body = PlacementResult),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
        (status = CONFLICT, body = ProblemBody, content_type = "application/problem+json", description = "`attempt_time_over`"),
    )
)]
#[post("/me/placement/{id}/submit")]
async fn submit_placement(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<Submission>,
) -> ApiResult<web::Json<PlacementResult>> {
    Ok(web::Json(
        state.submit_placement(&caller.0, *id, &body).await?,
    ))
}

/// The caller's level in each competency, from every quiz and placement test they
/// submitted (the highest level with at least two answers at or above it, 70 % right).
#[utoipa::path(
    tag = "assessment",
    security(("bearer" = [])),
    responses((status = OK, body = Vec<CompetencyMastery>))
)]
#[get("/me/competencies")]
async fn competencies(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<CompetencyMastery>>> {
    Ok(web::Json(state.assessment.mastery(caller.0.user_id).await?))
}

/// A course's question bank with answers (its authors only); retired questions too
/// with `?include_retired=true`.
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("include_retired" = Option<bool>, Query)),
    responses(
        (status = OK, body = Vec<QuestionDetail>),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/authoring/courses/{id}/questions")]
async fn questions(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    query: web::Query<HashMap<String, String>>,
) -> ApiResult<web::Json<Vec<QuestionDetail>>> {
    let course = state.editable_course(&caller.0, *id).await?;
    let include_retired = query.get("include_retired").is_some_and(|v| v == "true");
    Ok(web::Json(
        state
            .assessment
            .questions(course.id, include_retired)
            .await?,
    ))
}

/// How each question of a course's bank has fared in finished attempts (drawn, answered
/// right), most drawn first (its authors only).
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = Vec<QuestionExposure>),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/authoring/courses/{id}/questions/exposure")]
async fn question_exposure(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<QuestionExposure>>> {
    let course = state.editable_course(&caller.0, *id).await?;
    Ok(web::Json(state.assessment.exposure(course.id).await?))
}

/// Adds a question to a course's bank (single or multiple choice, true/false,
/// ordering, short answer), checked by the same rules as the shipped banks.
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = QuestionDraft,
    responses(
        (status = CREATED, body = QuestionDetail),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = CONFLICT, body = ProblemBody, content_type = "application/problem+json", description = "`question_code_taken`"),
    )
)]
#[post("/authoring/courses/{id}/questions")]
async fn add_question(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<QuestionDraft>,
) -> ApiResult<HttpResponse> {
    let course = state.editable_course(&caller.0, *id).await?;
    let created = state.assessment.create_question(course.id, &body).await?;
    Ok(HttpResponse::Created().json(created))
}

async fn question_of_course(
    state: &AppState,
    course_id: Uuid,
    question_id: Uuid,
) -> ApiResult<QuestionDetail> {
    let found = state.assessment.question(question_id).await?;
    if found.course_id == course_id {
        Ok(found)
    } else {
        Err(ApiError(Problem::not_found()))
    }
}

/// Rewrites a question; attempts already drawn keep the version they showed.
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("question_id" = Uuid, Path)),
    request_body = QuestionDraft,
    responses(
        (status = OK, body = QuestionDetail),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[put("/authoring/courses/{id}/questions/{question_id}")]
async fn edit_question(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
    ValidJson(body): ValidJson<QuestionDraft>,
) -> ApiResult<web::Json<QuestionDetail>> {
    let (id, question_id) = path.into_inner();
    let course = state.editable_course(&caller.0, id).await?;
    question_of_course(&state, course.id, question_id).await?;
    Ok(web::Json(
        state.assessment.update_question(question_id, &body).await?,
    ))
}

/// Retires a question: never drawn again, kept for the attempts that used it.
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("question_id" = Uuid, Path)),
    responses(
        (status = NO_CONTENT),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[delete("/authoring/courses/{id}/questions/{question_id}")]
async fn retire_question(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, question_id) = path.into_inner();
    let course = state.editable_course(&caller.0, id).await?;
    question_of_course(&state, course.id, question_id).await?;
    state.assessment.retire_question(question_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A course's final-quiz settings (question count, time limit, attempts, cool-down,
/// grading method, pass mark).
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = QuizSettings),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/authoring/courses/{id}/quiz")]
async fn quiz_settings(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<QuizSettings>> {
    let course = state.editable_course(&caller.0, *id).await?;
    Ok(web::Json(state.quiz_settings(course.id).await?))
}

/// Changes a course's final-quiz settings; attempts already started keep theirs. The
/// pass mark is the course's own.
#[utoipa::path(
    tag = "authoring",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = QuizSettingsUpdate,
    responses(
        (status = OK, body = QuizSettings),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[put("/authoring/courses/{id}/quiz")]
async fn change_settings(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<QuizSettingsUpdate>,
) -> ApiResult<web::Json<QuizSettings>> {
    let course = state.editable_course(&caller.0, *id).await?;
    state.assessment.set_quiz_settings(course.id, &body).await?;
    Ok(web::Json(state.quiz_settings(course.id).await?))
}

/// Replays an attempt's draw from its seed, for audit (administrators of the learner's
/// unit): the questions
/// and option orders the learner saw, and whether the replay matches the record.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = ReplayReport),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/attempts/{id}/replay")]
async fn replay(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ReplayReport>> {
    Ok(web::Json(state.replay_attempt(&caller.0, *id).await?))
}
