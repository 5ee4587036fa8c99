//! Group commit: many small units of work written in one transaction.
//!
//! A unit of work that is several statements in a transaction of its own (a quiz
//! submission: close the attempt, add to the learner's tallies, store the answers)
//! costs a handful of round trips to the database and, on SQLite, the single write
//! turn for all of them. Under load, the units waiting for the turn are written
//! together instead: one transaction, and one statement of each kind for the whole
//! group, so the cost per unit falls as the load rises. Alone, a unit is written at
//! once, as before: nothing waits for a group to fill.
//!
//! One failing unit must not undo the others: when a group's transaction fails, each
//! of its units is written again alone, and only the one that fails alone fails.

use std::sync::Arc;

use sea_orm::DbErr;
use tokio::sync::{mpsc, oneshot};

use super::{Db, WriteTxn};

/// Work that can be written many units at a time.
#[async_trait::async_trait]
pub trait GroupWork: Send + Sync + 'static {
    type Unit: Clone + Send + Sync + 'static;
    type Done: Send + 'static;
    type Error: From<DbErr> + Send + 'static;

    /// Writes `units` in `txn`, answering each, in order.
    async fn write(
        &self,
        txn: &WriteTxn,
        units: &[Self::Unit],
    ) -> Result<Vec<Self::Done>, Self::Error>;
}

type Reply<W> = oneshot::Sender<Result<<W as GroupWork>::Done, <W as GroupWork>::Error>>;

/// The queue in front of a [`GroupWork`]; clones share it. Its thread ends when the
/// last clone is dropped.
pub struct GroupWriter<W: GroupWork> {
    queue: mpsc::UnboundedSender<(W::Unit, Reply<W>)>,
}

impl<W: GroupWork> Clone for GroupWriter<W> {
    fn clone(&self) -> Self {
        Self {
            queue: self.queue.clone(),
        }
    }
}

impl<W: GroupWork> std::fmt::Debug for GroupWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupWriter").finish_non_exhaustive()
    }
}

fn stopped() -> DbErr {
    DbErr::Custom("the group writer has stopped".into())
}

impl<W: GroupWork> GroupWriter<W> {
    /// Starts the writer's thread: a group holds at most `max_group` units. The thread
    /// has a runtime of its own, so a group's transaction resumes the moment each
    /// statement returns, not behind requests queued on a busy worker.
    pub fn start(db: Db, work: W, max_group: usize, name: &str) -> Result<Self, DbErr> {
        let (queue, units) = mpsc::unbounded_channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| DbErr::Custom(format!("cannot start the group writer: {e}")))?;
        let work = Arc::new(work);
        let max_group = max_group.max(1);
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || runtime.block_on(run(db, work, units, max_group)))
            .map_err(|e| DbErr::Custom(format!("cannot start the group writer: {e}")))?;
        Ok(Self { queue })
    }

    /// Writes one unit, with whichever others are waiting.
    pub async fn write(&self, unit: W::Unit) -> Result<W::Done, W::Error> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((unit, reply))
            .map_err(|_| W::Error::from(stopped()))?;
        answer.await.map_err(|_| W::Error::from(stopped()))?
    }
}

async fn run<W: GroupWork>(
    db: Db,
    work: Arc<W>,
    mut queue: mpsc::UnboundedReceiver<(W::Unit, Reply<W>)>,
    max_group: usize,
) {
    let mut waiting = Vec::with_capacity(max_group);
    while queue.recv_many(&mut waiting, max_group).await > 0 {
        let (units, replies): (Vec<W::Unit>, Vec<Reply<W>>) = waiting.drain(..).unzip();
        match in_one_transaction(&db, work.as_ref(), &units).await {
            Ok(done) => {
                for (reply, done) in replies.into_iter().zip(done) {
                    // The caller may have given up waiting; the write stands.
                    let _ = reply.send(Ok(done));
                }
            }
            Err(error) if units.len() == 1 => {
                if let Some(reply) = replies.into_iter().next() {
                    let _ = reply.send(Err(error));
                }
            }
            Err(_) => {
                for (unit, reply) in units.iter().zip(replies) {
                    let alone = in_one_transaction(&db, work.as_ref(), std::slice::from_ref(unit))
                        .await
                        .and_then(|mut done| done.pop().ok_or_else(|| stopped().into()));
                    let _ = reply.send(alone);
                }
            }
        }
    }
}

