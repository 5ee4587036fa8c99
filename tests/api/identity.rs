//! Accounts, sessions and profiles.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, expect_problem, login, register, send, trainer, ward_admin};

#[tokio::test]
async fn a_learner_registers_signs_in_and_reads_their_profile() {
    let app = TestApp::spawn().await;
    let session = register(&app, "0912 345 678").await;
    let me = send(
        &app,
        Method::GET,
        "/api/v1/me",
        Some(&session.access_token),
        None,
    )
    .await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.expect("json");
    assert_eq!(me["phone"], "+84912345678");
    assert_eq!(me["role"], "learner");
    assert_eq!(me["identity_verified"], false);

    let again = login(&app, "+84912345678", "Học vụ số 2025!").await;
    assert_eq!(again.user_id, session.user_id);
}

#[tokio::test]
async fn registration_refuses_duplicates_weak_passwords_and_missing_contacts() {
    let app = TestApp::spawn().await;
    register(&app, "0912345678").await;
    let duplicate = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"phone": "+84 912 345 678", "password": "Khác hẳn 2025!", "full_name": "B"}),
        )
        .await;
    expect_problem(duplicate, 409, "phone_taken").await;

    let weak = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "b@example.vn", "password": "abc1", "full_name": "B"}),
        )
        .await;
    let body = expect_problem(weak, 400, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "password");
    assert_eq!(body["errors"][0]["code"], "password_too_short");

    let simple = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "b@example.vn", "password": "chỉcóchữcái", "full_name": "B"}),
        )
        .await;
    let body = expect_problem(simple, 400, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "password_too_simple");

    let no_contact = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"password": "Học vụ số 2025!", "full_name": "B"}),
        )
        .await;
    let body = expect_problem(no_contact, 400, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "contact_required");

    let several = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"identifier": "", "password": ""}),
        )
        .await;
    let body = expect_problem(several, 400, "validation_failed").await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(
        fields,
        vec!["identifier", "password"],
        "every invalid field is named"
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_account_look_the_same() {
    let app = TestApp::spawn().await;
    register(&app, "0912345678").await;
    let wrong = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"identifier": "0912345678", "password": "Sai mật khẩu 1"}),
        )
        .await;
    let unknown = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"identifier": "0987654321", "password": "Sai mật khẩu 1"}),
        )
        .await;
    let wrong = expect_problem(wrong, 401, "invalid_credentials").await;
    let unknown = expect_problem(unknown, 401, "invalid_credentials").await;
    assert_eq!(wrong["title"], unknown["title"]);
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_the_session() {
    let app = TestApp::spawn().await;
    let first = register(&app, "0912345678").await;
    let refresh = |token: String| {
        let app = &app;
        async move {
            app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": token}))
                .await
        }
    };
    let me = |token: String| {
        let app = &app;
        async move { send(app, Method::GET, "/api/v1/me", Some(&token), None).await }
    };
    let second = refresh(first.refresh_token.clone()).await;
    assert_eq!(second.status(), 200);
    let second: Value = second.json().await.expect("json");
    let second_refresh = second["refresh_token"].as_str().expect("token").to_owned();
    let second_access = second["access_token"].as_str().expect("token").to_owned();
    assert_ne!(second_refresh, first.refresh_token);
    assert_eq!(me(second_access.clone()).await.status(), 200);

    // The first token again: theft or replay. The whole family is revoked, and the
    // access tokens it gave out stop working now, not in fifteen minutes.
    expect_problem(
        refresh(first.refresh_token).await,
        401,
        "refresh_token_reused",
    )
    .await;
    expect_problem(refresh(second_refresh).await, 401, "invalid_token").await;
    expect_problem(me(second_access).await, 401, "invalid_token").await;
    expect_problem(me(first.access_token).await, 401, "invalid_token").await;

    // Logout revokes too, access token included; another session goes on.
    let session = login(&app, "0912345678", "Học vụ số 2025!").await;
    let other = login(&app, "0912345678", "Học vụ số 2025!").await;
    assert_eq!(me(session.access_token.clone()).await.status(), 200);
    let out = app
        .post_json(
            "/api/v1/auth/logout",
            &json!({"refresh_token": session.refresh_token}),
        )
        .await;
    assert_eq!(out.status(), 204);
    expect_problem(refresh(session.refresh_token).await, 401, "invalid_token").await;
    expect_problem(me(session.access_token).await, 401, "invalid_token").await;
    assert_eq!(me(other.access_token).await.status(), 200);
}

