//! Thin handlers, one module per domain: parse and validate, call the domain, map errors.

pub mod administration;
pub mod assessment;
pub mod assistant;
pub mod authoring;
pub mod certification;
pub mod classes;
pub mod courses;
pub mod exports;
pub mod identity;
pub mod learning;
pub mod media;
pub mod mentors;

use actix_web::web::Bytes;
use futures_util::Stream;
use hocvuso_kernel::Problem;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A course's id from its code, when one is given; an unknown code is a 404.
pub(crate) async fn course_id_of(state: &AppState, code: Option<&str>) -> ApiResult<Option<Uuid>> {
    let Some(code) = code else { return Ok(None) };
    let ids = state.courses.course_ids().await?;
    let id = ids.get(code).copied();
    id.map(Some).ok_or_else(|| ApiError(Problem::not_found()))
}

/// A response body fed by a domain's bounded channel of chunks: the producer waits
/// while the client reads slowly, which keeps memory flat.
pub(crate) fn chunked_body(
    chunks: mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::unfold(chunks, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk.map(Bytes::from), rx))
    })
}

/// The first instant of a day (UTC), for date filters.
pub(crate) fn start_of(day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}
