//! Enrolment, lesson locks and progress, online and synced in batches from offline
//! clients, on the shipped curriculum.

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{Session, TestApp, expect_problem, learner, send};

const SCAMS: &str = "nhan-dien-lua-dao-truc-tuyen";

async fn app() -> TestApp {
    TestApp::spawn_with(|s| s.content.import_on_start = true).await
}

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    who: &Session,
    body: Option<Value>,
) -> reqwest::Response {
    send(app, method, path, Some(&who.access_token), body.as_ref()).await
}

async fn enrolled(app: &TestApp, who: &Session, code: &str) -> Value {
    let response = call(
        app,
        Method::PUT,
        &format!("/api/v1/me/courses/{code}"),
        who,
        None,
    )
    .await;
    assert_eq!(response.status(), 200, "enrol in {code}");
    response.json().await.expect("json")
}

fn lesson_ids(progress: &Value) -> Vec<String> {
    progress["lessons"]
        .as_array()
        .expect("lessons")
        .iter()
        .map(|l| l["lesson_id"].as_str().expect("id").to_owned())
        .collect()
}

fn event(lesson: &str, kind: &str, at: &str) -> Value {
    json!({"id": Uuid::now_v7(), "lesson_id": lesson, "type": kind, "at": at})
}

async fn sync(app: &TestApp, who: &Session, events: &[Value]) -> Value {
    let response = call(
        app,
        Method::POST,
        "/api/v1/progress/sync",
        who,
        Some(json!({"events": events})),
    )
    .await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

async fn progress(app: &TestApp, who: &Session, code: &str) -> Value {
    let response = call(
        app,
        Method::GET,
        &format!("/api/v1/me/courses/{code}"),
        who,
        None,
    )
    .await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

#[tokio::test]
async fn learners_enrol_in_courses_open_to_their_group() {
    let app = app().await;
    let student = learner(&app, "0912000001", Some("student")).await;
    let refused = call(
        &app,
        Method::PUT,
        "/api/v1/me/courses/van-ban-dien-tu-va-chu-ky-so",
        &student,
        None,
    )
    .await;
    expect_problem(refused, 403, "course_not_for_target_group").await;
    let undecided = learner(&app, "0912000002", None).await;
    let refused = call(
        &app,
        Method::PUT,
        &format!("/api/v1/me/courses/{SCAMS}"),
        &undecided,
        None,
    )
    .await;
    expect_problem(refused, 403, "target_group_required").await;
    let missing = call(
        &app,
        Method::PUT,
        "/api/v1/me/courses/khong-co",
        &student,
        None,
    )
    .await;
    expect_problem(missing, 404, "not_found").await;

    let first = enrolled(&app, &student, SCAMS).await;
    assert_eq!(first["status"], "active");
    assert_eq!(first["progress_percent"], 0);
    assert_eq!(first["final_assessment_required"], true);
    let lessons = lesson_ids(&first);
    assert_eq!(first["resume"]["lesson_id"], lessons[0].as_str());
    assert_eq!(first["lessons"][0]["state"], "available");
    assert_eq!(first["lessons"][1]["state"], "locked");
    let again = enrolled(&app, &student, SCAMS).await;
    assert_eq!(
        again["enrolled_at"], first["enrolled_at"],
        "enrolling twice changes nothing"
    );

    let mine: Value = call(&app, Method::GET, "/api/v1/me/courses", &student, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine.as_array().map(Vec::len), Some(1));
    assert_eq!(mine[0]["course_code"], SCAMS);

    let left = call(
        &app,
        Method::DELETE,
        &format!("/api/v1/me/courses/{SCAMS}"),
        &student,
        None,
    )
    .await;
    assert_eq!(left.status(), 204);
    let mine: Value = call(&app, Method::GET, "/api/v1/me/courses", &student, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine, json!([]));
    let again = call(
        &app,
        Method::DELETE,
        &format!("/api/v1/me/courses/{SCAMS}"),
        &student,
        None,
    )
    .await;
    expect_problem(again, 403, "not_enrolled").await;
    let anonymous = send(&app, Method::GET, "/api/v1/me/courses", None, None).await;
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn sequential_lessons_open_in_order_and_only_to_enrolled_learners() {
    let app = app().await;
    let citizen = learner(&app, "0912000003", Some("citizen")).await;
    let outsider = learner(&app, "0912000004", Some("citizen")).await;
    let course = enrolled(&app, &citizen, SCAMS).await;
    let lessons = lesson_ids(&course);
    let slug = |i: usize| {
        course["lessons"][i]["lesson_slug"]
            .as_str()
            .expect("slug")
            .to_owned()
    };

    let locked = call(
        &app,
        Method::GET,
        &format!("/api/v1/me/courses/{SCAMS}/lessons/{}", slug(1)),
        &citizen,
        None,
    )
    .await;
    expect_problem(locked, 403, "lesson_locked").await;
    let first = call(
        &app,
        Method::GET,
        &format!("/api/v1/me/courses/{SCAMS}/lessons/{}", slug(0)),
        &citizen,
        None,
    )
    .await;
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.expect("json");
    assert!(
        first["lesson"]["html"]
            .as_str()
            .is_some_and(|h| h.len() > 200)
    );
    assert_eq!(first["progress"]["state"], "available");
    let not_enrolled = call(
        &app,
        Method::GET,
        &format!("/api/v1/me/courses/{SCAMS}/lessons/{}", slug(0)),
        &outsider,
        None,
    )
    .await;
    expect_problem(not_enrolled, 403, "not_enrolled").await;

    // Online progress, one event at a time.
    let done = call(
        &app,
        Method::POST,
        "/api/v1/me/progress",
        &citizen,
        Some(event(&lessons[0], "completed", "2026-11-28T08:00:00Z")),
    )
    .await;
    assert_eq!(done.status(), 200);
    let done: Value = done.json().await.expect("json");
    assert_eq!(done["status"], "accepted");
    let opened = call(
        &app,
        Method::GET,
        &format!("/api/v1/me/courses/{SCAMS}/lessons/{}", slug(1)),
        &citizen,
        None,
    )
    .await;
    assert_eq!(opened.status(), 200, "completing lesson 1 opens lesson 2");
    let state = progress(&app, &citizen, SCAMS).await;
    assert_eq!(state["lessons"][0]["state"], "completed");
    assert_eq!(state["lessons"][1]["state"], "available");
    assert_eq!(state["resume"]["lesson_id"], lessons[1].as_str());

    let foreign = call(
        &app,
        Method::POST,
        "/api/v1/me/progress",
        &outsider,
        Some(event(&lessons[0], "started", "2026-11-28T08:00:00Z")),
    )
    .await;
    expect_problem(foreign, 403, "not_enrolled").await;
    let invalid = call(&app, Method::POST, "/api/v1/me/progress", &citizen,
        Some(json!({"id": Uuid::now_v7(), "lesson_id": lessons[0], "type": "progress", "at": "2026-11-28T08:00:00Z", "time_spent_seconds": 7200}))).await;
    expect_problem(invalid, 400, "time_spent_out_of_range").await;
}

#[tokio::test]
async fn offline_batches_are_idempotent_partial_and_order_independent() {
    let app = app().await;
    let citizen = learner(&app, "0912000005", Some("citizen")).await;
    let course = enrolled(&app, &citizen, SCAMS).await;
    let lessons = lesson_ids(&course);
    let other_course: Value = app
        .get("/api/v1/courses/van-ban-dien-tu-va-chu-ky-so")
        .await
        .json()
        .await
        .expect("json");
    let not_mine = other_course["modules"][0]["lessons"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let mut progressing = event(&lessons[0], "progress", "2026-11-28T08:05:00Z");
    progressing["position_seconds"] = json!(95);
    progressing["time_spent_seconds"] = json!(300);
    let mut finishing = event(&lessons[0], "completed", "2026-11-28T08:10:00Z");
    finishing["time_spent_seconds"] = json!(300);
    let valid = vec![
        event(&lessons[0], "started", "2026-11-28T08:00:00Z"),
        progressing,
        finishing,
        event(&lessons[1], "started", "2026-11-28T08:11:00Z"),
    ];
    let mut batch = valid.clone();
    batch.insert(
        1,
        json!({"id": Uuid::now_v7(), "type": "started", "at": "2026-11-28T08:00:00Z"}),
    );
    batch.push(event(&lessons[1], "started", "2099-01-01T00:00:00Z"));
    batch.push(event(&not_mine, "started", "2026-11-28T08:00:00Z"));
    batch.push(json!("not an event"));

    let first = sync(&app, &citizen, &batch).await;
    assert_eq!(
        (first["accepted"].as_u64(), first["rejected"].as_u64()),
        (Some(4), Some(4))
    );
    let codes: Vec<Value> = first["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["code"].clone())
        .collect();
    assert_eq!(codes[1], "malformed_event");
    assert_eq!(codes[5], "event_in_future");
    assert_eq!(codes[6], "not_enrolled");
    assert_eq!(codes[7], "malformed_event");
    assert_eq!(first["results"][7]["index"], 7);
    let after_first = progress(&app, &citizen, SCAMS).await;
    assert_eq!(after_first["lessons"][0]["state"], "completed");
    assert_eq!(
        after_first["lessons"][0]["completed_at"],
        "2026-11-28T08:10:00Z"
    );
    assert_eq!(after_first["lessons"][0]["time_spent_seconds"], 600);
    assert_eq!(after_first["lessons"][0]["position_seconds"], 95);
    assert_eq!(after_first["lessons"][1]["state"], "started");

    // The same batch again (the reply was lost): nothing changes.
    let replay = sync(&app, &citizen, &batch).await;
    assert_eq!(
        (replay["accepted"].as_u64(), replay["duplicates"].as_u64()),
        (Some(0), Some(4))
    );
    assert_eq!(
        progress(&app, &citizen, SCAMS).await["lessons"],
        after_first["lessons"]
    );

    // A late "started" does not undo the completion.
    sync(
        &app,
        &citizen,
        &[event(&lessons[0], "started", "2026-11-28T09:00:00Z")],
    )
    .await;
    assert_eq!(
        progress(&app, &citizen, SCAMS).await["lessons"][0]["state"],
        "completed"
    );

    // Another learner's device sends the same events in reverse order, split in two batches.
    let twin = learner(&app, "0912000006", Some("citizen")).await;
    enrolled(&app, &twin, SCAMS).await;
    let mut reversed: Vec<Value> = valid
        .iter()
        .rev()
        .map(|e| {
            let mut copy = e.clone();
            copy["id"] = json!(Uuid::now_v7());
            copy
        })
        .collect();
    let later = reversed.split_off(2);
    sync(&app, &twin, &reversed).await;
    sync(&app, &twin, &later).await;
    let twin_lessons = progress(&app, &twin, SCAMS).await["lessons"].clone();
    for field in [
        "state",
        "started_at",
        "completed_at",
        "position_seconds",
        "time_spent_seconds",
    ] {
        assert_eq!(
            twin_lessons[0][field], after_first["lessons"][0][field],
            "{field}"
        );
    }
}

#[tokio::test]
async fn oversized_and_malformed_batches_are_refused_whole() {
    let app = app().await;
    let citizen = learner(&app, "0912000007", Some("citizen")).await;
    let course = enrolled(&app, &citizen, SCAMS).await;
    let lesson = lesson_ids(&course)[0].clone();
    let too_many: Vec<Value> = (0..501)
        .map(|_| event(&lesson, "progress", "2026-11-28T08:00:00Z"))
        .collect();
    let refused = call(
        &app,
        Method::POST,
        "/api/v1/progress/sync",
        &citizen,
        Some(json!({"events": too_many})),
    )
    .await;
    expect_problem(refused, 413, "batch_too_large").await;
    let malformed = call(
        &app,
        Method::POST,
        "/api/v1/progress/sync",
        &citizen,
        Some(json!({"events": "none"})),
    )
    .await;
    assert_eq!(malformed.status(), 400);
    assert_eq!(
        progress(&app, &citizen, SCAMS).await["lessons"][0]["state"],
        "available"
    );
}
