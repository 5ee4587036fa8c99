//! Opening the database: SQLite (the embedded default) or PostgreSQL, chosen by URL.

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DbErr};

pub use group::{GroupWork, GroupWriter};
pub use handle::{Db, SqliteWriter, WriteTxn};
pub use sea_orm::DatabaseBackend;

mod checkpoint;
mod group;
mod handle;

#[derive(Debug, Clone)]
pub struct DbSettings {
    pub url: String,
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl DbSettings {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 16,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

const CHECK_IDLE_CONNECTIONS_AFTER: Duration = Duration::from_secs(30);

/// Rows a SQLite connection's thread reads ahead of the task consuming them.
const SQLITE_ROWS_IN_FLIGHT: usize = 1024;

/// Connects, creating the SQLite file (and its folder) when missing.
///
/// SQLite runs in WAL mode so readers never wait for the writer, with foreign keys
/// enforced. Its writers take turns in the process (see [`Db`]); the busy timeout
/// covers another process writing to the same file (a `hocvuso` command beside the
/// server).
pub async fn connect(settings: &DbSettings) -> Result<Db, DbErr> {
    let path = sqlite_file(&settings.url);
    let folder = path
        .as_deref()
        .and_then(|path| std::path::Path::new(path).parent())
        .filter(|parent| !parent.as_os_str().is_empty());
    if let Some(folder) = folder {
        std::fs::create_dir_all(folder)
            .map_err(|e| DbErr::Custom(format!("cannot create the database folder: {e}")))?;
    }
    let pool = Database::connect(options(settings, &[])).await?;
    let writer = match (pool.get_database_backend(), path) {
        (DatabaseBackend::Sqlite, Some(_)) => {
            let mut one = options(settings, &[checkpoint::NO_AUTOMATIC_CHECKPOINT]);
            one.max_connections(1);
            let mut checkpoints = options(settings, &[checkpoint::SHORT_WAIT_FOR_READERS]);
            checkpoints.max_connections(1);
            Some(SqliteWriter {
                connection: Database::connect(one).await?,
                checkpoints: Some(Database::connect(checkpoints).await?),
            })
        }
        // Another connection to `:memory:` would open another database (which keeps no
        // log to checkpoint).
        (DatabaseBackend::Sqlite, None) => Some(SqliteWriter {
            connection: pool.clone(),
            checkpoints: None,
        }),
        _ => None,
    };
    Db::new(pool, writer, settings.acquire_timeout)
}

/// `pragmas` are set on each of the connections, after the common ones.
fn options(settings: &DbSettings, pragmas: &'static [(&str, &str)]) -> ConnectOptions {
    let mut options = ConnectOptions::new(settings.url.clone());
    options
        .max_connections(settings.max_connections)
        .min_connections(1)
        .acquire_timeout(settings.acquire_timeout)
        // Pinging a connection on every checkout doubled the round trips of each
        // statement; only a connection idle long enough to have been dropped (by the
        // server, a proxy or a firewall) is checked first.
        .test_before_acquire_if_idle_for(CHECK_IDLE_CONNECTIONS_AFTER)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            let opts = opts
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // Each connection's thread hands rows over through a bounded channel;
                // with sqlx's 50, a long read (an export's page of 1,000) stops and
                // wakes the reader every 50 rows.
                .row_buffer_size(SQLITE_ROWS_IN_FLIGHT);
            pragmas
                .iter()
                .fold(opts, |opts, (key, value)| opts.pragma(*key, *value))
        });
    options
}

