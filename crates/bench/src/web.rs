//! The web app's page budgets, in a real Chromium on a phone screen: the bytes a page
//! costs on a first visit (a cold cache: HTML, CSS, JS as transferred, compressed) and on
//! a repeat visit (assets cached, the page revalidated), and the time to first content
//! under Chromium's network emulation of a poor rural connection (400 kbit/s both ways,
//! 400 ms latency). Budgets (issue "the learners' web app"): a lesson ≤ 30 KB first,
//! ≤ 10 KB later, content painted in < 2 s.
//!
//! `cargo run --release -p hocvuso-bench --bin bench-web` (needs chromium and
//! chromium-driver: `bash .ci/browser.sh`).

use fantoccini::Client;
use fantoccini::cookies::Cookie;
use fantoccini::wd::WebDriverCompatibleCommand;
use hocvuso_bench::COURSE;
use hocvuso_testkit::TestApp;
use hocvuso_testkit::browser::chromium;
use serde_json::{Value, json};

/// ChromeDriver's own command for Chromium's network emulation.
#[derive(Debug)]
struct NetworkConditions(Value);

impl WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/chromium/network_conditions",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.0.to_string()))
    }
}

const RURAL: f64 = 400_000.0 / 8.0;

struct Visit {
    bytes: u64,
    first_paint_ms: f64,
}

async fn measure(client: &Client) -> Visit {
    let measured = client
        .execute(
            "const nav = performance.getEntriesByType('navigation')[0];
             const resources = performance.getEntriesByType('resource');
             const paint = performance.getEntriesByName('first-contentful-paint')[0];
             return {
               bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
               paint: paint ? paint.startTime : -1,
             };",
            Vec::new(),
        )
        .await
        .expect("performance entries");
    Visit {
        bytes: measured["bytes"].as_u64().unwrap_or(0),
        first_paint_ms: measured["paint"].as_f64().unwrap_or(-1.0),
    }
}

/// A first and a repeat visit of `path`, each through a poor connection, in a fresh
/// profile signed in with `tokens` (when given).
async fn visits(app: &TestApp, path: &str, tokens: Option<&(String, String)>) -> (Visit, Visit) {
    let browser = chromium(true).await;
    let client = &browser.client;
    // On the site first, to give it the session's cookies, then a cold cache.
    client
        .goto(&app.url("/healthz"))
        .await
        .expect("open the site");
    if let Some((access, refresh)) = tokens {
        for (name, value) in [("hv_at", access), ("hv_rt", refresh)] {
            let mut cookie = Cookie::new(name.to_owned(), value.clone());
            cookie.set_path("/");
            client.add_cookie(cookie).await.expect("a session cookie");
        }
    }
    client
        .issue_cmd(NetworkConditions(json!({"network_conditions": {
            "offline": false, "latency": 400,
            "download_throughput": RURAL, "upload_throughput": RURAL,
        }})))
        .await
        .expect("network emulation");
    client.goto(&app.url(path)).await.expect("first visit");
    let first = measure(client).await;
    client.goto(&app.url("/healthz")).await.expect("away");
    client.goto(&app.url(path)).await.expect("repeat visit");
    let repeat = measure(client).await;
    let _ = client.clone().close().await;
    (first, repeat)
}

#[tokio::main]
async fn main() {
    let app = TestApp::spawn().await;
    app.state
        .import_curriculum(&app.state.settings.content.dir)
        .await
        .expect("the curriculum");
    let registered: Value = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"phone": "0912000001", "password": "Học vụ số 2025!",
                    "full_name": "Nguyễn Thị Hường", "target_group": "citizen"}),
        )
        .await
        .json()
        .await
        .expect("a session");
    let access = registered["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let tokens = (
        access.clone(),
        registered["refresh_token"]
            .as_str()
            .expect("token")
            .to_owned(),
    );
    let enrolled = app
        .client
        .put(app.url(&format!("/api/v1/me/courses/{COURSE}")))
        .bearer_auth(&access)
        .send()
        .await
        .expect("enrol");
    assert!(enrolled.status().is_success(), "enrolled");
    let lesson = format!("/courses/{COURSE}/lessons/01-gia-danh-cong-an-ngan-hang-dien-luc");
    let pages: [(&str, String, bool); 5] = [
        ("home", "/".into(), false),
        ("register", "/register".into(), false),
        ("course", format!("/courses/{COURSE}"), true),
        ("lesson", lesson.clone(), true),
        ("lesson, easy-read", format!("{lesson}?doc=easy"), true),
    ];
    println!("| page | first visit | repeat visit | first content (400 kbit/s, 400 ms) |");
    println!("|---|---|---|---|");
    for (name, path, signed_in) in pages {
        let (first, repeat) = visits(&app, &path, signed_in.then_some(&tokens)).await;
        println!(
            "| {name} | {:.1} KB | {:.1} KB | {:.0} ms (repeat {:.0} ms) |",
            first.bytes as f64 / 1024.0,
            repeat.bytes as f64 / 1024.0,
            first.first_paint_ms,
            repeat.first_paint_ms,
        );
    }
}
