//! Records a page at a time, in the order they were issued, for exports that stream
//! any number of them and resume after the last one a client received.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, TableRef};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use uuid::Uuid;

use crate::census::holder;
use crate::entity::credential;
use crate::{Certification, CertificationError};

/// Which records an export takes.
#[derive(Debug, Clone, Default)]
pub struct RecordQuery {
    /// A condition on the holder (built on [`crate::census::holder`]).
    pub holder: Option<Expr>,
    /// What each row should tell of its holder, from the domain that knows people.
    pub holder_facts: Option<HolderFacts>,
    pub course_id: Option<Uuid>,
    pub issued_from: Option<DateTime<Utc>>,
    pub issued_to: Option<DateTime<Utc>>,
    /// Read the signed credential too (about 2 KB a record): only what needs it does.
    pub with_token: bool,
}

/// Another domain's table of people, joined on each record's holder in the same query
/// (a second query per page for them cost an export a quarter of its speed).
#[derive(Debug, Clone)]
pub struct HolderFacts {
    pub people: TableRef,
    /// The person's id in `people`, to equal the record's holder.
    pub person: Expr,
    /// The person's unit (a UUID, or null).
    pub unit_id: Expr,
    /// The person's target group's code (or null).
    pub target_group: Expr,
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
    /// From [`HolderFacts`], when the query asked for them.
    pub holder_unit_id: Option<Uuid>,
    pub holder_target_group: Option<String>,
    pub score_percent: i32,
    pub issued_at: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub status: RecordStatus,
    /// The signed credential (VC-JWT).
    pub token: String,
    pub verification_url: String,
}

/// A record's columns that exports show, with its holder's facts.
#[derive(FromQueryResult)]
struct Exported {
    id: Uuid,
    code: String,
    user_id: Uuid,
    course_id: Uuid,
    holder_name: String,
    score_percent: i32,
    issued_at: DateTime<Utc>,
    valid_until: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    token: String,
    holder_unit_id: Option<Uuid>,
    holder_target_group: Option<String>,
}

impl Certification {
    /// Up to `limit` records after the record `after`, oldest first.
    pub async fn records_after(
        &self,
        query: &RecordQuery,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<RecordRow>, CertificationError> {
        use credential::Column as C;
        let mut select = credential::Entity::find().select_only().columns([
            C::Id,
            C::Code,
            C::UserId,
            C::CourseId,
            C::HolderName,
            C::ScorePercent,
            C::IssuedAt,
            C::ValidUntil,
            C::RevokedAt,
        ]);
        select = if query.with_token {
            select.column(C::Token)
        } else {
            select.column_as(Expr::val(""), "token")
        };
        select = match &query.holder_facts {
            // A left join keeps the records the outer loop on both databases, read in
            // the order of their key, so a page costs its own rows and no sort.
            Some(facts) => {
                QueryTrait::query(&mut select).join(
                    JoinType::LeftJoin,
                    facts.people.clone(),
                    facts.person.clone().eq(holder()),
                );
                select
                    .column_as(facts.unit_id.clone(), "holder_unit_id")
                    .column_as(facts.target_group.clone(), "holder_target_group")
            }
            None => select
                .column_as(Expr::cust("NULL"), "holder_unit_id")
                .column_as(Expr::cust("NULL"), "holder_target_group"),
        };
        if let Some(holder) = &query.holder {
            select = select.filter(holder.clone());
        }
        if let Some(course) = query.course_id {
            select = select.filter(C::CourseId.eq(course));
        }
        if let Some(from) = query.issued_from {
            select = select.filter(C::IssuedAt.gte(from));
        }
        if let Some(to) = query.issued_to {
            select = select.filter(C::IssuedAt.lt(to));
        }
        if let Some(after) = after {
            select = select.filter(C::Id.gt(after));
        }
        let now = Utc::now();
        let rows = select
            .order_by_asc(C::Id)
            .limit(limit)
            .into_model::<Exported>()
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
                    holder_unit_id: row.holder_unit_id,
                    holder_target_group: row.holder_target_group,
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
