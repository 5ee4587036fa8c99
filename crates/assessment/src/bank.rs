//! Trainers' editing of a course's question bank: list (with answer keys — the caller
//! decides who may see them), write, edit and retire.
//!
//! Retiring never deletes: past attempts keep pointing at the question. Edits apply to
//! later attempts only, since each attempt keeps a copy of the questions it drew.

use hocvuso_kernel::{ids::new_id, time::now};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, SqlErr,
};
use uuid::Uuid;
use validator::Validate;

use crate::dto::{QuestionDetail, QuestionDraft, QuestionExposure, QuestionType};
use crate::entity::{attempt_answer, question};
use crate::{Assessment, AssessmentError, rules};

pub(crate) const ORIGIN_CONTENT: &str = "content";
pub(crate) const ORIGIN_TRAINER: &str = "trainer";

pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<String, AssessmentError> {
    serde_json::to_string(value).map_err(|e| AssessmentError::Corrupt(e.to_string()))
}

pub(crate) fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, AssessmentError> {
    serde_json::from_str(text).map_err(|e| AssessmentError::Corrupt(e.to_string()))
}

/// Writes a draft's fields into a row.
pub(crate) fn set_draft(
    active: &mut question::ActiveModel,
    draft: &QuestionDraft,
) -> Result<(), AssessmentError> {
    active.code = Set(draft.code.clone());
    active.competency = Set(draft.competency.clone());
    active.level = Set(draft.level);
    active.kind = Set(draft.kind.as_str().to_owned());
    active.prompt = Set(draft.prompt.clone());
    active.options = Set(json(&draft.options)?);
    active.answer = Set(json(&draft.answer)?);
    active.answer_bool = Set(draft.answer_bool);
    active.accepted = Set(json(&draft.accepted)?);
    active.diacritics_insensitive = Set(draft.diacritics_insensitive);
    active.explanation = Set(draft.explanation.clone());
    Ok(())
}

pub(crate) fn to_draft(row: &question::Model) -> Result<QuestionDraft, AssessmentError> {
    Ok(QuestionDraft {
        code: row.code.clone(),
        competency: row.competency.clone(),
        level: row.level,
        kind: QuestionType::parse(&row.kind)
            .ok_or_else(|| AssessmentError::Corrupt(format!("question type {}", row.kind)))?,
        prompt: row.prompt.clone(),
        options: parse(&row.options)?,
        answer: parse(&row.answer)?,
        answer_bool: row.answer_bool,
        accepted: parse(&row.accepted)?,
        diacritics_insensitive: row.diacritics_insensitive,
        explanation: row.explanation.clone(),
    })
}

pub(crate) fn to_detail(row: &question::Model) -> Result<QuestionDetail, AssessmentError> {
    Ok(QuestionDetail {
        id: row.id,
        course_id: row.course_id,
        draft: to_draft(row)?,
        origin: row.origin.clone(),
        version: row.version,
        retired_at: row.retired_at,
        updated_at: row.updated_at,
    })
}

fn taken_or(err: sea_orm::DbErr, code: &str) -> AssessmentError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            AssessmentError::QuestionCodeTaken(code.to_owned())
        }
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => AssessmentError::NotFound,
        _ => AssessmentError::Db(err),
    }
}

impl Assessment {
    /// A course's questions by code, retired ones too when asked.
    pub async fn questions(
        &self,
        course_id: Uuid,
        include_retired: bool,
    ) -> Result<Vec<QuestionDetail>, AssessmentError> {
        let mut query = question::Entity::find()
            .filter(question::Column::CourseId.eq(course_id))
            .order_by_asc(question::Column::Code);
        if !include_retired {
            query = query.filter(question::Column::RetiredAt.is_null());
        }
        query.all(&self.db).await?.iter().map(to_detail).collect()
    }

    /// Refuses to let a course with a final quiz be published while its active bank has
    /// fewer than three times the questions one attempt draws: a small bank's answer
    /// list is the quiz. A course without questions has no quiz to protect.
    pub async fn check_bank_for_publishing(&self, course_id: Uuid) -> Result<(), AssessmentError> {
        let have = self.course_pool(course_id).await?.len();
        if have == 0 {
            return Ok(());
        }
        let need = self.bank_needed(course_id).await?;
        if have < need {
            return Err(AssessmentError::BankTooSmall { have, need });
        }
        Ok(())
    }

    /// How many active questions a course's bank needs: three times its draw.
    pub async fn bank_needed(&self, course_id: Uuid) -> Result<usize, AssessmentError> {
        let drawn = self.stored_settings(course_id).await?.question_count;
        Ok(usize::try_from(drawn)
            .unwrap_or(usize::MAX)
            .saturating_mul(3))
    }

    /// The courses (of `course_ids`, by code) whose bank is below [`Self::bank_needed`],
    /// with how many questions they have and need: reported by the curriculum import.
    pub async fn short_banks(
        &self,
        course_ids: &std::collections::HashMap<String, Uuid>,
    ) -> Result<Vec<(String, usize, usize)>, AssessmentError> {
        let mut short = Vec::new();
        for (code, id) in course_ids {
            let have = self.course_pool(*id).await?.len();
            let need = self.bank_needed(*id).await?;
            if have > 0 && have < need {
                short.push((code.clone(), have, need));
            }
        }
        short.sort();
        Ok(short)
    }

