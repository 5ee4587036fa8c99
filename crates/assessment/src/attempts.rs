//! A course's final quiz: starting (or resuming) an attempt, submitting it, the
//! learner's standing in the course, and the audit replay of a draw.
//!
//! Limits are checked when an attempt starts: at most `max_attempts` finished attempts
//! (0 = unlimited), `cooldown_minutes` between the end of one and the start of the
//! next, one open attempt at a time — starting again returns it, which is kinder on a
//! connection that drops than an error would be.

use chrono::TimeDelta;
use hocvuso_kernel::time::{Timestamp, now};
use sea_orm::sea_query::{Expr, Func, NullOrdering, Order};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;
use validator::Validate;

use crate::bank::parse;
use crate::draw::{draw_placement, draw_quiz, random_seed};
use crate::dto::{
    AttemptKind, AttemptResult, AttemptStatus, AttemptView, CourseResult, Grading, QuizSettings,
    ReplayReport, ReplayedQuestion, RevealPolicy, Submission,
};
use crate::entity::{attempt, question};
use crate::placement::{PLACEMENT_MAX_QUESTIONS, PLACEMENT_PER_COMPETENCY};
use crate::stored::{NewAttempt, final_key, items, pool_entries, status, view};
use crate::{Assessment, AssessmentError};

#[derive(FromQueryResult)]
struct ClosedAttempt {
    id: Uuid,
    score_percent: Option<i32>,
    passed: Option<bool>,
}

#[derive(FromQueryResult)]
struct Finished {
    count: i64,
    last_closed_at: Option<Timestamp>,
}

/// The final-quiz attempt that counts for a course under its grading method.
pub struct CountedAttempt {
    pub attempt_id: Uuid,
    pub score_percent: u32,
    pub passed: bool,
}

/// A graded final-quiz submission.
pub struct Submitted {
    pub result: AttemptResult,
    /// Some competency's mastery level went up with this submission.
    pub mastery_rose: bool,
}

impl Assessment {
    /// Starts a final-quiz attempt, or returns the open one.
    pub async fn start_attempt(
        &self,
        user_id: Uuid,
        course_id: Uuid,
        settings: &QuizSettings,
    ) -> Result<AttemptView, AssessmentError> {
        self.start_attempt_at(user_id, course_id, settings, now())
            .await
    }

    pub(crate) async fn start_attempt_at(
        &self,
        user_id: Uuid,
        course_id: Uuid,
        settings: &QuizSettings,
        now: Timestamp,
    ) -> Result<AttemptView, AssessmentError> {
        settings.validate()?;
        let key = final_key(user_id, course_id);
        if let Some(open) = self.open_attempt(&key).await? {
            let open = self.settle(open, now).await?;
            if status(&open)? == AttemptStatus::Open {
                return view(&open, now);
            }
        }
        let finished = self.finished(user_id, course_id).await?;
        if settings.max_attempts > 0 && finished.count >= i64::from(settings.max_attempts) {
            return Err(AssessmentError::AttemptLimitReached);
        }
        if let Some(until) = finished
            .last_closed_at
            .and_then(|last| cooldown_after(last, settings.cooldown_minutes))
            && now < until
        {
            let wait = u64::try_from((until - now).num_milliseconds()).unwrap_or(0);
            let retry_after = wait.div_ceil(1000).max(1);
            return Err(AssessmentError::AttemptCooldown { retry_after });
        }
        let pool = self.course_pool(course_id).await?;
        if pool.is_empty() {
            return Err(AssessmentError::QuizUnavailable);
        }
        let seed = random_seed().map_err(|e| AssessmentError::Random(e.to_string()))?;
        let picks = draw_quiz(seed, &pool_entries(&pool), settings.question_count as usize);
        let new = NewAttempt {
            user_id,
            kind: AttemptKind::Final,
            course_id: Some(course_id),
            target_group: None,
            open_key: key,
            seed,
            pass_mark: Some(settings.pass_mark),
            minutes: settings.time_limit_minutes,
        };
        let attempt = self.create_attempt(new, &pool, &picks, now).await?;
        view(&attempt, now)
    }

    /// A learner's attempt (final or placement) as they see it, to resume.
    pub async fn attempt(
        &self,
        user_id: Uuid,
        attempt_id: Uuid,
    ) -> Result<AttemptView, AssessmentError> {
        let at = now();
        let found = attempt::Entity::find_by_id(attempt_id)
            .filter(attempt::Column::UserId.eq(user_id))
            .one(&self.db)
            .await?
            .ok_or(AssessmentError::NotFound)?;
        view(&self.settle(found, at).await?, at)
    }

    /// Grades a final-quiz attempt once and returns its result; sent again, returns the
    /// same stored result. The server's clock decides if it came in time.
    pub async fn submit_attempt(
        &self,
        user_id: Uuid,
        attempt_id: Uuid,
        submission: &Submission,
    ) -> Result<AttemptResult, AssessmentError> {
        self.submit_attempt_at(user_id, attempt_id, submission, now())
            .await
    }

