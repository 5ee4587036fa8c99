//! A lesson: its HTML, the easy-read switch (elderly learners and learners with a
//! disability get the easy version first), read-aloud, media with captions and
//! transcript, previous/next, and "I have finished this lesson". A locked lesson
//! says why.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use hocvuso_courses::dto::LessonView;
use hocvuso_enrollment::progress::{EventKind, ProgressEvent};
use hocvuso_kernel::{Principal, Problem};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::state::AppState;
use crate::web::chrome::{self, Chrome};
use crate::web::forms::Form;
use crate::web::session::Visitor;
use crate::web::texts::texts;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/courses/{code}/lessons/{slug}", web::get().to(show))
        .route(
            "/courses/{code}/lessons/{slug}/complete",
            web::post().to(complete),
        );
}

struct Media {
    url: String,
    name: String,
    is_video: bool,
    is_audio: bool,
    captions: Option<String>,
}

#[derive(Template)]
#[template(path = "web/lesson.html")]
struct LessonPage {
    c: Chrome,
    code: String,
    course_title: String,
    slug: String,
    lesson_id: Uuid,
    title: String,
    html: String,
    switch_href: Option<String>,
    switch_label: &'static str,
    media: Vec<Media>,
    transcript: Option<String>,
    done: bool,
    enrolled: bool,
    event_id: Uuid,
    next_href: String,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize)]
struct Version {
    doc: Option<String>,
}

