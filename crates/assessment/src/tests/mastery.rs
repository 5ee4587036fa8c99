use chrono::TimeDelta;
use hocvuso_kernel::time::{Timestamp, now};
use sea_orm::{ActiveModelTrait, Set};

use super::*;
use crate::dto::{CompetencyMastery, Submission};
use crate::entity::attempt_answer;

/// An attempt written by hand: `(question, competency, level, correct)` per answer;
/// a submitted one adds its evidence as closing an attempt does.
async fn hand_made(
    t: &TestDb,
    user_id: Uuid,
    status: &str,
    closed_at: Timestamp,
    answers: &[(Uuid, &str, i32, bool)],
) {
    let id = Uuid::now_v7();
    attempt::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        kind: Set("final".into()),
        course_id: Set(None),
        target_group: Set(None),
        status: Set(status.into()),
        open_key: Set(None),
        seed: Set(0),
        pool: Set("[]".into()),
        items: Set("[]".into()),
        pass_mark: Set(Some(70)),
        started_at: Set(closed_at - TimeDelta::minutes(5)),
        deadline: Set(closed_at + TimeDelta::minutes(15)),
        closed_at: Set(Some(closed_at)),
        correct_count: Set(Some(0)),
        score_percent: Set(Some(0)),
        passed: Set(Some(false)),
    }
    .insert(&t.db)
    .await
    .expect("attempt");
    for (position, (question_id, competency, level, correct)) in answers.iter().enumerate() {
        attempt_answer::ActiveModel {
            attempt_id: Set(id),
            position: Set(i32::try_from(position).expect("small")),
            question_id: Set(*question_id),
            competency: Set((*competency).to_owned()),
            level: Set(*level),
            response: Set(None),
            correct: Set(*correct),
        }
        .insert(&t.db)
        .await
        .expect("answer");
    }
    if status == "submitted" {
        let graded: Vec<crate::mastery::Graded> = answers
            .iter()
            .map(|(_, competency, level, correct)| crate::mastery::Graded {
                competency: (*competency).to_owned(),
                level: *level,
                correct: *correct,
            })
            .collect();
        let evidence = crate::mastery::Evidence {
            user_id,
            graded: &graded,
            at: closed_at,
        };
        crate::mastery::add_evidence(&t.db, &[evidence])
            .await
            .expect("evidence");
    }
}

#[tokio::test]
async fn mastery_follows_the_documented_rule_over_submitted_attempts() {
    let t = test_db().await;
    let course_id = demo_course(&t).await;
    let q = t.service.questions(course_id, false).await.expect("list")[0].id;
    let learner = user(&t.db).await;
    let other = user(&t.db).await;
    assert!(t.service.mastery(learner).await.expect("none").is_empty());

    let t1 = now() - TimeDelta::days(2);
    let t2 = t1 + TimeDelta::days(1);
    hand_made(
        &t,
        learner,
        "submitted",
        t1,
        &[
            (q, "4.2", 1, true),
            (q, "4.2", 2, true),
            (q, "4.2", 3, false),
            (q, "1.1", 1, true),
        ],
    )
    .await;
    hand_made(
        &t,
        learner,
        "submitted",
        t2,
        &[(q, "4.2", 3, true), (q, "4.2", 3, true)],
    )
    .await;
    // An abandoned attempt is no evidence, and neither is someone else's.
    hand_made(
        &t,
        learner,
        "expired",
        t2 + TimeDelta::hours(1),
        &[(q, "4.2", 3, false); 3],
    )
    .await;
    hand_made(&t, other, "submitted", t2, &[(q, "1.1", 3, true); 4]).await;

    let mastery = t.service.mastery(learner).await.expect("mastery");
    assert_eq!(
        mastery,
        [
            // One answer is not enough for any level.
            CompetencyMastery {
                competency: "1.1".into(),
                level: 0,
                evidence_count: 1,
                updated_at: t1,
            },
            // Level 3 and above: 2 of 3 right (66 %); level 2 and above: 3 of 4 (75 %).
            CompetencyMastery {
                competency: "4.2".into(),
                level: 2,
                evidence_count: 5,
                updated_at: t2,
            },
        ]
    );
    assert_eq!(t.service.mastery(other).await.expect("other")[0].level, 3);
}

