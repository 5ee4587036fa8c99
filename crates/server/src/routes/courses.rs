//! `/api/v1/framework`, `/api/v1/courses`: the learners' catalog.

use actix_web::http::header::{self, CacheControl, CacheDirective, EntityTag, IfNoneMatch};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, web};
use hocvuso_courses::dto::{
    CatalogQuery, CourseDetail, CourseSummary, FrameworkView, LessonView, Tagged,
};
use hocvuso_courses::search::SearchResults;
use hocvuso_kernel::Page;
use hocvuso_kernel::problem::ProblemBody;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::error::ApiResult;
use crate::extract::ValidQuery;
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(framework)
        .service(catalog)
        .service(course)
        .service(lesson)
        .service(search);
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// Words to look for, with or without diacritics ("bao mat" finds "bảo mật").
    #[validate(length(min = 1, max = 200))]
    #[param(min_length = 1, max_length = 200)]
    q: String,
    /// At most this many hits (1–50, default 10).
    #[validate(range(min = 1, max = 50))]
    #[param(minimum = 1, maximum = 50)]
    limit: Option<usize>,
}

/// Courses and lessons matching a query, best first (BM25 over titles and lesson text).
#[utoipa::path(
    tag = "catalog",
    params(SearchQuery),
    responses(
        (status = OK, body = SearchResults),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/search")]
async fn search(
    state: web::Data<AppState>,
    ValidQuery(query): ValidQuery<SearchQuery>,
) -> ApiResult<web::Json<SearchResults>> {
    let results = state
        .courses
        .search(query.q.trim(), query.limit.unwrap_or(10))
        .await?;
    Ok(web::Json(results))
}

/// Published content may be cached briefly and revalidated with its ETag.
const MAX_AGE_SECONDS: u32 = 300;

/// Answers 304 when the client already has this version, else the body with its ETag.
fn tagged_response<T: Serialize>(req: &HttpRequest, tagged: &Tagged<T>) -> HttpResponse {
    let etag = EntityTag::new_strong(tagged.etag.trim_matches('"').to_owned());
    let cache = CacheControl(vec![
        CacheDirective::Public,
        CacheDirective::MaxAge(MAX_AGE_SECONDS),
    ]);
    let fresh = match req.get_header::<IfNoneMatch>() {
        Some(IfNoneMatch::Any) => true,
        Some(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&etag)),
        None => false,
    };
    if fresh {
        return HttpResponse::NotModified()
            .insert_header(header::ETag(etag))
            .insert_header(cache)
            .finish();
    }
    HttpResponse::Ok()
        .insert_header(header::ETag(etag))
        .insert_header(cache)
        .json(&tagged.value)
}

/// The digital competence framework: domains, component competencies, proficiency levels.
#[utoipa::path(tag = "catalog", responses((status = OK, body = FrameworkView)))]
#[get("/framework")]
async fn framework(state: web::Data<AppState>) -> ApiResult<web::Json<FrameworkView>> {
    Ok(web::Json(state.courses.framework().await?))
}

/// Published courses, filtered by target group, competency, level and words of the title
/// or summary (diacritics optional), a page at a time.
#[utoipa::path(
    tag = "catalog",
    params(CatalogQuery),
    responses(
        (status = OK, body = Page<CourseSummary>),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/courses")]
async fn catalog(
    state: web::Data<AppState>,
    ValidQuery(query): ValidQuery<CatalogQuery>,
) -> ApiResult<web::Json<Page<CourseSummary>>> {
    Ok(web::Json(state.courses.catalog(&query).await?))
}

/// A published course with its outline (modules and lessons). Carries an `ETag`;
/// `If-None-Match` gets a 304.
#[utoipa::path(
    tag = "catalog",
    params(("code" = String, Path)),
    responses(
        (status = OK, body = CourseDetail),
        (status = NOT_MODIFIED),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/courses/{code}")]
async fn course(
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let tagged = state.courses.course(&code).await?;
    Ok(tagged_response(&req, &tagged))
}

/// A lesson of a published course: Markdown, sanitised HTML, the easy-read version if
/// any, and its neighbours. Carries an `ETag`; `If-None-Match` gets a 304.
#[utoipa::path(
    tag = "catalog",
    params(("code" = String, Path), ("slug" = String, Path)),
    responses(
        (status = OK, body = LessonView),
        (status = NOT_MODIFIED),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/courses/{code}/lessons/{slug}")]
async fn lesson(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (code, slug) = path.into_inner();
    let tagged = state.courses.lesson(&code, &slug).await?;
    Ok(tagged_response(&req, &tagged))
}
