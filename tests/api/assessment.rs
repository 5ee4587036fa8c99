//! Final quizzes, placement tests, mastery and question banks over HTTP, and the
//! learner's whole path to a completed course.

use hocvuso_assessment::dto::{QuestionDetail, QuestionType};
use hocvuso_assessment::entity::attempt;
use reqwest::Method;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{Session, TestApp, expect_problem, learner, send, trainer, ward_admin};

pub(crate) const SCAMS: &str = "nhan-dien-lua-dao-truc-tuyen";

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    who: &Session,
    body: Option<Value>,
) -> reqwest::Response {
    send(app, method, path, Some(&who.access_token), body.as_ref()).await
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let url = response.url().to_string();
    assert_eq!(response.status().as_u16(), status, "status of {url}");
    response.json().await.expect("json")
}

pub(crate) async fn bank(app: &TestApp, code: &str) -> Vec<QuestionDetail> {
    let structure = app
        .state
        .courses
        .published_structure(code)
        .await
        .expect("course");
    app.state
        .assessment
        .questions(structure.id, false)
        .await
        .expect("bank")
}

/// Right (or, with `right = false`, wrong) answers to the questions an attempt shows,
/// worked out from the bank as only the server knows it.
pub(crate) fn answers(view: &Value, bank: &[QuestionDetail], right: bool) -> Value {
    let list: Vec<Value> = view["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| {
            let item = q["item"].clone();
            let question = bank
                .iter()
                .find(|b| b.draft.prompt == q["prompt"].as_str().expect("prompt"))
                .expect("a question of the bank");
            let shown: Vec<&str> = q["options"]
                .as_array()
                .expect("options")
                .iter()
                .map(|o| o.as_str().expect("option"))
                .collect();
            let index_of = |text: &str| {
                question
                    .draft
                    .options
                    .iter()
                    .position(|o| o == text)
                    .expect("known option")
            };
            match question.draft.kind {
                QuestionType::SingleChoice | QuestionType::MultipleChoice => {
                    let selected: Vec<usize> = (0..shown.len())
                        .filter(|p| {
                            question
                                .draft
                                .answer
                                .contains(&(index_of(shown[*p]) as u32))
                                == right
                        })
                        .collect();
                    let selected = if right {
                        selected
                    } else {
                        selected.into_iter().take(1).collect()
                    };
                    json!({"item": item, "selected": selected})
                }
                QuestionType::TrueFalse => {
                    json!({"item": item, "value": question.draft.answer_bool.map(|v| v == right)})
                }
                QuestionType::Ordering => {
                    let mut order: Vec<usize> = (0..shown.len()).collect();
                    order.sort_by_key(|p| index_of(shown[*p]));
                    if !right {
                        order.reverse();
                    }
                    json!({"item": item, "order": order})
                }
                QuestionType::ShortAnswer => {
                    let text = if right {
                        question.draft.accepted[0].clone()
                    } else {
                        "không biết".into()
                    };
                    json!({"item": item, "text": text})
                }
            }
        })
        .collect();
    json!({"answers": list})
}

pub(crate) async fn enrol(app: &TestApp, who: &Session, code: &str) -> Value {
    json_of(
        call(
            app,
            Method::PUT,
            &format!("/api/v1/me/courses/{code}"),
            who,
            None,
        )
        .await,
        200,
    )
    .await
}

