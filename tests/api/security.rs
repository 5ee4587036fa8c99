//! Abuse cases across domains: tokens that expired or were signed another way, one
//! learner reaching for another's attempts, progress events and conversations, and a
//! burst against a rate limit.

use data_encoding::BASE64URL_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;
use uuid::Uuid;

use crate::assessment::{SCAMS, enrol};
use crate::support::{Session, TestApp, expect_problem, learner, register, send};

async fn me(app: &TestApp, token: &str) -> reqwest::Response {
    send(app, Method::GET, "/api/v1/me", Some(token), None).await
}

#[tokio::test]
async fn expired_and_key_confused_tokens_are_refused() {
    // Tokens that expire before they are issued (beyond the 30 s of clock leeway).
    let stale = TestApp::spawn_with(|s| s.auth.access_token_ttl = -120).await;
    let expired = register(&stale, "0917000001").await;
    expect_problem(
        me(&stale, &expired.access_token).await,
        401,
        "invalid_token",
    )
    .await;

    // Key confusion: the same claims under HS256, keyed with what the deployment
    // publishes, as if the public key were a shared secret.
    let app = TestApp::spawn().await;
    let session = register(&app, "0917000002").await;
    let parts: Vec<&str> = session.access_token.split('.').collect();
    let header: Value =
        serde_json::from_slice(&BASE64URL_NOPAD.decode(parts[0].as_bytes()).expect("header"))
            .expect("json");
    let public = app
        .get("/.well-known/jwks.json")
        .await
        .bytes()
        .await
        .expect("jwks");
    let confused_header = json!({"alg": "HS256", "typ": header["typ"], "kid": header["kid"]});
    let signing_input = format!(
        "{}.{}",
        BASE64URL_NOPAD.encode(confused_header.to_string().as_bytes()),
        parts[1]
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(&public).expect("hmac key");
    mac.update(signing_input.as_bytes());
    let forged = format!(
        "{signing_input}.{}",
        BASE64URL_NOPAD.encode(&mac.finalize().into_bytes())
    );
    expect_problem(me(&app, &forged).await, 401, "invalid_token").await;
    // The genuine token still works: the refusals are about the token, not the caller.
    assert_eq!(me(&app, &session.access_token).await.status(), 200);
}

async fn ok_json(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status, "{}", response.url());
    response.json().await.expect("json")
}

fn token(who: &Session) -> Option<&str> {
    Some(who.access_token.as_str())
}

