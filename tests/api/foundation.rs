//! The service basics: probes, errors as problems, request ids, metrics, docs, CORS.

use serde_json::Value;

use crate::support::{TestApp, expect_problem};

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::spawn().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.json::<Value>().await.expect("json")["status"], "ok");

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    let body: Value = ready.json().await.expect("json");
    assert_eq!(body["status"], "ready");
    assert_eq!(body["database"]["ok"], true);
    assert_eq!(body["storage"]["ok"], true);
}

#[tokio::test]
async fn readiness_fails_when_storage_is_gone() {
    let app = TestApp::spawn().await;
    let folder = app
        .state
        .settings
        .blob_folder()
        .expect("runs on the folder store");
    std::fs::remove_dir_all(folder).expect("remove blob folder");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.expect("json");
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["database"]["ok"], true);
    assert_eq!(body["storage"]["ok"], false);
    assert_eq!(
        body["storage"]["error"], "unavailable",
        "the cause (a path here) stays in the server's log"
    );
}

#[tokio::test]
async fn every_response_tells_browsers_not_to_sniff_frame_or_leak_it() {
    let app = TestApp::spawn_with(|s| s.http.hsts_max_age = Some(31_536_000)).await;
    for path in ["/healthz", "/api/v1/nope", "/v/ABCDE-FGHJK"] {
        let response = app.get(path).await;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(header("strict-transport-security"), "max-age=31536000");
        let policy = header("content-security-policy");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(!policy.contains("unsafe-eval") && !policy.contains("script-src *"));
    }
}

#[tokio::test]
async fn unknown_routes_are_problems_in_the_clients_language() {
    let app = TestApp::spawn().await;
    let body = expect_problem(app.get("/api/v1/nope").await, 404, "not_found").await;
    assert_eq!(body["title"], "Không tìm thấy tài nguyên được yêu cầu.");
    assert_eq!(body["instance"], "/api/v1/nope");

    let english = app
        .client
        .get(app.url("/api/v1/nope"))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .expect("sent");
    assert_eq!(
        english
            .headers()
            .get("content-language")
            .map(|v| v.as_bytes()),
        Some(&b"en"[..])
    );
    let body = expect_problem(english, 404, "not_found").await;
    assert_eq!(body["title"], "The requested resource was not found.");
}

#[tokio::test]
async fn a_wrong_method_is_a_problem_too() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .delete(app.url("/healthz"))
        .send()
        .await
        .expect("sent");
    // Routes are matched by path and method together, so no route matches at all.
    expect_problem(response, 404, "not_found").await;
}

#[tokio::test]
async fn request_ids_are_echoed_or_made() {
    let app = TestApp::spawn().await;
    let given = app
        .client
        .get(app.url("/healthz"))
        .header("X-Request-Id", "client-abc-123")
        .send()
        .await
        .expect("sent");
    assert_eq!(given.headers()["x-request-id"], "client-abc-123");

    let made = app.get("/healthz").await;
    let id = made.headers()["x-request-id"].to_str().expect("ascii");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id} is not a UUID");

    let unsafe_id = app
        .client
        .get(app.url("/healthz"))
        .header("X-Request-Id", "x".repeat(300))
        .send()
        .await
        .expect("sent");
    let id = unsafe_id.headers()["x-request-id"].to_str().expect("ascii");
    assert!(
        uuid::Uuid::parse_str(id).is_ok(),
        "an oversized id was kept"
    );
}

#[tokio::test]
async fn metrics_count_requests_per_route_template() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        assert_eq!(app.get("/healthz").await.status(), 200);
    }
    assert_eq!(app.get("/api/v1/nope/42").await.status(), 404);
    let metrics = app.get("/metrics").await.text().await.expect("text");
    let count = |needle: &str| {
        metrics
            .lines()
            .find(|l| l.starts_with("hocvuso_http_requests_total{") && l.contains(needle))
            .and_then(|l| l.rsplit(' ').next())
            .map(str::to_owned)
    };
    assert_eq!(count("endpoint=\"/healthz\"").as_deref(), Some("3"));
    assert_eq!(count("endpoint=\"UNMATCHED\"").as_deref(), Some("1"));
    assert!(metrics.contains("hocvuso_http_requests_duration_seconds_bucket{"));
}

#[tokio::test]
async fn metrics_with_a_token_answer_only_their_scraper() {
    let app = TestApp::spawn_with(|s| s.http.metrics_token = Some("scraper-secret".into())).await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    expect_problem(app.get("/metrics").await, 404, "not_found").await;
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("guess")
        .send()
        .await
        .expect("sent");
    assert_eq!(wrong.status(), 404);
    let scraper = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("scraper-secret")
        .send()
        .await
        .expect("sent");
    assert_eq!(scraper.status(), 200);
    assert!(
        scraper
            .text()
            .await
            .expect("text")
            .contains("hocvuso_http_requests_total")
    );
}

#[tokio::test]
async fn docs_and_the_spec_are_served() {
    let app = TestApp::spawn().await;
    let ui = app.get("/docs/").await;
    assert_eq!(ui.status(), 200);
    assert!(ui.text().await.expect("html").contains("swagger"));

    let spec = app.get("/api-docs/openapi.json").await;
    assert_eq!(spec.status(), 200);
    let spec: Value = spec.json().await.expect("json");
    assert_eq!(spec["openapi"], "3.1.0");
    assert!(spec["paths"]["/readyz"].is_object());
}

#[tokio::test]
async fn responses_are_compressed_on_request() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/api-docs/openapi.json"))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app =
        TestApp::spawn_with(|s| s.http.cors_origins = vec!["https://hoc.example.vn".into()]).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/healthz"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .send()
    };
    let allowed = preflight("https://hoc.example.vn").await.expect("sent");
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://hoc.example.vn"
    );
    let refused = preflight("https://evil.example.com").await.expect("sent");
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}
