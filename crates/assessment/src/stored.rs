//! The life of an attempt, shared by final quizzes and placement tests: drawing and
//! storing it, closing it exactly once (submitted, or expired when its time ran out),
//! and rendering it for the learner before and after.

use std::sync::Arc;

use chrono::TimeDelta;
use hocvuso_kernel::{ids::new_id, time::Timestamp};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr};
use uuid::Uuid;
use validator::Validate;

use crate::bank::{json, parse, to_draft};
use crate::closing::Closing;
use crate::draw::{Pick, PoolEntry};
use crate::dto::{
    AttemptKind, AttemptResult, AttemptStatus, AttemptView, ItemResult, QuestionView, Response,
    Submission,
};
use crate::entity::{attempt, attempt_answer, question};
use crate::grading::Item;
use crate::mastery::{Graded, raises};
use crate::{Assessment, AssessmentError};

/// Answers arriving this long after the deadline still count: the learner pressed
/// "submit" in time and the network was slow.
pub const GRACE: TimeDelta = TimeDelta::seconds(30);

pub(crate) fn final_key(user_id: Uuid, course_id: Uuid) -> String {
    format!("final:{user_id}:{course_id}")
}

pub(crate) fn placement_key(user_id: Uuid) -> String {
    format!("placement:{user_id}")
}

pub(crate) fn status(attempt: &attempt::Model) -> Result<AttemptStatus, AssessmentError> {
    AttemptStatus::parse(&attempt.status)
        .ok_or_else(|| AssessmentError::Corrupt(format!("attempt status {}", attempt.status)))
}

fn kind(attempt: &attempt::Model) -> AttemptKind {
    if attempt.kind == AttemptKind::Placement.as_str() {
        AttemptKind::Placement
    } else {
        AttemptKind::Final
    }
}

