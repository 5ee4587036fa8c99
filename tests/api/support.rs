//! Helpers shared by the API tests.

use reqwest::Method;
use reqwest::Response;
use serde_json::{Value, json};

pub use hocvuso_testkit::TestApp;

/// Asserts a problem response and returns its body.
pub async fn expect_problem(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(
        response.status().as_u16(),
        status,
        "status of {}",
        response.url()
    );
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.expect("a JSON problem");
    assert_eq!(body["code"], code, "problem code in {body}");
    assert_eq!(body["status"], status);
    assert_eq!(body["type"], format!("urn:hocvuso:problem:{code}"));
    body
}

/// A signed-in account in a test.
pub struct Session {
    pub user_id: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl Session {
    pub fn from_tokens(body: &Value) -> Self {
        Session {
            user_id: body["user"]["id"].as_str().expect("user id").to_owned(),
            access_token: body["access_token"]
                .as_str()
                .expect("access token")
                .to_owned(),
            refresh_token: body["refresh_token"]
                .as_str()
                .expect("refresh token")
                .to_owned(),
        }
    }
}

pub async fn register(app: &TestApp, phone: &str) -> Session {
    let response = app
        .post_json(
            "/api/v1/auth/register",
            &serde_json::json!({"phone": phone, "password": "Học vụ số 2025!", "full_name": "Nguyễn Văn An"}),
        )
        .await;
    assert_eq!(response.status(), 201, "register {phone}");
    Session::from_tokens(&response.json().await.expect("json"))
}

pub async fn login(app: &TestApp, identifier: &str, password: &str) -> Session {
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &serde_json::json!({"identifier": identifier, "password": password}),
        )
        .await;
    assert_eq!(response.status(), 200, "login {identifier}");
    Session::from_tokens(&response.json().await.expect("json"))
}

/// A ward, its administrator (signed in) and the ward's unit id.
pub async fn ward_admin(app: &TestApp, email: &str, ward: &str) -> (Session, String) {
    let (_, unit) = app
        .state
        .identity
        .bootstrap_admin(
            "Cán bộ phường".into(),
            email,
            "Quản trị 2025!".into(),
            ward,
            hocvuso_identity::dto::UnitKind::Ward,
        )
        .await
        .expect("bootstrap admin");
    (
        login(app, email, "Quản trị 2025!").await,
        unit.id.to_string(),
    )
}

/// The national administrator (the level that sets the plan's targets), signed in.
pub async fn national_admin(app: &TestApp) -> Session {
    app.state
        .identity
        .bootstrap_admin(
            "Cán bộ Bộ".into(),
            "quantri@bo.gov.vn",
            "Quốc gia 2025!".into(),
            "Việt Nam",
            hocvuso_identity::dto::UnitKind::Nation,
        )
        .await
        .expect("bootstrap the national administrator");
    login(app, "quantri@bo.gov.vn", "Quốc gia 2025!").await
}

/// A trainer of `unit`, created by its administrator and signed in.
pub async fn trainer(app: &TestApp, admin: &Session, unit: &str, email: &str) -> Session {
    let created = send(
        app,
        Method::POST,
        "/api/v1/users",
        Some(&admin.access_token),
        Some(&json!({"full_name": "Giảng viên", "role": "trainer", "email": email, "password": "Giảng dạy 2025!", "unit_id": unit})),
    )
    .await;
    assert_eq!(created.status(), 201);
    login(app, email, "Giảng dạy 2025!").await
}

/// `GET path` as `who`, answered 200, as JSON.
pub async fn get_json(app: &TestApp, who: &Session, path: &str) -> Value {
    let response = send(app, Method::GET, path, Some(&who.access_token), None).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.expect("json")
}

pub async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Response {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("request sent")
}

/// A learner of `group` (`None`: no target group chosen yet), registered and signed in.
pub async fn learner(app: &TestApp, phone: &str, group: Option<&str>) -> Session {
    let response = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"phone": phone, "password": "Học vụ số 2025!", "full_name": "Trần Thị Bình", "target_group": group}),
        )
        .await;
    assert_eq!(response.status(), 201, "register {phone}");
    Session::from_tokens(&response.json().await.expect("json"))
}
