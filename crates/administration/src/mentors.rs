//! "Đại sứ số" and "Gia đình số": administrators assign mentees to mentors (one mentor
//! per mentee); mentors see their mentees; reports list mentors short of the plan's
//! five mentees and households with nobody certified yet.

use chrono::{DateTime, Utc};
use hocvuso_identity::census::belongs;
use hocvuso_identity::dto::PersonBrief;
use hocvuso_kernel::{Principal, time::now};
use sea_orm::sea_query::{Asterisk, Expr, ExprTrait, Func, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::entity::{census_row, mentorship};
use crate::reports::{ReportQuery, certified_at, population};
use crate::sheet::{Cell, Table};
use crate::{Administration, AdministrationError};

/// The plan's figure: each digital ambassador guides at least five people.
pub const MENTEES_PER_MENTOR: i64 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MentorshipView {
    pub mentor_id: Uuid,
    pub mentee_id: Uuid,
    pub assigned_by: Uuid,
    pub assigned_at: DateTime<Utc>,
}

impl From<mentorship::Model> for MentorshipView {
    fn from(m: mentorship::Model) -> Self {
        MentorshipView {
            mentor_id: m.mentor_id,
            mentee_id: m.mentee_id,
            assigned_by: m.assigned_by,
            assigned_at: m.assigned_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentorsReport {
    pub rows: Vec<MentorRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MentorRow {
    pub mentor_id: Uuid,
    pub mentor_name: String,
    pub unit_id: Option<Uuid>,
    pub mentees: i64,
    /// At least five mentees.
    pub meets_target: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UncertifiedHouseholds {
    pub period: String,
    pub as_of: DateTime<Utc>,
    pub rows: Vec<UncertifiedHousehold>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct UncertifiedHousehold {
    pub unit_id: Uuid,
    pub unit_code: Option<String>,
    pub unit_name: String,
    pub household: String,
    pub members: i64,
}

#[derive(Debug, Clone, Default, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MentorsQuery {
    /// Mentors in this unit and those below it; by default, all of yours.
    pub unit_id: Option<Uuid>,
    /// Only mentors with fewer than five mentees.
    pub below_target: Option<bool>,
}

impl Administration {
    /// Assigns `mentee` to `mentor` (both in the administrator's scope), replacing any
    /// earlier mentor. Returns the assignment before (if any) and after.
    pub async fn assign_mentee(
        &self,
        principal: &Principal,
        mentor: Uuid,
        mentee: Uuid,
    ) -> Result<(Option<MentorshipView>, MentorshipView), AdministrationError> {
        if mentor == mentee {
            return Err(AdministrationError::InvalidField {
                field: "mentee_id",
                code: "mentor_is_mentee",
                vi: "Một người không thể tự làm người hướng dẫn cho chính mình.",
                en: "A person cannot mentor themselves.",
            });
        }
        for person in [mentor, mentee] {
            if !self.identity.administers_user(principal, person).await? {
                return Err(AdministrationError::NotFound);
            }
        }
        let before = mentorship::Entity::find_by_id(mentee)
            .one(&self.db)
            .await?
            .map(MentorshipView::from);
        mentorship::Entity::insert(mentorship::ActiveModel {
            mentee_id: Set(mentee),
            mentor_id: Set(mentor),
            assigned_by: Set(principal.user_id),
            assigned_at: Set(now()),
        })
        .on_conflict(
            OnConflict::column(mentorship::Column::MenteeId)
                .update_columns([
                    mentorship::Column::MentorId,
                    mentorship::Column::AssignedBy,
                    mentorship::Column::AssignedAt,
                ])
                .to_owned(),
        )
        .exec(&self.db)
        .await?;
        let after = mentorship::Entity::find_by_id(mentee)
            .one(&self.db)
            .await?
            .map(MentorshipView::from)
            .ok_or(AdministrationError::NotFound)?;
        Ok((before, after))
    }

    /// Ends a mentorship; returns it as it was.
    pub async fn unassign_mentee(
        &self,
        principal: &Principal,
        mentor: Uuid,
        mentee: Uuid,
    ) -> Result<MentorshipView, AdministrationError> {
        if !self.identity.administers_user(principal, mentee).await? {
            return Err(AdministrationError::NotFound);
        }
        let found = mentorship::Entity::find_by_id(mentee)
            .filter(mentorship::Column::MentorId.eq(mentor))
            .one(&self.db)
            .await?
            .ok_or(AdministrationError::NotFound)?;
        mentorship::Entity::delete_by_id(mentee)
            .exec(&self.db)
            .await?;
        Ok(found.into())
    }

    /// The people `mentor` guides, by name.
    pub async fn mentees(&self, mentor: Uuid) -> Result<Vec<PersonBrief>, AdministrationError> {
        let ids: Vec<Uuid> = mentorship::Entity::find()
            .filter(mentorship::Column::MentorId.eq(mentor))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.mentee_id)
            .collect();
        Ok(self.identity.people_brief(&ids).await?)
    }

    /// Mentors in the administrator's units with how many people each guides, fewest
    /// first.
    pub async fn mentors_report(
        &self,
        principal: &Principal,
        query: &MentorsQuery,
    ) -> Result<MentorsReport, AdministrationError> {
        let units = self.report_units(principal, query.unit_id).await?;
        let mentor = Expr::col((mentorship::Entity, mentorship::Column::MentorId));
        let select = Query::select()
            .expr(mentor.clone())
            .expr(Func::count(Expr::col(Asterisk)))
            .from(mentorship::Entity)
            .and_where(belongs(mentor.clone(), units.ids(), None))
            .add_group_by([mentor])
            .to_owned();
        let mut counts = Vec::new();
        for row in self.db.query_all(&select).await? {
            let id: Uuid = row.try_get_by_index(0)?;
            let mentees: i64 = row.try_get_by_index(1)?;
            counts.push((id, mentees));
        }
        let ids: Vec<Uuid> = counts.iter().map(|(id, _)| *id).collect();
        let people: std::collections::HashMap<Uuid, PersonBrief> = self
            .identity
            .people_brief(&ids)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let mut rows: Vec<MentorRow> = counts
            .into_iter()
            .filter(|(_, n)| !query.below_target.unwrap_or(false) || *n < MENTEES_PER_MENTOR)
            .filter_map(|(id, mentees)| {
                let person = people.get(&id)?;
                Some(MentorRow {
                    mentor_id: id,
                    mentor_name: person.full_name.clone(),
                    unit_id: person.unit_id,
                    mentees,
                    meets_target: mentees >= MENTEES_PER_MENTOR,
                })
            })
            .collect();
        rows.sort_by(|a, b| (a.mentees, &a.mentor_name).cmp(&(b.mentees, &b.mentor_name)));
        Ok(MentorsReport { rows })
    }

    /// Households of the administrator's units where nobody held a valid record at the
    /// end of the period ("Gia đình số": each household has at least one).
    pub async fn uncertified_households(
        &self,
        principal: &Principal,
        query: &ReportQuery,
    ) -> Result<UncertifiedHouseholds, AdministrationError> {
        let (period, as_of) = query.period()?;
        let units = self.report_units(principal, query.unit_id).await?;
        self.refresh_census().await?;
        use census_row::Column as C;
        let col = |c: C| Expr::col((census_row::Entity, c));
        let mut select = population(units.ids(), as_of);
        select
            .expr(col(C::UnitId))
            .expr(col(C::Household))
            .expr(Func::count(Expr::col(Asterisk)))
            .and_where(col(C::Household).is_not_null())
            .and_where(col(C::Household).ne(""))
            .add_group_by([col(C::UnitId), col(C::Household)])
            .and_having(Func::max(Expr::case(certified_at(as_of), 1).finally(0)).eq(0));
        let names: std::collections::HashMap<Uuid, (Option<String>, String)> = units
            .units
            .into_iter()
            .map(|u| (u.id, (u.code, u.name)))
            .collect();
        let mut rows = Vec::new();
        for row in self.db.query_all(&select).await? {
            let unit_id: Uuid = row.try_get_by_index(0)?;
            let (unit_code, unit_name) = names.get(&unit_id).cloned().unwrap_or_default();
            rows.push(UncertifiedHousehold {
                unit_id,
                unit_code,
                unit_name,
                household: row.try_get_by_index(1)?,
                members: row.try_get_by_index(2)?,
            });
        }
        rows.sort_by(|a, b| (&a.unit_name, &a.household).cmp(&(&b.unit_name, &b.household)));
        Ok(UncertifiedHouseholds {
            period: period.label(),
            as_of,
            rows,
        })
    }
}

impl MentorsReport {
    pub fn table(&self) -> Table {
        Table {
            name: "mentors",
            columns: vec![
                "mentor_id",
                "mentor_name",
                "unit_id",
                "mentees",
                "meets_target",
            ],
            rows: self
                .rows
                .iter()
                .map(|r| {
                    vec![
                        Cell::Text(r.mentor_id.to_string()),
                        Cell::Text(r.mentor_name.clone()),
                        r.unit_id.map_or(Cell::Empty, |u| Cell::Text(u.to_string())),
                        Cell::Int(r.mentees),
                        Cell::Bool(r.meets_target),
                    ]
                })
                .collect(),
        }
    }
}

impl UncertifiedHouseholds {
    pub fn table(&self) -> Table {
        Table {
            name: "households",
            columns: vec![
                "period",
                "unit_id",
                "unit_code",
                "unit_name",
                "household",
                "members",
            ],
            rows: self
                .rows
                .iter()
                .map(|r| {
                    vec![
                        Cell::Text(self.period.clone()),
                        Cell::Text(r.unit_id.to_string()),
                        r.unit_code.clone().map_or(Cell::Empty, Cell::Text),
                        Cell::Text(r.unit_name.clone()),
                        Cell::Text(r.household.clone()),
                        Cell::Int(r.members),
                    ]
                })
                .collect(),
        }
    }
}
