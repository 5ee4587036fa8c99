//! The Hocvuso HTTP server: settings, the actix-web application, and the wiring of
//! every domain crate into `/api/v1`.
//!
//! Handlers here are thin: they parse and validate input ([`extract`]), call a
//! domain crate, and map its error through [`error::ApiError`] to a problem response.

/// Every request allocates and frees on several threads at once (actix workers,
/// SQLite's connection threads); glibc's allocator spent a seventh of a loaded
/// server's time in its own locks. Declared here so the binary, its tests and the
/// benchmarks all run on it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod app;
pub mod auth;
pub mod config;
pub mod error;
pub mod extract;
pub mod health;
pub mod middleware;
pub mod openapi;
pub mod rate_limit;
pub mod reports;
pub mod routes;
pub mod secrets;
mod startup_lock;
pub mod state;
pub mod telemetry;
pub mod web;
pub mod work_limits;

use std::sync::Arc;

use hocvuso_assessment::Assessment;
use hocvuso_assistant::Assistant;
use hocvuso_assistant::generate::GenerativeConfig;
use hocvuso_certification::Certification;
use hocvuso_courses::Courses;
use hocvuso_identity::{Identity, OidcSignIn};
use hocvuso_journeys::curriculum::CurriculumError;
use hocvuso_journeys::{Platform, Services};
use hocvuso_kernel::db::Db;
use hocvuso_kernel::db::{self, DbSettings};
use hocvuso_migrations::{Migrator, MigratorTrait};
use hocvuso_storage::{BlobStore, FolderStore, S3Config, S3Store, StorageError};
use sea_orm::DbErr;

pub use config::Settings;
use rate_limit::RateLimits;
use startup_lock::StartupLock;
pub use state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database: {0}")]
    Database(#[source] DbErr),
    #[error("cannot migrate the database: {0}")]
    Migration(#[source] DbErr),
    #[error("cannot open the blob store: {0}")]
    Storage(#[from] StorageError),
    #[error("cannot listen on {0}: {1}")]
    Bind(String, #[source] std::io::Error),
    #[error("cannot import the curriculum: {0}")]
    Content(#[source] CurriculumError),
    #[error("cannot issue the records of earlier completions: {0}")]
    Reconcile(#[source] Box<hocvuso_journeys::JourneyError>),
    #[error("cannot load keys: {0}")]
    Keys(String),
    #[error("cannot set up metrics: {0}")]
    Metrics(String),
    #[error("cannot set up the assistant's language model client: {0}")]
    Assistant(String),
    #[error("cannot start the assessment service: {0}")]
    Assessment(String),
}

/// How far back a starting server looks for completions without a record.
const RECONCILE_AT_START: chrono::Duration = chrono::Duration::days(30);
/// How often a running server looks again, and how far back: a node that died
/// mid-step may never start again, so the others heal what it left.
const RECONCILE_EVERY: std::time::Duration = std::time::Duration::from_secs(600);
const RECONCILE_WINDOW: chrono::Duration = chrono::Duration::days(1);

/// Connects to the configured database.
pub async fn connect(settings: &Settings) -> Result<Db, StartError> {
    let mut db_settings = DbSettings::new(settings.database_url());
    db_settings.max_connections = settings.database.max_connections;
    db::connect(&db_settings)
        .await
        .map_err(StartError::Database)
}

/// Applies every pending migration.
pub async fn migrate(db: &Db) -> Result<(), StartError> {
    Migrator::up(db.pool(), None)
        .await
        .map_err(StartError::Migration)
}

/// The configured blob store: a local folder or an S3-compatible bucket.
pub async fn open_blob_store(settings: &Settings) -> Result<Arc<dyn BlobStore>, StartError> {
    Ok(match &settings.storage {
        config::StorageSettings::Folder { .. } => {
            let folder = settings.blob_folder().unwrap_or_default();
            Arc::new(FolderStore::open(folder).await?)
        }
        config::StorageSettings::S3 {
            bucket,
            region,
            endpoint,
            path_style,
            access_key_id,
            secret_access_key,
            prefix,
            ..
        } => Arc::new(
            S3Store::connect(S3Config {
                bucket: bucket.clone(),
                region: region.clone(),
                endpoint: endpoint.clone(),
                path_style: *path_style,
                access_key_id: access_key_id.clone(),
                secret_access_key: secret_access_key.clone(),
                prefix: prefix.clone(),
            })
            .await?,
        ),
    })
}

/// Everything `serve` needs before it binds: a migrated database and the blob store.
pub async fn prepare(settings: Settings) -> Result<AppState, StartError> {
    let db = connect(&settings).await?;
    let lock = StartupLock::acquire(&settings.database_url())
        .await
        .map_err(StartError::Database)?;
    migrate(&db).await?;
    let blobs = open_blob_store(&settings).await?;
    let identity = Identity::new(
        db.clone(),
        secrets::access_tokens(&settings)?,
        secrets::pii_vault(&settings)?,
        chrono::Duration::seconds(settings.auth.refresh_token_ttl),
        settings
            .oidc
            .clone()
            .map(OidcSignIn::new)
            .transpose()
            .map_err(|e| StartError::Keys(e.to_string()))?,
    );
    let courses = Courses::new(db.clone());
    let assessment =
        Assessment::new(db.clone()).map_err(|e| StartError::Assessment(e.to_string()))?;
    let certification = Certification::new(db.clone(), secrets::certification(&settings)?);
    let generative = settings
        .assistant
        .generative
        .as_ref()
        .map(|g| GenerativeConfig {
            base_url: g.base_url.clone(),
            model: g.model.clone(),
            api_key: g.api_key.clone(),
            timeout: std::time::Duration::from_secs(g.timeout_seconds),
            max_tokens: g.max_tokens,
        });
    let assistant = Assistant::new(db.clone(), courses.clone(), generative.as_ref())
        .map_err(|e| StartError::Assistant(e.to_string()))?;
    let platform = Platform::new(
        db,
        blobs,
        Services {
            identity,
            courses,
            assessment,
            certification,
            assistant,
        },
    );
    if settings.content.import_on_start && settings.content.dir.is_dir() {
        let report = platform
            .import_curriculum(&settings.content.dir)
            .await
            .map_err(StartError::Content)?;
        tracing::info!(
            created = report.courses.created,
            updated = report.courses.updated,
            unchanged = report.courses.unchanged,
            lessons = report.courses.lessons,
            questions_created = report.questions.created,
            questions_updated = report.questions.updated,
            "curriculum imported"
        );
    }
    lock.release().await.map_err(StartError::Database)?;
    // A server that died between a completion and its record left one without: issue
    // those now, and keep looking for those another node may leave.
    platform
        .reconcile(chrono::Utc::now() - RECONCILE_AT_START)
        .await
        .map_err(|e| StartError::Reconcile(Box::new(e)))?;
    platform.spawn_reconciler(RECONCILE_EVERY, RECONCILE_WINDOW);
    Ok(AppState {
        web: web::WebState::new(&secrets::web_secret(&settings)?),
        platform,
        rate_limits: RateLimits::new(&settings.rate_limits),
        work_limits: work_limits::WorkLimits::new(&settings.work_limits),
        settings: Arc::new(settings),
    })
}