#[tokio::test]
async fn no_answer_leaves_the_server_before_submission() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let citizen = learner(&app, "0913000001", Some("citizen")).await;
    let not_enrolled = call(
        &app,
        Method::POST,
        &format!("/api/v1/me/courses/{SCAMS}/quiz/attempts"),
        &citizen,
        None,
    )
    .await;
    expect_problem(not_enrolled, 403, "not_enrolled").await;
    enrol(&app, &citizen, SCAMS).await;
    let bank = bank(&app, SCAMS).await;

    let started = call(
        &app,
        Method::POST,
        &format!("/api/v1/me/courses/{SCAMS}/quiz/attempts"),
        &citizen,
        None,
    )
    .await;
    let started_text = started.text().await.expect("body");
    let view: Value = serde_json::from_str(&started_text).expect("json");
    assert_eq!(view["questions"].as_array().map(Vec::len), Some(10));
    let resumed = call(
        &app,
        Method::GET,
        &format!("/api/v1/me/attempts/{}", view["id"].as_str().expect("id")),
        &citizen,
        None,
    )
    .await;
    let resumed_text = resumed.text().await.expect("body");
    let standing = call(
        &app,
        Method::GET,
        &format!("/api/v1/me/courses/{SCAMS}/quiz"),
        &citizen,
        None,
    )
    .await;
    let standing_text = standing.text().await.expect("body");
    for text in [&started_text, &resumed_text, &standing_text] {
        for key in ["\"answer", "\"accepted\"", "\"explanation\"", "\"correct"] {
            assert!(!text.contains(key), "{key} sent before submission: {text}");
        }
        for question in &bank {
            assert!(
                !text.contains(&question.draft.explanation),
                "an explanation leaked"
            );
            for accepted in &question.draft.accepted {
                assert!(
                    !text.contains(&format!("\"{accepted}\"")),
                    "an accepted answer leaked"
                );
            }
        }
    }
    // Starting again resumes the attempt in progress.
    let again = json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/v1/me/courses/{SCAMS}/quiz/attempts"),
            &citizen,
            None,
        )
        .await,
        201,
    )
    .await;
    assert_eq!(again["id"], view["id"]);
}