    /// As [`Self::submit_attempt`], also telling whether this submission raised the
    /// learner's mastery of a competency: only then can lessons become skippable.
    pub async fn submit_final(
        &self,
        user_id: Uuid,
        attempt_id: Uuid,
        submission: &Submission,
    ) -> Result<Submitted, AssessmentError> {
        self.submit_final_at(user_id, attempt_id, submission, now())
            .await
    }

    pub(crate) async fn submit_attempt_at(
        &self,
        user_id: Uuid,
        attempt_id: Uuid,
        submission: &Submission,
        now: Timestamp,
    ) -> Result<AttemptResult, AssessmentError> {
        Ok(self
            .submit_final_at(user_id, attempt_id, submission, now)
            .await?
            .result)
    }

    async fn submit_final_at(
        &self,
        user_id: Uuid,
        attempt_id: Uuid,
        submission: &Submission,
        now: Timestamp,
    ) -> Result<Submitted, AssessmentError> {
        let closed = self
            .submit(user_id, attempt_id, AttemptKind::Final, submission, now)
            .await?;
        let result = self.result_with(&closed.attempt, closed.answers).await?;
        Ok(Submitted {
            result: self.as_policy_allows(user_id, result).await?,
            mastery_rose: closed.mastery_rose,
        })
    }

    /// A final-quiz result as its course's reveal policy lets the learner see it.
    async fn as_policy_allows(
        &self,
        user_id: Uuid,
        mut result: AttemptResult,
    ) -> Result<AttemptResult, AssessmentError> {
        let Some(course_id) = result.course_id else {
            return Ok(result);
        };
        let settings = self.stored_settings(course_id).await?;
        let passed = result.passed == Some(true);
        let reveal = match settings.reveal {
            RevealPolicy::Never => false,
            RevealPolicy::AfterPass => passed,
            RevealPolicy::AfterLastAttempt => {
                passed || {
                    let used = self.finished(user_id, course_id).await?.count;
                    settings.max_attempts > 0 && used >= i64::from(settings.max_attempts)
                }
            }
        };
        if !reveal {
            result.withhold_answers();
        }
        Ok(result)
    }

    /// The result of a finished final-quiz attempt.
    pub async fn attempt_result(
        &self,
        user_id: Uuid,
        attempt_id: Uuid,
    ) -> Result<AttemptResult, AssessmentError> {
        let found = self
            .owned_attempt(user_id, attempt_id, AttemptKind::Final)
            .await?;
        let result = self.result_of(&self.settle(found, now()).await?).await?;
        self.as_policy_allows(user_id, result).await
    }

    /// Where the learner stands in a course's final quiz.
    pub async fn course_result(
        &self,
        user_id: Uuid,
        course_id: Uuid,
    ) -> Result<CourseResult, AssessmentError> {
        self.course_result_at(user_id, course_id, now()).await
    }

    pub(crate) async fn course_result_at(
        &self,
        user_id: Uuid,
        course_id: Uuid,
        now: Timestamp,
    ) -> Result<CourseResult, AssessmentError> {
        let settings = self.stored_settings(course_id).await?;
        let open = match self.open_attempt(&final_key(user_id, course_id)).await? {
            Some(open) => Some(self.settle(open, now).await?),
            None => None,
        }
        .filter(|a| a.status == AttemptStatus::Open.as_str());
        let finished = self.finished(user_id, course_id).await?;
        let counted = self.counted(user_id, course_id, settings.grading).await?;
        let used = u32::try_from(finished.count).unwrap_or(u32::MAX);
        let attempts_left =
            (settings.max_attempts > 0).then(|| settings.max_attempts.saturating_sub(used));
        let next_attempt_at = finished
            .last_closed_at
            .and_then(|last| cooldown_after(last, settings.cooldown_minutes))
            .filter(|until| *until > now && attempts_left != Some(0));
        Ok(CourseResult {
            course_id,
            grading: settings.grading,
            attempts_used: used,
            max_attempts: settings.max_attempts,
            attempts_left,
            counted_attempt_id: counted.as_ref().map(|a| a.id),
            score_percent: counted
                .as_ref()
                .and_then(|a| a.score_percent)
                .and_then(|s| u32::try_from(s).ok()),
            passed: counted.and_then(|a| a.passed).unwrap_or(false),
            can_start: open.is_none() && attempts_left != Some(0) && next_attempt_at.is_none(),
            open_attempt_id: open.map(|a| a.id),
            next_attempt_at,
        })
    }

    /// The attempt that counts in a course's final quiz, if any has finished: what the
    /// enrolment records after a submission, without the rest of the standing.
    pub async fn counted_attempt(
        &self,
        user_id: Uuid,
        course_id: Uuid,
    ) -> Result<Option<CountedAttempt>, AssessmentError> {
        let grading = self.stored_settings(course_id).await?.grading;
        let found = self.counted(user_id, course_id, grading).await?;
        Ok(found.map(|a| CountedAttempt {
            attempt_id: a.id,
            score_percent: a
                .score_percent
                .and_then(|s| u32::try_from(s).ok())
                .unwrap_or(0),
            passed: a.passed.unwrap_or(false),
        }))
    }

