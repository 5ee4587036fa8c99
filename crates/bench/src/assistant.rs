//! Questions to the learning assistant per second, over HTTP: the shipped curriculum,
//! learners of every target group, and the questions of the quality set (half typed
//! without diacritics, some the lessons do not cover), each starting a conversation
//! that is stored. The server runs in this process (SQLite in a temporary folder, or
//! PostgreSQL when `HOCVUSO_TEST_DATABASE_URL` is set) on every core; `wrk` drives it
//! from another process and reports requests/s and latency percentiles.
//!
//! `cargo run --release -p hocvuso-bench --bin bench-assistant -- [seconds] [connections]`

use hocvuso_bench::{database, questions, wrk};
use hocvuso_testkit::TestApp;
use serde_json::{Value, json};

const GROUPS: [&str; 4] = ["citizen", "student", "enterprise_worker", "public_sector"];

// A benchmark: a broken setup should fail loudly, hence `expect`.
#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(15);
    let connections: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(32);
    let app = TestApp::spawn_with(|s| {
        s.content.import_on_start = true;
        s.database.max_connections = 16;
        s.http.workers = None;
        s.rate_limits.register_per_minute = u32::MAX;
        s.rate_limits.ask_per_minute = u32::MAX;
        s.log.filter = "warn".into();
    })
    .await;
    let database = database();

    let mut tokens = Vec::new();
    for n in 0..40 {
        let body: Value = app
            .post_json(
                "/api/v1/auth/register",
                &json!({"phone": format!("09150{n:05}"), "password": "Học vụ số 2025!", "full_name": "Lê Văn Cường", "target_group": GROUPS[n % 4]}),
            )
            .await
            .json()
            .await
            .expect("registered");
        tokens.push(body["access_token"].as_str().expect("token").to_owned());
    }
    let questions: Vec<String> = questions()
        .iter()
        .map(|q| serde_json::to_string(q).expect("json"))
        .collect();
    // Warm the passage index, as a server that has been up does.
    let first = app
        .client
        .post(app.url("/api/v1/assistant/ask"))
        .bearer_auth(&tokens[0])
        .json(&json!({"question": "VNeID là gì"}))
        .send()
        .await
        .expect("ask");
    assert!(first.status().is_success(), "{}", first.status());

    let dir = tempfile::tempdir().expect("temp dir");
    let tokens_file = dir.path().join("tokens");
    let questions_file = dir.path().join("questions");
    std::fs::write(&tokens_file, tokens.join("\n")).expect("tokens");
    std::fs::write(&questions_file, questions.join("\n")).expect("questions");
    let url = app.url("");
    println!(
        "{database}: {} questions, {} learners, {connections} connections, {seconds} s",
        questions.len(),
        tokens.len()
    );
    let env = vec![
        ("TOKENS_FILE", tokens_file.display().to_string()),
        ("QUESTIONS_FILE", questions_file.display().to_string()),
    ];
    let figures =
        tokio::task::spawn_blocking(move || wrk("ask.lua", &url, seconds, connections, &env))
            .await
            .expect("wrk ran");
    println!(
        "  asks: {:.0}/s; p50 {}; p99 {}; non-2xx {}",
        figures.requests_per_second, figures.p50, figures.p99, figures.non_2xx
    );
    let stored: i64 = {
        use sea_orm::{EntityTrait, PaginatorTrait};
        hocvuso_assistant::entity::turn::Entity::find()
            .count(app.db())
            .await
            .expect("count") as i64
    };
    println!("  turns stored: {stored}");
}
