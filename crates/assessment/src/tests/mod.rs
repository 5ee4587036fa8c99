//! Tests against a real, migrated database: SQLite (a file in a temporary folder), or
//! a fresh PostgreSQL database of its own when `HOCVUSO_TEST_DATABASE_URL` names a
//! server (`postgres://postgres@127.0.0.1:5432/postgres`), dropped afterwards.
//!
//! Users and courses belong to other crates; the few rows the foreign keys need are
//! written here with plain inserts.

mod attempts;
mod bank;
mod import;
mod mastery;
mod placement;

use std::collections::HashMap;

use hocvuso_kernel::db::Db;
use hocvuso_kernel::db::{DbSettings, connect};
use hocvuso_kernel::time::now;
use hocvuso_migrations::{Migrator, MigratorTrait};
use hocvuso_testdb::TestDatabase;
use sea_orm::sea_query::{Alias, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, EntityTrait};
use tempfile::TempDir;
use uuid::Uuid;

use crate::dto::{
    AnswerInput, AttemptView, QuestionDraft, QuestionType, QuizSettings, QuizSettingsUpdate,
    Response,
};
use crate::entity::attempt;
use crate::rules::tests::draft;
use crate::{Assessment, Bank};

pub struct TestDb {
    pub db: Db,
    pub service: Assessment,
    // Dropped last: the database (and its folder) outlive the connection.
    _database: TestDatabase,
    _dir: TempDir,
}

pub async fn test_db() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = TestDatabase::create(&dir).await;
    let db = connect(&DbSettings::new(database.url.clone()))
        .await
        .expect("connect");
    Migrator::up(db.pool(), None).await.expect("migrate");
    for (domain, competencies) in [
        ("1", ["1.1", "1.2"]),
        ("4", ["4.1", "4.2"]),
        ("5", ["5.1", "5.2"]),
    ] {
        insert(
            &db,
            "competency_domains",
            &[
                ("code", domain.into()),
                ("name", "D".into()),
                ("name_en", "D".into()),
            ],
        )
        .await;
        for code in competencies {
            insert(
                &db,
                "competencies",
                &[
                    ("code", code.into()),
                    ("domain_code", domain.into()),
                    ("name", "C".into()),
                    ("name_en", "C".into()),
                ],
            )
            .await;
        }
    }
    TestDb {
        service: Assessment::new(db.clone()).expect("assessment"),
        db,
        _database: database,
        _dir: dir,
    }
}

async fn insert(db: &Db, table: &str, values: &[(&str, SimpleExpr)]) {
    let query = Query::insert()
        .into_table(Alias::new(table))
        .columns(values.iter().map(|(c, _)| Alias::new(*c)))
        .values_panic(values.iter().map(|(_, v)| v.clone()))
        .to_owned();
    db.execute(&query).await.expect("insert");
}

pub async fn user(db: &Db) -> Uuid {
    let id = Uuid::now_v7();
    let at = now();
    insert(
        db,
        "users",
        &[
            ("id", id.into()),
            ("role", "learner".into()),
            ("full_name", "Học viên".into()),
            ("created_at", at.into()),
            ("updated_at", at.into()),
        ],
    )
    .await;
    id
}

pub async fn course(db: &Db, code: &str) -> Uuid {
    let id = Uuid::now_v7();
    let at = now();
    insert(
        db,
        "courses",
        &[
            ("id", id.into()),
            ("code", code.into()),
            ("title", "Khóa học".into()),
            ("summary", "Tóm tắt".into()),
            ("level", 1.into()),
            ("estimated_minutes", 60.into()),
            ("sequential", true.into()),
            ("pass_mark", 70.into()),
            ("status", "published".into()),
            ("version", 1.into()),
            ("search_text", "khoa hoc".into()),
            ("created_at", at.into()),
            ("updated_at", at.into()),
        ],
    )
    .await;
    id
}

/// A question of `kind` in `competency` at `level`, coded `code`.
pub fn question(code: &str, competency: &str, level: i32, kind: QuestionType) -> QuestionDraft {
    let mut q = draft(kind);
    q.code = code.to_owned();
    q.competency = competency.to_owned();
    q.level = level;
    q.prompt = format!("Câu {code}?");
    q
}

