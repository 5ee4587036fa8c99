//! Issuing: a completed course yields one current record per learner. Issuing again
//! returns it; a re-issue (after a correction) replaces it in the same transaction as
//! the old one's revocation.

use std::sync::atomic::Ordering;

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use hocvuso_kernel::ids::new_id;
use hocvuso_kernel::time::now;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use sha2::Sha256;
use uuid::Uuid;

use crate::code::VerificationCode;
use crate::credential::{AchievementSpec, Draft, Holder, credential_json, payload, sign, summary};
use crate::dto::CredentialView;
use crate::entity::{credential, credential_event};
use crate::status_list::{current_list, open_list, random_index};
use crate::{Certification, CertificationError};

/// Tries at one list before moving to the next: after this many taken entries in a
/// row, the list is most likely over half full.
const TRIES_PER_LIST: usize = 8;

/// A course completed, as the learning domain recorded it.
#[derive(Debug, Clone)]
pub struct Completion {
    pub user_id: Uuid,
    pub course_id: Uuid,
    pub completed_at: DateTime<Utc>,
    pub score_percent: u32,
}

pub(crate) fn current_key(user_id: Uuid, course_id: Uuid) -> String {
    format!("{user_id}:{course_id}")
}

pub(crate) async fn event(
    db: &impl ConnectionTrait,
    credential_id: Uuid,
    action: &str,
    actor_id: Option<Uuid>,
    reason: Option<String>,
    at: DateTime<Utc>,
) -> Result<(), CertificationError> {
    credential_event::Entity::insert(credential_event::ActiveModel {
        id: Set(new_id()),
        credential_id: Set(credential_id),
        action: Set(action.to_owned()),
        actor_id: Set(actor_id),
        reason: Set(reason),
        at: Set(at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

impl Certification {
    /// The record of a completion: a new one, or the current one when the learner has
    /// it already. The record's row is its own audit entry for the issue, so issuing
    /// is a single insert (the trail adds revocations and re-issues).
    pub async fn issue(
        &self,
        completion: &Completion,
        holder: &Holder,
        achievement: &AchievementSpec,
    ) -> Result<CredentialView, CertificationError> {
        match self
            .insert_record(&self.db, completion, holder, achievement, None)
            .await?
        {
            Ok(row) => {
                tracing::info!(course = %achievement.course_code, "completion record issued");
                self.view(&row)
            }
            Err(current) => self.view(&current),
        }
    }

    /// The courses a learner holds a current record for.
    pub async fn certified_courses(&self, user_id: Uuid) -> Result<Vec<Uuid>, CertificationError> {
        Ok(credential::Entity::find()
            .filter(credential::Column::UserId.eq(user_id))
            .filter(credential::Column::CurrentKey.is_not_null())
            .all(&self.db)
            .await?
            .into_iter()
            .map(|c| c.course_id)
            .collect())
    }

    /// Every record of a learner, newest first, revoked ones included.
    pub async fn records_of(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<CredentialView>, CertificationError> {
        credential::Entity::find()
            .filter(credential::Column::UserId.eq(user_id))
            .order_by_desc(credential::Column::IssuedAt)
            .all(&self.db)
            .await?
            .iter()
            .map(|row| self.view(row))
            .collect()
    }

    /// One record by id.
    pub async fn record(&self, id: Uuid) -> Result<credential::Model, CertificationError> {
        credential::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(CertificationError::NotFound)
    }

    pub fn view(&self, row: &credential::Model) -> Result<CredentialView, CertificationError> {
        let claims = payload(&row.token)?;
        let code = VerificationCode::parse(&row.code)?;
        Ok(CredentialView {
            id: row.id,
            code: code.to_string(),
            course_id: row.course_id,
            course_title: summary(&claims).course_title,
            holder_name: row.holder_name.clone(),
            score_percent: u32::try_from(row.score_percent).unwrap_or(0),
            issued_at: row.issued_at,
            valid_until: row.valid_until,
            revoked_at: row.revoked_at,
            revocation_reason: row.revocation_reason.clone(),
            replaces: row.replaces,
            verification_url: self.config.issuer.page_url(code.as_str()),
            token: row.token.clone(),
        })
    }

    fn national_id_hash(&self, holder: &Holder) -> Result<Option<String>, CertificationError> {
        let Some(id) = &holder.national_id else {
            return Ok(None);
        };
        let mut mac = <Hmac<Sha256>>::new_from_slice(&self.config.subject_key)
            .map_err(|e| CertificationError::Keys(e.to_string()))?;
        mac.update(id.as_bytes());
        Ok(Some(format!(
            "hmac-sha256${}",
            data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes())
        )))
    }

    /// Signs and stores a new current record (`Ok`); when the learner already has a
    /// current record for the course (issued before, or by a concurrent request), stores
    /// nothing and returns that one (`Err`).
    pub(crate) async fn insert_record(
        &self,
        db: &impl ConnectionTrait,
        completion: &Completion,
        holder: &Holder,
        achievement: &AchievementSpec,
        replaces: Option<Uuid>,
    ) -> Result<Result<credential::Model, credential::Model>, CertificationError> {
        let at = now();
        let national_id_hash = self.national_id_hash(holder)?;
        // Read outside the caller's transaction: on SQLite a transaction that reads
        // before it writes cannot take the write lock once another writer committed.
        let mut list = match self.list.load(Ordering::Relaxed) {
            0 => current_list(&self.db, at).await?,
            known => known,
        };
        let key = current_key(completion.user_id, completion.course_id);
        let mut attempt = 0usize;
        loop {
            attempt += 1;
            if attempt > TRIES_PER_LIST && attempt % TRIES_PER_LIST == 1 {
                list = open_list(db, list + 1, at).await?;
                self.list.store(list, Ordering::Relaxed);
            }
            let id = new_id();
            let code = VerificationCode::generate()?;
            let index = random_index()?;
            let draft = Draft {
                id,
                code: code.as_str(),
                issued_at: completion.completed_at,
                valid_until: self.config.validity.map(|v| at + v),
                score_percent: completion.score_percent,
                holder,
                national_id_hash: national_id_hash.clone(),
                achievement,
                status_list_url: self.config.issuer.status_list_url(list),
                status_index: index,
            };
            let json = credential_json(&draft, &self.config.issuer);
            let keys = &self.config.keys;
            let token = sign(&json, &self.config.issuer.id(), at, keys)?;
            let row = credential::Model {
                id,
                code: code.as_str().to_owned(),
                user_id: completion.user_id,
                course_id: completion.course_id,
                current_key: Some(key.clone()),
                status_list: list,
                status_index: i32::try_from(index).unwrap_or(0),
                token,
                kid: keys.signing().kid().to_owned(),
                holder_name: holder.name.clone(),
                score_percent: i32::try_from(completion.score_percent).unwrap_or(0),
                issued_at: at,
                valid_until: draft.valid_until,
                revoked_at: None,
                revocation_reason: None,
                revoked_by: None,
                replaces,
            };
            // Any clash (current record, code, status entry) inserts nothing rather
            // than failing the transaction; which one is told apart below.
            let inserted = credential::Entity::insert(row.clone().into_active_model())
                .on_conflict(OnConflict::new().do_nothing().to_owned())
                .exec_without_returning(db)
                .await?;
            if inserted == 1 {
                return Ok(Ok(row));
            }
            let taken = credential::Entity::find()
                .filter(credential::Column::CurrentKey.eq(key.clone()))
                .one(db)
                .await?;
            if let Some(current) = taken {
                return Ok(Err(current));
            }
        }
    }
}
