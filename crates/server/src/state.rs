use std::sync::Arc;

use hocvuso_administration::Administration;
use hocvuso_assessment::Assessment;
use hocvuso_assistant::Assistant;
use hocvuso_certification::Certification;
use hocvuso_courses::Courses;
use hocvuso_enrollment::Learning;
use hocvuso_identity::Identity;
use hocvuso_kernel::db::Db;
use hocvuso_storage::BlobStore;

use crate::config::Settings;
use crate::rate_limit::RateLimits;

/// What every handler can reach. Cheap to clone; shared by all workers.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub blobs: Arc<dyn BlobStore>,
    pub settings: Arc<Settings>,
    pub identity: Identity,
    pub courses: Courses,
    pub learning: Learning,
    pub assessment: Assessment,
    pub certification: Certification,
    pub administration: Administration,
    pub assistant: Assistant,
    pub rate_limits: RateLimits,
}