/// 15 questions: six in 1.1, six in 4.2, three in 5.2, every type, levels 1 to 3.
pub fn demo_questions() -> Vec<QuestionDraft> {
    let mut out = Vec::new();
    for (competency, count) in [("1.1", 6), ("4.2", 6), ("5.2", 3)] {
        for i in 0..count {
            let kind = QuestionType::ALL[(out.len()) % QuestionType::ALL.len()];
            let code = format!("q{}-{i}", competency.replace('.', ""));
            out.push(question(&code, competency, i % 3 + 1, kind));
        }
    }
    out
}

/// A course with the demo bank imported.
pub async fn demo_course(t: &TestDb) -> Uuid {
    let course_id = course(&t.db, "demo").await;
    let bank = Bank {
        course_code: "demo".into(),
        pass_mark: 70,
        target_groups: Vec::new(),
        questions: demo_questions(),
    };
    let ids = HashMap::from([("demo".to_owned(), course_id)]);
    t.service
        .import_banks(&[bank], &ids)
        .await
        .expect("import demo bank");
    course_id
}

pub fn settings() -> QuizSettings {
    QuizSettings::new(QuizSettingsUpdate::default(), 70)
}

/// Every key of a JSON document, at any depth.
pub fn json_keys(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                out.push(key.clone());
                json_keys(inner, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_keys(v, out)),
        _ => {}
    }
}

/// Asserts a learner's view holds nothing of the answer key.
pub fn assert_no_key(view: &AttemptView) {
    let value = serde_json::to_value(view).expect("json");
    let mut keys = Vec::new();
    json_keys(&value, &mut keys);
    keys.sort();
    keys.dedup();
    assert_eq!(
        keys,
        [
            "course_id",
            "deadline",
            "id",
            "item",
            "kind",
            "options",
            "prompt",
            "questions",
            "seconds_left",
            "started_at",
            "status",
            "type"
        ],
        "only these fields reach a learner"
    );
    let text = value.to_string();
    for question in demo_questions() {
        assert!(!text.contains(&question.explanation), "explanation leaked");
        for accepted in &question.accepted {
            assert!(!text.contains(accepted.as_str()), "{accepted} leaked");
        }
    }
}

/// The right answers of an attempt, read from its stored key (as only a test can).
pub async fn right_answers(t: &TestDb, attempt_id: Uuid) -> Vec<AnswerInput> {
    let row = attempt::Entity::find_by_id(attempt_id)
        .one(&t.db)
        .await
        .expect("query")
        .expect("attempt");
    crate::stored::items(&row)
        .expect("items")
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let key = item.correct_answer();
            AnswerInput {
                item: u32::try_from(i).expect("small"),
                response: Response {
                    selected: key.selected,
                    value: key.value,
                    order: key.order,
                    text: key.accepted.and_then(|a| a.first().cloned()),
                },
            }
        })
        .collect()
}

/// A wrong but well-formed answer to item `i` of `view`.
pub fn wrong_answer(view: &AttemptView, right: &AnswerInput) -> AnswerInput {
    let question = &view.questions[right.item as usize];
    let n = u32::try_from(question.options.len()).expect("small");
    let response = match question.kind {
        QuestionType::SingleChoice => {
            let right_one = right.response.selected.as_ref().expect("selected")[0];
            Response {
                selected: Some(vec![(right_one + 1) % n]),
                ..Response::default()
            }
        }
        QuestionType::MultipleChoice => {
            let mut all: Vec<u32> = (0..n).collect();
            if Some(&all) == right.response.selected.as_ref() {
                all.pop();
            }
            Response {
                selected: Some(all),
                ..Response::default()
            }
        }
        QuestionType::TrueFalse => Response {
            value: right.response.value.map(|v| !v),
            ..Response::default()
        },
        QuestionType::Ordering => {
            let mut order = right.response.order.clone().expect("order");
            order.swap(0, 1);
            Response {
                order: Some(order),
                ..Response::default()
            }
        }
        QuestionType::ShortAnswer => Response {
            text: Some("không biết".into()),
            ..Response::default()
        },
    };
    AnswerInput {
        item: right.item,
        response,
    }
}
