use std::sync::Arc;

use hocvuso_storage::BlobStore;
use sea_orm::DatabaseConnection;

use crate::config::Settings;

/// What every handler can reach. Cheap to clone; shared by all workers.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub blobs: Arc<dyn BlobStore>,
    pub settings: Arc<Settings>,
}
