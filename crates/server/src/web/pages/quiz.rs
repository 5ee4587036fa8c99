//! An attempt at a final quiz or the placement test: all questions on one page with
//! large options, the time left by the server's clock, and the result page the
//! course's reveal policy allows, with the retry rules (attempts left, cooldown).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use hocvuso_assessment::dto::{
    AnswerInput, AttemptKind, AttemptResult, AttemptStatus, AttemptView, CorrectAnswer,
    PlacementEstimate, QuestionType, Response, Submission,
};
use hocvuso_kernel::{Principal, Problem};
use uuid::Uuid;

use crate::state::AppState;
use crate::web::chrome::{self, Chrome, FormErrors};
use crate::web::forms::Form;
use crate::web::session::Visitor;
use crate::web::texts::{Texts, texts};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/attempts/{id}", web::get().to(show))
        .route("/attempts/{id}", web::post().to(submit));
}

struct QuestionLine {
    item: u32,
    /// `radio`, `checkbox`, `order` or `text`: how the page asks it.
    kind: &'static str,
    prompt: String,
    options: Vec<String>,
}

#[derive(Template)]
#[template(path = "web/attempt.html")]
struct AttemptPage {
    c: Chrome,
    heading: &'static str,
    errors: FormErrors,
    attempt_id: Uuid,
    seconds_left: i64,
    minutes_left: i64,
    questions: Vec<QuestionLine>,
}

struct ItemLine {
    prompt: String,
    correct: bool,
    right_answer: String,
    explanation: String,
}

#[derive(Template)]
#[template(path = "web/result.html")]
struct ResultPage {
    c: Chrome,
    passed: Option<bool>,
    score: u32,
    correct: u32,
    total: u32,
    pass_mark: Option<u32>,
    estimates: Vec<String>,
    rules: Option<String>,
    revealed: bool,
    items: Vec<ItemLine>,
    course_code: Option<String>,
}

fn question_lines(view: &AttemptView, t: &Texts) -> Vec<QuestionLine> {
    view.questions
        .iter()
        .map(|q| {
            let (kind, options) = match q.kind {
                QuestionType::SingleChoice => ("radio", q.options.clone()),
                QuestionType::MultipleChoice => ("checkbox", q.options.clone()),
                QuestionType::TrueFalse => (
                    "radio",
                    vec![t.answer_true.to_owned(), t.answer_false.to_owned()],
                ),
                QuestionType::Ordering => ("order", q.options.clone()),
                QuestionType::ShortAnswer => ("text", Vec::new()),
            };
            QuestionLine {
                item: q.item,
                kind,
                prompt: q.prompt.clone(),
                options,
            }
        })
        .collect()
}

fn render_attempt(
    req: &HttpRequest,
    visitor: &Visitor,
    view: &AttemptView,
    errors: FormErrors,
) -> HttpResponse {
    let t = texts(visitor.lang);
    let heading = match view.kind {
        AttemptKind::Final => t.final_quiz,
        AttemptKind::Placement => t.placement_heading,
    };
    let page = AttemptPage {
        c: Chrome::new(visitor, req, heading),
        heading,
        errors,
        attempt_id: view.id,
        seconds_left: view.seconds_left.max(0),
        minutes_left: (view.seconds_left.max(0) + 59) / 60,
        questions: question_lines(view, t),
    };
    chrome::page(req, visitor, StatusCode::OK, page.render())
}

fn right_answer(answer: &CorrectAnswer, options: &[String], t: &Texts) -> String {
    let named = |indices: &[u32], joiner: &str| {
        indices
            .iter()
            .filter_map(|&i| options.get(i as usize).cloned())
            .collect::<Vec<_>>()
            .join(joiner)
    };
    if let Some(selected) = &answer.selected {
        return named(selected, "; ");
    }
    if let Some(value) = answer.value {
        return if value { t.answer_true } else { t.answer_false }.to_owned();
    }
    if let Some(order) = &answer.order {
        return named(order, " → ");
    }
    answer
        .accepted
        .as_ref()
        .and_then(|a| a.first().cloned())
        .unwrap_or_default()
}

async fn render_result(
    state: &AppState,
    req: &HttpRequest,
    visitor: &Visitor,
    principal: &Principal,
    result: AttemptResult,
    estimates: Vec<PlacementEstimate>,
) -> HttpResponse {
    let t = texts(visitor.lang);
    let plan = match result.course_id {
        Some(id) => state.plan(id).await.ok().flatten(),
        None => None,
    };
    let rules = match &plan {
        Some(plan) => match state.quiz_standing(principal, &plan.code).await {
            Ok(standing) if !standing.passed => {
                Some(match (standing.attempts_left, standing.next_attempt_at) {
                    (Some(0), _) => t.quiz_no_attempts.to_owned(),
                    (left, at) => {
                        let left = left.map_or_else(|| t.unlimited.to_owned(), |n| n.to_string());
                        let mut text = t.attempts_left.replace("{left}", &left);
                        if let Some(at) = at {
                            text.push(' ');
                            text.push_str(
                                &t.quiz_wait
                                    .replace("{at}", &chrome::vietnam_time(at, chrome::AT_TIME)),
                            );
                        }
                        text
                    }
                })
            }
            _ => None,
        },
        None => None,
    };
    let items = result
        .items
        .iter()
        .map(|item| ItemLine {
            prompt: item.prompt.clone(),
            correct: item.correct,
            right_answer: right_answer(&item.correct_answer, &item.options, t),
            explanation: item.explanation.clone(),
        })
        .collect();
    let page = ResultPage {
        c: Chrome::new(visitor, req, t.result_heading),
        passed: result.passed,
        score: result.score_percent,
        correct: result.correct_count,
        total: result.question_count,
        pass_mark: result.pass_mark,
        estimates: estimates
            .iter()
            .map(|e| format!("{}: {} {}", e.competency, t.level, e.level))
            .collect(),
        rules,
        revealed: result.answers_revealed,
        items,
        course_code: plan.map(|p| p.code.clone()),
    };
    chrome::page(req, visitor, StatusCode::OK, page.render())
}

