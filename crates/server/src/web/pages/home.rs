//! `/`: what Hocvuso is, the courses of each target group, and search (with or
//! without diacritics: the catalogue folds them).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use hocvuso_courses::dto::{CatalogQuery, CourseSummary};
use hocvuso_kernel::{Lang, Problem, TargetGroup};
use serde::Deserialize;

use crate::state::AppState;
use crate::web::chrome::{self, Chrome};
use crate::web::session::Visitor;
use crate::web::texts::texts;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home));
}

pub struct CourseCard {
    pub code: String,
    pub title: String,
    pub summary: String,
    pub minutes: i32,
}

impl CourseCard {
    fn of(course: CourseSummary, lang: Lang) -> Self {
        let (title, summary) = match lang {
            Lang::En => (
                course.title_en.unwrap_or(course.title),
                course.summary_en.unwrap_or(course.summary),
            ),
            Lang::Vi => (course.title, course.summary),
        };
        CourseCard {
            code: course.code,
            title,
            summary,
            minutes: course.estimated_minutes,
        }
    }
}

pub struct Group {
    pub code: &'static str,
    pub label: &'static str,
    pub courses: Vec<CourseCard>,
}

#[derive(Template)]
#[template(path = "web/home.html")]
struct HomePage {
    c: Chrome,
    query: String,
    results: Vec<CourseCard>,
    groups: Vec<Group>,
}

#[derive(Deserialize)]
struct Search {
    q: Option<String>,
}

async fn courses(
    state: &AppState,
    group: Option<TargetGroup>,
    q: Option<String>,
    lang: Lang,
) -> Result<Vec<CourseCard>, Problem> {
    let page = state
        .courses
        .catalog(&CatalogQuery {
            target_group: group,
            competency: None,
            level: None,
            q,
            limit: Some(100),
            cursor: None,
        })
        .await
        .map_err(Problem::from)?;
    Ok(page
        .items
        .into_iter()
        .map(|c| CourseCard::of(c, lang))
        .collect())
}

async fn home(
    state: web::Data<AppState>,
    req: HttpRequest,
    visitor: Visitor,
    search: Option<web::Query<Search>>,
) -> HttpResponse {
    let t = texts(visitor.lang);
    let query: String = search
        .and_then(|s| s.into_inner().q)
        .map(|q| q.trim().chars().take(100).collect())
        .unwrap_or_default();
    let results = if query.is_empty() {
        Vec::new()
    } else {
        match courses(&state, None, Some(query.clone()), visitor.lang).await {
            Ok(found) => found,
            Err(problem) => return chrome::problem_page(&req, &visitor, &problem),
        }
    };
    let mut groups = Vec::new();
    for (group, code, label) in [
        (TargetGroup::Citizen, "citizen", t.group_citizen),
        (TargetGroup::Student, "student", t.group_student),
        (
            TargetGroup::PublicSector,
            "public_sector",
            t.group_public_sector,
        ),
        (
            TargetGroup::EnterpriseWorker,
            "enterprise_worker",
            t.group_enterprise_worker,
        ),
    ] {
        match courses(&state, Some(group), None, visitor.lang).await {
            Ok(found) => groups.push(Group {
                code,
                label,
                courses: found,
            }),
            Err(problem) => return chrome::problem_page(&req, &visitor, &problem),
        }
    }
    let page = HomePage {
        c: Chrome::new(&visitor, &req, t.home_title),
        query,
        results,
        groups,
    };
    chrome::page(&req, &visitor, StatusCode::OK, page.render())
}
