use chrono::TimeDelta;
use hocvuso_kernel::Problem;
use hocvuso_kernel::time::now;

use super::*;
use crate::AssessmentError;
use crate::dto::{AttemptStatus, Grading, Submission};

fn submission(answers: Vec<AnswerInput>) -> Submission {
    Submission {
        answers,
        client_time: None,
    }
}

fn code(err: AssessmentError) -> (u16, String) {
    let problem = Problem::from(err);
    (problem.status, problem.code.to_string())
}

#[tokio::test]
async fn the_learner_view_carries_no_answer_key() {
    let t = test_db().await;
    let course_id = demo_course(&t).await;
    let learner = user(&t.db).await;
    let mut all = settings();
    all.question_count = 15;
    let view = t
        .service
        .start_attempt(learner, course_id, &all)
        .await
        .expect("start");
    assert_eq!(view.questions.len(), 15);
    assert_eq!(view.status, AttemptStatus::Open);
    assert!(view.seconds_left > 19 * 60);
    assert_no_key(&view);
    // The demo bank writes choice options as A, B, C: some come out of that order.
    let shuffled = view
        .questions
        .iter()
        .filter(|q| q.kind.is_choice() && q.options != ["A", "B", "C"])
        .count();
    assert!(shuffled > 0, "options are shuffled");
}

#[tokio::test]
async fn a_submission_is_graded_once_and_returned_the_same_ever_after() {
    let t = test_db().await;
    let course_id = demo_course(&t).await;
    let learner = user(&t.db).await;
    let view = t
        .service
        .start_attempt(learner, course_id, &settings())
        .await
        .expect("start");
    assert_eq!(view.questions.len(), 10);
    let right = right_answers(&t, view.id).await;
    // Seven right, two wrong, one left out: 70 %, exactly the pass mark.
    let mut answers: Vec<AnswerInput> = right[..7].to_vec();
    answers.push(wrong_answer(&view, &right[7]));
    answers.push(wrong_answer(&view, &right[8]));
    let result = t
        .service
        .submit_attempt(learner, view.id, &submission(answers))
        .await
        .expect("submit");
    assert_eq!(result.correct_count, 7);
    assert_eq!(result.score_percent, 70);
    assert_eq!(result.passed, Some(true));
    assert_eq!(result.status, AttemptStatus::Submitted);
    assert!(result.items[..7].iter().all(|i| i.correct));
    assert!(!result.items[7].correct && !result.items[8].correct);
    assert!(result.items[9].response.is_none() && !result.items[9].correct);
    for (item, expected) in result.items.iter().zip(&right) {
        assert!(!item.explanation.is_empty());
        let key = &item.correct_answer;
        assert_eq!(key.selected, expected.response.selected);
        assert_eq!(key.value, expected.response.value);
        assert_eq!(key.order, expected.response.order);
    }

    let again = t
        .service
        .submit_attempt(learner, view.id, &submission(right.clone()))
        .await
        .expect("again");
    assert_eq!(again.score_percent, 70, "no second grading");
    assert_eq!(again.closed_at, result.closed_at);
    let stored = t
        .service
        .attempt_result(learner, view.id)
        .await
        .expect("result");
    assert_eq!(stored.correct_count, 7);

    let stranger = user(&t.db).await;
    let err = t
        .service
        .submit_attempt(stranger, view.id, &submission(right))
        .await
        .expect_err("not theirs");
    assert!(matches!(err, AssessmentError::NotFound));
    let err = t
        .service
        .attempt(stranger, view.id)
        .await
        .expect_err("not theirs");
    assert!(matches!(err, AssessmentError::NotFound));
}