/// The file path of a `sqlite:` URL, or `None` for other databases and in-memory SQLite.
fn sqlite_file(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;
    use sea_orm::{ConnectionTrait, Statement};

    #[test]
    fn finds_the_sqlite_file_of_a_url() {
        assert_eq!(
            sqlite_file("sqlite://data/h.db?mode=rwc").as_deref(),
            Some("data/h.db")
        );
        assert_eq!(
            sqlite_file("sqlite:///tmp/h.db").as_deref(),
            Some("/tmp/h.db")
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://localhost/h"), None);
    }

    /// A setting of the connection `sql` reaches (PRAGMAs go to the writer's), as text.
    async fn pragma(db: &Db, sql: &str) -> String {
        let row = db
            .query_one_raw(Statement::from_string(DatabaseBackend::Sqlite, sql))
            .await
            .expect("query")
            .expect("row");
        row.try_get_by_index::<String>(0)
            .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
            .expect("value")
    }

    #[tokio::test]
    async fn sqlite_runs_in_wal_mode_with_foreign_keys() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/sub/h.db", dir.path().display());
        let db = connect(&DbSettings::new(url)).await.expect("connects");
        assert_eq!(pragma(&db, "PRAGMA journal_mode").await, "wal");
        assert_eq!(pragma(&db, "PRAGMA foreign_keys").await, "1");
        assert_eq!(pragma(&db, "PRAGMA busy_timeout").await, "10000");
    }

    /// A database in `dir` with an empty `blobs` table, and its file.
    async fn blobs(dir: &tempfile::TempDir) -> (Db, std::path::PathBuf) {
        let file = dir.path().join("w.db");
        let db = connect(&DbSettings::new(format!("sqlite://{}", file.display())))
            .await
            .expect("connects");
        db.execute_unprepared("CREATE TABLE blobs (b BLOB NOT NULL)")
            .await
            .expect("table");
        (db, file)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_log_is_copied_back_by_the_checkpointer_not_by_commits() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (db, file) = blobs(&dir).await;
        assert_eq!(
            pragma(&db, "PRAGMA wal_autocheckpoint").await,
            "0",
            "the writer's commits never checkpoint"
        );
        // 2 MB: well under the 1,000 pages at which a commit would have checkpointed.
        db.execute_unprepared(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) \
             INSERT INTO blobs SELECT randomblob(4000) FROM n",
        )
        .await
        .expect("insert");
        let copied_back = || std::fs::metadata(&file).map_or(0, |m| m.len()) > 2_000_000;
        let waited = std::time::Instant::now();
        while !copied_back() && waited.elapsed() < Duration::from_secs(10) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(
            copied_back(),
            "the checkpointer copied the log into the file"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_log_starts_over_under_a_steady_load_of_writes_and_reads() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (db, file) = blobs(&dir).await;
        let reading = Arc::new(AtomicBool::new(true));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let (db, reading) = (db.clone(), reading.clone());
                tokio::spawn(async move {
                    while reading.load(Ordering::Relaxed) {
                        db.query_one_raw(Statement::from_string(
                            DatabaseBackend::Sqlite,
                            "SELECT max(rowid) FROM blobs",
                        ))
                        .await
                        .expect("read");
                    }
                })
            })
            .collect();
        let writing = std::time::Instant::now();
        while writing.elapsed() < Duration::from_secs(3) {
            db.execute_unprepared(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 125) \
                 INSERT INTO blobs SELECT randomblob(4000) FROM n",
            )
            .await
            .expect("insert");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        reading.store(false, Ordering::Relaxed);
        for reader in readers {
            reader.await.expect("reader");
        }
        // The log's header counts the times it started over (big-endian, bytes 12..16).
        let log = std::fs::read(file.with_extension("db-wal")).expect("log");
        let restarts = log
            .get(12..16)
            .and_then(|bytes| bytes.try_into().ok())
            .map(u32::from_be_bytes)
            .expect("header");
        assert!(restarts >= 2, "the log started over {restarts} times");
    }

    async fn counter(dir: &tempfile::TempDir, acquire_timeout: Duration) -> Db {
        let mut settings = DbSettings::new(format!("sqlite://{}/c.db", dir.path().display()));
        settings.acquire_timeout = acquire_timeout;
        let db = connect(&settings).await.expect("connects");
        db.execute_unprepared(
            "CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0)",
        )
        .await
        .expect("table");
        db
    }

    async fn count(db: &Db) -> i64 {
        db.query_one_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            "SELECT n FROM counter",
        ))
        .await
        .expect("query")
        .expect("row")
        .try_get_by_index::<i64>(0)
        .expect("n")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_read_modify_write_transactions_all_commit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = counter(&dir, Duration::from_secs(10)).await;
        // Each reads, then writes what it read plus one: two at once would lose an
        // update or fail with SQLITE_BUSY; in turns, every one counts.
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let (db, writer) = (db.clone(), db.clone());
                let work = async move {
                    let txn = db.begin().await?;
                    let n = txn
                        .query_one_raw(Statement::from_string(
                            DatabaseBackend::Sqlite,
                            "SELECT n FROM counter",
                        ))
                        .await?
                        .and_then(|row| row.try_get_by_index::<i64>(0).ok())
                        .unwrap_or_default();
                    tokio::task::yield_now().await;
                    txn.execute_raw(Statement::from_string(
                        DatabaseBackend::Sqlite,
                        format!("UPDATE counter SET n = {}", n + 1),
                    ))
                    .await?;
                    txn.commit().await
                };
                // Half on the writer's thread, half where they were called.
                tokio::spawn(async move {
                    if i % 2 == 0 {
                        writer.writing(work).await.expect("writer")
                    } else {
                        work.await
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("task").expect("committed");
        }
        assert_eq!(count(&db).await, 40);
    }

    #[tokio::test]
    async fn a_write_beside_its_own_transaction_fails_instead_of_hanging() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = counter(&dir, Duration::from_millis(300)).await;
        let txn = db.begin().await.expect("begin");
        let beside = db.execute_unprepared("UPDATE counter SET n = 5").await;
        assert!(
            matches!(beside, Err(DbErr::ConnectionAcquire(_))),
            "{beside:?}"
        );
        txn.rollback().await.expect("rollback");
        db.execute_unprepared("UPDATE counter SET n = 5")
            .await
            .expect("its turn now");
        assert_eq!(count(&db).await, 5);
    }
}