#[tokio::test]
async fn a_learner_completes_a_course_by_its_lessons_and_its_quiz() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let citizen = learner(&app, "0913000002", Some("citizen")).await;
    let course = enrol(&app, &citizen, SCAMS).await;
    let bank = bank(&app, SCAMS).await;
    let quiz = format!("/api/v1/me/courses/{SCAMS}/quiz/attempts");

    // A first attempt, answered wrongly: graded, not passed, the course not complete.
    let first = json_of(call(&app, Method::POST, &quiz, &citizen, None).await, 201).await;
    let first_id = first["id"].as_str().expect("id").to_owned();
    let submit = format!("/api/v1/me/attempts/{first_id}/submit");
    let stray = call(
        &app,
        Method::POST,
        &submit,
        &citizen,
        Some(json!({"answers": [{"item": 99, "value": true}]})),
    )
    .await;
    expect_problem(stray, 400, "answer_not_in_attempt").await;
    let failed = json_of(
        call(
            &app,
            Method::POST,
            &submit,
            &citizen,
            Some(answers(&first, &bank, false)),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(failed["passed"], false);
    // Under the default reveal policy a failed attempt says which items were wrong, not
    // what the right answers were: an answer list must not leave with a failed try.
    assert_eq!(failed["answers_revealed"], false);
    for item in failed["items"].as_array().expect("items") {
        assert_eq!(item["correct"], false);
        assert_eq!(item["correct_answer"], json!({}), "{item}");
        assert_eq!(item["explanation"], "");
    }
    // Submitting again, even with other answers, returns the stored result.
    let replayed = json_of(
        call(
            &app,
            Method::POST,
            &submit,
            &citizen,
            Some(answers(&first, &bank, true)),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(replayed, failed);
    // The next attempt waits for the cool-down.
    let early = call(&app, Method::POST, &quiz, &citizen, None).await;
    assert!(early.headers().contains_key("retry-after"));
    expect_problem(early, 429, "attempt_cooldown").await;

    // Past the cool-down (moved back in the database, as time would), a second attempt.
    attempt::Entity::update_many()
        .col_expr(
            attempt::Column::ClosedAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::hours(1)),
        )
        .filter(attempt::Column::Id.eq(Uuid::parse_str(&first_id).expect("uuid")))
        .exec(&app.state.db)
        .await
        .expect("moved back");
    let second = json_of(call(&app, Method::POST, &quiz, &citizen, None).await, 201).await;
    let passed = json_of(
        call(
            &app,
            Method::POST,
            &format!(
                "/api/v1/me/attempts/{}/submit",
                second["id"].as_str().expect("id")
            ),
            &citizen,
            Some(answers(&second, &bank, true)),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (passed["passed"].clone(), passed["score_percent"].clone()),
        (json!(true), json!(100))
    );
    // Passed: now the answers and explanations are the learner's to study.
    assert_eq!(passed["answers_revealed"], true);
    assert!(
        passed["items"][0]["explanation"]
            .as_str()
            .is_some_and(|e| !e.is_empty())
    );
    let progress = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/me/courses/{SCAMS}"),
            &citizen,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(progress["final_assessment_passed"], true);
    assert_eq!(progress["final_score"], 100);
    assert_eq!(progress["status"], "active", "lessons are still to do");
    assert!(progress["completed_at"].is_null());

    // Every lesson, completed offline and synced at once: the course is complete.
    let events: Vec<Value> = course["lessons"].as_array().expect("lessons").iter().map(|l| {
        json!({"id": Uuid::now_v7(), "lesson_id": l["lesson_id"], "type": "completed", "at": "2026-11-28T10:00:00Z"})
    }).collect();
    json_of(
        call(
            &app,
            Method::POST,
            "/api/v1/progress/sync",
            &citizen,
            Some(json!({"events": events})),
        )
        .await,
        200,
    )
    .await;
    let done = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/me/courses/{SCAMS}"),
            &citizen,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["progress_percent"], 100);
    let completed_at = done["completed_at"].clone();
    assert!(completed_at.is_string());
    // Recorded once: later events do not move it, and the course cannot be left.
    json_of(call(&app, Method::POST, "/api/v1/progress/sync", &citizen, Some(json!({"events": [
        {"id": Uuid::now_v7(), "lesson_id": course["lessons"][0]["lesson_id"], "type": "started", "at": "2026-11-28T11:00:00Z"}
    ]}))).await, 200).await;
    let still = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/me/courses/{SCAMS}"),
            &citizen,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(still["completed_at"], completed_at);
    let leave = call(
        &app,
        Method::DELETE,
        &format!("/api/v1/me/courses/{SCAMS}"),
        &citizen,
        None,
    )
    .await;
    expect_problem(leave, 409, "course_already_completed").await;

    // Mastery weighs every graded answer: ten wrong and ten right is not yet mastery.
    let mastery = json_of(
        call(&app, Method::GET, "/api/v1/me/competencies", &citizen, None).await,
        200,
    )
    .await;
    let evidence: u64 = mastery
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["evidence_count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(evidence, 20);
    assert!(
        mastery
            .as_array()
            .expect("list")
            .iter()
            .all(|m| m["level"] == 0)
    );
}

#[tokio::test]
async fn late_submissions_are_refused_by_the_servers_clock() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let citizen = learner(&app, "0913000003", Some("citizen")).await;
    enrol(&app, &citizen, SCAMS).await;
    let bank = bank(&app, SCAMS).await;
    let view = json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/v1/me/courses/{SCAMS}/quiz/attempts"),
            &citizen,
            None,
        )
        .await,
        201,
    )
    .await;
    let id = Uuid::parse_str(view["id"].as_str().expect("id")).expect("uuid");
    attempt::Entity::update_many()
        .col_expr(
            attempt::Column::Deadline,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(5)),
        )
        .filter(attempt::Column::Id.eq(id))
        .exec(&app.state.db)
        .await
        .expect("deadline moved back");
    let late = call(&app, Method::POST, &format!("/api/v1/me/attempts/{id}/submit"), &citizen,
        Some(json!({"answers": answers(&view, &bank, true)["answers"], "client_time": "2020-01-01T00:00:00Z"}))).await;
    expect_problem(late, 409, "attempt_time_over").await;
}