#[tokio::test]
async fn a_submitted_quiz_becomes_evidence() {
    let t = test_db().await;
    let course_id = demo_course(&t).await;
    let learner = user(&t.db).await;
    let view = t
        .service
        .start_attempt(learner, course_id, &settings())
        .await
        .expect("start");
    let answers = right_answers(&t, view.id).await;
    t.service
        .submit_attempt(
            learner,
            view.id,
            &Submission {
                answers,
                client_time: None,
            },
        )
        .await
        .expect("submit");
    let mastery = t.service.mastery(learner).await.expect("mastery");
    let codes: Vec<&str> = mastery.iter().map(|m| m.competency.as_str()).collect();
    assert_eq!(codes, ["1.1", "4.2", "5.2"]);
    assert_eq!(mastery.iter().map(|m| m.evidence_count).sum::<u32>(), 10);
    // Every answer right, at least three per competency up to level 3: at least level 1.
    assert!(mastery.iter().all(|m| m.level >= 1), "{mastery:?}");
}

fn graded(answers: &[(&str, i32, bool)]) -> Vec<crate::mastery::Graded> {
    answers
        .iter()
        .map(|(competency, level, correct)| crate::mastery::Graded {
            competency: (*competency).to_owned(),
            level: *level,
            correct: *correct,
        })
        .collect()
}

#[tokio::test]
async fn evidence_added_as_a_group_tallies_as_one_attempt_at_a_time_would() {
    use crate::mastery::{Evidence, add_evidence, raises};
    let t = test_db().await;
    let (learner, other, third) = (user(&t.db).await, user(&t.db).await, user(&t.db).await);
    let at = now();
    // The third learner stood at level 1 in 4.2 before the group.
    let before = graded(&[("4.2", 1, true), ("4.2", 1, true)]);
    assert!(raises(&t.db, third, &before).await.expect("raises"));
    add_evidence(
        &t.db,
        &[Evidence {
            user_id: third,
            graded: &before,
            at,
        }],
    )
    .await
    .expect("alone");
    assert!(
        !raises(&t.db, third, &before).await.expect("raises"),
        "the same again keeps level 1"
    );

    let two_right = graded(&[("4.2", 1, true), ("4.2", 1, true)]);
    let one_right = graded(&[("4.2", 2, true)]);
    let wrong = graded(&[("4.2", 2, false), ("1.1", 1, false)]);
    let level_two = graded(&[("4.2", 2, true), ("4.2", 2, true)]);
    assert!(raises(&t.db, third, &level_two).await.expect("raises"));
    assert!(
        !raises(&t.db, other, &one_right)
            .await
            .expect("one is not enough")
    );
    assert!(!raises(&t.db, other, &wrong).await.expect("wrong answers"));
    let group = [
        Evidence {
            user_id: learner,
            graded: &two_right,
            at,
        },
        // The same learner twice in one group, and the same competency and level.
        Evidence {
            user_id: learner,
            graded: &two_right,
            at,
        },
        Evidence {
            user_id: other,
            graded: &one_right,
            at,
        },
        Evidence {
            user_id: other,
            graded: &wrong,
            at,
        },
        Evidence {
            user_id: third,
            graded: &level_two,
            at,
        },
    ];
    add_evidence(&t.db, &group).await.expect("group");

    let levels = |mastery: Vec<CompetencyMastery>| -> Vec<(String, u32, u32)> {
        mastery
            .into_iter()
            .map(|m| (m.competency, m.level, m.evidence_count))
            .collect()
    };
    assert_eq!(
        levels(t.service.mastery(learner).await.expect("learner")),
        [("4.2".to_owned(), 1, 4)]
    );
    assert_eq!(
        levels(t.service.mastery(other).await.expect("other")),
        [("1.1".to_owned(), 0, 1), ("4.2".to_owned(), 0, 2)]
    );
    assert_eq!(
        levels(t.service.mastery(third).await.expect("third")),
        [("4.2".to_owned(), 2, 4)]
    );
}
