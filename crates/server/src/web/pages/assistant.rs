//! `/assistant`: a question (with or without diacritics) and the answer with its
//! citations, each a link to the lesson it comes from; "not covered" when no lesson
//! answers it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use hocvuso_assistant::dto::AskRequest;
use hocvuso_kernel::Problem;

use crate::state::AppState;
use crate::web::chrome::{self, Chrome, FormErrors};
use crate::web::forms::Form;
use crate::web::session::Visitor;
use crate::web::texts::texts;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/assistant", web::get().to(show))
        .route("/assistant", web::post().to(ask));
}

struct Source {
    href: String,
    title: String,
    course: String,
}

struct Answer {
    covered: bool,
    text: String,
    citations: Vec<Source>,
}

#[derive(Template)]
#[template(path = "web/assistant.html")]
struct AssistantPage {
    c: Chrome,
    errors: FormErrors,
    question: String,
    answer: Option<Answer>,
}

fn render(
    req: &HttpRequest,
    visitor: &Visitor,
    status: StatusCode,
    question: String,
    answer: Option<Answer>,
    errors: FormErrors,
) -> HttpResponse {
    let t = texts(visitor.lang);
    let page = AssistantPage {
        c: Chrome::new(visitor, req, t.assistant_heading),
        errors,
        question,
        answer,
    };
    chrome::page(req, visitor, status, page.render())
}

async fn show(req: HttpRequest, visitor: Visitor) -> HttpResponse {
    if let Err(to_signin) = chrome::signed_in(&req, &visitor) {
        return to_signin;
    }
    render(
        &req,
        &visitor,
        StatusCode::OK,
        String::new(),
        None,
        FormErrors::default(),
    )
}

async fn ask(
    state: web::Data<AppState>,
    req: HttpRequest,
    visitor: Visitor,
    body: web::Bytes,
) -> HttpResponse {
    let (form, principal) = match Form::signed_in(&req, &visitor, &body) {
        Ok(both) => both,
        Err(response) => return response,
    };
    let question = form.text("question");
    let request = AskRequest {
        question: question.clone(),
        conversation_id: None,
    };
    let asked = match state.rate_limits.check_ask(principal.user_id) {
        Ok(()) => match validator::Validate::validate(&request) {
            Ok(()) => state.ask(principal, &request).await.map_err(Problem::from),
            Err(invalid) => Err(Problem::from(invalid)),
        },
        Err(limited) => Err(limited),
    };
    match asked {
        Ok(answered) => {
            let turn = answered.turn;
            let answer = Answer {
                covered: turn.covered,
                text: turn.answer,
                citations: turn
                    .citations
                    .into_iter()
                    .map(|c| Source {
                        href: format!("/courses/{}/lessons/{}", c.course_code, c.lesson_slug),
                        title: c.lesson_title,
                        course: c.course_title,
                    })
                    .collect(),
            };
            render(
                &req,
                &visitor,
                StatusCode::OK,
                question,
                Some(answer),
                FormErrors::default(),
            )
        }
        Err(problem) => {
            let status = chrome::status_of(&problem);
            let errors = FormErrors::from_problem(&problem, visitor.lang, &|f| f.to_owned());
            render(&req, &visitor, status, question, None, errors)
        }
    }
}
