//! What reports and exports may ask of identity without reading its tables: each
//! person's unit, target group, household and verification as SQL expressions, who
//! changed since a given time, and whether a person belongs to given units.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, IntoTableRef, Query, SelectStatement, TableRef};
use uuid::Uuid;

use crate::entity::user;

fn col(column: user::Column) -> Expr {
    Expr::col((user::Entity, column))
}

/// The table of people, to join on a person with [`user_id`].
pub fn people_table() -> TableRef {
    user::Entity.into_table_ref()
}

/// `FROM users`: select from it with the expressions below.
pub fn people() -> SelectStatement {
    Query::select().from(user::Entity).to_owned()
}

pub fn user_id() -> Expr {
    col(user::Column::Id)
}

pub fn unit_id() -> Expr {
    col(user::Column::UnitId)
}

/// The target group's code.
pub fn target_group() -> Expr {
    col(user::Column::TargetGroup)
}

/// The household's code as imported (null when none was given).
pub fn household() -> Expr {
    col(user::Column::Household)
}

/// Whether the person's identity was verified through the national identity provider.
pub fn identity_verified() -> Expr {
    col(user::Column::IdentityVerified)
}

/// When the person was registered or imported.
pub fn registered_at() -> Expr {
    col(user::Column::CreatedAt)
}

/// The people whose profile changed after `since` (every change moves `updated_at`).
pub fn changed_since(since: DateTime<Utc>) -> SelectStatement {
    Query::select()
        .column((user::Entity, user::Column::Id))
        .from(user::Entity)
        .and_where(col(user::Column::UpdatedAt).gt(since))
        .to_owned()
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