pub(crate) fn items(attempt: &attempt::Model) -> Result<Vec<Item>, AssessmentError> {
    parse(&attempt.items)
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// The draw's view of the pool's questions, in the pool's order.
pub(crate) fn pool_entries(rows: &[question::Model]) -> Vec<PoolEntry> {
    rows.iter()
        .filter_map(|row| {
            let draft = to_draft(row).ok()?;
            Some(PoolEntry {
                id: row.id,
                competency: draft.competency,
                level: draft.level,
                kind: draft.kind,
                option_count: draft.options.len(),
            })
        })
        .collect()
}

/// An attempt once closed, and whether closing it raised the learner's mastery of a
/// competency (which may make lessons skippable).
pub(crate) struct Closed {
    pub attempt: attempt::Model,
    pub mastery_rose: bool,
    /// The graded answers, when this request wrote them.
    pub answers: Option<Vec<attempt_answer::Model>>,
}

/// A new attempt, before it is stored.
pub(crate) struct NewAttempt {
    pub user_id: Uuid,
    pub kind: AttemptKind,
    pub course_id: Option<Uuid>,
    pub target_group: Option<String>,
    pub open_key: String,
    pub seed: u64,
    pub pass_mark: Option<u32>,
    pub minutes: u32,
}

/// The learner's view: prompts and shuffled options, nothing of the answer key.
pub(crate) fn view(
    attempt: &attempt::Model,
    now: Timestamp,
) -> Result<AttemptView, AssessmentError> {
    let questions = items(attempt)?
        .iter()
        .enumerate()
        .map(|(i, item)| QuestionView {
            item: to_u32(i),
            kind: item.kind,
            prompt: item.prompt.clone(),
            options: item.shown_options(),
        })
        .collect();
    Ok(AttemptView {
        id: attempt.id,
        kind: kind(attempt),
        course_id: attempt.course_id,
        status: status(attempt)?,
        started_at: attempt.started_at,
        deadline: attempt.deadline,
        seconds_left: (attempt.deadline - now).num_seconds().max(0),
        questions,
    })
}

impl Assessment {
    /// The active questions of `course_ids`, ordered by id: the pool is the same list
    /// whatever order the database returns rows in, which the seeded draw relies on.
    pub(crate) async fn active_pool(
        &self,
        course_ids: &[Uuid],
    ) -> Result<Vec<question::Model>, AssessmentError> {
        if course_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(question::Entity::find()
            .filter(question::Column::CourseId.is_in(course_ids.to_vec()))
            .filter(question::Column::RetiredAt.is_null())
            .order_by_asc(question::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// One course's active questions, ordered by id as [`Self::active_pool`], from the
    /// cache when fresh.
    pub(crate) async fn course_pool(
        &self,
        course_id: Uuid,
    ) -> Result<std::sync::Arc<Vec<question::Model>>, AssessmentError> {
        if let Some(hit) = self.cache.pools.get(&course_id).await {
            return Ok(hit);
        }
        let pool = std::sync::Arc::new(self.active_pool(&[course_id]).await?);
        self.cache.pools.insert(course_id, pool.clone()).await;
        Ok(pool)
    }

    pub(crate) async fn open_attempt(
        &self,
        open_key: &str,
    ) -> Result<Option<attempt::Model>, AssessmentError> {
        Ok(attempt::Entity::find()
            .filter(attempt::Column::OpenKey.eq(open_key))
            .one(&self.db)
            .await?)
    }

    /// A learner's own attempt of one kind; anyone else's is not found.
    pub(crate) async fn owned_attempt(
        &self,
        user_id: Uuid,
        attempt_id: Uuid,
        kind: AttemptKind,
    ) -> Result<attempt::Model, AssessmentError> {
        attempt::Entity::find_by_id(attempt_id)
            .filter(attempt::Column::UserId.eq(user_id))
            .filter(attempt::Column::Kind.eq(kind.as_str()))
            .one(&self.db)
            .await?
            .ok_or(AssessmentError::NotFound)
    }

    /// Stores a drawn attempt; when the learner already has one open for the same quiz
    /// (two starts racing), returns that one instead.
    pub(crate) async fn create_attempt(
        &self,
        new: NewAttempt,
        pool: &[question::Model],
        picks: &[Pick],
        now: Timestamp,
    ) -> Result<attempt::Model, AssessmentError> {
        let mut snapshot = Vec::with_capacity(picks.len());
        for pick in picks {
            let row = pool
                .get(pick.pool_index)
                .ok_or_else(|| AssessmentError::Corrupt("pick outside the pool".into()))?;
            let draft = to_draft(row)?;
            snapshot.push(Item {
                question_id: row.id,
                kind: draft.kind,
                competency: draft.competency,
                level: draft.level,
                prompt: draft.prompt,
                options: draft.options,
                order: pick.order.clone(),
                answer: draft.answer,
                answer_bool: draft.answer_bool,
                accepted: draft.accepted,
                diacritics_insensitive: draft.diacritics_insensitive,
                explanation: draft.explanation,
            });
        }
        let pool_ids: Vec<Uuid> = pool.iter().map(|q| q.id).collect();
        let row = attempt::ActiveModel {
            id: Set(new_id()),
            user_id: Set(new.user_id),
            kind: Set(new.kind.as_str().to_owned()),
            course_id: Set(new.course_id),
            target_group: Set(new.target_group),
            status: Set(AttemptStatus::Open.as_str().to_owned()),
            open_key: Set(Some(new.open_key.clone())),
            // Bit for bit: databases have no unsigned 64-bit integers.
            seed: Set(new.seed as i64),
            pool: Set(json(&pool_ids)?),
            items: Set(json(&snapshot)?),
            pass_mark: Set(new.pass_mark.map(|m| i32::try_from(m).unwrap_or(100))),
            started_at: Set(now),
            deadline: Set(now + TimeDelta::minutes(i64::from(new.minutes))),
            closed_at: Set(None),
            correct_count: Set(None),
            score_percent: Set(None),
            passed: Set(None),
        };
        match row.insert(&self.db).await {
            Ok(row) => Ok(row),
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => self
                .open_attempt(&new.open_key)
                .await?
                .ok_or(AssessmentError::Db(e)),
            Err(e) => Err(e.into()),
        }
    }

    /// Closes an open attempt whose time (and grace) is over, as expired.
    pub(crate) async fn settle(
        &self,
        attempt: attempt::Model,
        now: Timestamp,
    ) -> Result<attempt::Model, AssessmentError> {
        if status(&attempt)? == AttemptStatus::Open && now > attempt.deadline + GRACE {
            Ok(self.close(&attempt, None, now).await?.attempt)
        } else {
            Ok(attempt)
        }
    }

    /// Grades a submission once. A closed attempt is returned as stored, whatever is
    /// sent again; answers after the deadline (plus [`GRACE`]) close it as expired.
    pub(crate) async fn submit(
        &self,
        user_id: Uuid,
        attempt_id: Uuid,
        kind: AttemptKind,
        submission: &Submission,
        now: Timestamp,
    ) -> Result<Closed, AssessmentError> {
        let attempt = self.owned_attempt(user_id, attempt_id, kind).await?;
        match status(&attempt)? {
            AttemptStatus::Submitted => {
                return Ok(Closed {
                    attempt,
                    mastery_rose: false,
                    answers: None,
                });
            }
            AttemptStatus::Expired => return Err(AssessmentError::AttemptTimeOver),
            AttemptStatus::Open => {}
        }
        if now > attempt.deadline + GRACE {
            self.close(&attempt, None, now).await?;
            return Err(AssessmentError::AttemptTimeOver);
        }
        submission.validate()?;
        let items = items(&attempt)?;
        let mut responses: Vec<Option<Response>> = vec![None; items.len()];
        for (index, answer) in submission.answers.iter().enumerate() {
            let at = answer.item as usize;
            let (Some(item), Some(slot)) = (items.get(at), responses.get_mut(at)) else {
                return Err(AssessmentError::AnswerNotInAttempt { index });
            };
            if slot.is_some() {
                return Err(AssessmentError::AnswerDuplicated { index });
            }
            item.check_response(&answer.response)
                .map_err(|code| AssessmentError::AnswerMalformed { index, code })?;
            *slot = Some(answer.response.clone());
        }
        let closed = self.close(&attempt, Some(responses), now).await?;
        // Expired meanwhile by a concurrent request that saw the time run out.
        if status(&closed.attempt)? == AttemptStatus::Expired {
            return Err(AssessmentError::AttemptTimeOver);
        }
        Ok(closed)
    }

    /// Grades and closes an attempt, once: of two concurrent closings one wins and the
    /// other gets the winner's result. `None` responses mean the time ran out.
    async fn close(
        &self,
        attempt: &attempt::Model,
        responses: Option<Vec<Option<Response>>>,
        now: Timestamp,
    ) -> Result<Closed, AssessmentError> {
        let items = items(attempt)?;
        let (status, closed_at, responses) = match responses {
            Some(r) => (AttemptStatus::Submitted, now, r),
            None => (
                AttemptStatus::Expired,
                attempt.deadline,
                vec![None; items.len()],
            ),
        };
        let correct: Vec<bool> = items
            .iter()
            .zip(&responses)
            .map(|(item, r)| r.as_ref().is_some_and(|r| item.is_correct(r)))
            .collect();
        let total = items.len();
        let right = correct.iter().filter(|c| **c).count();
        let score = (right * 100).checked_div(total).unwrap_or(0);
        let passed = attempt.pass_mark.map(|mark| {
            let mark = usize::try_from(mark).unwrap_or(100);
            right * 100 >= mark * total
        });

        let graded: Vec<Graded> = items
            .iter()
            .zip(&correct)
            .map(|(item, correct)| Graded {
                competency: item.competency.clone(),
                level: item.level,
                correct: *correct,
            })
            .collect();
        // Expired attempts are no evidence of anything.
        let mastery_rose = status == AttemptStatus::Submitted
            && raises(&self.db, attempt.user_id, &graded).await?;
        let mut answers = Vec::with_capacity(total);
        for (position, ((item, response), correct)) in
            items.iter().zip(&responses).zip(correct).enumerate()
        {
            let response = match response {
                Some(r) => Some(
                    serde_json::to_string(r)
                        .map_err(|e| AssessmentError::Corrupt(e.to_string()))?,
                ),
                None => None,
            };
            answers.push(attempt_answer::Model {
                attempt_id: attempt.id,
                position: to_i32(position),
                question_id: item.question_id,
                competency: item.competency.clone(),
                level: item.level,
                response,
                correct,
            });
        }
        let closing = Closing {
            attempt_id: attempt.id,
            user_id: attempt.user_id,
            status,
            closed_at,
            correct_count: to_i32(right),
            score_percent: to_i32(score),
            passed,
            graded,
            answers,
        };
        let closing = Arc::new(closing);
        if !self.closer.write(closing.clone()).await? {
            // Another request closed it first: its result is the one stored.
            let attempt = attempt::Entity::find_by_id(attempt.id)
                .one(&self.db)
                .await?
                .ok_or(AssessmentError::NotFound)?;
            return Ok(Closed {
                attempt,
                mastery_rose: false,
                answers: None,
            });
        }
        // What was just written, without reading it back.
        let closed = attempt::Model {
            status: status.as_str().to_owned(),
            open_key: None,
            closed_at: Some(closed_at),
            correct_count: Some(to_i32(right)),
            score_percent: Some(to_i32(score)),
            passed,
            ..attempt.clone()
        };
        Ok(Closed {
            attempt: closed,
            mastery_rose,
            answers: Some(closing.answers.clone()),
        })
    }

    /// The stored result of a closed attempt, with the answers and explanations.
    pub(crate) async fn result_of(
        &self,
        attempt: &attempt::Model,
    ) -> Result<AttemptResult, AssessmentError> {
        self.result_with(attempt, None).await
    }

    /// [`Self::result_of`], with the graded answers when the caller has them already.
    pub(crate) async fn result_with(
        &self,
        attempt: &attempt::Model,
        graded: Option<Vec<attempt_answer::Model>>,
    ) -> Result<AttemptResult, AssessmentError> {
        let status = status(attempt)?;
        let closed_at = attempt
            .closed_at
            .ok_or(AssessmentError::AttemptNotSubmitted)?;
        let answers = match graded {
            Some(answers) => answers,
            None => {
                attempt_answer::Entity::find()
                    .filter(attempt_answer::Column::AttemptId.eq(attempt.id))
                    .order_by_asc(attempt_answer::Column::Position)
                    .all(&self.db)
                    .await?
            }
        };
        let items = items(attempt)?;
        let mut results = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let stored = answers.iter().find(|a| a.position == to_i32(i));
            let response: Option<Response> = match stored.and_then(|a| a.response.as_deref()) {
                Some(text) => Some(parse(text)?),
                None => None,
            };
            results.push(ItemResult {
                item: to_u32(i),
                kind: item.kind,
                competency: item.competency.clone(),
                prompt: item.prompt.clone(),
                options: item.shown_options(),
                response,
                correct: stored.is_some_and(|a| a.correct),
                correct_answer: item.correct_answer(),
                explanation: item.explanation.clone(),
            });
        }
        let non_negative = |v: Option<i32>| v.and_then(|v| u32::try_from(v).ok()).unwrap_or(0);
        Ok(AttemptResult {
            attempt_id: attempt.id,
            kind: kind(attempt),
            course_id: attempt.course_id,
            status,
            started_at: attempt.started_at,
            closed_at,
            correct_count: non_negative(attempt.correct_count),
            question_count: to_u32(items.len()),
            score_percent: non_negative(attempt.score_percent),
            pass_mark: attempt.pass_mark.and_then(|m| u32::try_from(m).ok()),
            passed: attempt.passed,
            answers_revealed: true,
            items: results,
        })
    }
}

fn to_i32(value: usize) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}