    /// The finished attempt that counts under `grading`: the best score, the earlier of
    /// equals; or the last.
    async fn counted(
        &self,
        user_id: Uuid,
        course_id: Uuid,
        grading: Grading,
    ) -> Result<Option<ClosedAttempt>, AssessmentError> {
        let finished = closed(user_id, course_id).columns([
            attempt::Column::Id,
            attempt::Column::ScorePercent,
            attempt::Column::Passed,
        ]);
        let best_first = match grading {
            Grading::Highest => finished
                .order_by_with_nulls(
                    attempt::Column::ScorePercent,
                    Order::Desc,
                    NullOrdering::Last,
                )
                .order_by_asc(attempt::Column::ClosedAt)
                .order_by_asc(attempt::Column::Id),
            Grading::Last => finished
                .order_by_desc(attempt::Column::ClosedAt)
                .order_by_desc(attempt::Column::Id),
        };
        Ok(best_first
            .into_model::<ClosedAttempt>()
            .one(&self.db)
            .await?)
    }

    /// How many final-quiz attempts a learner finished, and when the last one ended:
    /// what a start's limits need, in one row however many there were.
    async fn finished(&self, user_id: Uuid, course_id: Uuid) -> Result<Finished, AssessmentError> {
        let found = closed(user_id, course_id)
            .expr_as(Func::count(Expr::col(attempt::Column::Id)), "count")
            .expr_as(
                Func::max(Expr::col(attempt::Column::ClosedAt)),
                "last_closed_at",
            )
            .into_model::<Finished>()
            .one(&self.db)
            .await?;
        Ok(found.unwrap_or(Finished {
            count: 0,
            last_closed_at: None,
        }))
    }

    /// Draws an attempt again from its seed over its recorded pool, for an audit: the
    /// report says whether the questions and option orders come out identical. A
    /// question whose competency or options were edited since may make it differ.
    pub async fn replay(&self, attempt_id: Uuid) -> Result<ReplayReport, AssessmentError> {
        let found = attempt::Entity::find_by_id(attempt_id)
            .one(&self.db)
            .await?
            .ok_or(AssessmentError::NotFound)?;
        let pool_ids: Vec<Uuid> = parse(&found.pool)?;
        let rows = question::Entity::find()
            .filter(question::Column::Id.is_in(pool_ids.clone()))
            .all(&self.db)
            .await?;
        let pool: Vec<question::Model> = pool_ids
            .iter()
            .filter_map(|id| rows.iter().find(|r| r.id == *id).cloned())
            .collect();
        let entries = pool_entries(&pool);
        let given = items(&found)?;
        // Bit for bit, as stored.
        let seed = found.seed as u64;
        let picks = if found.kind == AttemptKind::Placement.as_str() {
            draw_placement(
                seed,
                &entries,
                PLACEMENT_PER_COMPETENCY,
                PLACEMENT_MAX_QUESTIONS,
            )
        } else {
            draw_quiz(seed, &entries, given.len())
        };
        let questions: Vec<ReplayedQuestion> = picks
            .iter()
            .filter_map(|pick| {
                entries.get(pick.pool_index).map(|e| ReplayedQuestion {
                    question_id: e.id,
                    option_order: pick.order.clone(),
                })
            })
            .collect();
        let matches = entries.len() == pool_ids.len()
            && questions.len() == given.len()
            && questions
                .iter()
                .zip(&given)
                .all(|(q, item)| q.question_id == item.question_id && q.option_order == item.order);
        Ok(ReplayReport {
            attempt_id,
            user_id: found.user_id,
            seed: seed.to_string(),
            pool_size: u32::try_from(pool_ids.len()).unwrap_or(u32::MAX),
            questions,
            matches,
        })
    }
}

/// When the wait after the latest finished attempt ends.
fn cooldown_after(last_closed_at: Timestamp, cooldown_minutes: u32) -> Option<Timestamp> {
    (cooldown_minutes > 0).then(|| last_closed_at + TimeDelta::minutes(i64::from(cooldown_minutes)))
}

/// A learner's finished attempts at a course's final quiz, selecting nothing yet. An
/// index holds every column the callers ask (see the `attempt_standing` migration).
fn closed(user_id: Uuid, course_id: Uuid) -> Select<attempt::Entity> {
    attempt::Entity::find()
        .select_only()
        .filter(attempt::Column::UserId.eq(user_id))
        .filter(attempt::Column::CourseId.eq(course_id))
        .filter(attempt::Column::Kind.eq(AttemptKind::Final.as_str()))
        .filter(attempt::Column::ClosedAt.is_not_null())
}
