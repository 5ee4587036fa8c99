//! `/courses/{code}`: the outline with each lesson's state, enrolment (with the reason
//! when the course is not for the learner's group), saving it for offline, and the
//! final quiz's rules and start.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use hocvuso_assessment::dto::{CourseResult, QuizSettings};
use hocvuso_enrollment::enrol::CourseProgress;
use hocvuso_kernel::{Lang, Principal, Problem};
use uuid::Uuid;

use crate::state::AppState;
use crate::web::assets;
use crate::web::chrome::{self, Chrome, FormErrors};
use crate::web::forms::Form;
use crate::web::session::Visitor;
use crate::web::texts::{Texts, texts};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/courses/{code}", web::get().to(show))
        .route("/courses/{code}/enrol", web::post().to(enrol))
        .route("/courses/{code}/quiz", web::post().to(start_quiz));
}

struct LessonLine {
    slug: String,
    title: String,
    minutes: i32,
    easy_read: bool,
    state: &'static str,
    state_label: &'static str,
}

struct ModuleLine {
    title: String,
    lessons: Vec<LessonLine>,
}

struct Quiz {
    rules: String,
    passed: bool,
    score: Option<u32>,
    wait: Option<String>,
    open_attempt: Option<Uuid>,
    can_start: bool,
}

#[derive(Template)]
#[template(path = "web/course.html")]
struct CoursePage {
    c: Chrome,
    code: String,
    title: String,
    summary: String,
    minutes: i32,
    lesson_count: usize,
    errors: FormErrors,
    progress: Option<u8>,
    resume: Option<String>,
    offline_urls: String,
    modules: Vec<ModuleLine>,
    quiz: Option<Quiz>,
}

fn state_label(state: &str, t: &Texts) -> (&'static str, &'static str) {
    match state {
        "locked" => ("locked", t.state_locked),
        "completed" => ("done", t.state_done),
        "skippable" => ("skippable", t.state_skippable),
        "started" => ("available", t.state_started),
        _ => ("available", t.state_available),
    }
}

fn quiz(standing: &CourseResult, settings: &QuizSettings, t: &Texts) -> Quiz {
    let left = standing
        .attempts_left
        .map_or_else(|| t.unlimited.to_owned(), |n| n.to_string());
    let rules = t
        .quiz_rules
        .replace("{count}", &settings.question_count.to_string())
        .replace("{minutes}", &settings.time_limit_minutes.to_string())
        .replace("{pass}", &settings.pass_mark.to_string())
        .replace("{left}", &left)
        .replace("{cooldown}", &settings.cooldown_minutes.to_string());
    let wait = standing
        .next_attempt_at
        .filter(|_| !standing.can_start && !standing.passed)
        .map(|at| {
            t.quiz_wait
                .replace("{at}", &chrome::vietnam_time(at, chrome::AT_TIME))
        })
        .or_else(|| {
            (standing.attempts_left == Some(0) && !standing.passed)
                .then(|| t.quiz_no_attempts.to_owned())
        });
    Quiz {
        rules,
        passed: standing.passed,
        score: standing.score_percent,
        wait,
        open_attempt: standing.open_attempt_id,
        can_start: standing.can_start && !standing.passed,
    }
}

async fn progress_of(
    state: &AppState,
    principal: &Principal,
    code: &str,
) -> Result<Option<CourseProgress>, Problem> {
    let plan = state.published_plan(code).await.map_err(Problem::from)?;
    match state
        .learning
        .course_progress(principal.user_id, &plan)
        .await
    {
        Ok(progress) => Ok(Some(progress)),
        Err(err) => {
            let problem = Problem::from(err);
            if problem.code == "not_enrolled" {
                Ok(None)
            } else {
                Err(problem)
            }
        }
    }
}

