//! The reports' read model: one row per person with their unit, target group,
//! household, verification, and when they enrolled, completed and held a valid record.
//! Counting a million people from it is one pass over an index, where asking the
//! domains for each person would take seconds.
//!
//! It is refreshed from the domains' `census` modules before every report: the people
//! any domain changed since the last refresh (less a margin, for transactions that
//! committed late) are recomputed in one `INSERT … SELECT` in the database. Nothing has
//! to remember to tell it: a change anywhere moves a time it reads.

use chrono::{DateTime, Duration, Utc};
use hocvuso_certification::census as certification;
use hocvuso_enrollment::census as learning;
use hocvuso_identity::census as identity;
use hocvuso_kernel::time::now;
use sea_orm::sea_query::{ExprTrait, OnConflict, Query, UnionType};
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use crate::entity::{census_row, census_state};
use crate::{Administration, AdministrationError};

/// Changes committed this long after their timestamps are still picked up: longer
/// than any transaction waits for a lock (SQLite's busy timeout is ten seconds). People
/// changed within it are recomputed again by the next refresh, which is cheap.
pub const MARGIN: Duration = Duration::seconds(60);
const STATE_ROW: i32 = 1;

impl Administration {
    /// Brings the read model up to date; returns how far it now reaches. One refresh
    /// at a time per server; refreshes on several servers only repeat each other's work.
    pub async fn refresh_census(&self) -> Result<DateTime<Utc>, AdministrationError> {
        let _one_at_a_time = self.census_lock.lock().await;
        let started = now();
        let since = census_state::Entity::find_by_id(STATE_ROW)
            .one(&self.db)
            .await?
            .map(|s| s.refreshed_to - MARGIN);

        let person = identity::user_id();
        let mut select = identity::people();
        select
            .expr(person.clone())
            .expr(identity::unit_id())
            .expr(identity::target_group())
            .expr(identity::household())
            .expr(identity::registered_at())
            .expr(identity::identity_verified())
            .expr(learning::first_enrolled_at(person.clone()))
            .expr(learning::first_completed_at(person.clone()))
            .expr(certification::certified_from(person.clone()))
            .expr(certification::certified_until(person.clone()));
        match since {
            Some(since) => {
                let mut changed = identity::changed_since(since);
                changed
                    .union(UnionType::Distinct, learning::changed_since(since))
                    .union(UnionType::Distinct, certification::changed_since(since));
                select.and_where(person.in_subquery(changed));
            }
            // SQLite needs a WHERE to tell an upsert's SELECT from its ON CONFLICT.
            None => {
                select.and_where(person.is_not_null());
            }
        }
        use census_row::Column as C;
        let columns = [
            C::UserId,
            C::UnitId,
            C::TargetGroup,
            C::Household,
            C::RegisteredAt,
            C::IdentityVerified,
            C::EnrolledAt,
            C::CompletedAt,
            C::CertifiedFrom,
            C::CertifiedUntil,
        ];
        let upsert = Query::insert()
            .into_table(census_row::Entity)
            .columns(columns)
            .select_from(select)
            .map_err(|e| AdministrationError::Internal(e.to_string()))?
            .on_conflict(
                OnConflict::column(C::UserId)
                    .update_columns(columns.into_iter().skip(1))
                    .to_owned(),
            )
            .to_owned();
        self.db.execute(&upsert).await?;

        census_state::Entity::insert(census_state::ActiveModel {
            id: Set(STATE_ROW),
            refreshed_to: Set(started),
        })
        .on_conflict(
            OnConflict::column(census_state::Column::Id)
                .update_column(census_state::Column::RefreshedTo)
                .to_owned(),
        )
        .exec(&self.db)
        .await?;
        Ok(started)
    }
}