#[tokio::test]
async fn answers_must_name_questions_of_the_attempt_in_their_type() {
    let t = test_db().await;
    let course_id = demo_course(&t).await;
    let learner = user(&t.db).await;
    let view = t
        .service
        .start_attempt(learner, course_id, &settings())
        .await
        .expect("start");
    let right = right_answers(&t, view.id).await;

    let mut outside = right[0].clone();
    outside.item = 10;
    let err = t
        .service
        .submit_attempt(learner, view.id, &submission(vec![outside]))
        .await
        .expect_err("outside");
    assert_eq!(code(err), (400, "answer_not_in_attempt".into()));

    let twice = vec![right[0].clone(), right[0].clone()];
    let err = t
        .service
        .submit_attempt(learner, view.id, &submission(twice))
        .await
        .expect_err("twice");
    assert_eq!(code(err), (400, "answer_duplicated".into()));

    let index = view
        .questions
        .iter()
        .position(|q| q.kind != QuestionType::TrueFalse)
        .expect("a non true/false question");
    let malformed = AnswerInput {
        item: right[index].item,
        response: Response {
            value: Some(true),
            ..Response::default()
        },
    };
    let err = t
        .service
        .submit_attempt(learner, view.id, &submission(vec![malformed]))
        .await
        .expect_err("malformed");
    let problem = Problem::from(err);
    assert_eq!(
        (problem.status, problem.code.as_ref()),
        (400, "answer_malformed")
    );
    assert_eq!(problem.errors[0].field, "answers[0]");

    // Rejected submissions leave the attempt open.
    let result = t
        .service
        .submit_attempt(learner, view.id, &submission(right))
        .await
        .expect("submit");
    assert_eq!(result.score_percent, 100);
}

#[tokio::test]
async fn the_server_clock_closes_an_attempt_after_its_deadline_and_grace() {
    let t = test_db().await;
    let course_id = demo_course(&t).await;
    let learner = user(&t.db).await;
    let t0 = now();
    let view = t
        .service
        .start_attempt_at(learner, course_id, &settings(), t0)
        .await
        .expect("start");
    assert_eq!(view.deadline, t0 + TimeDelta::minutes(20));
    let right = right_answers(&t, view.id).await;
    let mut late = submission(right.clone());
    // What the device claims does not matter.
    late.client_time = Some(t0);
    let err = t
        .service
        .submit_attempt_at(
            learner,
            view.id,
            &late,
            view.deadline + TimeDelta::seconds(31),
        )
        .await
        .expect_err("late");
    assert_eq!(code(err), (409, "attempt_time_over".into()));
    let err = t
        .service
        .submit_attempt_at(learner, view.id, &late, view.deadline)
        .await
        .expect_err("still late: the attempt is closed");
    assert_eq!(code(err), (409, "attempt_time_over".into()));
    let result = t
        .service
        .attempt_result(learner, view.id)
        .await
        .expect("result");
    assert_eq!(result.status, AttemptStatus::Expired);
    assert_eq!(result.score_percent, 0);
    assert_eq!(result.closed_at, view.deadline);

    // Within the grace period, answers count.
    let t1 = view.deadline + TimeDelta::minutes(11);
    let second = t
        .service
        .start_attempt_at(learner, course_id, &settings(), t1)
        .await
        .expect("second attempt");
    let right = right_answers(&t, second.id).await;
    let result = t
        .service
        .submit_attempt_at(
            learner,
            second.id,
            &submission(right),
            second.deadline + TimeDelta::seconds(29),
        )
        .await
        .expect("in time");
    assert_eq!(result.score_percent, 100);
}

