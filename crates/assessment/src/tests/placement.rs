use hocvuso_kernel::TargetGroup;

use super::*;
use crate::AssessmentError;
use crate::dto::{AttemptKind, Submission};

#[tokio::test]
async fn a_placement_test_estimates_a_level_per_competency() {
    let t = test_db().await;
    let course_id = demo_course(&t).await;
    let empty = course(&t.db, "empty").await;
    let learner = user(&t.db).await;
    let view = t
        .service
        .start_placement(learner, TargetGroup::Citizen, &[course_id, empty])
        .await
        .expect("start");
    assert_eq!(view.kind, AttemptKind::Placement);
    // Two questions in each of the three competencies.
    assert_eq!(view.questions.len(), 6);
    assert_no_key(&view);
    let again = t
        .service
        .start_placement(learner, TargetGroup::Citizen, &[course_id])
        .await
        .expect("resume");
    assert_eq!(again.id, view.id);
    assert!(t.service.replay(view.id).await.expect("replay").matches);

    // Right everywhere except the easiest question of 4.2.
    let row = attempt::Entity::find_by_id(view.id)
        .one(&t.db)
        .await
        .expect("query")
        .expect("row");
    let items = crate::stored::items(&row).expect("items");
    let easiest_42 = items
        .iter()
        .enumerate()
        .filter(|(_, i)| i.competency == "4.2")
        .min_by_key(|(_, i)| i.level)
        .map(|(n, _)| n)
        .expect("4.2 is tested");
    let answers: Vec<AnswerInput> = right_answers(&t, view.id)
        .await
        .into_iter()
        .filter(|a| a.item as usize != easiest_42)
        .collect();
    let submission = Submission {
        answers,
        client_time: None,
    };
    let err = t
        .service
        .submit_attempt(learner, view.id, &submission)
        .await
        .expect_err("not a final quiz");
    assert!(matches!(err, AssessmentError::NotFound));
    let result = t
        .service
        .submit_placement(learner, view.id, &submission)
        .await
        .expect("submit");
    assert_eq!(result.result.correct_count, 5);
    assert_eq!(result.result.pass_mark, None);
    let levels: Vec<(&str, u32)> = result
        .estimates
        .iter()
        .map(|e| (e.competency.as_str(), e.level))
        .collect();
    // The demo bank's hardest questions are level 3.
    assert_eq!(levels, [("1.1", 3), ("4.2", 0), ("5.2", 3)]);
    let stored = t
        .service
        .placement_result(learner, view.id)
        .await
        .expect("stored");
    assert_eq!(stored.estimates, result.estimates);

    let next = t
        .service
        .start_placement(learner, TargetGroup::Citizen, &[course_id])
        .await
        .expect("a new test once the last is done");
    assert_ne!(next.id, view.id);
}

#[tokio::test]
async fn no_questions_no_placement() {
    let t = test_db().await;
    let empty = course(&t.db, "empty").await;
    let learner = user(&t.db).await;
    let err = t
        .service
        .start_placement(learner, TargetGroup::Student, &[empty])
        .await
        .expect_err("empty");
    assert_eq!(
        hocvuso_kernel::Problem::from(err).code,
        "placement_unavailable"
    );
}