async fn in_one_transaction<W: GroupWork>(
    db: &Db,
    work: &W,
    units: &[W::Unit],
) -> Result<Vec<W::Done>, W::Error> {
    let txn = db.begin().await?;
    let written = match work.write(&txn, units).await {
        Ok(done) if done.len() == units.len() => Ok(done),
        Ok(done) => Err(DbErr::Custom(format!(
            "a group of {} units answered {}",
            units.len(),
            done.len()
        ))
        .into()),
        Err(error) => Err(error),
    };
    match written {
        Ok(done) => {
            txn.commit().await?;
            Ok(done)
        }
        Err(error) => {
            // At once, not when the connection is next used: until then SQLite's
            // write lock would stay taken.
            txn.rollback().await?;
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    use tokio::sync::Notify;

    use super::*;
    use crate::db::{DbSettings, connect};

    /// Inserts each group's values in one statement; a negative value breaks the
    /// table's check, and with it the whole statement.
    struct Inserts {
        groups: Arc<Mutex<Vec<usize>>>,
        hold_first: Arc<Notify>,
    }

    #[async_trait::async_trait]
    impl GroupWork for Inserts {
        type Unit = i64;
        type Done = i64;
        type Error = DbErr;

        async fn write(&self, txn: &WriteTxn, units: &[i64]) -> Result<Vec<i64>, DbErr> {
            let first = {
                let mut groups = self.groups.lock().expect("lock");
                groups.push(units.len());
                groups.len() == 1
            };
            if first {
                self.hold_first.notified().await;
            }
            let values: Vec<String> = units.iter().map(|v| format!("({v})")).collect();
            txn.execute_raw(Statement::from_string(
                DatabaseBackend::Sqlite,
                format!("INSERT INTO written (v) VALUES {}", values.join(", ")),
            ))
            .await?;
            Ok(units.iter().map(|v| v * 10).collect())
        }
    }

    async fn written(db: &Db) -> Vec<i64> {
        db.query_all_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            "SELECT v FROM written ORDER BY v",
        ))
        .await
        .expect("query")
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0).expect("v"))
        .collect()
    }

    /// Writes 1, then 2..=10 (and one `bad` value among them) while the first is held.
    async fn scenario(bad: Option<i64>) -> (Vec<Result<i64, DbErr>>, Vec<usize>, Vec<i64>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = connect(&DbSettings::new(format!(
            "sqlite://{}/g.db",
            dir.path().display()
        )))
        .await
        .expect("connects");
        db.execute_unprepared("CREATE TABLE written (v INTEGER NOT NULL CHECK (v >= 0))")
            .await
            .expect("table");
        let groups = Arc::new(Mutex::new(Vec::new()));
        let hold_first = Arc::new(Notify::new());
        let work = Inserts {
            groups: groups.clone(),
            hold_first: hold_first.clone(),
        };
        let writer = GroupWriter::start(db.clone(), work, 64, "test-group").expect("starts");
        let first = tokio::spawn({
            let writer = writer.clone();
            async move { writer.write(1).await }
        });
        while groups.lock().expect("lock").is_empty() {
            tokio::task::yield_now().await;
        }
        let rest: Vec<_> = (2..=10)
            .map(|v| bad.filter(|_| v == 5).unwrap_or(v))
            .map(|v| {
                let writer = writer.clone();
                tokio::spawn(async move { writer.write(v).await })
            })
            .collect();
        // Let the nine reach the queue while the first group holds the turn.
        tokio::time::sleep(Duration::from_millis(100)).await;
        hold_first.notify_one();
        let mut results = vec![first.await.expect("task")];
        for task in rest {
            results.push(task.await.expect("task"));
        }
        let groups = groups.lock().expect("lock").clone();
        (results, groups, written(&db).await)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn units_waiting_together_are_written_in_one_group() {
        let (results, groups, written) = scenario(None).await;
        let answers: Vec<i64> = results.into_iter().map(|r| r.expect("written")).collect();
        assert_eq!(answers, (1..=10).map(|v| v * 10).collect::<Vec<_>>());
        assert_eq!(groups, vec![1, 9], "the nine that waited went in one group");
        assert_eq!(written, (1..=10).collect::<Vec<_>>());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_unit_fails_alone_and_the_rest_of_its_group_is_written() {
        let (results, groups, written) = scenario(Some(-5)).await;
        for (value, result) in (1..=10).zip(&results) {
            if value == 5 {
                assert!(result.is_err(), "the bad unit fails: {result:?}");
            } else {
                assert_eq!(result.as_ref().ok(), Some(&(value * 10)));
            }
        }
        // The group of nine failed, then each was written alone.
        assert_eq!(groups, vec![1, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
        assert_eq!(written, vec![1, 2, 3, 4, 6, 7, 8, 9, 10]);
    }
}
