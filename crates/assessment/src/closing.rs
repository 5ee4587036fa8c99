//! Closing attempts, many in one transaction (group commit, see
//! [`hocvuso_kernel::db::GroupWriter`]): when learners submit at the same moment, their
//! attempts are closed by one statement, their answers stored by another, and their
//! mastery tallies added by a third, instead of a transaction each.
//!
//! An attempt closes once: the statement closes only attempts still open and says
//! which it closed, so of two closings of one attempt (in one group, or on two servers)
//! one wins and the other is told it lost.
//!
//! Only writes go here: whatever a submission needs to read (the attempt, the
//! learner's tallies, the attempt that counts) it reads on its own, in parallel with
//! the others, so that the one writer does nothing it need not.

use std::collections::HashSet;
use std::sync::Arc;

use hocvuso_kernel::db::{GroupWork, WriteTxn};
use hocvuso_kernel::time::Timestamp;
use sea_orm::sea_query::{CaseStatement, Expr, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IdenStatic, IntoActiveModel, QueryFilter,
    QueryTrait, Value,
};
use uuid::Uuid;

use crate::AssessmentError;
use crate::dto::AttemptStatus;
use crate::entity::{attempt, attempt_answer};
use crate::mastery::{Evidence, Graded, add_evidence};

/// Most attempts closed by one transaction.
pub(crate) const MAX_GROUP: usize = 64;
/// Answers per insert statement: 7 values each, well under SQLite's 32,766 variables.
const ANSWERS_PER_INSERT: usize = 1_000;

/// One attempt to close, graded.
#[derive(Debug)]
pub(crate) struct Closing {
    pub attempt_id: Uuid,
    pub user_id: Uuid,
    pub status: AttemptStatus,
    pub closed_at: Timestamp,
    pub correct_count: i32,
    pub score_percent: i32,
    pub passed: Option<bool>,
    /// Evidence of mastery, added only when the attempt was submitted (an expired
    /// attempt is no evidence; its close time is its deadline, not now).
    pub graded: Vec<Graded>,
    pub answers: Vec<attempt_answer::Model>,
}

/// Whether this closing closed the attempt: `false` when it was closed already (by
/// someone else).
pub(crate) type ClosedNow = bool;

/// Closes attempts in groups.
pub(crate) struct Closer;

/// `CASE WHEN id = … THEN … END` over the group: each attempt's own value.
fn per_attempt(closings: &[&Closing], value: impl Fn(&Closing) -> Value) -> SimpleExpr {
    let mut case = CaseStatement::new();
    for closing in closings {
        case = case.case(
            attempt::Column::Id.eq(closing.attempt_id),
            Expr::val(value(closing)),
        );
    }
    case.into()
}

/// Closes the attempts of `closings` still open; returns the ids it closed.
async fn close_open(
    txn: &WriteTxn,
    closings: &[&Closing],
) -> Result<HashSet<Uuid>, AssessmentError> {
    let mut update = attempt::Entity::update_many()
        .col_expr(
            attempt::Column::Status,
            per_attempt(closings, |c| c.status.as_str().into()),
        )
        .col_expr(
            attempt::Column::OpenKey,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            attempt::Column::ClosedAt,
            per_attempt(closings, |c| c.closed_at.into()),
        )
        .col_expr(
            attempt::Column::CorrectCount,
            per_attempt(closings, |c| c.correct_count.into()),
        )
        .col_expr(
            attempt::Column::ScorePercent,
            per_attempt(closings, |c| c.score_percent.into()),
        )
        .col_expr(
            attempt::Column::Passed,
            per_attempt(closings, |c| c.passed.into()),
        )
        .filter(attempt::Column::Id.is_in(closings.iter().map(|c| c.attempt_id)))
        .filter(attempt::Column::Status.eq(AttemptStatus::Open.as_str()))
        .into_query();
    update.returning_col(attempt::Column::Id);
    let statement = txn.get_database_backend().build(&update);
    let mut closed = HashSet::with_capacity(closings.len());
    for row in txn.query_all_raw(statement).await? {
        closed.insert(row.try_get::<Uuid>("", attempt::Column::Id.as_str())?);
    }
    Ok(closed)
}

#[async_trait::async_trait]
impl GroupWork for Closer {
    type Unit = Arc<Closing>;
    type Done = ClosedNow;
    type Error = AssessmentError;

    async fn write(
        &self,
        txn: &WriteTxn,
        units: &[Arc<Closing>],
    ) -> Result<Vec<ClosedNow>, AssessmentError> {
        // The same attempt twice in a group (a double submission): the first is the
        // closing, the second finds it closed.
        let mut seen = HashSet::with_capacity(units.len());
        let firsts: Vec<&Closing> = units
            .iter()
            .filter(|c| seen.insert(c.attempt_id))
            .map(Arc::as_ref)
            .collect();
        let closed = close_open(txn, &firsts).await?;
        let mut winners = HashSet::with_capacity(closed.len());
        let won: Vec<bool> = units
            .iter()
            .map(|c| closed.contains(&c.attempt_id) && winners.insert(c.attempt_id))
            .collect();
        let closings: Vec<&Closing> = units
            .iter()
            .zip(&won)
            .filter(|(_, won)| **won)
            .map(|(c, _)| c.as_ref())
            .collect();
        // Expired attempts are no evidence of anything.
        let evidence: Vec<Evidence<'_>> = closings
            .iter()
            .filter(|c| c.status == AttemptStatus::Submitted)
            .map(|c| Evidence {
                user_id: c.user_id,
                graded: &c.graded,
                at: c.closed_at,
            })
            .collect();
        add_evidence(txn, &evidence).await?;
        let answers: Vec<&attempt_answer::Model> =
            closings.iter().flat_map(|c| c.answers.iter()).collect();
        for chunk in answers.chunks(ANSWERS_PER_INSERT) {
            attempt_answer::Entity::insert_many(
                chunk
                    .iter()
                    .map(|answer| (*answer).clone().into_active_model()),
            )
            .exec_without_returning(txn)
            .await?;
        }
        Ok(won)
    }
}
