//! Rate limits on the endpoints attackers hammer (register, login, refresh, and looking
//! up records by their short codes, which guessing would enumerate), per client
//! address, with `governor`. Limits are per server process: behind a load balancer each
//! server allows its share.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use actix_web::HttpRequest;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use hocvuso_kernel::Problem;
use uuid::Uuid;

use crate::config::RateLimitSettings;

#[derive(Clone)]
pub struct RateLimits {
    register: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    login: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    refresh: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    verify_code: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    /// Per learner, not per address: a school's pupils share one.
    ask: Arc<DefaultKeyedRateLimiter<Uuid>>,
    trust_forwarded_for: bool,
}

#[derive(Debug, Clone, Copy)]
pub enum Limited {
    Register,
    Login,
    Refresh,
    VerifyCode,
}

fn limiter<K: Clone + Eq + std::hash::Hash>(per_minute: u32) -> Arc<DefaultKeyedRateLimiter<K>> {
    let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute)))
}

impl RateLimits {
    pub fn new(settings: &RateLimitSettings) -> Self {
        Self {
            register: limiter(settings.register_per_minute),
            login: limiter(settings.login_per_minute),
            refresh: limiter(settings.refresh_per_minute),
            verify_code: limiter(settings.verify_code_per_minute),
            ask: limiter(settings.ask_per_minute),
            trust_forwarded_for: settings.trust_forwarded_for,
        }
    }

    fn client(&self, req: &HttpRequest) -> Option<IpAddr> {
        if self.trust_forwarded_for {
            let info = req.connection_info();
            if let Some(ip) = info.realip_remote_addr().and_then(|a| a.parse().ok()) {
                return Some(ip);
            }
        }
        req.peer_addr().map(|a| a.ip())
    }

    /// Counts one request; a 429 problem with `Retry-After` once the quota is spent.
    pub fn check(&self, what: Limited, req: &HttpRequest) -> Result<(), Problem> {
        let Some(client) = self.client(req) else {
            return Ok(());
        };
        let limiter = match what {
            Limited::Register => &self.register,
            Limited::Login => &self.login,
            Limited::Refresh => &self.refresh,
            Limited::VerifyCode => &self.verify_code,
        };
        limiter.check_key(&client).map_err(too_many)
    }

    /// Counts one question of a learner to the assistant.
    pub fn check_ask(&self, learner: Uuid) -> Result<(), Problem> {
        self.ask.check_key(&learner).map_err(too_many)
    }
}

fn too_many(not_until: governor::NotUntil<<DefaultClock as Clock>::Instant>) -> Problem {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    Problem::new(
        429,
        "rate_limited",
        "Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút.",
        "Too many requests. Please try again in a moment.",
    )
    .with_retry_after(wait.as_secs().max(1))
}
