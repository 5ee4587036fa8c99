//! Helpers shared by the API tests.

use reqwest::Response;
use serde_json::Value;

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
