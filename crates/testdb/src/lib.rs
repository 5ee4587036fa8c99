//! Test support for domain crates, without the server: every test gets its own freshly
//! migrated database.
//!
//! SQLite (a file in a temporary folder) by default; PostgreSQL when
//! `HOCVUSO_TEST_DATABASE_URL` names a server (`postgres://postgres@127.0.0.1:5432/postgres`):
//! each test then creates, and afterwards drops, a database of its own.
//!
//! Blobs go to a folder by default; to an S3 server when `HOCVUSO_TEST_S3_ENDPOINT`,
//! `…_BUCKET`, `…_ACCESS_KEY_ID` and `…_SECRET_ACCESS_KEY` name one (`.ci/garage.sh`
//! starts Garage and prints them), each test under a key prefix of its own.

use hocvuso_kernel::db::{Db, DbSettings, connect};
use hocvuso_migrations::{Migrator, MigratorTrait};
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
        secret_access_key: var("SECRET_ACCESS_KEY").map(Into::into),
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

/// A migrated database for one test, and the folder it lives in.
pub struct MigratedDb {
    pub db: Db,
    // Dropped last: the database (and its folder) outlive the connection.
    pub database: TestDatabase,
    pub dir: TempDir,
}

/// A fresh database with every migration applied.
pub async fn migrated() -> MigratedDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = TestDatabase::create(&dir).await;
    let db = connect(&DbSettings::new(database.url.clone()))
        .await
        .expect("connect to the test database");
    Migrator::up(db.pool(), None).await.expect("migrate");
    MigratedDb { db, database, dir }
}
