//! A learner's mastery of each competency, from every submitted attempt (final quizzes
//! and placement tests alike; expired attempts are not evidence).
//!
//! The rule: the mastery level in a competency is the highest level L such that the
//! learner answered at least [`MIN_ANSWERS`] questions of level L or above in that
//! competency, and at least [`MIN_PERCENT`] % of those correctly; 0 when no level
//! qualifies. Harder questions answered well so count towards every lower level, and
//! one lucky answer is never enough.
//!
//! The rule needs only counts per level, so answers are tallied per learner,
//! competency and level as attempts close: reading mastery costs a few rows however
//! many quizzes a learner has taken.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::dto::CompetencyMastery;
use crate::entity::mastery_tally;
use crate::{Assessment, AssessmentError};

pub const MIN_ANSWERS: u64 = 2;
pub const MIN_PERCENT: u64 = 70;

/// Answers at one level of one competency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub level: i32,
    pub answered: u32,
    pub correct: u32,
}

/// The mastery level from a competency's tallies.
pub fn mastery_level(tallies: &[Tally]) -> u32 {
    (1..=8)
        .rev()
        .find(|&level| {
            let (answered, right) = tallies
                .iter()
                .filter(|t| t.level >= level)
                .fold((0u64, 0u64), |(a, r), t| {
                    (a + u64::from(t.answered), r + u64::from(t.correct))
                });
            answered >= MIN_ANSWERS && right * 100 >= MIN_PERCENT * answered
        })
        .and_then(|level| u32::try_from(level).ok())
        .unwrap_or(0)
}

/// One graded answer, as evidence.
#[derive(Debug)]
pub(crate) struct Graded {
    pub competency: String,
    pub level: i32,
    pub correct: bool,
}

fn count(value: i32) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

/// Each competency's tallies and when evidence last came in.
fn by_competency(rows: Vec<mastery_tally::Model>) -> BTreeMap<String, (Vec<Tally>, DateTime<Utc>)> {
    let mut grouped: BTreeMap<String, (Vec<Tally>, DateTime<Utc>)> = BTreeMap::new();
    for row in rows {
        let entry = grouped
            .entry(row.competency)
            .or_insert_with(|| (Vec::new(), row.updated_at));
        entry.0.push(Tally {
            level: row.level,
            answered: count(row.answered),
            correct: count(row.correct),
        });
        entry.1 = entry.1.max(row.updated_at);
    }
    grouped
}

/// One submitted attempt's answers, as evidence for its learner.
pub(crate) struct Evidence<'a> {
    pub user_id: Uuid,
    pub graded: &'a [Graded],
    pub at: DateTime<Utc>,
}

/// Answers and right answers per competency and level.
type Sums<'a> = BTreeMap<(&'a str, i32), (i32, i32)>;

fn sums<'a>(graded: &'a [Graded]) -> Sums<'a> {
    let mut sums = Sums::new();
    for answer in graded {
        let sum = sums
            .entry((answer.competency.as_str(), answer.level))
            .or_default();
        sum.0 += 1;
        sum.1 += i32::from(answer.correct);
    }
    sums
}

/// Answers, right answers, and when the latest came in.
type Total = (i32, i32, DateTime<Utc>);

