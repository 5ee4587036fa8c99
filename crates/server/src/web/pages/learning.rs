//! `/learning`: the courses in progress with their percentage and a "continue" button,
//! those completed, the next steps (with their reasons), and the placement test.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use hocvuso_assistant::next::{NextStep, StepKind};
use hocvuso_enrollment::enrol::EnrollmentView;
use hocvuso_kernel::{Lang, Problem};

use crate::state::AppState;
use crate::web::chrome::{self, Chrome};
use crate::web::forms::Form;
use crate::web::session::Visitor;
use crate::web::texts::{Texts, texts};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/learning", web::get().to(show))
        .route("/placement", web::post().to(start_placement));
}

struct CourseLine {
    code: String,
    title: String,
    percent: u8,
    done: u32,
    total: u32,
    resume: String,
}

struct Step {
    reason: String,
    label: String,
    href: Option<String>,
}

#[derive(Template)]
#[template(path = "web/learning.html")]
struct LearningPage {
    c: Chrome,
    steps: Vec<Step>,
    in_progress: Vec<CourseLine>,
    completed: Vec<CourseLine>,
}

fn line(course: EnrollmentView) -> CourseLine {
    let resume = match &course.resume {
        Some(point) => format!(
            "/courses/{}/lessons/{}",
            course.course_code, point.lesson_slug
        ),
        None => format!("/courses/{}", course.course_code),
    };
    CourseLine {
        code: course.course_code,
        title: course.course_title,
        percent: course.progress_percent,
        done: course.lessons_done,
        total: course.lessons_total,
        resume,
    }
}

/// Where a step leads in the web app (the step names the API's path).
fn step(next: NextStep, t: &Texts, lang: Lang) -> Step {
    let course = next.course_code.as_deref();
    let (label, href) = match (next.kind, course, next.lesson_slug.as_deref()) {
        (StepKind::CompleteProfile, ..) => (t.complete_profile, Some("/profile".to_owned())),
        (StepKind::PlacementTest, ..) => (t.placement_start, None),
        (StepKind::FinalAssessment, Some(code), _) => {
            (t.final_quiz, Some(format!("/courses/{code}#quiz-heading")))
        }
        (StepKind::ContinueLesson | StepKind::StartCourse, Some(code), Some(slug)) => {
            let easy = if next.easy_read { "?doc=easy" } else { "" };
            (
                t.continue_learning,
                Some(format!("/courses/{code}/lessons/{slug}{easy}")),
            )
        }
        (_, Some(code), _) => (t.go_to_course, Some(format!("/courses/{code}"))),
        _ => (t.go_to_course, None),
    };
    let mut reason = match lang {
        Lang::En => next.reason_en,
        Lang::Vi => next.reason,
    };
    if let Some(title) = next.course_title {
        reason = format!("{title}: {reason}");
    }
    Step {
        reason,
        label: label.to_owned(),
        href,
    }
}

async fn show(state: web::Data<AppState>, req: HttpRequest, visitor: Visitor) -> HttpResponse {
    let principal = match chrome::signed_in(&req, &visitor) {
        Ok(principal) => principal,
        Err(to_signin) => return to_signin,
    };
    let courses = match state
        .learning
        .my_courses(principal.user_id, state.plans())
        .await
    {
        Ok(courses) => courses,
        Err(err) => return chrome::problem_page(&req, &visitor, &Problem::from(err)),
    };
    let steps = match state.next_steps(principal).await {
        Ok(next) => next.steps,
        Err(err) => return chrome::problem_page(&req, &visitor, &Problem::from(err)),
    };
    let t = texts(visitor.lang);
    let (completed, in_progress): (Vec<_>, Vec<_>) =
        courses.into_iter().partition(|c| c.completed_at.is_some());
    let page = LearningPage {
        c: Chrome::new(&visitor, &req, t.learning_heading),
        steps: steps
            .into_iter()
            .take(3)
            .map(|s| step(s, t, visitor.lang))
            .collect(),
        in_progress: in_progress.into_iter().map(line).collect(),
        completed: completed.into_iter().map(line).collect(),
    };
    chrome::page(&req, &visitor, StatusCode::OK, page.render())
}

async fn start_placement(
    state: web::Data<AppState>,
    req: HttpRequest,
    visitor: Visitor,
    body: web::Bytes,
) -> HttpResponse {
    let principal = match Form::signed_in(&req, &visitor, &body) {
        Ok((_, principal)) => principal,
        Err(response) => return response,
    };
    match state.start_placement(principal).await {
        Ok(attempt) => chrome::see_other(&visitor, &format!("/attempts/{}", attempt.id)),
        Err(err) => chrome::problem_page(&req, &visitor, &Problem::from(err)),
    }
}