async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    visitor: Visitor,
    id: web::Path<Uuid>,
) -> HttpResponse {
    let principal = match chrome::signed_in(&req, &visitor) {
        Ok(principal) => principal,
        Err(to_signin) => return to_signin,
    };
    let view = match state.assessment.attempt(principal.user_id, *id).await {
        Ok(view) => view,
        Err(err) => return chrome::problem_page(&req, &visitor, &Problem::from(err)),
    };
    match (view.status, view.kind) {
        (AttemptStatus::Open, _) => render_attempt(&req, &visitor, &view, FormErrors::default()),
        (_, AttemptKind::Final) => match state
            .assessment
            .attempt_result(principal.user_id, *id)
            .await
        {
            Ok(result) => {
                render_result(&state, &req, &visitor, principal, result, Vec::new()).await
            }
            Err(err) => chrome::problem_page(&req, &visitor, &Problem::from(err)),
        },
        (_, AttemptKind::Placement) => chrome::see_other(&visitor, "/learning"),
    }
}

/// The form's answers as the API takes them: `q{item}` names the options chosen (by
/// their shown position), `q{item}-{option}` the place given to each option to order.
fn submission(view: &AttemptView, form: &Form) -> Submission {
    let answers = view
        .questions
        .iter()
        .filter_map(|q| {
            let name = format!("q{}", q.item);
            let chosen: Vec<u32> = form.all(&name).filter_map(|v| v.parse().ok()).collect();
            let response = match q.kind {
                QuestionType::SingleChoice | QuestionType::MultipleChoice => (!chosen.is_empty())
                    .then(|| Response {
                        selected: Some(chosen),
                        ..Response::default()
                    }),
                QuestionType::TrueFalse => chosen.first().map(|&i| Response {
                    value: Some(i == 0),
                    ..Response::default()
                }),
                QuestionType::Ordering => {
                    let mut placed: Vec<(u32, u32)> = (0..q.options.len())
                        .filter_map(|i| {
                            let option = u32::try_from(i).ok()?;
                            let place = form.get(&format!("{name}-{i}"))?.parse::<u32>().ok()?;
                            Some((place, option))
                        })
                        .collect();
                    placed.sort_unstable();
                    (!placed.is_empty()).then(|| Response {
                        order: Some(placed.into_iter().map(|(_, option)| option).collect()),
                        ..Response::default()
                    })
                }
                QuestionType::ShortAnswer => {
                    let text = form.text(&name);
                    (!text.is_empty()).then(|| Response {
                        text: Some(text.chars().take(200).collect()),
                        ..Response::default()
                    })
                }
            }?;
            Some(AnswerInput {
                item: q.item,
                response,
            })
        })
        .collect();
    Submission {
        answers,
        client_time: None,
    }
}

async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    visitor: Visitor,
    id: web::Path<Uuid>,
    body: web::Bytes,
) -> HttpResponse {
    let (form, principal) = match Form::signed_in(&req, &visitor, &body) {
        Ok(both) => both,
        Err(response) => return response,
    };
    let view = match state.assessment.attempt(principal.user_id, *id).await {
        Ok(view) => view,
        Err(err) => return chrome::problem_page(&req, &visitor, &Problem::from(err)),
    };
    let answers = submission(&view, &form);
    match view.kind {
        // The result has its own address: a reload shows it again instead of resending.
        AttemptKind::Final => match state.submit_quiz(principal, *id, &answers).await {
            Ok(_) => chrome::see_other(&visitor, &format!("/attempts/{id}")),
            Err(err) => {
                let problem = Problem::from(err);
                let errors = FormErrors::from_problem(&problem, visitor.lang, &|f| f.to_owned());
                if problem.status == 400 {
                    render_attempt(&req, &visitor, &view, errors)
                } else {
                    chrome::problem_page(&req, &visitor, &problem)
                }
            }
        },
        AttemptKind::Placement => match state.submit_placement(principal, *id, &answers).await {
            Ok(placed) => {
                render_result(
                    &state,
                    &req,
                    &visitor,
                    principal,
                    placed.result,
                    placed.estimates,
                )
                .await
            }
            Err(err) => chrome::problem_page(&req, &visitor, &Problem::from(err)),
        },
    }
}