#[tokio::test]
async fn limits_cooldown_and_resuming() {
    let t = test_db().await;
    let course_id = demo_course(&t).await;
    let learner = user(&t.db).await;
    let rules = t
        .service
        .set_quiz_settings(
            course_id,
            &crate::dto::QuizSettingsUpdate {
                max_attempts: 2,
                cooldown_minutes: 10,
                ..Default::default()
            },
        )
        .await
        .expect("settings");
    let rules = QuizSettings::new(rules, 70);
    let t0 = now();
    let first = t
        .service
        .start_attempt_at(learner, course_id, &rules, t0)
        .await
        .expect("start");
    let resumed = t
        .service
        .start_attempt_at(learner, course_id, &rules, t0 + TimeDelta::minutes(1))
        .await
        .expect("resume");
    assert_eq!(resumed.id, first.id, "an open attempt is resumed");
    assert_eq!(
        serde_json::to_value(&resumed.questions).expect("json"),
        serde_json::to_value(&first.questions).expect("json")
    );
    let standing = t
        .service
        .course_result_at(learner, course_id, t0 + TimeDelta::minutes(1))
        .await
        .expect("standing");
    assert_eq!(standing.open_attempt_id, Some(first.id));
    assert!(!standing.can_start);

    let t1 = t0 + TimeDelta::minutes(2);
    t.service
        .submit_attempt_at(learner, first.id, &submission(Vec::new()), t1)
        .await
        .expect("submit");
    let err = t
        .service
        .start_attempt_at(learner, course_id, &rules, t1 + TimeDelta::minutes(9))
        .await
        .expect_err("cooldown");
    let problem = Problem::from(err);
    assert_eq!(
        (problem.status, problem.code.as_ref()),
        (429, "attempt_cooldown")
    );
    assert_eq!(problem.retry_after, Some(60));
    let standing = t
        .service
        .course_result_at(learner, course_id, t1 + TimeDelta::minutes(9))
        .await
        .expect("standing");
    assert_eq!(standing.next_attempt_at, Some(t1 + TimeDelta::minutes(10)));
    assert_eq!(standing.attempts_left, Some(1));
    assert!(!standing.can_start);

    let t2 = t1 + TimeDelta::minutes(10);
    let second = t
        .service
        .start_attempt_at(learner, course_id, &rules, t2)
        .await
        .expect("after the cooldown");
    assert_ne!(second.id, first.id);
    let right = right_answers(&t, second.id).await;
    t.service
        .submit_attempt_at(learner, second.id, &submission(right), t2)
        .await
        .expect("submit");
    let err = t
        .service
        .start_attempt_at(learner, course_id, &rules, t2 + TimeDelta::days(1))
        .await
        .expect_err("limit");
    assert_eq!(code(err), (409, "attempt_limit_reached".into()));
    let standing = t
        .service
        .course_result_at(learner, course_id, t2 + TimeDelta::days(1))
        .await
        .expect("standing");
    assert_eq!(standing.attempts_used, 2);
    assert_eq!(standing.attempts_left, Some(0));
    assert_eq!(standing.next_attempt_at, None);
    assert!(!standing.can_start);
    assert_eq!(standing.score_percent, Some(100));
    assert!(standing.passed);
}

/// The course's quiz with neither an attempt limit nor a cool-down.
async fn unlimited_quiz(t: &TestDb, course_id: Uuid) -> QuizSettings {
    let unlimited = crate::dto::QuizSettingsUpdate {
        max_attempts: 0,
        cooldown_minutes: 0,
        ..Default::default()
    };
    t.service
        .set_quiz_settings(course_id, &unlimited)
        .await
        .expect("settings");
    t.service.quiz_settings(course_id, 70).await.expect("get")
}

