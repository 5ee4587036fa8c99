//! Records a page at a time, in the order they were issued, for exports that stream
//! any number of them and resume after the last one a client received.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entity::credential;
use crate::{Certification, CertificationError};

/// Which records an export takes.
#[derive(Debug, Clone, Default)]
pub struct RecordQuery {
    /// A condition on the holder (built on [`crate::census::holder`]).
    pub holder: Option<Expr>,
    pub course_id: Option<Uuid>,
    pub issued_from: Option<DateTime<Utc>>,
    pub issued_to: Option<DateTime<Utc>>,
    /// Read the signed credential too (about 2 KB a record): only what needs it does.
    pub with_token: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordStatus {
    Valid,
    Revoked,
    Expired,
}

impl RecordStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordStatus::Valid => "valid",
            RecordStatus::Revoked => "revoked",
            RecordStatus::Expired => "expired",
        }
    }
}

/// One record as an export shows it.
#[derive(Debug, Clone)]
pub struct RecordRow {
    pub id: Uuid,
    /// Grouped for reading: `7KQ2M-9XH4D`.
    pub code: String,
    pub holder_id: Uuid,
    pub course_id: Uuid,
    pub holder_name: String,
    pub score_percent: i32,
    pub issued_at: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub status: RecordStatus,
    /// The signed credential (VC-JWT).
    pub token: String,
    pub verification_url: String,
}

impl Certification {
    /// Up to `limit` records after the record `after`, oldest first.
    pub async fn records_after(
        &self,
        query: &RecordQuery,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<RecordRow>, CertificationError> {
        let mut select = credential::Entity::find();
        if let Some(holder) = &query.holder {
            select = select.filter(holder.clone());
        }
        if let Some(course) = query.course_id {
            select = select.filter(credential::Column::CourseId.eq(course));
        }
        if let Some(from) = query.issued_from {
            select = select.filter(credential::Column::IssuedAt.gte(from));
        }
        if let Some(to) = query.issued_to {
            select = select.filter(credential::Column::IssuedAt.lt(to));
        }
        if let Some(after) = after {
            select = select.filter(credential::Column::Id.gt(after));
        }
        if !query.with_token {
            use sea_orm::Iterable;
            select = select
                .select_only()
                .columns(
                    credential::Column::iter().filter(|c| !matches!(c, credential::Column::Token)),
                )
                .column_as(Expr::val(""), "token");
        }
        let now = Utc::now();
        let rows = select
            .order_by_asc(credential::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let status = if row.revoked_at.is_some() {
                    RecordStatus::Revoked
                } else if row.valid_until.is_some_and(|until| until <= now) {
                    RecordStatus::Expired
                } else {
                    RecordStatus::Valid
                };
                let code = crate::VerificationCode::parse(&row.code)
                    .map(|c| c.to_string())
                    .unwrap_or_else(|_| row.code.clone());
                RecordRow {
                    id: row.id,
                    verification_url: self.config.issuer.page_url(&row.code),
                    code,
                    holder_id: row.user_id,
                    course_id: row.course_id,
                    holder_name: row.holder_name,
                    score_percent: row.score_percent,
                    issued_at: row.issued_at,
                    valid_until: row.valid_until,
                    revoked_at: row.revoked_at,
                    status,
                    token: row.token,
                }
            })
            .collect())
    }
}
