//! Revocation and re-issue by administrators, with the reason kept in the audit trail,
//! and the status lists that publish revocations to verifiers who check offline.

use chrono::{DateTime, Utc};
use hocvuso_kernel::db::WriteTxn;
use hocvuso_kernel::time::now;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::credential::{AchievementSpec, Holder, sign};
use crate::dto::{CredentialEvent, CredentialView};
use crate::entity::{credential, credential_event};
use crate::issue::{Completion, event};
use crate::status_list::{encode, list_credential, revoked_entries};
use crate::{Certification, CertificationError};

fn reason_of(reason: &str) -> Result<String, CertificationError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CertificationError::ReasonRequired);
    }
    Ok(reason.to_owned())
}

/// Revokes record `id` unless it already is; `replaced` also makes it no longer the
/// learner's current record, so its successor can take that place.
async fn mark_revoked(
    txn: &WriteTxn,
    id: Uuid,
    actor: Uuid,
    reason: String,
    replaced: bool,
    at: DateTime<Utc>,
) -> Result<bool, CertificationError> {
    let mut update = credential::Entity::update_many()
        .col_expr(credential::Column::RevokedAt, Expr::value(at))
        .col_expr(credential::Column::RevocationReason, Expr::value(reason))
        .col_expr(credential::Column::RevokedBy, Expr::value(actor));
    if replaced {
        update = update.col_expr(
            credential::Column::CurrentKey,
            Expr::value(Option::<String>::None),
        );
    }
    let changed = update
        .filter(credential::Column::Id.eq(id))
        .filter(credential::Column::RevokedAt.is_null())
        .exec(txn)
        .await?;
    Ok(changed.rows_affected == 1)
}

impl Certification {
    /// Revokes a record for good; its status list entry flips to 1.
    pub async fn revoke(
        &self,
        id: Uuid,
        actor: Uuid,
        reason: &str,
    ) -> Result<CredentialView, CertificationError> {
        let reason = reason_of(reason)?;
        let txn = self.db.begin().await?;
        let at = now();
        if !mark_revoked(&txn, id, actor, reason.clone(), false, at).await? {
            txn.rollback().await?;
            self.record(id).await?;
            return Err(CertificationError::AlreadyRevoked);
        }
        event(&txn, id, "revoked", Some(actor), Some(reason), at).await?;
        txn.commit().await?;
        self.verified.forget();
        tracing::info!(credential = %id, "completion record revoked");
        self.view(&self.record(id).await?)
    }

    /// Replaces a record after a correction (a misspelt name, a wrong score): the old
    /// one is revoked with the reason, a new one issued from `holder` and `achievement`
    /// as they are now, in one transaction.
    pub async fn reissue(
        &self,
        id: Uuid,
        actor: Uuid,
        reason: &str,
        holder: &Holder,
        achievement: &AchievementSpec,
    ) -> Result<CredentialView, CertificationError> {
        let reason = reason_of(reason)?;
        let old = self.record(id).await?;
        if old.revoked_at.is_some() {
            return Err(CertificationError::AlreadyRevoked);
        }
        let completion = Completion {
            user_id: old.user_id,
            course_id: old.course_id,
            completed_at: crate::credential::payload(&old.token)?["validFrom"]
                .as_str()
                .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
                .map_or(old.issued_at, |t| t.with_timezone(&chrono::Utc)),
            score_percent: u32::try_from(old.score_percent).unwrap_or(0),
        };
        let txn = self.db.begin().await?;
        let at = now();
        let stated = format!("Cấp lại / reissued: {reason}");
        if !mark_revoked(&txn, id, actor, stated, true, at).await? {
            txn.rollback().await?;
            return Err(CertificationError::AlreadyRevoked);
        }
        let new = self
            .insert_record(&txn, &completion, holder, achievement, Some(id))
            .await?
            .map_err(|_| CertificationError::AlreadyRevoked)?;
        event(&txn, id, "revoked", Some(actor), Some(reason.clone()), at).await?;
        event(&txn, new.id, "reissued", Some(actor), Some(reason), at).await?;
        txn.commit().await?;
        self.verified.forget();
        self.view(&new)
    }

    /// A record's audit trail, oldest first: its issue (from the record itself, unless
    /// it was a re-issue, which the trail holds with its reason), then every change.
    pub async fn events(&self, id: Uuid) -> Result<Vec<CredentialEvent>, CertificationError> {
        let record = self.record(id).await?;
        let issued = record.replaces.is_none().then(|| CredentialEvent {
            action: "issued".into(),
            actor_id: None,
            reason: None,
            at: record.issued_at,
        });
        let changes = credential_event::Entity::find()
            .filter(credential_event::Column::CredentialId.eq(id))
            .order_by_asc(credential_event::Column::At)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|e| CredentialEvent {
                action: e.action,
                actor_id: e.actor_id,
                reason: e.reason,
                at: e.at,
            });
        Ok(issued.into_iter().chain(changes).collect())
    }

    /// Status list `id` as a signed Bitstring Status List credential (VC-JWT).
    pub async fn status_list(&self, id: i32) -> Result<String, CertificationError> {
        let revoked = revoked_entries(&self.db, id)
            .await?
            .ok_or(CertificationError::NotFound)?;
        let at = now();
        let json = list_credential(&self.config.issuer, id, encode(revoked)?, at);
        sign(&json, &self.config.issuer.id(), at, &self.config.keys)
    }
}
