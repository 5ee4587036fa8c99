//! Questions to the learning assistant per second, over HTTP: the shipped curriculum,
//! learners of every target group, and the questions of the quality set (half typed
//! without diacritics, some the lessons do not cover), each starting a conversation
//! that is stored. The server runs in this process (SQLite in a temporary folder, or
//! PostgreSQL when `HOCVUSO_TEST_DATABASE_URL` is set) on every core; `wrk` drives it
//! from another process and reports requests/s and latency percentiles.
//!
//! `cargo run --release -p hocvuso-bench --bin bench-assistant -- [seconds] [connections]`

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
    let database = if std::env::var(hocvuso_testkit::TEST_DATABASE_URL).is_ok() {
        "postgresql"
    } else {
        "sqlite"
    };

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
    let set: toml::Value = toml::from_str(include_str!("../../../tests/data/assistant-eval.toml"))
        .expect("question set");
    let questions: Vec<String> = ["questions", "uncovered"]
        .iter()
        .flat_map(|kind| set[kind].as_array().expect("list").clone())
        .map(|q| serde_json::to_string(q["question"].as_str().expect("question")).expect("json"))
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
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/ask.lua");
    let url = app.url("");
    println!(
        "{database}: {} questions, {} learners, {connections} connections, {seconds} s",
        questions.len(),
        tokens.len()
    );
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("wrk")
            .args([
                "-t2",
                &format!("-c{connections}"),
                &format!("-d{seconds}s"),
                "--latency",
                "-s",
                script,
            ])
            .arg(url)
            .env("TOKENS_FILE", &tokens_file)
            .env("QUESTIONS_FILE", &questions_file)
            .output()
            .expect("wrk (apt-get install wrk)")
    })
    .await
    .expect("wrk ran");
    let report = String::from_utf8_lossy(&output.stdout);
    let pick = |prefix: &str| {
        report
            .lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| format!("{prefix} none"))
    };
    println!(
        "  asks: {}; {}; {}; {}; {}",
        pick("Requests/sec"),
        pick("50%"),
        pick("90%"),
        pick("99%"),
        pick("Non-2xx")
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
