//! A completed course gets its record. Learning says which courses a step completed;
//! certification issues exactly those, from the holder's identity and the course's
//! achievement. Issuing is idempotent (one current record per learner and course), so
//! a step may run again safely; a process that dies between the completion and the
//! issue leaves a completion without a record, which [`Platform::reconcile`] finds.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hocvuso_certification::dto::CredentialView;
use hocvuso_certification::issue::Completion;
use hocvuso_certification::{AchievementSpec, Competency, Holder, IdentityCheck};
use hocvuso_courses::dto::FrameworkView;
use hocvuso_enrollment::enrol::CompletedCourse;
use hocvuso_identity::IdentityEvidence;
use hocvuso_kernel::Principal;
use uuid::Uuid;

use crate::audit::Audited;
use crate::{JourneyError, JourneyResult, Platform};

/// How many completions one reconcile pass reads at a time.
const RECONCILE_PAGE: u64 = 500;

impl Platform {
    /// The holder as a record names them.
    async fn holder_of(&self, user: Uuid) -> JourneyResult<Holder> {
        let (name, cccd, evidence) = self.identity.credential_subject(user).await?;
        Ok(Holder {
            name,
            national_id: cccd.map(|c| c.as_str().to_owned()),
            identity_check: evidence.map(|e| match e {
                IdentityEvidence::Vneid { assurance } => IdentityCheck::Vneid { assurance },
                IdentityEvidence::WardRegister => IdentityCheck::WardRegister,
            }),
        })
    }

    /// What a course's record says was achieved; `None` for a course that is gone.
    async fn achievement_of(
        &self,
        framework: &FrameworkView,
        course_id: Uuid,
    ) -> JourneyResult<Option<AchievementSpec>> {
        let Some(structure) = self.courses.structure(course_id).await? else {
            return Ok(None);
        };
        let summary = match self.courses.course(&structure.code).await {
            Ok(detail) => detail.value.course.summary.clone(),
            // Archived since: the record still names the course.
            Err(_) => structure.title.clone(),
        };
        let name_of = |code: &str| {
            framework
                .domains
                .iter()
                .flat_map(|d| &d.competencies)
                .find(|c| c.code == code)
                .map_or_else(|| code.to_owned(), |c| c.name.clone())
        };
        Ok(Some(AchievementSpec {
            course_code: structure.code.clone(),
            title: structure.title.clone(),
            summary,
            level: structure.level,
            pass_mark: u32::try_from(structure.pass_mark).unwrap_or(0),
            has_final_quiz: self.assessment.has_final_quiz(course_id).await?,
            competencies: structure
                .competencies
                .iter()
                .map(|code| Competency {
                    code: code.clone(),
                    name: name_of(code),
                })
                .collect(),
        }))
    }

    /// Issues the record of each course the learner just completed.
    pub async fn certify(&self, user: Uuid, completed: &[CompletedCourse]) -> JourneyResult<()> {
        self.issue_records(user, completed).await.map(drop)
    }

    /// [`Platform::certify`], counting the records issued (a course that is gone
    /// gets none).
    async fn issue_records(
        &self,
        user: Uuid,
        completed: &[CompletedCourse],
    ) -> JourneyResult<usize> {
        let mut issued = 0;
        if completed.is_empty() {
            return Ok(issued);
        }
        // A crash test stops the process here: completed, no record yet.
        fail::fail_point!("completion.before_issue");
        let holder = self.holder_of(user).await?;
        let framework = self.courses.framework().await?;
        for done in completed {
            let Some(achievement) = self.achievement_of(&framework, done.course_id).await? else {
                continue;
            };
            let completion = Completion {
                user_id: user,
                course_id: done.course_id,
                completed_at: done.completed_at,
                score_percent: done
                    .final_score
                    .and_then(|s| u32::try_from(s).ok())
                    .unwrap_or(100),
            };
            self.certification
                .issue(&completion, &holder, &achievement)
                .await?;
            issued += 1;
        }
        Ok(issued)
    }