#[tokio::test]
async fn a_learner_cannot_reach_another_learners_attempts_events_or_conversations() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let owner = learner(&app, "0917000010", Some("citizen")).await;
    let intruder = learner(&app, "0917000011", Some("citizen")).await;

    // The owner's placement test: the intruder can neither read nor submit it.
    let test = ok_json(
        send(
            &app,
            Method::POST,
            "/api/v1/me/placement",
            token(&owner),
            None,
        )
        .await,
        201,
    )
    .await;
    let id = test["id"].as_str().expect("attempt");
    let read = send(
        &app,
        Method::GET,
        &format!("/api/v1/me/attempts/{id}"),
        token(&intruder),
        None,
    )
    .await;
    expect_problem(read, 404, "not_found").await;
    let submitted = send(
        &app,
        Method::POST,
        &format!("/api/v1/me/placement/{id}/submit"),
        token(&intruder),
        Some(&json!({"answers": []})),
    )
    .await;
    expect_problem(submitted, 404, "not_found").await;
    let still_open = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/me/attempts/{id}"),
            token(&owner),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(still_open["status"], "open");

    // Progress events are the sender's own: reusing the owner's event id neither
    // counts as the owner's replay nor touches the owner's progress.
    let course = enrol(&app, &owner, SCAMS).await;
    enrol(&app, &intruder, SCAMS).await;
    let lesson = course["lessons"][0]["lesson_id"].clone();
    let event = json!({"id": Uuid::now_v7(), "lesson_id": lesson, "type": "started", "at": "2026-11-28T10:00:00Z"});
    let mine = ok_json(
        send(
            &app,
            Method::POST,
            "/api/v1/progress/sync",
            token(&owner),
            Some(&json!({"events": [event]})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(mine["results"][0]["status"], "accepted", "{mine}");
    let mut theirs_event = event.clone();
    theirs_event["type"] = json!("completed");
    let theirs = ok_json(
        send(
            &app,
            Method::POST,
            "/api/v1/progress/sync",
            token(&intruder),
            Some(&json!({"events": [theirs_event]})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(theirs["results"][0]["status"], "accepted", "{theirs}");
    let owner_course = ok_json(
        send(
            &app,
            Method::GET,
            &format!("/api/v1/me/courses/{SCAMS}"),
            token(&owner),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        owner_course["lessons"][0]["state"], "started",
        "the owner's lesson is not completed by someone else"
    );

    // The owner's conversation with the assistant.
    let asked = ok_json(
        send(
            &app,
            Method::POST,
            "/api/v1/assistant/ask",
            token(&owner),
            Some(&json!({"question": "VNeID là gì"})),
        )
        .await,
        200,
    )
    .await;
    let conversation = format!(
        "/api/v1/assistant/conversations/{}",
        asked["conversation_id"].as_str().expect("id")
    );
    for method in [Method::GET, Method::DELETE] {
        let response = send(&app, method, &conversation, token(&intruder), None).await;
        expect_problem(response, 404, "not_found").await;
    }
    let kept = ok_json(
        send(&app, Method::GET, &conversation, token(&owner), None).await,
        200,
    )
    .await;
    assert_eq!(kept["turns"].as_array().expect("turns").len(), 1);
    let listed = ok_json(
        send(
            &app,
            Method::GET,
            "/api/v1/assistant/conversations",
            token(&intruder),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(listed["items"], json!([]));
}

#[tokio::test]
async fn rate_limits_hold_under_a_burst() {
    let app = TestApp::spawn_with(|s| {
        s.rate_limits.login_per_minute = 5;
        s.http.workers = Some(2);
    })
    .await;
    let wrong = json!({"identifier": "0917000020", "password": "Sai mật khẩu 1"});
    // Forty sign-in attempts at once from one address: five get through, the rest wait.
    let attempts = (0..40).map(|_| app.post_json("/api/v1/auth/login", &wrong));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    let let_through = statuses.iter().filter(|s| **s != 429).count();
    assert_eq!(let_through, 5, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 429),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_client_cannot_escape_the_limit_by_naming_another_address() {
    let app = TestApp::spawn_with(|s| s.rate_limits.register_per_minute = 5).await;
    // No trusted proxy is configured: X-Forwarded-For is the client's own say-so.
    let attempts = (0..12).map(|n| {
        app.client
            .post(app.url("/api/v1/auth/register"))
            .header("X-Forwarded-For", format!("198.51.100.{n}"))
            .json(&json!({"phone": format!("09150000{n:02}"), "password": "Học vụ số 2025!", "full_name": "Khách"}))
            .send()
    });
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.expect("sent").status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        5,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn expensive_requests_wait_their_turn_with_retry_after() {
    let app = TestApp::spawn_with(|s| {
        // Bounds of nothing, so that every such request meets them.
        s.work_limits.zip_per_account = 0;
        s.work_limits.verify_at_once = 0;
    })
    .await;
    let (admin, _) = crate::support::ward_admin(&app, "canbo@phuong9.vn", "Phường 9").await;
    let zip = send(
        &app,
        Method::GET,
        "/api/v1/certificates.zip",
        Some(&admin.access_token),
        None,
    )
    .await;
    assert!(zip.headers().contains_key("retry-after"));
    expect_problem(zip, 429, "too_many_at_once").await;
    let verify = app
        .post_json("/api/v1/verify", &json!({"token": "a.b.c"}))
        .await;
    assert!(verify.headers().contains_key("retry-after"));
    expect_problem(verify, 503, "server_busy").await;
}
