//! What reports and exports may ask of certification without reading its tables: per
//! person (given as an SQL expression for their user id), since when and until when
//! they held a valid record, and who changed since a given time.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SelectStatement, SubQueryStatement};

use crate::entity::credential;

fn col(column: credential::Column) -> Expr {
    Expr::col((credential::Entity, column))
}

fn of_person(person: Expr) -> SelectStatement {
    Query::select()
        .from(credential::Entity)
        .and_where(col(credential::Column::UserId).eq(person))
        .to_owned()
}

fn scalar(query: SelectStatement) -> Expr {
    Expr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(query)))
}

/// When the person's first record was issued; null if none.
pub fn certified_from(person: Expr) -> Expr {
    scalar(
        of_person(person)
            .expr(Func::min(col(credential::Column::IssuedAt)))
            .to_owned(),
    )
}

/// When the person stopped holding a valid record: null while one is open (neither
/// revoked nor expiring), else the last revocation or expiry, which may lie ahead.
pub fn certified_until(person: Expr) -> Expr {
    use credential::Column as C;
    let open = of_person(person.clone())
        .expr(Expr::val(1))
        .and_where(col(C::RevokedAt).is_null())
        .and_where(col(C::ValidUntil).is_null())
        .to_owned();
    let last_end = of_person(person)
        .expr(Func::max(Func::coalesce([
            col(C::RevokedAt),
            col(C::ValidUntil),
        ])))
        .to_owned();
    Expr::case(Expr::exists(open), Expr::cust("NULL"))
        .finally(scalar(last_end))
        .into()
}

/// The people whose records were issued or revoked after `since`.
pub fn changed_since(since: DateTime<Utc>) -> SelectStatement {
    use credential::Column as C;
    Query::select()
        .column((credential::Entity, C::UserId))
        .from(credential::Entity)
        .and_where(col(C::IssuedAt).gt(since).or(col(C::RevokedAt).gt(since)))
        .to_owned()
}

/// The holder of a record, as an SQL expression, for conditions on the person.
pub fn holder() -> Expr {
    col(credential::Column::UserId)
}

/// Whether the person holds a current record of the course (valid or revoked: a
/// revoked record is the ward's decision, not a record to issue again), as an SQL
/// condition on expressions for their user id and the course id.
pub fn holds_record(person: Expr, course: Expr) -> Expr {
    Expr::exists(
        of_person(person)
            .expr(Expr::val(1))
            .and_where(col(credential::Column::CourseId).eq(course))
            .and_where(col(credential::Column::CurrentKey).is_not_null())
            .to_owned(),
    )
}
