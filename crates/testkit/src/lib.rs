//! Test support: every test gets its own freshly migrated database and, for API tests,
//! its own server on a free port.
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
use hocvuso_storage::S3Config;
use sea_orm::{ConnectionTrait, Database};
use tempfile::TempDir;

pub const TEST_DATABASE_URL: &str = "HOCVUSO_TEST_DATABASE_URL";
pub const TEST_S3_ENDPOINT: &str = "HOCVUSO_TEST_S3_ENDPOINT";
/// Set to `1` where S3 tests must run rather than skip (CI).
pub const TEST_S3_REQUIRED: &str = "HOCVUSO_TEST_S3_REQUIRED";

/// The S3 test server from the environment, with a fresh key prefix; `None` when none
/// is configured (and S3 is not required: then it panics, so CI cannot skip silently).
pub fn s3_test_config() -> Option<S3Config> {
    let var = |name: &str| std::env::var(format!("HOCVUSO_TEST_S3_{name}")).ok();
    let Some(endpoint) = var("ENDPOINT") else {
        assert!(
            var("REQUIRED").as_deref() != Some("1"),
            "{TEST_S3_REQUIRED}=1 but {TEST_S3_ENDPOINT} is not set"
        );
        return None;
    };
    Some(S3Config {
        bucket: var("BUCKET").expect("HOCVUSO_TEST_S3_BUCKET"),
        region: var("REGION").unwrap_or_else(|| "garage".into()),
        endpoint: Some(endpoint),
        path_style: true,
        access_key_id: var("ACCESS_KEY_ID"),
        secret_access_key: var("SECRET_ACCESS_KEY"),
        prefix: format!("test-{}", uuid::Uuid::new_v4().simple()),
    })
}

/// A database that exists for one test.
pub struct TestDatabase {
    pub url: String,
    postgres: Option<PostgresTestDatabase>,
}

struct PostgresTestDatabase {
    admin_url: String,
    name: String,
}

impl TestDatabase {
    /// SQLite inside `dir`, or a new PostgreSQL database when configured.
    pub async fn create(dir: &TempDir) -> Self {
        match std::env::var(TEST_DATABASE_URL) {
            Ok(admin_url) if admin_url.starts_with("postgres") => {
                let name = format!("hocvuso_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("connect to the PostgreSQL test server");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create the test database");
                admin.close().await.ok();
                let mut url = url::Url::parse(&admin_url).expect("a valid PostgreSQL URL");
                url.set_path(&name);
                TestDatabase {
                    url: url.to_string(),
                    postgres: Some(PostgresTestDatabase { admin_url, name }),
                }
            }
            _ => TestDatabase {
                url: format!("sqlite://{}/test.db?mode=rwc", dir.path().display()),
                postgres: None,
            },
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(pg) = self.postgres.take() else {
            return;
        };
        // Drop runs outside async context guarantees: clean up on a thread of its own.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                if let Ok(admin) = Database::connect(&pg.admin_url).await {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                            pg.name
                        ))
                        .await;
                    let _ = admin.close().await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

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