#[tokio::test]
async fn a_placement_test_makes_mastered_lessons_skippable() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let undecided = learner(&app, "0913000004", None).await;
    let refused = call(&app, Method::POST, "/api/v1/me/placement", &undecided, None).await;
    expect_problem(refused, 403, "target_group_required").await;

    let citizen = learner(&app, "0913000005", Some("citizen")).await;
    let test = json_of(
        call(&app, Method::POST, "/api/v1/me/placement", &citizen, None).await,
        201,
    )
    .await;
    assert_eq!(test["kind"], "placement");
    let questions = test["questions"].as_array().expect("questions").len();
    assert!((4..=16).contains(&questions), "{questions} questions");
    // The placement test draws from the banks of every course open to citizens.
    let mut every_bank = Vec::new();
    for structure in app
        .state
        .courses
        .structures_for(hocvuso_kernel::TargetGroup::Citizen)
        .await
        .expect("courses")
    {
        every_bank.extend(
            app.state
                .assessment
                .questions(structure.id, false)
                .await
                .expect("bank"),
        );
    }
    let result = json_of(
        call(
            &app,
            Method::POST,
            &format!(
                "/api/v1/me/placement/{}/submit",
                test["id"].as_str().expect("id")
            ),
            &citizen,
            Some(answers(&test, &every_bank, true)),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(result["score_percent"], 100);
    assert!(
        result["estimates"]
            .as_array()
            .is_some_and(|e| !e.is_empty())
    );
    let mastery = json_of(
        call(&app, Method::GET, "/api/v1/me/competencies", &citizen, None).await,
        200,
    )
    .await;
    let mastered: Vec<(String, u64)> = mastery
        .as_array()
        .expect("list")
        .iter()
        .filter(|m| m["level"].as_u64() > Some(0))
        .map(|m| {
            (
                m["competency"].as_str().expect("code").to_owned(),
                m["level"].as_u64().expect("level"),
            )
        })
        .collect();
    assert!(!mastered.is_empty());

    // Enrolling afterwards: the lessons whose competencies were shown are skippable.
    let mut skippable_somewhere = false;
    for code in [
        SCAMS,
        "vneid-va-dich-vu-cong-truc-tuyen",
        "dien-thoai-thong-minh-co-ban",
        "thanh-toan-khong-dung-tien-mat",
        "cham-soc-suc-khoe-truc-tuyen",
        "cho-so-4t",
    ] {
        let course = enrol(&app, &citizen, code).await;
        let structure = app
            .state
            .courses
            .published_structure(code)
            .await
            .expect("course");
        for (lesson, state) in structure
            .lessons
            .iter()
            .zip(course["lessons"].as_array().expect("lessons"))
        {
            let expected = lesson.competencies.iter().all(|c| {
                mastered
                    .iter()
                    .any(|(m, level)| m == c && *level >= lesson.level as u64)
            });
            assert_eq!(
                state["state"] == "skippable",
                expected,
                "{code}/{}",
                lesson.slug
            );
            skippable_somewhere |= expected;
        }
    }
    assert!(
        skippable_somewhere,
        "a perfect placement test skips some lesson"
    );
}

#[tokio::test]
async fn authors_keep_their_question_banks() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let (admin, ward) = ward_admin(&app, "canbo@phuong2.vn", "Phường 2").await;
    let author = trainer(&app, &admin, &ward, "gv1@phuong2.vn").await;
    let other = trainer(&app, &admin, &ward, "gv2@phuong2.vn").await;
    let course = json_of(call(&app, Method::POST, "/api/v1/authoring/courses", &author, Some(json!({
        "code": "zalo-an-toan", "title": "Dùng Zalo an toàn", "summary": "Cài đặt quyền riêng tư.",
        "target_groups": ["citizen"], "level": 1, "competencies": ["4.2"], "estimated_minutes": 30, "pass_mark": 80
    }))).await, 201).await;
    let questions = format!(
        "/api/v1/authoring/courses/{}/questions",
        course["id"].as_str().expect("id")
    );
    let question = json!({
        "code": "q1", "competency": "4.2", "level": 1, "type": "single_choice",
        "prompt": "Ai nên thấy số điện thoại của bạn trên Zalo?",
        "options": ["Mọi người", "Chỉ bạn bè", "Người lạ nhắn tin"], "answer": [1],
        "explanation": "Chỉ để bạn bè thấy số điện thoại giúp tránh bị làm phiền và lừa đảo."
    });
    let created = json_of(
        call(
            &app,
            Method::POST,
            &questions,
            &author,
            Some(question.clone()),
        )
        .await,
        201,
    )
    .await;
    let mut two_answers = question.clone();
    two_answers["code"] = json!("q2");
    two_answers["answer"] = json!([0, 1]);
    let invalid = call(&app, Method::POST, &questions, &author, Some(two_answers)).await;
    let problem = expect_problem(invalid, 400, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "single_answer_required");
    let taken = call(
        &app,
        Method::POST,
        &questions,
        &author,
        Some(question.clone()),
    )
    .await;
    expect_problem(taken, 409, "question_code_taken").await;
    let foreign = call(
        &app,
        Method::POST,
        &questions,
        &other,
        Some(question.clone()),
    )
    .await;
    expect_problem(foreign, 403, "forbidden").await;

    let listed = json_of(
        call(&app, Method::GET, &questions, &author, None).await,
        200,
    )
    .await;
    assert_eq!(listed[0]["answer"], json!([1]));
    let one = format!("{questions}/{}", created["id"].as_str().expect("id"));
    let retired = call(&app, Method::DELETE, &one, &author, None).await;
    assert_eq!(retired.status(), 204);
    let listed = json_of(
        call(&app, Method::GET, &questions, &author, None).await,
        200,
    )
    .await;
    assert_eq!(listed, json!([]));

    let settings = format!(
        "/api/v1/authoring/courses/{}/quiz",
        course["id"].as_str().expect("id")
    );
    let changed = json_of(call(&app, Method::PUT, &settings, &author, Some(json!({
        "question_count": 5, "time_limit_minutes": 15, "max_attempts": 2, "cooldown_minutes": 0, "grading": "last",
        "reveal": "after_last_attempt"
    }))).await, 200).await;
    assert_eq!(
        (
            changed["max_attempts"].clone(),
            changed["pass_mark"].clone(),
            changed["reveal"].clone()
        ),
        (json!(2), json!(80), json!("after_last_attempt"))
    );
}

