//! `GET /api/v1/me/next`: the next step from the learner's target group, placement test,
//! enrolments and age or disability.

use reqwest::Method;
use serde_json::{Value, json};

use super::get_json;
use crate::assessment::enrol;
use crate::support::{Session, TestApp, expect_problem, learner, send};

async fn next(app: &TestApp, who: &Session) -> Vec<Value> {
    let response = send(
        app,
        Method::GET,
        "/api/v1/me/next",
        Some(&who.access_token),
        None,
    )
    .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    body["steps"].as_array().expect("steps").clone()
}

fn kinds(steps: &[Value]) -> Vec<(&str, &str)> {
    steps
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().unwrap_or_default(),
                s["course_code"].as_str().unwrap_or_default(),
            )
        })
        .collect()
}

async fn patch_me(app: &TestApp, who: &Session, body: Value) {
    let response = send(
        app,
        Method::PATCH,
        "/api/v1/me",
        Some(&who.access_token),
        Some(&body),
    )
    .await;
    assert_eq!(response.status(), 200, "PATCH /me {body}");
}

#[tokio::test]
async fn the_next_step_follows_the_learner() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let anonymous = app.get("/api/v1/me/next").await;
    expect_problem(anonymous, 401, "unauthorized").await;

    // No target group yet: that comes first, as no course opens without it.
    let undecided = learner(&app, "0914000030", None).await;
    assert_eq!(
        kinds(&next(&app, &undecided).await),
        [("complete_profile", "")]
    );

    // A new citizen: the placement test, then courses open to citizens.
    let citizen = learner(&app, "0914000031", Some("citizen")).await;
    let steps = next(&app, &citizen).await;
    assert_eq!(steps[0]["kind"], "placement_test");
    assert_eq!(steps[0]["path"], "/api/v1/me/placement");
    let starts: Vec<&str> = kinds(&steps)
        .into_iter()
        .filter(|(k, _)| *k == "start_course")
        .map(|(_, c)| c)
        .collect();
    assert_eq!(starts.len(), 3, "{steps:?}");
    for code in &starts {
        let course: Value = app
            .get(&format!("/api/v1/courses/{code}"))
            .await
            .json()
            .await
            .expect("json");
        assert!(
            course["target_groups"]
                .as_array()
                .expect("groups")
                .contains(&json!("citizen")),
            "{code}"
        );
    }
    assert!(
        !starts.contains(&"van-ban-dien-tu-va-chu-ky-so"),
        "a course for civil servants"
    );
    for step in steps.iter().filter(|s| s["kind"] == "start_course") {
        assert_eq!(step["reason_code"], "fills_gap");
        assert_eq!(step["easy_read"], false);
        assert!(step["lesson_slug"].is_string());
    }

    // Enrolled: the lesson to continue comes first.
    enrol(&app, &citizen, "thanh-toan-khong-dung-tien-mat").await;
    let steps = next(&app, &citizen).await;
    assert_eq!(steps[0]["kind"], "continue_lesson");
    assert_eq!(steps[0]["course_code"], "thanh-toan-khong-dung-tien-mat");
    let progress: Value = get_json(
        &app,
        &citizen,
        "/api/v1/me/courses/thanh-toan-khong-dung-tien-mat",
    )
    .await;
    assert_eq!(steps[0]["lesson_slug"], progress["resume"]["lesson_slug"]);
    assert!(!kinds(&steps).contains(&("start_course", "thanh-toan-khong-dung-tien-mat")));

    // An elderly learner is pointed at a course written for them, in easy-read.
    let elder = learner(&app, "0914000032", Some("citizen")).await;
    patch_me(&app, &elder, json!({"birth_date": "1950-03-02"})).await;
    let steps = next(&app, &elder).await;
    let first_course = steps
        .iter()
        .find(|s| s["kind"] == "start_course")
        .expect("a course");
    assert_eq!(first_course["reason_code"], "suits_you");
    assert_eq!(first_course["easy_read"], true);
    let code = first_course["course_code"].as_str().expect("code");
    let course: Value = app
        .get(&format!("/api/v1/courses/{code}"))
        .await
        .json()
        .await
        .expect("json");
    assert!(
        course["audiences"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == "elderly")),
        "{code} is written for the elderly: {course}"
    );
    let lesson: Value = app
        .get(&format!(
            "/api/v1/courses/{code}/lessons/{}",
            first_course["lesson_slug"].as_str().expect("slug")
        ))
        .await
        .json()
        .await
        .expect("json");
    assert!(
        lesson["easy_read"].is_object(),
        "the lesson has an easy-read version"
    );

    // So is a learner with a disability.
    let reader = learner(&app, "0914000033", Some("citizen")).await;
    patch_me(&app, &reader, json!({"disability": "cognitive"})).await;
    let steps = next(&app, &reader).await;
    let first_course = steps
        .iter()
        .find(|s| s["kind"] == "start_course")
        .expect("a course");
    assert_eq!(first_course["easy_read"], true, "{first_course}");
}
