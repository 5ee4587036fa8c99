//! The plan's targets as live reports, per unit and target group and for a period:
//! how many people there are (from imports and registrations), how many enrolled,
//! completed a course, hold a valid completion record (are confirmed), and verified
//! their identity, against the year's target; and per unit, how many households have a
//! certified member ("Gia đình số").
//!
//! Figures are cumulative at the end of the period (or now, for the current one) and
//! roll up the unit tree: a ward's row counts everyone in its residential groups.

use std::collections::HashMap;
use std::ops::AddAssign;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use hocvuso_identity::dto::UnitView;
use hocvuso_kernel::{Principal, TargetGroup, time::now};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Func, Query};
use sea_orm::{ConnectionTrait, QueryResult};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::entity::census_row;
use crate::sheet::{Cell, Table};
use crate::{Administration, AdministrationError};

/// A reporting period: a year (`2025`), a quarter (`2025-Q4`) or a month (`2025-10`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    year: i32,
    first_month: u32,
    months: u32,
}

impl Period {
    pub fn parse(text: &str) -> Result<Self, AdministrationError> {
        let invalid = || AdministrationError::InvalidPeriod;
        let (year, rest) = text.trim().split_once('-').unwrap_or((text.trim(), ""));
        let year: i32 = year.parse().map_err(|_| invalid())?;
        if !(2000..=2100).contains(&year) {
            return Err(invalid());
        }
        let (first_month, months) = match rest {
            "" => (1, 12),
            q if q.len() == 2 && (q.starts_with('Q') || q.starts_with('q')) => {
                let quarter: u32 = q[1..].parse().map_err(|_| invalid())?;
                if !(1..=4).contains(&quarter) {
                    return Err(invalid());
                }
                (quarter * 3 - 2, 3)
            }
            m => {
                let month: u32 = m.parse().map_err(|_| invalid())?;
                if !(1..=12).contains(&month) {
                    return Err(invalid());
                }
                (month, 1)
            }
        };
        Ok(Period {
            year,
            first_month,
            months,
        })
    }