#[tokio::test]
async fn administrators_in_scope_replay_a_draw_for_audit() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let (admin, ward) = ward_admin(&app, "canbo@phuong3.vn", "Phường 3").await;
    let citizen = learner(&app, "0913000009", Some("citizen")).await;
    enrol(&app, &citizen, SCAMS).await;
    let view = json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/v1/me/courses/{SCAMS}/quiz/attempts"),
            &citizen,
            None,
        )
        .await,
        201,
    )
    .await;
    let replay = format!(
        "/api/v1/attempts/{}/replay",
        view["id"].as_str().expect("id")
    );
    let refused = call(&app, Method::GET, &replay, &citizen, None).await;
    expect_problem(refused, 403, "forbidden").await;
    // The learner registered without a unit: outside this ward administrator's scope.
    let hidden = call(&app, Method::GET, &replay, &admin, None).await;
    expect_problem(hidden, 404, "not_found").await;

    // A resident of the ward: the administrator reproduces exactly what they were shown.
    let created = call(
        &app,
        Method::POST,
        "/api/v1/users",
        &admin,
        Some(json!({
            "full_name": "Lê Văn Cường", "role": "learner", "phone": "0913000010",
            "password": "Học vụ số 2025!", "unit_id": ward, "target_group": "citizen"
        })),
    )
    .await;
    assert_eq!(created.status(), 201);
    let resident = crate::support::login(&app, "0913000010", "Học vụ số 2025!").await;
    enrol(&app, &resident, SCAMS).await;
    let attempt = json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/v1/me/courses/{SCAMS}/quiz/attempts"),
            &resident,
            None,
        )
        .await,
        201,
    )
    .await;
    let report = json_of(
        call(
            &app,
            Method::GET,
            &format!(
                "/api/v1/attempts/{}/replay",
                attempt["id"].as_str().expect("id")
            ),
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(report["matches"], true);
    assert_eq!(report["questions"].as_array().map(Vec::len), Some(10));
}
