//! Who may call what: every endpoint × every role, in one table.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, register, send, trainer, ward_admin};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Caller {
    Anonymous,
    Learner,
    Trainer,
    Admin,
}

const CALLERS: [Caller; 4] = [
    Caller::Anonymous,
    Caller::Learner,
    Caller::Trainer,
    Caller::Admin,
];

#[tokio::test]
async fn every_endpoint_answers_each_role_as_the_policy_says() {
    // The curriculum brings the competence framework that new courses align to.
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let (admin, ward) = ward_admin(&app, "canbo@phuong1.vn", "Phường 1").await;
    let learner = register(&app, "0912345678").await;
    let trainer = trainer(&app, &admin, &ward, "gv@phuong1.vn").await;
    // The learner asks to live in the ward and its administrator places them, so may
    // edit them.
    let asked = send(
        &app,
        Method::PATCH,
        "/api/v1/me",
        Some(&learner.access_token),
        Some(&json!({"unit_id": ward})),
    )
    .await;
    assert_eq!(asked.status(), 200);
    let placed = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/users/{}", learner.user_id),
        Some(&admin.access_token),
        Some(&json!({"unit_id": ward})),
    )
    .await;
    assert_eq!(placed.status(), 200);

    let token = |caller: Caller| match caller {
        Caller::Anonymous => None,
        Caller::Learner => Some(learner.access_token.clone()),
        Caller::Trainer => Some(trainer.access_token.clone()),
        Caller::Admin => Some(admin.access_token.clone()),
    };
    let learner_path = format!("/api/v1/users/{}", learner.user_id);
    let admin_path = format!("/api/v1/users/{}", admin.user_id);

    // (method, path, body, expected status for anonymous, learner, trainer, admin)
    type Row = (Method, String, Option<Value>, [u16; 4]);
    let mut unique = 0;
    let rows = |unique: &mut i32| -> Vec<Row> {
        *unique += 1;
        let n = *unique;
        vec![
            (Method::GET, "/api/v1/me".into(), None, [401, 200, 200, 200]),
            (
                Method::GET,
                "/api/v1/me/next".into(),
                None,
                [401, 200, 200, 200],
            ),
            (
                Method::POST,
                "/api/v1/assistant/ask".into(),
                Some(json!({"question": "VNeID là gì"})),
                [401, 200, 200, 200],
            ),
            (
                Method::GET,
                "/api/v1/assistant/conversations".into(),
                None,
                [401, 200, 200, 200],
            ),
            (
                Method::PATCH,
                "/api/v1/me".into(),
                Some(json!({})),
                [401, 200, 200, 200],
            ),
            (
                Method::GET,
                "/api/v1/authoring/courses".into(),
                None,
                [401, 403, 200, 200],
            ),
            (
                Method::POST,
                "/api/v1/authoring/courses".into(),
                Some(
                    json!({"code": format!("khoa-{n}"), "title": "K", "summary": "S",
                    "target_groups": ["citizen"], "level": 1, "competencies": ["1.1"],
                    "estimated_minutes": 10, "pass_mark": 70}),
                ),
                [401, 403, 201, 201],
            ),
            (
                Method::GET,
                "/api/v1/units".into(),
                None,
                [401, 403, 403, 200],
            ),
            (
                Method::POST,
                "/api/v1/units".into(),
                Some(
                    json!({"name": format!("Tổ {n}"), "kind": "residential_group", "parent_id": ward}),
                ),
                [401, 403, 403, 201],
            ),
            (
                Method::GET,
                "/api/v1/users".into(),
                None,
                [401, 403, 403, 200],
            ),
            (
                Method::POST,
                "/api/v1/users".into(),
                Some(
                    json!({"full_name": "Người học", "role": "learner", "email": format!("hv{n}@phuong1.vn"), "unit_id": ward}),
                ),
                [401, 403, 403, 201],
            ),
            // A trainer reads a learner only through a class they run.
            (
                Method::GET,
                learner_path.clone(),
                None,
                [401, 200, 404, 200],
            ),
            (
                Method::GET,
                "/api/v1/unit-requests".into(),
                None,
                [401, 403, 403, 200],
            ),
            // The plan's targets are the country's: not a ward's to set.
            (
                Method::PUT,
                "/api/v1/targets/2026/citizen".into(),
                Some(json!({"percent": 90})),
                [401, 403, 403, 403],
            ),
            (Method::GET, admin_path.clone(), None, [401, 404, 404, 200]),
            (
                Method::PATCH,
                learner_path.clone(),
                Some(json!({"household": "Hộ 3"})),
                [401, 403, 403, 200],
            ),
        ]
    };

    let mut failures = Vec::new();
    for (index, caller) in CALLERS.into_iter().enumerate() {
        for (method, path, body, expected) in rows(&mut unique) {
            let response = send(
                &app,
                method.clone(),
                &path,
                token(caller).as_deref(),
                body.as_ref(),
            )
            .await;
            if response.status().as_u16() != expected[index] {
                failures.push(format!(
                    "{caller:?} {method} {path}: got {}, expected {}",
                    response.status().as_u16(),
                    expected[index]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "policy violations:\n{}",
        failures.join("\n")
    );

    // Public endpoints need no token.
    let public = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "moi@example.vn", "password": "Học vụ số 2025!", "full_name": "Mới"}),
        )
        .await;
    assert_eq!(public.status(), 201);
}
