//! What reports may ask of learning without reading its tables: per person (given as an
//! SQL expression for their user id), when they first enrolled and first completed a
//! course, and who changed since a given time.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SelectStatement, SubQueryStatement};

use crate::entity::enrollment;

fn col(column: enrollment::Column) -> Expr {
    Expr::col((enrollment::Entity, column))
}

fn scalar(query: SelectStatement) -> Expr {
    Expr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(query)))
}

/// When the person first enrolled in a course they are still in (or completed); null
/// if none.
pub fn first_enrolled_at(person: Expr) -> Expr {
    use enrollment::Column as C;
    scalar(
        Query::select()
            .expr(Func::min(col(C::EnrolledAt)))
            .from(enrollment::Entity)
            .and_where(col(C::UserId).eq(person))
            .and_where(
                col(C::WithdrawnAt)
                    .is_null()
                    .or(col(C::CompletedAt).is_not_null()),
            )
            .to_owned(),
    )
}

/// When the person first completed a course; null if never.
pub fn first_completed_at(person: Expr) -> Expr {
    use enrollment::Column as C;
    scalar(
        Query::select()
            .expr(Func::min(col(C::CompletedAt)))
            .from(enrollment::Entity)
            .and_where(col(C::UserId).eq(person))
            .to_owned(),
    )
}

/// The people whose enrolments changed after `since` (every change moves an
/// enrolment's activity time).
pub fn changed_since(since: DateTime<Utc>) -> SelectStatement {
    use enrollment::Column as C;
    Query::select()
        .column((enrollment::Entity, C::UserId))
        .from(enrollment::Entity)
        .and_where(col(C::LastActivityAt).gt(since))
        .to_owned()
}