#[tokio::test]
async fn the_grading_method_picks_the_attempt_that_counts() {
    let t = test_db().await;
    let course_id = demo_course(&t).await;
    let learner = user(&t.db).await;
    let rules = unlimited_quiz(&t, course_id).await;
    let mut at = now();
    let mut ids = Vec::new();
    // Scores 100 %, then 0 %.
    for all_right in [true, false] {
        let view = t
            .service
            .start_attempt_at(learner, course_id, &rules, at)
            .await
            .expect("start");
        let answers = if all_right {
            right_answers(&t, view.id).await
        } else {
            Vec::new()
        };
        t.service
            .submit_attempt_at(learner, view.id, &submission(answers), at)
            .await
            .expect("submit");
        ids.push(view.id);
        at += TimeDelta::minutes(1);
    }
    let highest = t
        .service
        .course_result_at(learner, course_id, at)
        .await
        .expect("standing");
    assert_eq!(highest.grading, Grading::Highest);
    assert_eq!(highest.counted_attempt_id, Some(ids[0]));
    assert!(highest.passed);
    let counted = t.service.counted_attempt(learner, course_id).await;
    let counted = counted.expect("counted").expect("one counts");
    assert_eq!((counted.attempt_id, counted.passed), (ids[0], true));
    assert_eq!(highest.attempts_left, None, "unlimited");
    assert!(highest.can_start);

    let mut last = crate::dto::QuizSettingsUpdate {
        grading: Grading::Last,
        max_attempts: 0,
        cooldown_minutes: 0,
        ..Default::default()
    };
    t.service
        .set_quiz_settings(course_id, &last)
        .await
        .expect("settings");
    let standing = t
        .service
        .course_result_at(learner, course_id, at)
        .await
        .expect("standing");
    assert_eq!(standing.counted_attempt_id, Some(ids[1]));
    assert_eq!(standing.score_percent, Some(0));
    assert!(!standing.passed);
    let counted = t.service.counted_attempt(learner, course_id).await;
    let counted = counted.expect("counted").expect("one counts");
    assert_eq!((counted.attempt_id, counted.score_percent), (ids[1], 0));

    // A later attempt as good as the best: under "highest", the earlier one still counts.
    let view = t
        .service
        .start_attempt_at(learner, course_id, &rules, at)
        .await
        .expect("start");
    let right = right_answers(&t, view.id).await;
    t.service
        .submit_attempt_at(learner, view.id, &submission(right), at)
        .await
        .expect("submit");
    t.service
        .set_quiz_settings(course_id, &crate::dto::QuizSettingsUpdate::default())
        .await
        .expect("settings");
    let standing = t.service.course_result_at(learner, course_id, at).await;
    assert_eq!(standing.expect("standing").counted_attempt_id, Some(ids[0]));
    let counted = t.service.counted_attempt(learner, course_id).await;
    assert_eq!(counted.expect("counted").expect("one").attempt_id, ids[0]);

    last.question_count = 0;
    let err = t
        .service
        .set_quiz_settings(course_id, &last)
        .await
        .expect_err("invalid");
    assert_eq!(code(err), (400, "validation_failed".into()));
}

#[tokio::test]
async fn settings_default_until_a_trainer_sets_them() {
    let t = test_db().await;
    let course_id = course(&t.db, "demo").await;
    let defaults = t
        .service
        .quiz_settings(course_id, 80)
        .await
        .expect("defaults");
    assert_eq!(
        (
            defaults.question_count,
            defaults.time_limit_minutes,
            defaults.max_attempts,
            defaults.cooldown_minutes,
            defaults.grading,
            defaults.pass_mark
        ),
        (10, 20, 3, 10, Grading::Highest, 80)
    );
    let update = crate::dto::QuizSettingsUpdate {
        question_count: 5,
        time_limit_minutes: 15,
        max_attempts: 0,
        cooldown_minutes: 0,
        grading: Grading::Last,
        reveal: crate::dto::RevealPolicy::Never,
    };
    assert_eq!(
        t.service
            .set_quiz_settings(course_id, &update)
            .await
            .expect("set"),
        update
    );
    let stored = t.service.quiz_settings(course_id, 80).await.expect("get");
    assert_eq!(stored.question_count, 5);
    assert_eq!(stored.grading, Grading::Last);
    let err = t
        .service
        .set_quiz_settings(Uuid::now_v7(), &update)
        .await
        .expect_err("no course");
    assert!(matches!(err, AssessmentError::NotFound));
}