/// The id of "this learner finished this lesson": the same on every render and every
/// replay, so a form sent twice (or queued offline, then sent again) counts once.
fn completion_id(user: Uuid, lesson: Uuid) -> Uuid {
    let digest =
        Sha256::digest([user.as_bytes().as_slice(), lesson.as_bytes(), b"completed"].concat());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// The page's script saving a course for offline asks with this header.
fn saving_for_offline(req: &HttpRequest) -> bool {
    req.headers()
        .get("x-hocvuso-save")
        .is_some_and(|v| v.as_bytes() == b"offline")
}

/// Whether this learner reads the easy version first, as `/me/next` decides.
async fn prefers_easy_read(state: &AppState, principal: Option<&Principal>) -> bool {
    match principal {
        Some(principal) => state
            .identity
            .me(principal)
            .await
            .is_ok_and(|me| me.elderly || me.disability.is_some()),
        None => false,
    }
}

enum Opened {
    Enrolled(LessonView, String),
    Public(LessonView),
}

async fn open(
    state: &AppState,
    principal: Option<&Principal>,
    code: &str,
    slug: &str,
) -> Result<Opened, Problem> {
    if let Some(principal) = principal {
        match state.open_lesson(principal, code, slug).await {
            Ok(opened) => return Ok(Opened::Enrolled(opened.lesson, opened.progress.state)),
            Err(err) => {
                let problem = Problem::from(err);
                if problem.code != "not_enrolled" {
                    return Err(problem);
                }
            }
        }
    }
    let lesson = state
        .courses
        .lesson(code, slug)
        .await
        .map_err(Problem::from)?;
    Ok(Opened::Public(lesson.value.clone()))
}

async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    visitor: Visitor,
    path: web::Path<(String, String)>,
    version: Option<web::Query<Version>>,
) -> HttpResponse {
    let (code, slug) = path.into_inner();
    let t = texts(visitor.lang);
    let principal = visitor.principal.as_ref();
    let (lesson, progress_state) = match open(&state, principal, &code, &slug).await {
        Ok(Opened::Enrolled(lesson, state)) => (lesson, Some(state)),
        Ok(Opened::Public(lesson)) => (lesson, None),
        // Saving a course for offline takes every lesson: offline the learner goes on
        // in order and the sync records it, as for any offline client. Online, a
        // locked lesson stays locked (the network's answer comes first).
        Err(problem) if problem.code == "lesson_locked" && saving_for_offline(&req) => {
            match state.courses.lesson(&code, &slug).await {
                Ok(lesson) => (lesson.value.clone(), Some("locked".to_owned())),
                Err(err) => return chrome::problem_page(&req, &visitor, &Problem::from(err)),
            }
        }
        Err(problem) if problem.code == "lesson_locked" => {
            let back = format!("/courses/{code}");
            return chrome::message(
                &req,
                &visitor,
                StatusCode::FORBIDDEN,
                t.locked_heading,
                problem.message.in_lang(visitor.lang),
                Some((back.as_str(), t.go_to_course)),
            );
        }
        Err(problem) => return chrome::problem_page(&req, &visitor, &problem),
    };
    let course_title = match state.courses.course(&code).await {
        Ok(course) => course.value.course.title.clone(),
        Err(err) => return chrome::problem_page(&req, &visitor, &Problem::from(err)),
    };
    let asked = version.and_then(|v| v.into_inner().doc);
    let easy = match (&lesson.easy_read, asked.as_deref()) {
        (None, _) => false,
        (Some(_), Some("easy")) => true,
        (Some(_), Some(_)) => false,
        (Some(_), None) => prefers_easy_read(&state, principal).await,
    };
    let here = format!("/courses/{code}/lessons/{slug}");
    let (html, switch_href, switch_label) = match &lesson.easy_read {
        Some(easy_read) if easy => (
            easy_read.html.clone(),
            Some(format!("{here}?doc=full")),
            t.show_full,
        ),
        Some(_) => (
            lesson.html.clone(),
            Some(format!("{here}?doc=easy")),
            t.show_easy,
        ),
        None => (lesson.html.clone(), None, ""),
    };
    let captions = lesson
        .media
        .iter()
        .find(|m| m.role == "captions")
        .map(|m| m.url.clone());
    let media = lesson
        .media
        .iter()
        .filter(|m| m.role != "captions")
        .map(|m| Media {
            url: m.url.clone(),
            name: m.file_name.clone(),
            is_video: m.content_type.starts_with("video/"),
            is_audio: m.content_type.starts_with("audio/"),
            captions: captions.clone(),
        })
        .collect();
    let next_href = match &lesson.next {
        Some(next) => format!("/courses/{code}/lessons/{next}"),
        None => format!("/courses/{code}"),
    };
    let done = matches!(progress_state.as_deref(), Some("completed" | "skippable"));
    let page = LessonPage {
        c: Chrome::new(&visitor, &req, lesson.title.clone()),
        code,
        course_title,
        slug,
        lesson_id: lesson.id,
        title: lesson.title,
        html,
        switch_href,
        switch_label,
        media,
        transcript: lesson.transcript,
        done,
        enrolled: progress_state.is_some(),
        event_id: principal.map_or(Uuid::nil(), |p| completion_id(p.user_id, lesson.id)),
        next_href,
        previous: lesson.previous,
        next: lesson.next,
    };
    chrome::page(&req, &visitor, StatusCode::OK, page.render())
}

async fn complete(
    state: web::Data<AppState>,
    req: HttpRequest,
    visitor: Visitor,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let principal = match Form::signed_in(&req, &visitor, &body) {
        Ok((_, principal)) => principal,
        Err(response) => return response,
    };
    let (code, slug) = path.into_inner();
    let opened = match state.open_lesson(principal, &code, &slug).await {
        Ok(opened) => opened,
        Err(err) => return chrome::problem_page(&req, &visitor, &Problem::from(err)),
    };
    let lesson = opened.lesson;
    let event = ProgressEvent {
        id: completion_id(principal.user_id, lesson.id),
        lesson_id: lesson.id,
        kind: EventKind::Completed,
        at: chrono::Utc::now(),
        position_seconds: None,
        time_spent_seconds: None,
    };
    if let Err(err) = state.record_progress(principal, event, visitor.lang).await {
        return chrome::problem_page(&req, &visitor, &Problem::from(err));
    }
    let next = match &lesson.next {
        Some(next) => format!("/courses/{code}/lessons/{next}"),
        None => format!("/courses/{code}"),
    };
    chrome::see_other(&visitor, &next)
}
