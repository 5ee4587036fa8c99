use std::collections::HashMap;
use std::path::Path;

use sea_orm::{EntityTrait, PaginatorTrait};

use super::*;
use crate::dto::BankImportReport;
use crate::entity::question;
use crate::load_banks;

fn shipped() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content")
}

#[tokio::test]
async fn importing_the_shipped_banks_twice_changes_nothing_the_second_time() {
    let t = test_db().await;
    let banks = load_banks(&shipped()).expect("shipped banks load");
    let mut ids = HashMap::new();
    for bank in &banks {
        ids.insert(
            bank.course_code.clone(),
            course(&t.db, &bank.course_code).await,
        );
    }
    let total: usize = banks.iter().map(|b| b.questions.len()).sum();
    let first = t.service.import_banks(&banks, &ids).await.expect("import");
    assert_eq!(first.created, total);
    let rows = question::Entity::find().count(&t.db).await.expect("count");
    let second = t.service.import_banks(&banks, &ids).await.expect("again");
    assert_eq!(
        second,
        BankImportReport {
            unchanged: total,
            ..BankImportReport::default()
        }
    );
    assert_eq!(
        question::Entity::find().count(&t.db).await.expect("count"),
        rows
    );
    for (code, id) in &ids {
        let active = t.service.questions(*id, false).await.expect("list");
        assert!(active.len() >= 10, "{code} has {}", active.len());
    }
}

#[tokio::test]
async fn a_reimport_updates_changed_questions_retires_removed_ones_and_revives_returning_ones() {
    let t = test_db().await;
    let course_id = demo_course(&t).await;
    let ids = HashMap::from([("demo".to_owned(), course_id)]);
    let mut questions = demo_questions();
    let removed = questions.remove(0);
    questions[0].prompt = "Một câu hỏi đã sửa?".into();
    let bank = |questions: Vec<QuestionDraft>| Bank {
        course_code: "demo".into(),
        pass_mark: 70,
        target_groups: Vec::new(),
        questions,
    };
    let report = t
        .service
        .import_banks(&[bank(questions.clone())], &ids)
        .await
        .expect("import");
    assert_eq!(
        report,
        BankImportReport {
            created: 0,
            updated: 1,
            unchanged: 13,
            retired: 1,
        }
    );
    let active = t.service.questions(course_id, false).await.expect("list");
    assert_eq!(active.len(), 14);
    assert!(active.iter().all(|q| q.draft.code != removed.code));
    let all = t.service.questions(course_id, true).await.expect("list");
    let retired = all
        .iter()
        .find(|q| q.draft.code == removed.code)
        .expect("kept for past attempts");
    assert!(retired.retired_at.is_some());
    assert!(
        active
            .iter()
            .any(|q| q.draft.prompt == "Một câu hỏi đã sửa?" && q.version == 2)
    );

    // The removed question comes back unchanged: it is drawn again.
    questions.insert(0, removed.clone());
    let report = t
        .service
        .import_banks(&[bank(questions)], &ids)
        .await
        .expect("import");
    assert_eq!(report.updated, 1);
    assert_eq!(report.retired, 0);
    let active = t.service.questions(course_id, false).await.expect("list");
    assert_eq!(active.len(), 15);
}

#[tokio::test]
async fn a_trainers_edit_survives_until_the_file_changes() {
    let t = test_db().await;
    let course_id = demo_course(&t).await;
    let ids = HashMap::from([("demo".to_owned(), course_id)]);
    let listed = t.service.questions(course_id, false).await.expect("list");
    let target = &listed[0];
    let mut edited = target.draft.clone();
    edited.explanation = "Giải thích của giảng viên.".into();
    t.service
        .update_question(target.id, &edited)
        .await
        .expect("edit");
    let own = t
        .service
        .create_question(
            course_id,
            &question("gv-1", "4.2", 2, QuestionType::TrueFalse),
        )
        .await
        .expect("trainer question");

    let bank = Bank {
        course_code: "demo".into(),
        pass_mark: 70,
        target_groups: Vec::new(),
        questions: demo_questions(),
    };
    let report = t
        .service
        .import_banks(std::slice::from_ref(&bank), &ids)
        .await
        .expect("import");
    assert_eq!(report.unchanged, 15);
    assert_eq!(report.retired, 0, "a trainer's question is never retired");
    let kept = t.service.question(target.id).await.expect("question");
    assert_eq!(kept.draft.explanation, "Giải thích của giảng viên.");
    assert!(
        t.service
            .question(own.id)
            .await
            .expect("own")
            .retired_at
            .is_none()
    );

    let mut changed = bank;
    for q in &mut changed.questions {
        if q.code == target.draft.code {
            q.explanation = "Giải thích mới trong tệp.".into();
        }
    }
    t.service
        .import_banks(&[changed], &ids)
        .await
        .expect("import");
    let overwritten = t.service.question(target.id).await.expect("question");
    assert_eq!(overwritten.draft.explanation, "Giải thích mới trong tệp.");
}

#[tokio::test]
async fn a_bank_of_an_unknown_course_writes_nothing() {
    let t = test_db().await;
    let bank = Bank {
        course_code: "khong-co".into(),
        pass_mark: 70,
        target_groups: Vec::new(),
        questions: demo_questions(),
    };
    let err = t
        .service
        .import_banks(&[bank], &HashMap::new())
        .await
        .expect_err("unknown course");
    assert!(matches!(err, crate::AssessmentError::UnknownCourse(code) if code == "khong-co"));
    assert_eq!(
        question::Entity::find().count(&t.db).await.expect("count"),
        0
    );
}