#[tokio::test]
async fn the_draw_replays_exactly_and_differs_between_attempts() {
    let t = test_db().await;
    let course_id = demo_course(&t).await;
    let learner = user(&t.db).await;
    let mut rules = settings();
    rules.max_attempts = 0;
    rules.cooldown_minutes = 0;
    let mut drawn = Vec::new();
    for _ in 0..2 {
        let view = t
            .service
            .start_attempt(learner, course_id, &rules)
            .await
            .expect("start");
        let report = t.service.replay(view.id).await.expect("replay");
        assert!(report.matches, "{report:?}");
        assert_eq!(report.pool_size, 15);
        assert_eq!(report.questions.len(), 10);
        // The draw is spread: 10 of 15 over three competencies, at most one short.
        let row = attempt::Entity::find_by_id(view.id)
            .one(&t.db)
            .await
            .expect("query")
            .expect("row");
        let items = crate::stored::items(&row).expect("items");
        for competency in ["1.1", "4.2", "5.2"] {
            let n = items.iter().filter(|i| i.competency == competency).count();
            assert!(n >= 3, "{competency}: {n}");
        }
        t.service
            .submit_attempt(learner, view.id, &submission(Vec::new()))
            .await
            .expect("submit");
        drawn.push(report.questions);
    }
    // One attempt's leaked answer list does not cover the next.
    assert_ne!(drawn[0], drawn[1]);

    // Retired questions are never drawn again; the replay still holds.
    let retired = t.service.questions(course_id, false).await.expect("list")[0].id;
    t.service.retire_question(retired).await.expect("retire");
    let mut all = rules.clone();
    all.question_count = 100;
    let view = t
        .service
        .start_attempt(learner, course_id, &all)
        .await
        .expect("start");
    assert_eq!(view.questions.len(), 14);
    let report = t.service.replay(view.id).await.expect("replay");
    assert!(report.matches);
    assert!(report.questions.iter().all(|q| q.question_id != retired));
}

/// Golden values through the store: a seed kept on an attempt (as the same 64 bits in
/// an `i64`) redraws, over the recorded pool, exactly the questions and option orders
/// it drew when the generator was written. The draw tests in `draw.rs` pin the
/// generator; this pins what the store feeds it (the pool in id order, so in the order
/// the bank was imported, and each question's competency, type and options).
#[tokio::test]
async fn a_stored_seed_replays_the_recorded_draw() {
    use sea_orm::{ActiveModelTrait, Set};

    let t = test_db().await;
    let course_id = demo_course(&t).await;
    let learner = user(&t.db).await;
    let view = t
        .service
        .start_attempt(learner, course_id, &settings())
        .await
        .expect("start");
    // Above i64::MAX: kept as a negative i64.
    let seed: u64 = 0xDEAD_BEEF_CAFE_F00D;
    attempt::ActiveModel {
        id: Set(view.id),
        seed: Set(seed as i64),
        ..Default::default()
    }
    .update(&t.db)
    .await
    .expect("set the seed");
    let report = t.service.replay(view.id).await.expect("replay");
    assert_eq!(report.seed, "16045690984503111693");
    let codes: HashMap<Uuid, String> = t
        .service
        .questions(course_id, false)
        .await
        .expect("list")
        .into_iter()
        .map(|q| (q.id, q.draft.code))
        .collect();
    let drawn: Vec<(&str, &[u32])> = report
        .questions
        .iter()
        .map(|q| (codes[&q.question_id].as_str(), q.option_order.as_slice()))
        .collect();
    let expected: [(&str, &[u32]); 10] = [
        ("q42-4", &[0, 2, 1]),
        ("q52-1", &[2, 0, 1]),
        ("q42-1", &[]),
        ("q52-2", &[]),
        ("q11-4", &[]),
        ("q42-5", &[0, 2, 1]),
        ("q11-2", &[]),
        ("q11-1", &[1, 2, 0]),
        ("q52-0", &[]),
        ("q42-3", &[]),
    ];
    assert_eq!(drawn, expected);
}

