//! Checkpoints of SQLite's write-ahead log, off the writers' path.
//!
//! SQLite copies the log back into the database file (a checkpoint) from inside the
//! commit that takes the log past 1,000 pages: that commit also writes every logged page
//! again and waits for two `fsync`s, and on the one writer connection every write
//! queued behind it waits too. The writer connection therefore never checkpoints
//! (`wal_autocheckpoint = 0`); a connection of its own does, every
//! [`CHECKPOINT_EVERY`], in passive mode, which takes no lock that writers or readers
//! wait for: it copies what no reader still needs. See [`checkpoint`] for how the log
//! is kept short.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};
use tokio::sync::Mutex;
use tokio::time::MissedTickBehavior;

/// How often the log is copied back: under the quiz benchmark's full write load (about
/// 95 MB of log a second) it peaks near 47 MB; a checkpoint with nothing to copy costs a
/// read of the log's index.
pub(super) const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Log pages (4 KiB each) past which the log is started over, in the writers' turn; in
/// this crate's tests, fewer, so that a test sees it without writing 100 MB.
const RESTART_AFTER_PAGES: i64 = if cfg!(test) { 256 } else { 4_096 };

/// Set on the connection that writes, so that its commits never checkpoint.
pub(super) const NO_AUTOMATIC_CHECKPOINT: (&str, &str) = ("wal_autocheckpoint", "0");

/// Set on the connection that checkpoints: how long a restart waits, in milliseconds,
/// for the readers still reading the log while writers wait for it. Readers take a few;
/// a longer one (a page of an export) makes the restart try again at the next tick.
pub(super) const SHORT_WAIT_FOR_READERS: (&str, &str) = ("busy_timeout", "50");

/// Checkpoints on `connection` until the future is dropped. `turn` is the writers'.
pub(super) async fn run(connection: DatabaseConnection, turn: Arc<Mutex<()>>) {
    let mut ticks = tokio::time::interval(CHECKPOINT_EVERY);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(error) = checkpoint(&connection, &turn).await {
            tracing::warn!(%error, "could not checkpoint the SQLite write-ahead log");
        }
    }
}

/// A passive checkpoint copies the bulk of the log while writers go on, but under a
/// steady load they append as fast as it copies, so it never finishes, and the log
/// only starts over once all of it is copied and no reader still reads it: it would
/// grow without end. So once the log is long, a second checkpoint takes the writers'
/// turn, copies the little they added meanwhile and waits for the readers (a few
/// milliseconds, [`SHORT_WAIT_FOR_READERS`] at most) before the log starts over.
async fn checkpoint(connection: &DatabaseConnection, turn: &Mutex<()>) -> Result<(), DbErr> {
    let logged = run_checkpoint(connection, "PASSIVE").await?;
    if logged > RESTART_AFTER_PAGES {
        let _turn = turn.lock().await;
        run_checkpoint(connection, "RESTART").await?;
    }
    Ok(())
}

/// Runs a checkpoint; returns how many pages the log held.
async fn run_checkpoint(connection: &DatabaseConnection, mode: &str) -> Result<i64, DbErr> {
    let outcome = connection
        .query_one_raw(Statement::from_string(
            connection.get_database_backend(),
            format!("PRAGMA wal_checkpoint({mode})"),
        ))
        .await?;
    let Some(row) = outcome else {
        return Ok(0);
    };
    let logged: i64 = row.try_get_by_index(1)?;
    let copied: i64 = row.try_get_by_index(2)?;
    tracing::trace!(
        mode,
        logged,
        copied,
        "checkpointed the SQLite write-ahead log"
    );
    Ok(logged)
}
