//! What every quiz start reads and trainers rarely change, a course's active question
//! pool and its settings, kept briefly in memory. Writes on this server clear it at
//! once; other servers of a deployment catch up within the time to live, so for that
//! long a question retired elsewhere may still be drawn (the attempt records its pool,
//! so an audit sees exactly what was drawn from).

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use uuid::Uuid;

use crate::dto::QuizSettingsUpdate;
use crate::entity::question;

const TTL: Duration = Duration::from_secs(2);
const COURSES: u64 = 10_000;

#[derive(Clone)]
pub(crate) struct QuizCache {
    pub pools: Cache<Uuid, Arc<Vec<question::Model>>>,
    pub settings: Cache<Uuid, QuizSettingsUpdate>,
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
        }
    }
}

impl QuizCache {
    /// After any change to a bank or to settings: such writes are rare, so forgetting
    /// everything is simpler than tracking which course a question belonged to.
    pub fn forget(&self) {
        self.pools.invalidate_all();
        self.settings.invalidate_all();
    }
}
