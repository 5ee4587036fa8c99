//! Timestamps at microsecond precision: PostgreSQL keeps microseconds, so a value read
//! back from either database equals the value written.

use chrono::{DateTime, SubsecRound, Utc};

pub type Timestamp = DateTime<Utc>;

pub fn now() -> Timestamp {
    Utc::now().trunc_subsecs(6)
}
