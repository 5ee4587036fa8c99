//! What reports may ask of certification without reading its tables: a condition on a
//! person (given as an SQL expression for their user id) that a report's query embeds.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};

use crate::entity::credential;

/// The person held a record that was valid at `as_of`: issued by then, not yet revoked
/// and not yet expired.
pub fn certified_at(user_id: Expr, as_of: DateTime<Utc>) -> Expr {
    use credential::Column as C;
    let col = |c: C| Expr::col((credential::Entity, c));
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(credential::Entity)
            .and_where(col(C::UserId).eq(user_id))
            .and_where(col(C::IssuedAt).lte(as_of))
            .and_where(col(C::RevokedAt).is_null().or(col(C::RevokedAt).gt(as_of)))
            .and_where(
                col(C::ValidUntil)
                    .is_null()
                    .or(col(C::ValidUntil).gt(as_of)),
            )
            .to_owned(),
    )
}

/// The holder of a record, as an SQL expression, for conditions on the person.
pub fn holder() -> Expr {
    Expr::col((credential::Entity, credential::Column::UserId))
}
