//! The database handle every domain holds. On SQLite, writes run one at a time on a
//! thread of their own. SQLite lets one connection write at a time, and a writer that
//! finds it taken sleeps in SQLite's busy handler (1, 2, 5, 10 ms…) however soon the
//! lock is free again, so under load most of a write's time went to sleeping. Writers
//! now take turns in the process (a fair queue that wakes the next one the moment the
//! last one finishes), and a write runs on the writer thread: while it holds the turn,
//! each of its round trips to SQLite resumes at once instead of behind every request
//! queued on a busy HTTP worker. Reads never wait for either (WAL mode: readers see the
//! last commit). On PostgreSQL, which locks rows, writes go straight to the pool.
//!
//! On SQLite, writes also have a connection of their own. A connection that finds the
//! database changed by another since its last read empties its page cache; the one
//! connection that makes every change never has to, so the pages writes walk stay in
//! its memory. Its commits never copy the log back into the database file: one more
//! connection, used for nothing else, does, on the writer's thread (see
//! [`super::checkpoint`]).
//!
//! A write transaction holds the turn until it ends: inside one, every write must go
//! through the transaction, never through the handle, which would wait for itself
//! (until the acquire timeout turns that into an error).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{
    ConnAcquireErr, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, QueryResult, QueryStream, Statement, StreamTrait, TransactionTrait,
};
use tokio::runtime::Handle;
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

#[derive(Debug, Clone)]
pub struct Db {
    pool: DatabaseConnection,
    /// `Some` on SQLite.
    writer: Option<Arc<Writer>>,
    acquire_timeout: Duration,
}

/// SQLite's connections for writing: the one every write uses, and the one that
/// checkpoints its log (none for an in-memory database).
#[derive(Debug)]
pub struct SqliteWriter {
    pub connection: DatabaseConnection,
    pub checkpoints: Option<DatabaseConnection>,
}

/// Where SQLite's writes run, one at a time.
#[derive(Debug)]
struct Writer {
    /// The connection every write uses.
    connection: DatabaseConnection,
    turn: Arc<Mutex<()>>,
    thread: Handle,
    /// Dropped with the last handle, which ends the thread.
    _stop: oneshot::Sender<()>,
}

impl Writer {
    fn start(connections: SqliteWriter) -> Result<Self, DbErr> {
        let SqliteWriter {
            connection,
            checkpoints,
        } = connections;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| DbErr::Custom(format!("cannot start the database writer: {e}")))?;
        let thread = runtime.handle().clone();
        let turn = Arc::new(Mutex::new(()));
        let checkpoint_turn = turn.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("hocvuso-db-writer".into())
            .spawn(move || {
                runtime.block_on(async {
                    let checkpointing = async {
                        match checkpoints {
                            Some(c) => super::checkpoint::run(c, checkpoint_turn).await,
                            None => std::future::pending().await,
                        }
                    };
                    tokio::select! {
                        _ = stopped => {}
                        () = checkpointing => {}
                    }
                });
            })
            .map_err(|e| DbErr::Custom(format!("cannot start the database writer: {e}")))?;
        Ok(Self {
            connection,
            turn,
            thread,
            _stop: stop,
        })
    }
}

/// A write transaction. Commit it; dropped, it rolls back.
#[derive(Debug)]
pub struct WriteTxn {
    txn: DatabaseTransaction,
    // Released after the transaction ends (fields drop in order).
    _turn: Option<OwnedMutexGuard<()>>,
}

impl Db {
    /// A handle on `pool`. With a `writer` (SQLite), writes take turns on its
    /// connection, on a thread of their own, which also checkpoints the log; without
    /// one, everything goes to the pool.
    pub fn new(
        pool: DatabaseConnection,
        writer: Option<SqliteWriter>,
        acquire_timeout: Duration,
    ) -> Result<Self, DbErr> {
        Ok(Self {
            pool,
            writer: writer.map(Writer::start).transpose()?.map(Arc::new),
            acquire_timeout,
        })
    }

    /// Where writes go: the writer's connection, or the pool.
    fn for_writes(&self) -> &DatabaseConnection {
        self.writer.as_ref().map_or(&self.pool, |w| &w.connection)
    }