    pub fn current_year() -> Self {
        Period {
            year: now().year(),
            first_month: 1,
            months: 12,
        }
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    /// The first instant after the period (UTC+7 is not applied: periods are civil
    /// months in UTC, which moves a boundary by seven hours at most).
    pub fn end(&self) -> DateTime<Utc> {
        let last = self.first_month + self.months;
        let (year, month) = if last > 12 {
            (self.year + 1, last - 12)
        } else {
            (self.year, last)
        };
        NaiveDate::from_ymd_opt(year, month, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| Utc.from_utc_datetime(&d))
            .unwrap_or_else(now)
    }

    pub fn label(&self) -> String {
        match self.months {
            12 => self.year.to_string(),
            3 => format!("{}-Q{}", self.year, self.first_month.div_ceil(3)),
            _ => format!("{}-{:02}", self.year, self.first_month),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct ReportQuery {
    /// The unit to report on, with every unit below it; by default, all of the
    /// administrator's units.
    pub unit_id: Option<Uuid>,
    /// `2025`, `2025-Q4` or `2025-10`; the current year by default.
    pub period: Option<String>,
}

impl ReportQuery {
    /// The period asked for (the current year by default), and the instant its figures
    /// are taken at: its end, or now if it has not ended.
    pub(crate) fn period(&self) -> Result<(Period, DateTime<Utc>), AdministrationError> {
        let period = match &self.period {
            Some(text) => Period::parse(text)?,
            None => Period::current_year(),
        };
        Ok((period, Ord::min(period.end(), now())))
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetsReport {
    pub period: String,
    /// The figures are as they stood at this instant.
    pub as_of: DateTime<Utc>,
    pub rows: Vec<TargetRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TargetRow {
    pub unit_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub unit_code: Option<String>,
    pub unit_name: String,
    pub target_group: TargetGroup,
    pub population: i64,
    pub enrolled: i64,
    pub completed: i64,
    /// People holding a valid completion record: the plan's "confirmed".
    pub certified: i64,
    pub identity_verified: i64,
    /// The year's target for the group, in percent (none when no target is set).
    pub target_percent: Option<i32>,
    /// `certified` as a percent of `population`, to one decimal.
    pub certified_percent: f64,
    /// Whether the target is met (none without a target or without people).
    pub on_target: Option<bool>,
    /// How many more people must be certified to meet the target.
    pub remaining_to_target: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HouseholdsReport {
    pub period: String,
    pub as_of: DateTime<Utc>,
    pub rows: Vec<HouseholdRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct HouseholdRow {
    pub unit_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub unit_code: Option<String>,
    pub unit_name: String,
    pub households: i64,
    pub households_with_certified_member: i64,
    /// The "Gia đình số" gap: households where nobody is certified yet.
    pub households_without_certified_member: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    population: i64,
    enrolled: i64,
    completed: i64,
    certified: i64,
    verified: i64,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, other: Self) {
        self.population += other.population;
        self.enrolled += other.enrolled;
        self.completed += other.completed;
        self.certified += other.certified;
        self.verified += other.verified;
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Households {
    total: i64,
    with_certified: i64,
}

impl AddAssign for Households {
    fn add_assign(&mut self, other: Self) {
        self.total += other.total;
        self.with_certified += other.with_certified;
    }
}

/// The units a report covers, in tree order (each unit before the units below it).
pub(crate) struct ReportUnits {
    pub(crate) units: Vec<UnitView>,
}

impl ReportUnits {
    pub(crate) fn ids(&self) -> Vec<Uuid> {
        self.units.iter().map(|u| u.id).collect()
    }

    /// Adds each unit's own figures to itself and every unit above it in the report.
    fn roll_up<T: Copy + Default + AddAssign>(&self, own: &HashMap<Uuid, T>) -> HashMap<Uuid, T> {
        let parents: HashMap<Uuid, Option<Uuid>> =
            self.units.iter().map(|u| (u.id, u.parent_id)).collect();
        let mut totals: HashMap<Uuid, T> = HashMap::new();
        for (unit, figures) in own {
            let mut at = Some(*unit);
            while let Some(id) = at.filter(|id| parents.contains_key(id)) {
                *totals.entry(id).or_default() += *figures;
                at = parents.get(&id).copied().flatten();
            }
        }
        totals
    }
}

fn census(column: census_row::Column) -> Expr {
    Expr::col((census_row::Entity, column))
}

/// People of `units` with a target group, registered by `as_of`.
pub(crate) fn population(
    units: Vec<Uuid>,
    as_of: DateTime<Utc>,
) -> sea_orm::sea_query::SelectStatement {
    use census_row::Column as C;
    Query::select()
        .from(census_row::Entity)
        .and_where(census(C::UnitId).is_in(units))
        .and_where(census(C::TargetGroup).is_not_null())
        .and_where(census(C::RegisteredAt).lte(as_of))
        .to_owned()
}

/// Held a valid completion record at `as_of`.
pub(crate) fn certified_at(as_of: DateTime<Utc>) -> Expr {
    use census_row::Column as C;
    census(C::CertifiedFrom).lte(as_of).and(
        census(C::CertifiedUntil)
            .is_null()
            .or(census(C::CertifiedUntil).gt(as_of)),
    )
}

fn sum_of(condition: Expr) -> Expr {
    Func::sum(Expr::case(condition, 1).finally(0)).into()
}

fn int(row: &QueryResult, index: usize) -> Result<i64, AdministrationError> {
    // An empty SUM is NULL; PostgreSQL widens sums of integers to numeric-free bigint.
    Ok(row.try_get_by_index::<Option<i64>>(index)?.unwrap_or(0))
}

fn percent_of(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 * 1000.0 / whole as f64).round() / 10.0
}

impl Administration {
    /// The units a report covers: `unit_id` and below it, or all of the caller's units.
    pub(crate) async fn report_units(
        &self,
        principal: &Principal,
        unit_id: Option<Uuid>,
    ) -> Result<ReportUnits, AdministrationError> {
        let scope = self.identity.units(principal).await?;
        if scope.is_empty() {
            return Err(AdministrationError::Forbidden);
        }
        let in_scope: HashMap<Uuid, &UnitView> = scope.iter().map(|u| (u.id, u)).collect();
        let roots: Vec<Uuid> = match unit_id {
            Some(id) if in_scope.contains_key(&id) => vec![id],
            Some(_) => return Err(AdministrationError::NotFound),
            None => scope
                .iter()
                .filter(|u| !u.parent_id.is_some_and(|p| in_scope.contains_key(&p)))
                .map(|u| u.id)
                .collect(),
        };
        let mut children: HashMap<Uuid, Vec<&UnitView>> = HashMap::new();
        for unit in &scope {
            if let Some(parent) = unit.parent_id {
                children.entry(parent).or_default().push(unit);
            }
        }
        for list in children.values_mut() {
            list.sort_by(|a, b| a.name.cmp(&b.name));
        }
        let mut ordered = Vec::new();
        let mut stack: Vec<Uuid> = roots.into_iter().rev().collect();
        while let Some(id) = stack.pop() {
            if let Some(unit) = in_scope.get(&id) {
                ordered.push((*unit).clone());
                stack.extend(children.get(&id).into_iter().flatten().rev().map(|u| u.id));
            }
        }
        // A root unit's parent is outside the report: the rows show it as a root.
        let ids: std::collections::HashSet<Uuid> = ordered.iter().map(|u| u.id).collect();
        for unit in &mut ordered {
            unit.parent_id = unit.parent_id.filter(|p| ids.contains(p));
        }
        Ok(ReportUnits { units: ordered })
    }

    pub async fn targets_report(
        &self,
        principal: &Principal,
        query: &ReportQuery,
    ) -> Result<TargetsReport, AdministrationError> {
        let (period, as_of) = query.period()?;
        let units = self.report_units(principal, query.unit_id).await?;

        self.refresh_census().await?;
        use census_row::Column as C;
        let mut select = population(units.ids(), as_of);
        select
            .expr(census(C::UnitId))
            .expr(census(C::TargetGroup))
            .expr(Func::count(Expr::col(Asterisk)))
            .expr(sum_of(census(C::IdentityVerified).eq(true)))
            .expr(sum_of(census(C::EnrolledAt).lte(as_of)))
            .expr(sum_of(census(C::CompletedAt).lte(as_of)))
            .expr(sum_of(certified_at(as_of)))
            .add_group_by([census(C::UnitId), census(C::TargetGroup)]);
        let mut own: HashMap<(Uuid, TargetGroup), Counts> = HashMap::new();
        for row in self.db.query_all(&select).await? {
            let unit: Uuid = row.try_get_by_index(0)?;
            let group: String = row.try_get_by_index(1)?;
            let Some(group) = TargetGroup::parse(&group) else {
                continue;
            };
            own.insert(
                (unit, group),
                Counts {
                    population: int(&row, 2)?,
                    verified: int(&row, 3)?,
                    enrolled: int(&row, 4)?,
                    completed: int(&row, 5)?,
                    certified: int(&row, 6)?,
                },
            );
        }
        let targets: HashMap<TargetGroup, i32> =
            self.targets_of(period.year()).await?.into_iter().collect();

        let mut rows = Vec::with_capacity(units.units.len() * TargetGroup::ALL.len());
        let mut totals_by_group = HashMap::new();
        for group in TargetGroup::ALL {
            let own_of_group: HashMap<Uuid, Counts> = own
                .iter()
                .filter(|((_, g), _)| *g == group)
                .map(|((u, _), c)| (*u, *c))
                .collect();
            totals_by_group.insert(group, units.roll_up(&own_of_group));
        }
        for unit in &units.units {
            for group in TargetGroup::ALL {
                let counts = totals_by_group
                    .get(&group)
                    .and_then(|t| t.get(&unit.id))
                    .copied()
                    .unwrap_or_default();
                let target = targets.get(&group).copied();
                // Whole-number arithmetic: 80 % of 7 people is met by 6 (5.6 rounded up).
                let needed = target.map_or(0, |t| (i64::from(t) * counts.population + 99) / 100);
                rows.push(TargetRow {
                    unit_id: unit.id,
                    parent_id: unit.parent_id,
                    unit_code: unit.code.clone(),
                    unit_name: unit.name.clone(),
                    target_group: group,
                    population: counts.population,
                    enrolled: counts.enrolled,
                    completed: counts.completed,
                    certified: counts.certified,
                    identity_verified: counts.verified,
                    target_percent: target,
                    certified_percent: percent_of(counts.certified, counts.population),
                    on_target: target
                        .filter(|_| counts.population > 0)
                        .map(|_| counts.certified >= needed),
                    remaining_to_target: Ord::max(needed - counts.certified, 0),
                });
            }
        }
        Ok(TargetsReport {
            period: period.label(),
            as_of,
            rows,
        })
    }

    pub async fn households_report(
        &self,
        principal: &Principal,
        query: &ReportQuery,
    ) -> Result<HouseholdsReport, AdministrationError> {
        let (period, as_of) = query.period()?;
        let units = self.report_units(principal, query.unit_id).await?;

        self.refresh_census().await?;
        use census_row::Column as C;
        let mut households = population(units.ids(), as_of);
        households
            .expr_as(census(C::UnitId), Alias::new("unit_id"))
            .expr_as(
                Func::max(Expr::case(certified_at(as_of), 1).finally(0)),
                Alias::new("certified"),
            )
            .and_where(census(C::Household).is_not_null())
            .and_where(census(C::Household).ne(""))
            .add_group_by([census(C::UnitId), census(C::Household)]);
        let select = Query::select()
            .expr(Expr::col(Alias::new("unit_id")))
            .expr(Func::count(Expr::col(Asterisk)))
            .expr(Func::sum(Expr::col(Alias::new("certified"))))
            .from_subquery(households, Alias::new("h"))
            .group_by_col(Alias::new("unit_id"))
            .to_owned();
        let mut own = HashMap::new();
        for row in self.db.query_all(&select).await? {
            let unit: Uuid = row.try_get_by_index(0)?;
            own.insert(
                unit,
                Households {
                    total: int(&row, 1)?,
                    with_certified: int(&row, 2)?,
                },
            );
        }
        let totals = units.roll_up(&own);
        let rows = units
            .units
            .iter()
            .map(|unit| {
                let h = totals.get(&unit.id).copied().unwrap_or_default();
                HouseholdRow {
                    unit_id: unit.id,
                    parent_id: unit.parent_id,
                    unit_code: unit.code.clone(),
                    unit_name: unit.name.clone(),
                    households: h.total,
                    households_with_certified_member: h.with_certified,
                    households_without_certified_member: h.total - h.with_certified,
                }
            })
            .collect();
        Ok(HouseholdsReport {
            period: period.label(),
            as_of,
            rows,
        })
    }
}

fn text(value: &Option<String>) -> Cell {
    value.clone().map_or(Cell::Empty, Cell::Text)
}

impl TargetsReport {
    /// The same rows and numbers as the JSON, for CSV and XLSX.
    pub fn table(&self) -> Table {
        Table {
            name: "targets",
            columns: vec![
                "period",
                "unit_id",
                "parent_id",
                "unit_code",
                "unit_name",
                "target_group",
                "population",
                "enrolled",
                "completed",
                "certified",
                "identity_verified",
                "target_percent",
                "certified_percent",
                "on_target",
                "remaining_to_target",
            ],
            rows: self
                .rows
                .iter()
                .map(|r| {
                    vec![
                        Cell::Text(self.period.clone()),
                        Cell::Text(r.unit_id.to_string()),
                        text(&r.parent_id.map(|p| p.to_string())),
                        text(&r.unit_code),
                        Cell::Text(r.unit_name.clone()),
                        Cell::Text(r.target_group.as_str().to_owned()),
                        Cell::Int(r.population),
                        Cell::Int(r.enrolled),
                        Cell::Int(r.completed),
                        Cell::Int(r.certified),
                        Cell::Int(r.identity_verified),
                        r.target_percent
                            .map_or(Cell::Empty, |t| Cell::Int(t.into())),
                        Cell::Number(r.certified_percent),
                        r.on_target.map_or(Cell::Empty, Cell::Bool),
                        Cell::Int(r.remaining_to_target),
                    ]
                })
                .collect(),
        }
    }
}

impl HouseholdsReport {
    pub fn table(&self) -> Table {
        Table {
            name: "households",
            columns: vec![
                "period",
                "unit_id",
                "parent_id",
                "unit_code",
                "unit_name",
                "households",
                "households_with_certified_member",
                "households_without_certified_member",
            ],
            rows: self
                .rows
                .iter()
                .map(|r| {
                    vec![
                        Cell::Text(self.period.clone()),
                        Cell::Text(r.unit_id.to_string()),
                        text(&r.parent_id.map(|p| p.to_string())),
                        text(&r.unit_code),
                        Cell::Text(r.unit_name.clone()),
                        Cell::Int(r.households),
                        Cell::Int(r.households_with_certified_member),
                        Cell::Int(r.households_without_certified_member),
                    ]
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_end_where_they_should() {
        let year = Period::parse("2025").expect("year");
        assert_eq!(year.end().to_rfc3339(), "2026-01-01T00:00:00+00:00");
        assert_eq!(year.label(), "2025");
        let quarter = Period::parse("2025-Q4").expect("quarter");
        assert_eq!(quarter.end().to_rfc3339(), "2026-01-01T00:00:00+00:00");
        assert_eq!(quarter.label(), "2025-Q4");
        let month = Period::parse("2025-10").expect("month");
        assert_eq!(month.end().to_rfc3339(), "2025-11-01T00:00:00+00:00");
        assert_eq!(month.label(), "2025-10");
        for bad in ["", "25", "2025-Q5", "2025-13", "2025-00", "abcd", "2025-Q"] {
            assert!(Period::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn percents_round_to_one_decimal() {
        assert_eq!(percent_of(1, 3), 33.3);
        assert_eq!(percent_of(2, 3), 66.7);
        assert_eq!(percent_of(0, 0), 0.0);
        assert_eq!(percent_of(5, 5), 100.0);
    }
}
