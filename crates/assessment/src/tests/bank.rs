use hocvuso_kernel::Problem;

use super::*;
use crate::AssessmentError;

fn field_codes(err: AssessmentError) -> Vec<(String, String)> {
    let problem = Problem::from(err);
    assert_eq!(problem.status, 400);
    assert_eq!(problem.code, "validation_failed");
    problem
        .errors
        .into_iter()
        .map(|e| (e.field, e.code.to_string()))
        .collect()
}

#[tokio::test]
async fn trainers_write_edit_list_and_retire_questions() {
    let t = test_db().await;
    let course_id = course(&t.db, "demo").await;
    let created = t
        .service
        .create_question(
            course_id,
            &question("q1", "4.2", 2, QuestionType::MultipleChoice),
        )
        .await
        .expect("create");
    assert_eq!(created.origin, "trainer");
    assert_eq!(created.draft.answer, vec![0, 2], "trainers see the key");

    let mut edit = created.draft.clone();
    edit.kind = QuestionType::SingleChoice;
    edit.answer = vec![1];
    let updated = t
        .service
        .update_question(created.id, &edit)
        .await
        .expect("update");
    assert_eq!(updated.version, 2);
    assert_eq!(updated.draft.kind, QuestionType::SingleChoice);

    let retired = t.service.retire_question(created.id).await.expect("retire");
    assert!(retired.retired_at.is_some());
    let again = t
        .service
        .retire_question(created.id)
        .await
        .expect("idempotent");
    assert_eq!(again.retired_at, retired.retired_at);
    assert!(
        t.service
            .questions(course_id, false)
            .await
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        t.service
            .questions(course_id, true)
            .await
            .expect("list")
            .len(),
        1
    );
}

#[tokio::test]
async fn drafts_break_the_same_rules_as_files() {
    let t = test_db().await;
    let course_id = course(&t.db, "demo").await;
    let mut bad = question("q 1", "9.9", 2, QuestionType::SingleChoice);
    bad.answer = vec![5];
    let err = t
        .service
        .create_question(course_id, &bad)
        .await
        .expect_err("invalid");
    assert_eq!(
        field_codes(err),
        [
            ("code".to_owned(), "invalid_code".to_owned()),
            ("competency".to_owned(), "unknown_competency".to_owned()),
            ("answer".to_owned(), "answer_out_of_range".to_owned()),
        ]
    );

    let mut long = question("q1", "4.2", 0, QuestionType::TrueFalse);
    long.prompt = String::new();
    let err = t
        .service
        .create_question(course_id, &long)
        .await
        .expect_err("invalid");
    let codes = field_codes(err);
    assert!(
        codes.contains(&("level".to_owned(), "range".to_owned())),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("prompt".to_owned(), "length".to_owned())),
        "{codes:?}"
    );
}

#[tokio::test]
async fn a_code_is_unique_within_a_course() {
    let t = test_db().await;
    let course_id = course(&t.db, "demo").await;
    let q = question("q1", "4.2", 1, QuestionType::TrueFalse);
    t.service
        .create_question(course_id, &q)
        .await
        .expect("first");
    let err = t
        .service
        .create_question(course_id, &q)
        .await
        .expect_err("taken");
    assert_eq!(Problem::from(err).code, "question_code_taken");
    let other = course(&t.db, "other").await;
    t.service
        .create_question(other, &q)
        .await
        .expect("another course may use it");
    let err = t
        .service
        .create_question(Uuid::now_v7(), &q)
        .await
        .expect_err("no such course");
    assert!(matches!(err, AssessmentError::NotFound));
}
