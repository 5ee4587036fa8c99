//! The plan's targets as editable rows: the percent of each target group to be
//! confirmed by the end of a year. The migration seeds the plan's own figures.

use chrono::{DateTime, Utc};
use hocvuso_kernel::{Principal, TargetGroup, time::now};
use sea_orm::sea_query::OnConflict;
use sea_orm::{EntityTrait, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::entity::target;
use crate::{Administration, AdministrationError};

pub const FIRST_YEAR: i32 = 2024;
pub const LAST_YEAR: i32 = 2035;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TargetView {
    pub year: i32,
    pub target_group: TargetGroup,
    /// Percent of the group to be confirmed (certified) by the end of the year.
    pub percent: i32,
    /// Who last changed it; none for the plan's own figure.
    pub updated_by: Option<Uuid>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct SetTargetRequest {
    #[validate(range(min = 0, max = 100, code = "percent_out_of_range"))]
    #[schema(minimum = 0, maximum = 100)]
    pub percent: i32,
}

fn view(model: target::Model) -> Option<TargetView> {
    Some(TargetView {
        year: model.year,
        target_group: TargetGroup::parse(&model.target_group)?,
        percent: model.percent,
        updated_by: model.updated_by,
        updated_at: model.updated_at,
    })
}

impl Administration {
    /// Every target, by year then group. Any administrator may read them.
    pub async fn targets(&self) -> Result<Vec<TargetView>, AdministrationError> {
        Ok(target::Entity::find()
            .order_by_asc(target::Column::Year)
            .order_by_asc(target::Column::TargetGroup)
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(view)
            .collect())
    }

    /// The targets of one year, by group (a group without a row has none).
    pub(crate) async fn targets_of(
        &self,
        year: i32,
    ) -> Result<Vec<(TargetGroup, i32)>, AdministrationError> {
        Ok(self
            .targets()
            .await?
            .into_iter()
            .filter(|t| t.year == year)
            .map(|t| (t.target_group, t.percent))
            .collect())
    }

    /// Sets a target; only a national administrator may: the plan's targets are the
    /// country's, and every ward and province reports against them. (A ward made by
    /// `admin create` is a root of its own tree, not the top of the country.) Returns
    /// the row before and after.
    pub async fn set_target(
        &self,
        principal: &Principal,
        year: i32,
        group: TargetGroup,
        request: SetTargetRequest,
    ) -> Result<(Option<TargetView>, TargetView), AdministrationError> {
        if !self.identity.is_national(principal).await? {
            return Err(AdministrationError::Forbidden);
        }
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(AdministrationError::InvalidField {
                field: "year",
                code: "year_out_of_range",
                vi: "Năm chỉ tiêu phải từ 2024 đến 2035.",
                en: "A target's year is between 2024 and 2035.",
            });
        }
        let before = target::Entity::find_by_id((year, group.as_str().to_owned()))
            .one(&self.db)
            .await?
            .and_then(view);
        let row = target::ActiveModel {
            year: Set(year),
            target_group: Set(group.as_str().to_owned()),
            percent: Set(request.percent),
            updated_by: Set(Some(principal.user_id)),
            updated_at: Set(Some(now())),
        };
        target::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([target::Column::Year, target::Column::TargetGroup])
                    .update_columns([
                        target::Column::Percent,
                        target::Column::UpdatedBy,
                        target::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec(&self.db)
            .await?;
        let after = target::Entity::find_by_id((year, group.as_str().to_owned()))
            .one(&self.db)
            .await?
            .and_then(view)
            .ok_or(AdministrationError::NotFound)?;
        Ok((before, after))
    }
}