#[tokio::test]
async fn an_empty_bank_has_no_quiz() {
    let t = test_db().await;
    let course_id = course(&t.db, "empty").await;
    let learner = user(&t.db).await;
    let err = t
        .service
        .start_attempt(learner, course_id, &settings())
        .await
        .expect_err("empty");
    assert_eq!(code(err), (409, "quiz_unavailable".into()));
}

#[tokio::test]
async fn concurrent_starts_open_one_attempt_and_concurrent_submissions_grade_once() {
    let t = test_db().await;
    let course_id = demo_course(&t).await;
    let learner = user(&t.db).await;
    let rules = settings();
    let (a, b) = tokio::join!(
        t.service.start_attempt(learner, course_id, &rules),
        t.service.start_attempt(learner, course_id, &rules),
    );
    let (a, b) = (a.expect("first"), b.expect("second"));
    assert_eq!(a.id, b.id);

    let right = submission(right_answers(&t, a.id).await);
    let none = submission(Vec::new());
    let (x, y) = tokio::join!(
        t.service.submit_attempt(learner, a.id, &right),
        t.service.submit_attempt(learner, a.id, &none),
    );
    let (x, y) = (x.expect("first"), y.expect("second"));
    assert_eq!(x.score_percent, y.score_percent);
    assert_eq!(x.closed_at, y.closed_at);
    let standing = t
        .service
        .course_result(learner, course_id)
        .await
        .expect("standing");
    assert_eq!(standing.attempts_used, 1);
}

#[test]
fn answers_read_as_clients_send_them() {
    let answers: Submission = serde_json::from_str(
        r#"{"answers": [
            {"item": 0, "selected": [2]},
            {"item": 1, "value": false},
            {"item": 2, "order": [1, 0, 2]},
            {"item": 3, "text": "bảo mật"}
        ], "client_time": "2026-11-28T10:00:00Z"}"#,
    )
    .expect("parses");
    assert_eq!(answers.answers[0].response.selected, Some(vec![2]));
    assert_eq!(answers.answers[1].response.value, Some(false));
    assert_eq!(answers.answers[2].response.order, Some(vec![1, 0, 2]));
    assert_eq!(answers.answers[3].response.text.as_deref(), Some("bảo mật"));
}

#[tokio::test]
async fn a_submission_tells_whether_it_raised_a_mastery_level() {
    let t = test_db().await;
    let course_id = demo_course(&t).await;
    let learner = user(&t.db).await;
    let rules = unlimited_quiz(&t, course_id).await;
    let levels =
        |list: Vec<crate::dto::CompetencyMastery>| -> std::collections::BTreeMap<String, u32> {
            list.into_iter().map(|m| (m.competency, m.level)).collect()
        };
    let mut rose = Vec::new();
    for all_right in [false, true, true, true, false] {
        let before = levels(t.service.mastery(learner).await.expect("mastery"));
        let view = t
            .service
            .start_attempt(learner, course_id, &rules)
            .await
            .expect("start");
        let answers = if all_right {
            right_answers(&t, view.id).await
        } else {
            Vec::new()
        };
        let submitted = t
            .service
            .submit_final(learner, view.id, &submission(answers.clone()))
            .await
            .expect("submit");
        let after = levels(t.service.mastery(learner).await.expect("mastery"));
        let went_up = after
            .iter()
            .any(|(c, level)| before.get(c).copied().unwrap_or(0) < *level);
        assert_eq!(submitted.mastery_rose, went_up, "{before:?} -> {after:?}");
        rose.push(submitted.mastery_rose);
        // Sent again: the stored result, and nothing rises twice.
        let again = t
            .service
            .submit_final(learner, view.id, &submission(answers))
            .await
            .expect("again");
        assert!(!again.mastery_rose);
        // The result built from what was just written equals the one read back.
        assert_eq!(
            serde_json::to_value(&again.result).expect("json"),
            serde_json::to_value(&submitted.result).expect("json")
        );
    }
    assert!(rose.contains(&true) && rose.contains(&false), "{rose:?}");
}