    /// Issues the record of every completion since `since` that has none (a process
    /// died between the two). Idempotent; returns how many records it issued.
    pub async fn reconcile(&self, since: DateTime<Utc>) -> JourneyResult<usize> {
        let mut issued = 0;
        let mut from = since;
        loop {
            let page = self
                .learning
                .completions_where(
                    from,
                    |learner, course| {
                        use sea_orm::sea_query::ExprTrait;
                        hocvuso_certification::census::holds_record(learner, course).not()
                    },
                    RECONCILE_PAGE,
                )
                .await?;
            let full = u64::try_from(page.len()).is_ok_and(|n| n == RECONCILE_PAGE);
            let Some((_, last)) = page.last() else {
                break;
            };
            let next_from = last.completed_at;
            for (user, completed) in page {
                issued += self
                    .issue_records(user, std::slice::from_ref(&completed))
                    .await?;
            }
            // Issued rows leave the condition; those left (courses that are gone) are
            // passed by moving on in time.
            if !full || next_from == from {
                break;
            }
            from = next_from;
        }
        if issued > 0 {
            tracing::warn!(issued, "records issued for completions that had none");
        }
        Ok(issued)
    }

    /// Runs [`Platform::reconcile`] every `every`, over the completions of the last
    /// `window`, for as long as the process runs. Errors are logged and retried.
    pub fn spawn_reconciler(&self, every: Duration, window: chrono::Duration) {
        let platform = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                if let Err(e) = platform.reconcile(Utc::now() - window).await {
                    tracing::error!(error = %e, "reconciling completions failed");
                }
            }
        });
    }

    /// Re-issues a record after a correction (e.g. the holder's name): the old one is
    /// revoked with the reason, a new one issued from the current profile and course.
    /// Administrators of the holder's unit; audited.
    pub async fn reissue_record(
        &self,
        admin: &Principal,
        id: Uuid,
        reason: &str,
    ) -> JourneyResult<CredentialView> {
        let record = self.administered_record(admin, id).await?;
        let holder = self.holder_of(record.user_id).await?;
        let framework = self.courses.framework().await?;
        let achievement = self
            .achievement_of(&framework, record.course_id)
            .await?
            .ok_or(JourneyError::NotFound)?;
        let view = self
            .certification
            .reissue(id, admin.user_id, reason, &holder, &achievement)
            .await?;
        let what = self
            .record_write("credential.reissue", admin, &record)
            .await?;
        let before = serde_json::json!({"status": "valid"});
        let after =
            serde_json::json!({"status": "revoked", "reason": reason, "replaced_by": view.id});
        self.audit(admin, what, Some(before), Some(after)).await?;
        Ok(view)
    }

    /// Revokes a record with the reason (administrators of the holder's unit; audited).
    pub async fn revoke_record(
        &self,
        admin: &Principal,
        id: Uuid,
        reason: &str,
    ) -> JourneyResult<CredentialView> {
        let record = self.administered_record(admin, id).await?;
        let revoked = self.certification.revoke(id, admin.user_id, reason).await?;
        let what = self
            .record_write("credential.revoke", admin, &record)
            .await?;
        let before = serde_json::json!({"status": "valid"});
        let after = serde_json::json!({"status": "revoked", "reason": reason});
        self.audit(admin, what, Some(before), Some(after)).await?;
        Ok(revoked)
    }

    async fn record_write(
        &self,
        action: &'static str,
        admin: &Principal,
        record: &hocvuso_certification::entity::credential::Model,
    ) -> JourneyResult<Audited> {
        Ok(Audited {
            action,
            subject_kind: "credential",
            subject_id: Some(record.id),
            // The holder's unit: who may read the entry.
            unit_id: self.identity.user(admin, record.user_id).await?.unit_id,
        })
    }
}
