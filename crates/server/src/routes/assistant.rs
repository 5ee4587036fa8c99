//! `/api/v1/assistant/…` and `/api/v1/me/next`: questions answered from the lessons,
//! the learner's conversations, and the next step for every learner.

use actix_web::{HttpResponse, delete, get, post, web};
use hocvuso_assistant::dto::{AskRequest, AskResponse, ConversationSummary, ConversationView};
use hocvuso_assistant::next::NextSteps;
use hocvuso_kernel::pagination::{Page, PageQuery};
use hocvuso_kernel::problem::ProblemBody;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::error::ApiResult;
use crate::extract::{ValidJson, ValidQuery};
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(ask)
        .service(conversations)
        .service(conversation)
        .service(delete_conversation)
        .service(next_step);
}

/// Answers a question about digital skills from the published lessons, citing them.
/// Typed with or without diacritics. When the lessons do not speak of it, the answer
/// says so (`covered: false`) and cites nothing. Without `conversation_id` a new
/// conversation starts; with it, a short follow-up leans on the question before.
#[utoipa::path(
    tag = "assistant",
    security(("bearer" = [])),
    request_body = AskRequest,
    responses(
        (status = OK, body = AskResponse),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json", description = "No such conversation of the caller's"),
        (status = TOO_MANY_REQUESTS, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/assistant/ask")]
async fn ask(
    state: web::Data<AppState>,
    caller: Authenticated,
    ValidJson(body): ValidJson<AskRequest>,
) -> ApiResult<web::Json<AskResponse>> {
    state.rate_limits.check_ask(caller.0.user_id)?;
    Ok(web::Json(state.ask(&caller.0, &body).await?))
}

/// The caller's conversations with the assistant, newest first.
#[utoipa::path(
    tag = "assistant",
    security(("bearer" = [])),
    params(PageQuery),
    responses((status = OK, body = Page<ConversationSummary>))
)]
#[get("/assistant/conversations")]
async fn conversations(
    state: web::Data<AppState>,
    caller: Authenticated,
    ValidQuery(page): ValidQuery<PageQuery>,
) -> ApiResult<web::Json<Page<ConversationSummary>>> {
    Ok(web::Json(
        state
            .assistant
            .conversations(caller.0.user_id, &page)
            .await?,
    ))
}

/// One of the caller's conversations: its questions and answers, oldest first.
#[utoipa::path(
    tag = "assistant",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = ConversationView),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/assistant/conversations/{id}")]
async fn conversation(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ConversationView>> {
    Ok(web::Json(
        state.assistant.conversation(caller.0.user_id, *id).await?,
    ))
}

/// Deletes one of the caller's conversations and everything asked in it.
#[utoipa::path(
    tag = "assistant",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = NO_CONTENT),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[delete("/assistant/conversations/{id}")]
async fn delete_conversation(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    state
        .assistant
        .delete_conversation(caller.0.user_id, *id)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// What to do next: lessons to continue, final quizzes left, the placement test, and
/// courses to start (at the first lesson the learner has not shown they master),
/// from the learner's target group, placement test and competency levels. Elderly
/// learners and learners with a disability get courses written for them first and
/// easy-read versions where lessons have them.
#[utoipa::path(
    tag = "assistant",
    security(("bearer" = [])),
    responses((status = OK, body = NextSteps))
)]
#[get("/me/next")]
async fn next_step(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> ApiResult<web::Json<NextSteps>> {
    Ok(web::Json(state.next_steps(&caller.0).await?))
}
