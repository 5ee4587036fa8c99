//! The placement test: a short test a new learner takes to find where to start.
//!
//! It draws from the banks of the courses open to the learner's target group:
//! [`PLACEMENT_PER_COMPETENCY`] questions in each of up to
//! `PLACEMENT_MAX_QUESTIONS / PLACEMENT_PER_COMPETENCY` competencies (chosen at random
//! when there are more), one of the easiest and one of the hardest the bank has. The
//! learner sees it as any attempt: no answer key, a deadline kept by the server.
//!
//! The estimate per competency is the highest level L such that every question of that
//! competency at level ≤ L was answered correctly, walking up from the easiest; 0 when
//! the easiest was missed. A lucky hard answer after a missed easy one does not count.

use std::collections::BTreeMap;

use hocvuso_kernel::TargetGroup;
use hocvuso_kernel::time::{Timestamp, now};
use uuid::Uuid;

use crate::draw::{draw_placement, random_seed};
use crate::dto::{
    AttemptKind, AttemptStatus, AttemptView, PlacementEstimate, PlacementResult, Submission,
};
use crate::entity::attempt;
use crate::stored::{NewAttempt, items, placement_key, pool_entries, status, view};
use crate::{Assessment, AssessmentError};

pub const PLACEMENT_PER_COMPETENCY: usize = 2;
pub const PLACEMENT_MAX_QUESTIONS: usize = 16;
pub const PLACEMENT_MINUTES: u32 = 20;

/// The estimate per competency from graded answers `(competency, level, correct)`.
pub fn estimate(answers: &[(String, i32, bool)]) -> Vec<PlacementEstimate> {
    let mut by_competency: BTreeMap<&str, Vec<(i32, bool)>> = BTreeMap::new();
    for (competency, level, correct) in answers {
        by_competency
            .entry(competency.as_str())
            .or_default()
            .push((*level, *correct));
    }
    by_competency
        .into_iter()
        .map(|(competency, mut graded)| {
            // Wrong answers sort first within a level: a level counts only when all of
            // it is right.
            graded.sort_by_key(|&(level, correct)| (level, correct));
            let level = graded
                .iter()
                .take_while(|(_, correct)| *correct)
                .map(|(level, _)| *level)
                .last()
                .unwrap_or(0);
            let count = |pred: fn(&(i32, bool)) -> bool| {
                u32::try_from(graded.iter().filter(|g| pred(g)).count()).unwrap_or(u32::MAX)
            };
            PlacementEstimate {
                competency: competency.to_owned(),
                level: u32::try_from(level).unwrap_or(0),
                correct: count(|g| g.1),
                answered: count(|_| true),
            }
        })
        .collect()
}

impl Assessment {
    /// Starts a placement test over the banks of `course_ids` (the courses open to the
    /// learner's target group), or returns the one still open.
    pub async fn start_placement(
        &self,
        user_id: Uuid,
        target_group: TargetGroup,
        course_ids: &[Uuid],
    ) -> Result<AttemptView, AssessmentError> {
        self.start_placement_at(user_id, target_group, course_ids, now())
            .await
    }

    pub(crate) async fn start_placement_at(
        &self,
        user_id: Uuid,
        target_group: TargetGroup,
        course_ids: &[Uuid],
        now: Timestamp,
    ) -> Result<AttemptView, AssessmentError> {
        let key = placement_key(user_id);
        if let Some(open) = self.open_attempt(&key).await? {
            let open = self.settle(open, now).await?;
            if status(&open)? == AttemptStatus::Open {
                return view(&open, now);
            }
        }
        let pool = self.active_pool(course_ids).await?;
        if pool.is_empty() {
            return Err(AssessmentError::PlacementUnavailable);
        }
        let seed = random_seed().map_err(|e| AssessmentError::Random(e.to_string()))?;
        let picks = draw_placement(
            seed,
            &pool_entries(&pool),
            PLACEMENT_PER_COMPETENCY,
            PLACEMENT_MAX_QUESTIONS,
        );
        let new = NewAttempt {
            user_id,
            kind: AttemptKind::Placement,
            course_id: None,
            target_group: Some(target_group.as_str().to_owned()),
            open_key: key,
            seed,
            pass_mark: None,
            minutes: PLACEMENT_MINUTES,
        };
        let attempt = self.create_attempt(new, &pool, &picks, now).await?;
        view(&attempt, now)
    }

