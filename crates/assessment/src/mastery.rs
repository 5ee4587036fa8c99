//! A learner's mastery of each competency, from every submitted attempt (final quizzes
//! and placement tests alike; expired attempts are not evidence).
//!
//! The rule: the mastery level in a competency is the highest level L such that the
//! learner answered at least [`MIN_ANSWERS`] questions of level L or above in that
//! competency, and at least [`MIN_PERCENT`] % of those correctly; 0 when no level
//! qualifies. Harder questions answered well so count towards every lower level, and
//! one lucky answer is never enough.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::dto::{AttemptStatus, CompetencyMastery};
use crate::entity::{attempt, attempt_answer};
use crate::{Assessment, AssessmentError};

pub const MIN_ANSWERS: usize = 2;
pub const MIN_PERCENT: usize = 70;

/// The mastery level from graded answers `(level, correct)` in one competency.
pub fn mastery_level(answers: &[(i32, bool)]) -> u32 {
    (1..=8)
        .rev()
        .find(|&level| {
            let at_or_above: Vec<bool> = answers
                .iter()
                .filter(|(l, _)| *l >= level)
                .map(|(_, c)| *c)
                .collect();
            let right = at_or_above.iter().filter(|c| **c).count();
            at_or_above.len() >= MIN_ANSWERS && right * 100 >= MIN_PERCENT * at_or_above.len()
        })
        .and_then(|level| u32::try_from(level).ok())
        .unwrap_or(0)
}

/// A competency's graded answers `(level, correct)` and when the latest was submitted.
#[derive(Default)]
struct Evidence {
    graded: Vec<(i32, bool)>,
    latest: Option<DateTime<Utc>>,
}

impl Assessment {
    /// Every competency the learner has been assessed in, by code.
    pub async fn mastery(&self, user_id: Uuid) -> Result<Vec<CompetencyMastery>, AssessmentError> {
        let attempts = attempt::Entity::find()
            .filter(attempt::Column::UserId.eq(user_id))
            .filter(attempt::Column::Status.eq(AttemptStatus::Submitted.as_str()))
            .all(&self.db)
            .await?;
        let submitted: BTreeMap<Uuid, DateTime<Utc>> = attempts
            .iter()
            .filter_map(|a| a.closed_at.map(|at| (a.id, at)))
            .collect();
        if submitted.is_empty() {
            return Ok(Vec::new());
        }
        let answers = attempt_answer::Entity::find()
            .filter(attempt_answer::Column::AttemptId.is_in(submitted.keys().copied()))
            .all(&self.db)
            .await?;
        let mut by_competency: BTreeMap<String, Evidence> = BTreeMap::new();
        for answer in answers {
            let entry = by_competency.entry(answer.competency).or_default();
            entry.graded.push((answer.level, answer.correct));
            let at = submitted.get(&answer.attempt_id).copied();
            entry.latest = entry.latest.max(at);
        }
        Ok(by_competency
            .into_iter()
            .filter_map(|(competency, evidence)| {
                Some(CompetencyMastery {
                    level: mastery_level(&evidence.graded),
                    evidence_count: u32::try_from(evidence.graded.len()).unwrap_or(u32::MAX),
                    updated_at: evidence.latest?,
                    competency,
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_level_with_enough_right_answers_at_or_above_it() {
        assert_eq!(mastery_level(&[]), 0);
        assert_eq!(mastery_level(&[(3, true)]), 0, "one answer is not enough");
        assert_eq!(mastery_level(&[(1, true), (3, true)]), 1);
        assert_eq!(mastery_level(&[(3, true), (3, true)]), 3);
        // Level 2 and above: 3 of 4 right (75 %); level 3: 1 of 2 (50 %).
        assert_eq!(
            mastery_level(&[(2, true), (2, true), (3, true), (3, false)]),
            2
        );
        // 2 of 3 right (66 %) everywhere: below 70 %.
        assert_eq!(mastery_level(&[(1, true), (1, true), (1, false)]), 0);
        // 7 of 10 right at level 1: exactly 70 %.
        let mut seven = vec![(1, true); 7];
        seven.extend([(1, false); 3]);
        assert_eq!(mastery_level(&seven), 1);
    }
}
