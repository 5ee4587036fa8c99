//! The people reports count, as a query other domains' conditions can be added to,
//! without reading the identity tables: everyone with a target group in the given
//! units who was registered by a given time.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use uuid::Uuid;

use crate::entity::user;

/// `FROM users WHERE …`: select from it with the expressions below.
pub fn population(units: impl IntoIterator<Item = Uuid>, as_of: DateTime<Utc>) -> SelectStatement {
    Query::select()
        .from(user::Entity)
        .and_where(Expr::col((user::Entity, user::Column::UnitId)).is_in(units))
        .and_where(Expr::col((user::Entity, user::Column::TargetGroup)).is_not_null())
        .and_where(Expr::col((user::Entity, user::Column::CreatedAt)).lte(as_of))
        .to_owned()
}

pub fn user_id() -> Expr {
    Expr::col((user::Entity, user::Column::Id))
}

pub fn unit_id() -> Expr {
    Expr::col((user::Entity, user::Column::UnitId))
}

/// The target group's code.
pub fn target_group() -> Expr {
    Expr::col((user::Entity, user::Column::TargetGroup))
}

/// The household's code as imported (null when none was given).
pub fn household() -> Expr {
    Expr::col((user::Entity, user::Column::Household))
}

/// 1 when the person's identity was verified through the national identity provider.
pub fn identity_verified() -> Expr {
    Expr::case(
        Expr::col((user::Entity, user::Column::IdentityVerified)).eq(true),
        1,
    )
    .finally(0)
    .into()
}

/// The person `person` (an SQL expression for a user id) belongs to one of `units`, and
/// to `group` when one is given: a condition other domains' exports embed.
pub fn belongs(
    person: Expr,
    units: impl IntoIterator<Item = Uuid>,
    group: Option<hocvuso_kernel::TargetGroup>,
) -> Expr {
    let mut people = Query::select()
        .expr(Expr::val(1))
        .from(user::Entity)
        .and_where(user_id().eq(person))
        .and_where(unit_id().is_in(units))
        .to_owned();
    if let Some(group) = group {
        people.and_where(target_group().eq(group.as_str()));
    }
    Expr::exists(people)
}