    /// Every question of a course (retired too) with how often finished attempts drew
    /// it and how often it was answered right, most drawn first.
    pub async fn exposure(
        &self,
        course_id: Uuid,
    ) -> Result<Vec<QuestionExposure>, AssessmentError> {
        use sea_orm::QuerySelect;
        let bank = question::Entity::find()
            .filter(question::Column::CourseId.eq(course_id))
            .all(&self.db)
            .await?;
        let ids: Vec<Uuid> = bank.iter().map(|q| q.id).collect();
        let counts: std::collections::HashMap<Uuid, (i64, i64)> = attempt_answer::Entity::find()
            .select_only()
            .column(attempt_answer::Column::QuestionId)
            .column_as(Expr::cust("COUNT(*)"), "drawn")
            .column_as(
                Expr::cust("SUM(CASE WHEN correct THEN 1 ELSE 0 END)"),
                "answered_right",
            )
            .filter(attempt_answer::Column::QuestionId.is_in(ids))
            .group_by(attempt_answer::Column::QuestionId)
            .into_tuple::<(Uuid, i64, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, drawn, right)| (id, (drawn, right)))
            .collect();
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        let mut exposure: Vec<QuestionExposure> = bank
            .into_iter()
            .map(|q| {
                let (drawn, right) = counts.get(&q.id).copied().unwrap_or((0, 0));
                QuestionExposure {
                    question_id: q.id,
                    code: q.code,
                    drawn: count(drawn),
                    answered_right: count(right),
                    retired: q.retired_at.is_some(),
                }
            })
            .collect();
        exposure.sort_by(|a, b| b.drawn.cmp(&a.drawn).then_with(|| a.code.cmp(&b.code)));
        Ok(exposure)
    }

    /// Whether the course has a final quiz: any question in its active bank.
    pub async fn has_final_quiz(&self, course_id: Uuid) -> Result<bool, AssessmentError> {
        Ok(!self.course_pool(course_id).await?.is_empty())
    }

    pub async fn question(&self, question_id: Uuid) -> Result<QuestionDetail, AssessmentError> {
        let row = question::Entity::find_by_id(question_id)
            .one(&self.db)
            .await?
            .ok_or(AssessmentError::NotFound)?;
        to_detail(&row)
    }

    pub async fn create_question(
        &self,
        course_id: Uuid,
        draft: &QuestionDraft,
    ) -> Result<QuestionDetail, AssessmentError> {
        self.check_draft(draft).await?;
        let at = now();
        let mut active = question::ActiveModel {
            id: Set(new_id()),
            course_id: Set(course_id),
            origin: Set(ORIGIN_TRAINER.to_owned()),
            content_hash: Set(None),
            version: Set(1),
            retired_at: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        set_draft(&mut active, draft)?;
        let row = active
            .insert(&self.db)
            .await
            .map_err(|e| taken_or(e, &draft.code))?;
        self.cache.forget();
        to_detail(&row)
    }

    /// Replaces a question's content; attempts already drawn keep what they showed.
    pub async fn update_question(
        &self,
        question_id: Uuid,
        draft: &QuestionDraft,
    ) -> Result<QuestionDetail, AssessmentError> {
        self.check_draft(draft).await?;
        let row = question::Entity::find_by_id(question_id)
            .one(&self.db)
            .await?
            .ok_or(AssessmentError::NotFound)?;
        let version = row.version + 1;
        let mut active = row.into_active_model();
        set_draft(&mut active, draft)?;
        active.version = Set(version);
        active.updated_at = Set(now());
        let row = active
            .update(&self.db)
            .await
            .map_err(|e| taken_or(e, &draft.code))?;
        self.cache.forget();
        to_detail(&row)
    }

    /// Stops drawing a question; idempotent.
    pub async fn retire_question(
        &self,
        question_id: Uuid,
    ) -> Result<QuestionDetail, AssessmentError> {
        let row = question::Entity::find_by_id(question_id)
            .one(&self.db)
            .await?
            .ok_or(AssessmentError::NotFound)?;
        if row.retired_at.is_some() {
            return to_detail(&row);
        }
        let version = row.version + 1;
        let at = now();
        let mut active = row.into_active_model();
        active.retired_at = Set(Some(at));
        active.version = Set(version);
        active.updated_at = Set(at);
        let row = active.update(&self.db).await?;
        self.cache.forget();
        to_detail(&row)
    }

    /// The draft's bounds, then the question rules, every broken one reported.
    async fn check_draft(&self, draft: &QuestionDraft) -> Result<(), AssessmentError> {
        draft.validate()?;
        let known = self.competency_exists(&draft.competency).await?;
        let violations = rules::check(draft, known);
        if violations.is_empty() {
            Ok(())
        } else {
            Err(AssessmentError::InvalidQuestion(
                violations
                    .into_iter()
                    .map(rules::Violation::into_field_error)
                    .collect(),
            ))
        }
    }

    /// Whether the framework (imported by the courses crate) has this competency. Read
    /// through a plain query: the table is the courses crate's, and this crate only asks.
    async fn competency_exists(&self, code: &str) -> Result<bool, AssessmentError> {
        let query = Query::select()
            .expr(Expr::col(Alias::new("code")))
            .from(Alias::new("competencies"))
            .and_where(Expr::col(Alias::new("code")).eq(code))
            .to_owned();
        Ok(self.db.query_one(&query).await?.is_some())
    }
}
