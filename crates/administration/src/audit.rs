//! The audit log: every administrative write, who made it, when, and the subject's
//! state before and after. Entries are scoped by the unit the write concerns, so an
//! administrator reads only what happened within their units.

use chrono::{DateTime, Utc};
use hocvuso_kernel::pagination::{Page, PageQuery};
use hocvuso_kernel::{Principal, ids::new_id, time::now};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::entity::audit_entry;
use crate::{Administration, AdministrationError};

/// A write to record. `unit_id` is the unit it concerns (none for platform-wide rows
/// such as the plan's targets, which only top-level administrators read).
#[derive(Debug, Clone)]
pub struct AuditRecord {
    pub actor_id: Uuid,
    pub action: &'static str,
    pub subject_kind: &'static str,
    pub subject_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub id: Uuid,
    pub actor_id: Uuid,
    /// e.g. `user.create`, `user.update`, `unit.create`, `target.set`, `people.import`,
    /// `credential.revoke`, `credential.reissue`.
    pub action: String,
    pub subject_kind: String,
    pub subject_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Only entries about this subject.
    pub subject_id: Option<Uuid>,
    /// Only this action.
    pub action: Option<String>,
}

fn parse_json(text: Option<String>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

impl Administration {
    pub async fn record(&self, record: AuditRecord) -> Result<(), AdministrationError> {
        let json = |v: Option<Value>| v.map(|v| v.to_string());
        audit_entry::ActiveModel {
            id: Set(new_id()),
            actor_id: Set(record.actor_id),
            action: Set(record.action.to_owned()),
            subject_kind: Set(record.subject_kind.to_owned()),
            subject_id: Set(record.subject_id),
            unit_id: Set(record.unit_id),
            before: Set(json(record.before)),
            after: Set(json(record.after)),
            at: Set(now()),
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }

    /// The entries an administrator may read, newest first, a page at a time.
    pub async fn audit_log(
        &self,
        principal: &Principal,
        filter: &AuditFilter,
        page: &PageQuery,
    ) -> Result<Page<AuditEntryView>, AdministrationError> {
        let units = self.identity.units(principal).await?;
        if units.is_empty() {
            return Err(AdministrationError::Forbidden);
        }
        let scope: Vec<Uuid> = units.iter().map(|u| u.id).collect();
        let mut in_scope = audit_entry::Column::UnitId.is_in(scope);
        // Entries of no unit (the plan's targets) are the country's.
        if self.identity.is_national(principal).await? {
            in_scope = in_scope.or(audit_entry::Column::UnitId.is_null());
        }
        // Ids are time-ordered (v7): newest first is descending id.
        let mut query = audit_entry::Entity::find()
            .filter(in_scope)
            .order_by_desc(audit_entry::Column::Id)
            .limit(page.limit() + 1);
        if let Some(subject) = filter.subject_id {
            query = query.filter(audit_entry::Column::SubjectId.eq(subject));
        }
        if let Some(action) = &filter.action {
            query = query.filter(audit_entry::Column::Action.eq(action.as_str()));
        }
        if let Some(before) = page
            .decode_cursor::<Uuid>()
            .map_err(AdministrationError::Page)?
        {
            query = query.filter(audit_entry::Column::Id.lt(before));
        }
        let rows = query
            .all(&self.db)
            .await?
            .into_iter()
            .map(|e| AuditEntryView {
                id: e.id,
                actor_id: e.actor_id,
                action: e.action,
                subject_kind: e.subject_kind,
                subject_id: e.subject_id,
                unit_id: e.unit_id,
                before: parse_json(e.before),
                after: parse_json(e.after),
                at: e.at,
            })
            .collect();
        Ok(Page::from_rows(rows, page.limit(), |e| e.id))
    }
}
