use std::ops::Deref;
use std::sync::Arc;

use hocvuso_journeys::Platform;

use crate::config::Settings;
use crate::rate_limit::RateLimits;
use crate::work_limits::WorkLimits;

/// What every handler can reach: the platform's use cases and services, the settings,
/// and the rate and work limits. Cheap to clone; shared by all workers.
#[derive(Clone)]
pub struct AppState {
    pub platform: Platform,
    pub settings: Arc<Settings>,
    pub rate_limits: RateLimits,
    /// How many expensive requests may run at once.
    pub work_limits: WorkLimits,
    /// The web app's CSRF key and session renewals.
    pub web: crate::web::WebState,
}

/// A handler reads `state.courses` or calls `state.enrol(…)`: the state is the
/// platform, seen over HTTP.
impl Deref for AppState {
    type Target = Platform;

    fn deref(&self) -> &Platform {
        &self.platform
    }
}