#[tokio::test]
async fn forged_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let session = register(&app, "0912345678").await;
    let parts: Vec<&str> = session.access_token.split('.').collect();
    let tampered = format!("{}.{}x.{}", parts[0], parts[1], parts[2]);
    let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0"; // {"alg":"none","typ":"at+jwt"}
    let unsigned = format!("{none_header}.{}.", parts[1]);
    for token in [tampered.as_str(), unsigned.as_str(), "not-a-jwt", ""] {
        let response = send(&app, Method::GET, "/api/v1/me", Some(token), None).await;
        assert_eq!(response.status(), 401, "token {token:?} accepted");
    }
    // A token signed by another deployment's key.
    let other = TestApp::spawn().await;
    let foreign = register(&other, "0912345678").await;
    let response = send(
        &app,
        Method::GET,
        "/api/v1/me",
        Some(&foreign.access_token),
        None,
    )
    .await;
    expect_problem(response, 401, "invalid_token").await;
    expect_problem(
        send(&app, Method::GET, "/api/v1/me", None, None).await,
        401,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn citizen_ids_are_checked_rule_by_rule() {
    let app = TestApp::spawn().await;
    let session = register(&app, "0912345678").await;
    let token = Some(session.access_token.as_str());
    let patch = |body: Value| {
        let app = &app;
        async move { send(app, Method::PATCH, "/api/v1/me", token, Some(&body)).await }
    };

    let cases = [
        (json!({"cccd": "12345"}), "cccd_format"),
        (json!({"cccd": "003090012345"}), "cccd_province"),
        (json!({"cccd": "001290012345"}), "cccd_birth_year_in_future"),
        (
            json!({"cccd": "001090012345", "birth_date": "1991-05-17"}),
            "cccd_birth_year_mismatch",
        ),
        (
            json!({"cccd": "001090012345", "birth_date": "1990-05-17", "sex": "female"}),
            "cccd_sex_mismatch",
        ),
    ];
    for (body, code) in cases {
        let problem = expect_problem(patch(body).await, 400, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "cccd");
        assert_eq!(problem["errors"][0]["code"], code);
    }

    let ok = patch(json!({
        "cccd": "001090012345", "birth_date": "1990-05-17", "sex": "male",
        "target_group": "citizen", "disability": "visual"
    }))
    .await;
    assert_eq!(ok.status(), 200);
    let me: Value = ok.json().await.expect("json");
    assert_eq!(me["cccd"], "001090012345", "the owner sees it whole");
    assert_eq!(me["elderly"], false);

    // Later corrections must stay consistent with the stored number.
    let inconsistent = patch(json!({"birth_date": "1985-01-01"})).await;
    let problem = expect_problem(inconsistent, 400, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "cccd_birth_year_mismatch");

    // The same number on another account: also a claim, and the answer is no oracle of
    // who else typed it.
    let other = register(&app, "0987654321").await;
    let claimed = send(
        &app,
        Method::PATCH,
        "/api/v1/me",
        Some(&other.access_token),
        Some(&json!({"cccd": "001090012345"})),
    )
    .await;
    assert_eq!(claimed.status(), 200);

    // Stored encrypted: the digits appear nowhere in the users table, and a typed number
    // has no keyed hash (it identifies nobody until an administrator confirms it).
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.db();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM users WHERE cccd_encrypted IS NOT NULL AND cccd_hash IS NULL",
        ))
        .await
        .expect("query")
        .expect("row");
    assert_eq!(row.try_get::<i64>("", "n").expect("count"), 2);
}

#[tokio::test]
async fn elderly_is_derived_from_the_date_of_birth() {
    let app = TestApp::spawn().await;
    let session = register(&app, "0912345678").await;
    let response = send(
        &app,
        Method::PATCH,
        "/api/v1/me",
        Some(&session.access_token),
        Some(&json!({"birth_date": "1950-03-01"})),
    )
    .await;
    let me: Value = response.json().await.expect("json");
    assert_eq!(me["elderly"], true);
}

