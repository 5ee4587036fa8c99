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
use hocvuso_bench::COURSE;
use hocvuso_testkit::TestApp;
use hocvuso_testkit::browser::{chromium, network};
use serde_json::{Value, json};

const RURAL: f64 = 400_000.0 / 8.0;
const PHONE: &str = "0912000001";
const PASSWORD: &str = "Học vụ số 2025!";

struct Visit {
    bytes: u64,
    first_paint_ms: f64,
}

async fn measure(client: &Client) -> Visit {
    let measured = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const report = paint => {
               const nav = performance.getEntriesByType('navigation')[0];
               const resources = performance.getEntriesByType('resource');
               done({
                 bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
                 paint: paint ? paint.startTime : -1,
               });
             };
             const seen = performance.getEntriesByName('first-contentful-paint')[0];
             if (seen) { report(seen); } else {
               new PerformanceObserver(list => {
                 const p = list.getEntriesByName('first-contentful-paint')[0];
                 if (p) report(p);
               }).observe({type: 'paint', buffered: true});
               setTimeout(() => report(null), 5000);
             }",
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
async fn visits(app: &TestApp, path: &str, phone: Option<&str>) -> (Visit, Visit) {
    let browser = chromium(true).await;
    let client = &browser.client;
    // On the site first, to give it the session's cookies, then a cold cache.
    // A page of the site that loads nothing and may fetch from it: the worker's script.
    client
        .goto(&app.url("/sw.js"))
        .await
        .expect("open the site");
    if let Some(phone) = phone {
        // Signed in by the sign-in form itself, sent from the page's context: the cookies
        // land in the browser, and no page's stylesheet or script is fetched yet.
        let signed_in = client
            .execute_async(
                "const [phone, password, done] = arguments;
                 fetch('/signin').then(r => r.text()).then(html => {
                   const token = html.match(/name=\"csrf\" value=\"([^\"]+)\"/)[1];
                   const body = new URLSearchParams({csrf: token, identifier: phone, password});
                   return fetch('/signin', {method: 'POST', body, redirect: 'manual'});
                 }).then(r => done(r.type === 'opaqueredirect'), e => done(String(e)));",
                vec![json!(phone), json!(PASSWORD)],
            )
            .await
            .expect("sign in");
        assert_eq!(signed_in, json!(true), "signed in");
    }
    network(client, false, RURAL, 400).await;
    client.goto(&app.url(path)).await.expect("first visit");
    let first = measure(client).await;
    // The browser's own cache decides the repeat visit: the service worker (installed by
    // the first visit) would answer from its own fetch, whose bytes the page cannot see.
    client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.serviceWorker.getRegistrations()
               .then(rs => Promise.all(rs.map(r => r.unregister()))).then(() => done(true), () => done(false));",
            Vec::new(),
        )
        .await
        .expect("the service worker gone");
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
            &json!({"phone": PHONE, "password": PASSWORD,
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
        let (first, repeat) = visits(&app, &path, signed_in.then_some(PHONE)).await;
        println!(
            "| {name} | {:.1} KB | {:.1} KB | {:.0} ms (repeat {:.0} ms) |",
            first.bytes as f64 / 1024.0,
            repeat.bytes as f64 / 1024.0,
            first.first_paint_ms,
            repeat.first_paint_ms,
        );
    }
}
