//! Storing question banks read from the content folder, idempotently.
//!
//! A question is matched by (course, code). Each row remembers the hash of the question
//! as last imported: an unchanged question is left alone — so a trainer's edit on the
//! platform survives re-imports until the file itself changes, and then the file wins.
//! A content question gone from its file is retired, not deleted (past attempts point
//! at it); if it comes back it is revived. Questions trainers wrote are never touched.

use std::collections::{HashMap, HashSet};

use data_encoding::HEXLOWER;
use hocvuso_kernel::{ids::new_id, time::now};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::bank::{ORIGIN_CONTENT, set_draft};
use crate::dto::{BankImportReport, QuestionDraft};
use crate::entity::question;
use crate::{Assessment, AssessmentError, Bank};

fn content_hash(draft: &QuestionDraft) -> Result<String, AssessmentError> {
    let bytes = serde_json::to_vec(draft).map_err(|e| AssessmentError::Corrupt(e.to_string()))?;
    Ok(HEXLOWER.encode(&Sha256::digest(&bytes)))
}

impl Assessment {
    /// Stores `banks` (from [`crate::load_banks`]) in one transaction; `course_ids` maps
    /// course codes to the ids the courses crate gave them. Nothing is written when a
    /// bank's course is unknown.
    pub async fn import_banks(
        &self,
        banks: &[Bank],
        course_ids: &HashMap<String, Uuid>,
    ) -> Result<BankImportReport, AssessmentError> {
        if let Some(bank) = banks
            .iter()
            .find(|b| !course_ids.contains_key(&b.course_code))
        {
            return Err(AssessmentError::UnknownCourse(bank.course_code.clone()));
        }
        let txn = self.db.begin().await?;
        let mut report = BankImportReport::default();
        let at = now();
        for bank in banks {
            let Some(&course_id) = course_ids.get(&bank.course_code) else {
                continue;
            };
            let existing: HashMap<String, question::Model> = question::Entity::find()
                .filter(question::Column::CourseId.eq(course_id))
                .all(&txn)
                .await?
                .into_iter()
                .map(|q| (q.code.clone(), q))
                .collect();
            let mut in_file = HashSet::new();
            for draft in &bank.questions {
                in_file.insert(draft.code.as_str());
                let hash = content_hash(draft)?;
                match existing.get(&draft.code) {
                    Some(found) if found.content_hash.as_deref() == Some(hash.as_str()) => {
                        report.unchanged += 1;
                    }
                    Some(found) => {
                        let version = found.version + 1;
                        let mut active = found.clone().into_active_model();
                        set_draft(&mut active, draft)?;
                        active.origin = Set(ORIGIN_CONTENT.to_owned());
                        active.content_hash = Set(Some(hash));
                        active.retired_at = Set(None);
                        active.version = Set(version);
                        active.updated_at = Set(at);
                        active.update(&txn).await?;
                        report.updated += 1;
                    }
                    None => {
                        let mut active = question::ActiveModel {
                            id: Set(new_id()),
                            course_id: Set(course_id),
                            origin: Set(ORIGIN_CONTENT.to_owned()),
                            content_hash: Set(Some(hash)),
                            version: Set(1),
                            retired_at: Set(None),
                            created_at: Set(at),
                            updated_at: Set(at),
                            ..Default::default()
                        };
                        set_draft(&mut active, draft)?;
                        active.insert(&txn).await?;
                        report.created += 1;
                    }
                }
            }
            for gone in existing.values().filter(|q| {
                q.origin == ORIGIN_CONTENT
                    && q.retired_at.is_none()
                    && !in_file.contains(q.code.as_str())
            }) {
                let version = gone.version + 1;
                let mut active = gone.clone().into_active_model();
                active.retired_at = Set(Some(at));
                // Forget the hash, so the question counts as changed if it comes back.
                active.content_hash = Set(None);
                active.version = Set(version);
                active.updated_at = Set(at);
                active.update(&txn).await?;
                report.retired += 1;
            }
        }
        txn.commit().await?;
        self.cache.forget();
        Ok(report)
    }
}