#[tokio::test]
async fn trainers_see_no_citizen_ids_and_admins_only_in_scope() {
    let app = TestApp::spawn().await;
    let (admin, ward) = ward_admin(&app, "canbo@phuong1.vn", "Phường 1").await;
    let (other_admin, _) = ward_admin(&app, "canbo@phuong2.vn", "Phường 2").await;
    let group = send(
        &app,
        Method::POST,
        "/api/v1/units",
        Some(&admin.access_token),
        Some(&json!({"name": "Tổ dân phố 12", "kind": "residential_group", "parent_id": ward})),
    )
    .await;
    assert_eq!(group.status(), 201);
    let group: Value = group.json().await.expect("json");

    let learner = register(&app, "0912345678").await;
    send(
        &app,
        Method::PATCH,
        "/api/v1/me",
        Some(&learner.access_token),
        Some(&json!({"cccd": "001090012678", "unit_id": group["id"]})),
    )
    .await;
    let ward = ward.as_str();
    let trainer = trainer(&app, &admin, ward, "gv@phuong1.vn").await;

    let path = format!("/api/v1/users/{}", learner.user_id);
    let seen_by = |token: String| {
        let (app, path) = (&app, path.clone());
        async move { send(app, Method::GET, &path, Some(&token), None).await }
    };
    // Not in a class of theirs: nobody the trainer may read.
    expect_problem(
        seen_by(trainer.access_token.clone()).await,
        404,
        "not_found",
    )
    .await;
    let by_admin: Value = seen_by(admin.access_token.clone())
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(by_admin["cccd"], "001090012678");
    expect_problem(
        seen_by(other_admin.access_token.clone()).await,
        404,
        "not_found",
    )
    .await;

    // Listing: the ward's administrator sees the learner; the other ward's sees nothing of it.
    let list: Value = send(
        &app,
        Method::GET,
        "/api/v1/users",
        Some(&admin.access_token),
        None,
    )
    .await
    .json()
    .await
    .expect("json");
    assert!(
        list["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|u| u["id"] == learner.user_id.as_str())
    );
    let other_list: Value = send(
        &app,
        Method::GET,
        "/api/v1/users",
        Some(&other_admin.access_token),
        None,
    )
    .await
    .json()
    .await
    .expect("json");
    assert!(
        !other_list["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|u| u["id"] == learner.user_id.as_str())
    );
    let foreign_unit = send(
        &app,
        Method::GET,
        &format!(
            "/api/v1/users?unit_id={}",
            group["id"].as_str().expect("id")
        ),
        Some(&other_admin.access_token),
        None,
    )
    .await;
    expect_problem(foreign_unit, 400, "validation_failed").await;
}

#[tokio::test]
async fn malformed_wrong_type_and_oversized_bodies_are_problems() {
    let app = TestApp::spawn_with(|s| s.http.json_limit = 512).await;
    let malformed = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("sent");
    expect_problem(malformed, 400, "malformed_json").await;

    let wrong_shape = app
        .post_json("/api/v1/auth/login", &json!({"identifier": 42}))
        .await;
    expect_problem(wrong_shape, 400, "invalid_body").await;

    let wrong_type = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("identifier=x")
        .send()
        .await
        .expect("sent");
    expect_problem(wrong_type, 415, "unsupported_media_type").await;

    let oversized = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"phone": "0912345678", "password": "x".repeat(2000), "full_name": "A"}),
        )
        .await;
    expect_problem(oversized, 413, "payload_too_large").await;
}

#[tokio::test]
async fn sign_in_endpoints_are_rate_limited() {
    let app = TestApp::spawn_with(|s| s.rate_limits.login_per_minute = 3).await;
    let wrong = json!({"identifier": "0912345678", "password": "Sai mật khẩu 1"});
    let attempt = || app.post_json("/api/v1/auth/login", &wrong);
    for _ in 0..3 {
        assert_eq!(attempt().await.status(), 401);
    }
    let limited = attempt().await;
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry_after));
    expect_problem(limited, 429, "rate_limited").await;
}

#[tokio::test]
async fn a_session_ends_some_time_after_it_began_however_often_it_is_refreshed() {
    use hocvuso_identity::entity::refresh_token;
    use sea_orm::EntityTrait;
    use sea_orm::sea_query::Expr;
    let app = TestApp::spawn().await;
    let session = register(&app, "0912345678").await;
    // The session began long ago (its first refresh token's creation, moved back as
    // time would have moved it), and was refreshed ever since.
    let long_ago =
        chrono::Utc::now() - chrono::Duration::days(hocvuso_identity::SESSION_LIFETIME_DAYS + 1);
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::CreatedAt, Expr::value(long_ago))
        .exec(app.db())
        .await
        .expect("moved back");
    expect_problem(
        app.post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": session.refresh_token}),
        )
        .await,
        401,
        "invalid_token",
    )
    .await;
}