    /// The pool itself, for schema migrations (run before anything else writes).
    pub fn pool(&self) -> &DatabaseConnection {
        &self.pool
    }

    pub async fn ping(&self) -> Result<(), DbErr> {
        self.pool.ping().await
    }

    /// Runs a unit of writing (typically: begin, write, commit) where writes run: on
    /// SQLite, the writer thread. `work` should write through one [`WriteTxn`].
    pub async fn writing<T, W>(&self, work: W) -> Result<T, DbErr>
    where
        W: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        match &self.writer {
            Some(writer) => writer
                .thread
                .spawn(work)
                .await
                .map_err(|e| DbErr::Custom(format!("the database writer failed: {e}"))),
            None => Ok(work.await),
        }
    }

    /// Begins a write transaction once it is this writer's turn.
    pub async fn begin(&self) -> Result<WriteTxn, DbErr> {
        let turn = self.turn().await?;
        Ok(WriteTxn {
            txn: self.for_writes().begin().await?,
            _turn: turn,
        })
    }

    async fn turn(&self) -> Result<Option<OwnedMutexGuard<()>>, DbErr> {
        let Some(writer) = &self.writer else {
            return Ok(None);
        };
        tokio::time::timeout(self.acquire_timeout, writer.turn.clone().lock_owned())
            .await
            .map(Some)
            .map_err(|_| DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))
    }

    /// One statement that writes, in its turn on the writer thread.
    async fn write_one<T, F, R>(&self, run: F) -> Result<T, DbErr>
    where
        F: FnOnce(DatabaseConnection) -> R + Send + 'static,
        R: Future<Output = Result<T, DbErr>> + Send + 'static,
        T: Send + 'static,
    {
        if self.writer.is_none() {
            return run(self.pool.clone()).await;
        }
        let db = self.clone();
        self.writing(async move {
            let _turn = db.turn().await?;
            run(db.for_writes().clone()).await
        })
        .await?
    }
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

fn is_read_only(sql: &str) -> bool {
    sql.trim_start()
        .get(..6)
        .is_some_and(|word| word.eq_ignore_ascii_case("select"))
}

#[async_trait::async_trait]
impl ConnectionTrait for Db {
    fn get_database_backend(&self) -> DbBackend {
        self.pool.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.write_one(move |pool| async move { pool.execute_raw(stmt).await })
            .await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        let sql = sql.to_owned();
        self.write_one(move |pool| async move { pool.execute_unprepared(&sql).await })
            .await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        if is_read_only(&stmt.sql) {
            return self.pool.query_one_raw(stmt).await;
        }
        self.write_one(move |pool| async move { pool.query_one_raw(stmt).await })
            .await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        if is_read_only(&stmt.sql) {
            return self.pool.query_all_raw(stmt).await;
        }
        self.write_one(move |pool| async move { pool.query_all_raw(stmt).await })
            .await
    }
}

/// Streams are for reading: they run on the pool without a turn.
impl StreamTrait for Db {
    type Stream<'a> = QueryStream;

    fn get_database_backend(&self) -> DbBackend {
        self.pool.get_database_backend()
    }

    fn stream_raw<'a>(
        &'a self,
        stmt: Statement,
    ) -> Pin<Box<dyn Future<Output = Result<QueryStream, DbErr>> + 'a + Send>> {
        self.pool.stream_raw(stmt)
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        ConnectionTrait::get_database_backend(&self.txn)
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
}

#[cfg(test)]
mod tests {
    use super::is_read_only;

    #[test]
    fn only_selects_go_without_a_turn() {
        assert!(is_read_only("SELECT \"id\" FROM \"users\""));
        assert!(is_read_only("  select 1"));
        assert!(!is_read_only(
            "INSERT INTO \"users\" VALUES (1) RETURNING \"id\""
        ));
        assert!(!is_read_only("UPDATE \"users\" SET \"x\" = 1 RETURNING *"));
        assert!(!is_read_only("PRAGMA journal_mode"));
        assert!(!is_read_only("SEL"));
    }
}
