//! What every quiz start reads and trainers rarely change, a course's active question
//! pool and its settings, kept briefly in memory. Writes on this server clear it at
//! once; other servers of a deployment catch up within the time to live, so for that
//! long a question retired elsewhere may still be drawn (the attempt records its pool,
//! so an audit sees exactly what was drawn from).
//!
//! Also the attempts this server started and that are still open, for their
//! submission: what a submission needs of one (its questions, owner and deadline) never
//! changes, and whether it is still open is decided by the write that closes it, so a
//! copy cannot be stale in any way that matters. A submission that reaches another
//! server reads the attempt from the database.

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use uuid::Uuid;

use crate::dto::QuizSettingsUpdate;
use crate::entity::{attempt, question};

const TTL: Duration = Duration::from_secs(2);
const COURSES: u64 = 10_000;
/// Longer than any attempt stays open (time limit and grace); past it, the database.
const OPEN_ATTEMPT_TTL: Duration = Duration::from_secs(6 * 60 * 60);
/// Bytes of drawn questions kept at most (about 5 KB an attempt).
const OPEN_ATTEMPT_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Clone)]
pub(crate) struct QuizCache {
    pub pools: Cache<Uuid, Arc<Vec<question::Model>>>,
    pub settings: Cache<Uuid, QuizSettingsUpdate>,
    pub open_attempts: Cache<Uuid, Arc<attempt::Model>>,
}

impl Default for QuizCache {
    fn default() -> Self {
        Self {
            pools: Cache::builder()
                .max_capacity(COURSES)
                .time_to_live(TTL)
                .build(),
            settings: Cache::builder()
                .max_capacity(COURSES)
                .time_to_live(TTL)
                .build(),
            open_attempts: Cache::builder()
                .weigher(|_, attempt: &Arc<attempt::Model>| {
                    let bytes = attempt.items.len() + attempt.pool.len() + 512;
                    u32::try_from(bytes).unwrap_or(u32::MAX)
                })
                .max_capacity(OPEN_ATTEMPT_BYTES)
                .time_to_live(OPEN_ATTEMPT_TTL)
                .build(),
        }
    }
}

impl QuizCache {
    /// After any change to a bank or to settings (open attempts keep what they drew): such writes are rare, so forgetting
    /// everything is simpler than tracking which course a question belonged to.
    pub fn forget(&self) {
        self.pools.invalidate_all();
        self.settings.invalidate_all();
    }
}
