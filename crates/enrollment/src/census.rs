//! What reports may ask of learning without reading its tables: conditions on a
//! person (given as an SQL expression for their user id) that a report's query embeds.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};

use crate::entity::enrollment;

/// The person had an enrolment open (or completed) at `as_of`.
pub fn enrolled_by(user_id: Expr, as_of: DateTime<Utc>) -> Expr {
    use enrollment::Column as C;
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(enrollment::Entity)
            .and_where(Expr::col((enrollment::Entity, C::UserId)).eq(user_id))
            .and_where(Expr::col((enrollment::Entity, C::EnrolledAt)).lte(as_of))
            .and_where(
                Expr::col((enrollment::Entity, C::WithdrawnAt))
                    .is_null()
                    .or(Expr::col((enrollment::Entity, C::WithdrawnAt)).gt(as_of))
                    .or(Expr::col((enrollment::Entity, C::CompletedAt)).lte(as_of)),
            )
            .to_owned(),
    )
}

/// The person had completed at least one course by `as_of`.
pub fn completed_by(user_id: Expr, as_of: DateTime<Utc>) -> Expr {
    use enrollment::Column as C;
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(enrollment::Entity)
            .and_where(Expr::col((enrollment::Entity, C::UserId)).eq(user_id))
            .and_where(Expr::col((enrollment::Entity, C::CompletedAt)).lte(as_of))
            .to_owned(),
    )
}
