//! Thin handlers, one module per area of the API: parse and validate, call one use
//! case (a `Platform` step, or one domain service for a single-domain read), map the
//! result. No route module imports another; what they share is here and in the
//! crate's `auth`, `extract`, `error` and `reports` modules.

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
use tokio::sync::mpsc;

/// A response body fed by a domain's bounded channel of chunks: the producer waits
/// while the client reads slowly, which keeps memory flat. It holds `permit` until the
/// last chunk is sent (or the client goes away): streamed work runs while it streams.
pub(crate) fn chunked_body(
    chunks: mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
    permit: crate::work_limits::Permit,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::unfold((chunks, permit), |(mut rx, permit)| async move {
        rx.recv()
            .await
            .map(|chunk| (chunk.map(Bytes::from), (rx, permit)))
    })
}

/// The first instant of a day (UTC), for date filters.
pub(crate) fn start_of(day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}