async fn render(
    state: &AppState,
    req: &HttpRequest,
    visitor: &Visitor,
    code: &str,
    status: StatusCode,
    errors: FormErrors,
) -> HttpResponse {
    let t = texts(visitor.lang);
    let tagged = match state.courses.course(code).await {
        Ok(tagged) => tagged,
        Err(err) => return chrome::problem_page(req, visitor, &Problem::from(err)),
    };
    let detail = &tagged.value;
    let progress = match &visitor.principal {
        Some(principal) => match progress_of(state, principal, code).await {
            Ok(progress) => progress,
            Err(problem) => return chrome::problem_page(req, visitor, &problem),
        },
        None => None,
    };
    let quiz = match (&visitor.principal, &progress) {
        (Some(principal), Some(p)) if p.enrollment.final_assessment_required => {
            let standing = state.quiz_standing(principal, code).await;
            let settings = state.quiz_settings(detail.course.id).await;
            match (standing, settings) {
                (Ok(standing), Ok(settings)) => Some(quiz(&standing, &settings, t)),
                (Err(err), _) | (_, Err(err)) => {
                    return chrome::problem_page(req, visitor, &Problem::from(err));
                }
            }
        }
        _ => None,
    };
    let state_of = |slug: &str| {
        progress
            .as_ref()
            .and_then(|p| p.lessons.iter().find(|l| l.lesson_slug == slug))
            .map(|l| state_label(&l.state, t))
    };
    let modules: Vec<ModuleLine> = detail
        .modules
        .iter()
        .map(|m| ModuleLine {
            title: m.title.clone(),
            lessons: m
                .lessons
                .iter()
                .map(|l| {
                    let (state, state_label) = state_of(&l.slug).unwrap_or(("", ""));
                    LessonLine {
                        slug: l.slug.clone(),
                        title: l.title.clone(),
                        minutes: l.estimated_minutes,
                        easy_read: l.has_easy_read,
                        state,
                        state_label,
                    }
                })
                .collect(),
        })
        .collect();
    let lessons: Vec<&LessonLine> = modules.iter().flat_map(|m| &m.lessons).collect();
    // The page's own stylesheet and script too, by their versioned URLs: offline they
    // are asked for exactly so.
    let mut offline: Vec<String> = vec![
        format!("/courses/{code}"),
        assets::CSS_URL.clone(),
        assets::JS_URL.clone(),
    ];
    for lesson in &lessons {
        offline.push(format!("/courses/{code}/lessons/{}", lesson.slug));
        if lesson.easy_read {
            offline.push(format!("/courses/{code}/lessons/{}?doc=easy", lesson.slug));
            offline.push(format!("/courses/{code}/lessons/{}?doc=full", lesson.slug));
        }
    }
    let resume = progress.as_ref().map(|p| match &p.enrollment.resume {
        Some(point) => format!("/courses/{code}/lessons/{}", point.lesson_slug),
        None => lessons
            .iter()
            .find(|l| l.state != "done" && l.state != "locked")
            .map_or_else(
                || format!("/courses/{code}"),
                |l| format!("/courses/{code}/lessons/{}", l.slug),
            ),
    });
    let course = &detail.course;
    let (title, summary) = match visitor.lang {
        Lang::En => (
            course
                .title_en
                .clone()
                .unwrap_or_else(|| course.title.clone()),
            course
                .summary_en
                .clone()
                .unwrap_or_else(|| course.summary.clone()),
        ),
        Lang::Vi => (course.title.clone(), course.summary.clone()),
    };
    let page = CoursePage {
        c: Chrome::new(visitor, req, title.clone()),
        code: course.code.clone(),
        title,
        summary,
        minutes: course.estimated_minutes,
        lesson_count: lessons.len(),
        errors,
        progress: progress.as_ref().map(|p| p.enrollment.progress_percent),
        resume,
        offline_urls: serde_json::to_string(&offline).unwrap_or_default(),
        modules,
        quiz,
    };
    chrome::page(req, visitor, status, page.render())
}

async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    visitor: Visitor,
    code: web::Path<String>,
) -> HttpResponse {
    render(
        &state,
        &req,
        &visitor,
        &code,
        StatusCode::OK,
        FormErrors::default(),
    )
    .await
}

/// The course page again, with the use case's refusal at its top.
async fn refused(
    state: &AppState,
    req: &HttpRequest,
    visitor: &Visitor,
    code: &str,
    problem: Problem,
) -> HttpResponse {
    let status = chrome::status_of(&problem);
    let errors = FormErrors::from_problem(&problem, visitor.lang, &|f| f.to_owned());
    render(state, req, visitor, code, status, errors).await
}

async fn enrol(
    state: web::Data<AppState>,
    req: HttpRequest,
    visitor: Visitor,
    code: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let principal = match Form::signed_in(&req, &visitor, &body) {
        Ok((_, principal)) => principal,
        Err(response) => return response,
    };
    match state.enrol(principal, &code).await {
        Ok(_) => chrome::see_other(&visitor, &format!("/courses/{code}")),
        Err(err) => refused(&state, &req, &visitor, &code, Problem::from(err)).await,
    }
}

async fn start_quiz(
    state: web::Data<AppState>,
    req: HttpRequest,
    visitor: Visitor,
    code: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let principal = match Form::signed_in(&req, &visitor, &body) {
        Ok((_, principal)) => principal,
        Err(response) => return response,
    };
    match state.start_quiz(principal, &code).await {
        Ok(attempt) => chrome::see_other(&visitor, &format!("/attempts/{}", attempt.id)),
        Err(err) => refused(&state, &req, &visitor, &code, Problem::from(err)).await,
    }
}
