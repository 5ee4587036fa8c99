//! Test support for API tests: every test gets its own server on a free port, over a
//! freshly migrated database of its own (from `hocvuso-testdb`, re-exported here).
//!
//! SQLite (a file in a temporary folder) by default; PostgreSQL when
//! `HOCVUSO_TEST_DATABASE_URL` names a server (`postgres://postgres@127.0.0.1:5432/postgres`):
//! each test then creates, and afterwards drops, a database of its own.
//!
//! Blobs go to a folder by default; to an S3 server when `HOCVUSO_TEST_S3_ENDPOINT`,
//! `…_BUCKET`, `…_ACCESS_KEY_ID` and `…_SECRET_ACCESS_KEY` name one (`.ci/garage.sh`
//! starts Garage and prints them), each test under a key prefix of its own.

use std::net::SocketAddr;
use std::path::Path;

use hocvuso_kernel::db::Db;
use hocvuso_server::config::StorageSettings;
use hocvuso_server::{AppState, Settings, app};
pub use hocvuso_testdb::*;

pub mod browser;
use tempfile::TempDir;

/// Settings for a test server: its own data folder and database, a free port, one worker.
pub fn test_settings(dir: &TempDir, database: &TestDatabase) -> Settings {
    let mut settings = Settings {
        data_dir: dir.path().to_path_buf(),
        ..Settings::default()
    };
    settings.database.url = Some(database.url.clone());
    settings.database.max_connections = 5;
    settings.storage = match s3_test_config() {
        Some(s3) => StorageSettings::S3 {
            bucket: s3.bucket,
            region: s3.region,
            endpoint: s3.endpoint,
            path_style: s3.path_style,
            access_key_id: s3.access_key_id,
            secret_access_key: s3.secret_access_key,
            prefix: s3.prefix,
            presign_seconds: 300,
        },
        None => StorageSettings::Folder {
            path: Some(dir.path().join("blobs")),
        },
    };
    settings.http.bind = "127.0.0.1:0".into();
    settings.http.workers = Some(1);
    settings.http.shutdown_timeout = 1;
    // Tests that need the curriculum ask for it: importing takes time.
    settings.content.dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    settings.content.import_on_start = false;
    settings
}

/// A running server with its own database and folder, stopped when dropped.
pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub client: reqwest::Client,
    handle: actix_web::dev::ServerHandle,
    // Dropped last: the server stops before its database and folder go away.
    _database: TestDatabase,
    _dir: TempDir,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Spawns with settings adjusted by `adjust` (limits, CORS origins, …).
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let database = TestDatabase::create(&dir).await;
        let mut settings = test_settings(&dir, &database);
        adjust(&mut settings);
        let state = hocvuso_server::prepare(settings)
            .await
            .expect("prepare the test server");
        let (server, addr) = app::bind(state.clone()).expect("bind the test server");
        let handle = server.handle();
        tokio::spawn(server);
        TestApp {
            addr,
            state,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            handle,
            _database: database,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // `stop` sends its command at once; the returned future only awaits completion.
        drop(self.handle.stop(false));
    }
}