    /// Grades a placement test once; sent again, returns the same result.
    pub async fn submit_placement(
        &self,
        user_id: Uuid,
        attempt_id: Uuid,
        submission: &Submission,
    ) -> Result<PlacementResult, AssessmentError> {
        self.submit_placement_at(user_id, attempt_id, submission, now())
            .await
    }

    pub(crate) async fn submit_placement_at(
        &self,
        user_id: Uuid,
        attempt_id: Uuid,
        submission: &Submission,
        now: Timestamp,
    ) -> Result<PlacementResult, AssessmentError> {
        let closed = self
            .submit(user_id, attempt_id, AttemptKind::Placement, submission, now)
            .await?;
        self.placement_of(&closed.attempt).await
    }

    /// The result of a finished placement test.
    pub async fn placement_result(
        &self,
        user_id: Uuid,
        attempt_id: Uuid,
    ) -> Result<PlacementResult, AssessmentError> {
        let found = self
            .owned_attempt(user_id, attempt_id, AttemptKind::Placement)
            .await?;
        self.placement_of(&self.settle(found, now()).await?).await
    }

    async fn placement_of(
        &self,
        attempt: &attempt::Model,
    ) -> Result<PlacementResult, AssessmentError> {
        let result = self.result_of(attempt).await?;
        let graded: Vec<(String, i32, bool)> = items(attempt)?
            .into_iter()
            .zip(&result.items)
            .map(|(item, r)| (item.competency, item.level, r.correct))
            .collect();
        Ok(PlacementResult {
            estimates: estimate(&graded),
            result,
        })
    }
}

impl Assessment {
    /// Whether the learner has finished a placement test (submitted, or closed at its
    /// time limit).
    pub async fn placement_taken(&self, user_id: Uuid) -> Result<bool, AssessmentError> {
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        let finished = attempt::Entity::find()
            .filter(attempt::Column::UserId.eq(user_id))
            .filter(attempt::Column::Kind.eq(crate::dto::AttemptKind::Placement.as_str()))
            .filter(attempt::Column::Status.ne(crate::dto::AttemptStatus::Open.as_str()))
            .count(&self.db)
            .await?;
        Ok(finished > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(answers: &[(i32, bool)]) -> u32 {
        let graded: Vec<(String, i32, bool)> = answers
            .iter()
            .map(|&(l, c)| ("4.2".to_owned(), l, c))
            .collect();
        estimate(&graded)[0].level
    }

    #[test]
    fn the_estimate_walks_up_from_the_easiest() {
        assert_eq!(levels(&[(1, true), (3, true)]), 3);
        assert_eq!(levels(&[(1, true), (3, false)]), 1);
        assert_eq!(levels(&[(1, false), (3, true)]), 0, "a lucky hard answer");
        assert_eq!(levels(&[(2, true), (2, false)]), 0, "a level counts whole");
        assert_eq!(levels(&[(2, true), (2, true)]), 2);
        let both = estimate(&[
            ("1.1".into(), 1, true),
            ("4.2".into(), 2, false),
            ("4.2".into(), 1, true),
        ]);
        assert_eq!(
            both,
            vec![
                PlacementEstimate {
                    competency: "1.1".into(),
                    level: 1,
                    correct: 1,
                    answered: 1
                },
                PlacementEstimate {
                    competency: "4.2".into(),
                    level: 1,
                    correct: 1,
                    answered: 2
                },
            ]
        );
    }
}