/// Adds submitted attempts' answers to their learners' tallies, inside the transaction
/// that closes them, with one statement for all of them.
pub(crate) async fn add_evidence(
    db: &impl ConnectionTrait,
    evidence: &[Evidence<'_>],
) -> Result<(), AssessmentError> {
    let mut totals: BTreeMap<(Uuid, &str, i32), Total> = BTreeMap::new();
    for e in evidence {
        for ((competency, level), (answered, correct)) in sums(e.graded) {
            let total = totals
                .entry((e.user_id, competency, level))
                .or_insert((0, 0, e.at));
            total.0 += answered;
            total.1 += correct;
            total.2 = total.2.max(e.at);
        }
    }
    if totals.is_empty() {
        return Ok(());
    }
    // In key order, so that concurrent groups (on PostgreSQL) lock rows in one order.
    let rows = totals
        .iter()
        .map(|((user_id, competency, level), (answered, correct, at))| {
            mastery_tally::ActiveModel {
                user_id: Set(*user_id),
                competency: Set((*competency).to_owned()),
                level: Set(*level),
                answered: Set(*answered),
                correct: Set(*correct),
                updated_at: Set(*at),
            }
        });
    mastery_tally::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                mastery_tally::Column::UserId,
                mastery_tally::Column::Competency,
                mastery_tally::Column::Level,
            ])
            .value(
                mastery_tally::Column::Answered,
                Expr::cust("mastery_tallies.answered + excluded.answered"),
            )
            .value(
                mastery_tally::Column::Correct,
                Expr::cust("mastery_tallies.correct + excluded.correct"),
            )
            .update_column(mastery_tally::Column::UpdatedAt)
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Whether `graded`, added to the learner's tallies as they stand, raises the level
/// of some competency. Asked before the attempt closes, outside the transaction that
/// writes it (which many submissions share): a submission of the same learner's
/// closing meanwhile may make a rise be reported twice, never missed.
pub(crate) async fn raises(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    graded: &[Graded],
) -> Result<bool, AssessmentError> {
    let added = sums(graded);
    if added.is_empty() {
        return Ok(false);
    }
    let competencies: BTreeSet<String> = added.keys().map(|(c, _)| (*c).to_owned()).collect();
    let rows = mastery_tally::Entity::find()
        .filter(mastery_tally::Column::UserId.eq(user_id))
        .filter(mastery_tally::Column::Competency.is_in(competencies.iter().cloned()))
        .all(db)
        .await?;
    let mut standing = by_competency(rows);
    Ok(competencies.into_iter().any(|competency| {
        let before = standing
            .remove(&competency)
            .map(|(tallies, _)| tallies)
            .unwrap_or_default();
        let mut after: BTreeMap<i32, Tally> = before.iter().map(|t| (t.level, *t)).collect();
        for ((_, level), (answered, correct)) in
            added.range((competency.as_str(), i32::MIN)..=(competency.as_str(), i32::MAX))
        {
            let tally = after.entry(*level).or_insert(Tally {
                level: *level,
                ..Tally::default()
            });
            tally.answered += count(*answered);
            tally.correct += count(*correct);
        }
        let after: Vec<Tally> = after.into_values().collect();
        mastery_level(&before) < mastery_level(&after)
    }))
}

impl Assessment {
    /// Every competency the learner has been assessed in, by code.
    pub async fn mastery(&self, user_id: Uuid) -> Result<Vec<CompetencyMastery>, AssessmentError> {
        let rows = mastery_tally::Entity::find()
            .filter(mastery_tally::Column::UserId.eq(user_id))
            .all(&self.db)
            .await?;
        Ok(by_competency(rows)
            .into_iter()
            .map(|(competency, (tallies, latest))| CompetencyMastery {
                level: mastery_level(&tallies),
                evidence_count: tallies.iter().map(|t| t.answered).sum(),
                updated_at: latest,
                competency,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tallies from graded answers `(level, correct)`.
    fn tallied(answers: &[(i32, bool)]) -> Vec<Tally> {
        let mut by_level: BTreeMap<i32, Tally> = BTreeMap::new();
        for (level, correct) in answers {
            let tally = by_level.entry(*level).or_insert(Tally {
                level: *level,
                ..Tally::default()
            });
            tally.answered += 1;
            tally.correct += u32::from(*correct);
        }
        by_level.into_values().collect()
    }

    #[test]
    fn the_highest_level_with_enough_right_answers_at_or_above_it() {
        let level = |answers: &[(i32, bool)]| mastery_level(&tallied(answers));
        assert_eq!(level(&[]), 0);
        assert_eq!(level(&[(3, true)]), 0, "one answer is not enough");
        assert_eq!(level(&[(1, true), (3, true)]), 1);
        assert_eq!(level(&[(3, true), (3, true)]), 3);
        // Level 2 and above: 3 of 4 right (75 %); level 3: 1 of 2 (50 %).
        assert_eq!(level(&[(2, true), (2, true), (3, true), (3, false)]), 2);
        // 2 of 3 right (66 %) everywhere: below 70 %.
        assert_eq!(level(&[(1, true), (1, true), (1, false)]), 0);
        // 7 of 10 right at level 1: exactly 70 %.
        let mut seven = vec![(1, true); 7];
        seven.extend([(1, false); 3]);
        assert_eq!(level(&seven), 1);
    }
}
