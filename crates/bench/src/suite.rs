//! The named scenarios of a national platform's busy day, each driven over HTTP by
//! `wrk` (a separate process) against a server started in this process on every core:
//! browse the catalog, read a lesson, search, sync progress, verify a record by code,
//! ask the assistant. Each reports requests/s, p50, p99, non-2xx answers and the peak
//! resident memory of the process while it ran (the server, and this bench's few
//! megabytes of setup). SQLite in a temporary folder, or PostgreSQL when
//! `HOCVUSO_TEST_DATABASE_URL` is set. Quiz attempts need answers worked out per
//! attempt, which `wrk` cannot do: `bench-quiz` measures them.
//!
//! `cargo run --release -p hocvuso-bench --bin bench-suite -- [seconds] [connections] [scenario…]`

use std::path::Path;

use hocvuso_bench::{
    COURSE, achievement, database, has_wrk, learners, peak_memory_mb, questions, reset_peak_memory,
    wrk,
};
use hocvuso_certification::Holder;
use hocvuso_certification::issue::Completion;
use hocvuso_testkit::TestApp;
use serde_json::{Value, json};

const SCENARIOS: [&str; 6] = ["catalog", "lesson", "search", "sync", "verify", "ask"];
const RECORDS: usize = 2_000;

/// A name, the `wrk` script under `bench/`, and the environment the script reads.
type Scenario<'a> = (&'a str, &'a str, Vec<(&'a str, String)>);

fn write_lines(dir: &Path, name: &str, lines: &[String]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n")).expect("bench file");
    path.display().to_string()
}

fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

// A benchmark: a broken setup should fail loudly, hence `expect`.
#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let connections: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(50);
    let chosen: Vec<String> = args.collect();
    let run = |name: &str| chosen.is_empty() || chosen.iter().any(|c| c == name);
    assert!(has_wrk(), "wrk is missing: apt-get install wrk");
    let app = TestApp::spawn_with(|s| {
        s.content.import_on_start = true;
        s.database.max_connections = 16;
        s.http.workers = None;
        s.rate_limits.register_per_minute = u32::MAX;
        s.rate_limits.verify_code_per_minute = u32::MAX;
        s.rate_limits.ask_per_minute = u32::MAX;
        s.log.filter = "warn".into();
    })
    .await;
    let url = app.url("");
    let dir = tempfile::tempdir().expect("temp dir");

    // Learners who registered and enrolled, over HTTP.
    let mut tokens = Vec::new();
    for n in 0..50 {
        let body: Value = app
            .post_json(
                "/api/v1/auth/register",
                &json!({"phone": format!("09180{n:05}"), "password": "Học vụ số 2025!", "full_name": "Phạm Văn Dũng", "target_group": "citizen"}),
            )
            .await
            .json()
            .await
            .expect("registered");
        let token = body["access_token"].as_str().expect("token").to_owned();
        let enrolled = app
            .client
            .put(app.url(&format!("/api/v1/me/courses/{COURSE}")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("enrol");
        assert!(enrolled.status().is_success());
        tokens.push(token);
    }
    let catalog: Value = app
        .get("/api/v1/courses?limit=100")
        .await
        .json()
        .await
        .expect("catalog");
    let codes: Vec<String> = catalog["items"]
        .as_array()
        .expect("courses")
        .iter()
        .map(|c| c["code"].as_str().expect("code").to_owned())
        .collect();
    let mut browse: Vec<String> = ["citizen", "student", "enterprise_worker", "public_sector"]
        .iter()
        .map(|g| format!("/api/v1/courses?target_group={g}"))
        .collect();
    let mut lessons = Vec::new();
    let mut lesson_ids = Vec::new();
    for code in &codes {
        browse.push(format!("/api/v1/courses/{code}"));
        let outline: Value = app
            .get(&format!("/api/v1/courses/{code}"))
            .await
            .json()
            .await
            .expect("outline");
        for lesson in outline["modules"]
            .as_array()
            .expect("modules")
            .iter()
            .flat_map(|m| m["lessons"].as_array().cloned().unwrap_or_default())
        {
            lessons.push(format!(
                "/api/v1/courses/{code}/lessons/{}",
                lesson["slug"].as_str().expect("slug")
            ));
            if code == COURSE {
                lesson_ids.push(lesson["id"].as_str().expect("id").to_owned());
            }
        }
    }
    let questions = questions();
    let searches: Vec<String> = questions
        .iter()
        .map(|q| format!("/api/v1/search?q={}", encoded(q)))
        .collect();

    // Records to verify, issued in process (the learners' path to them is not measured).
    let (course_id, spec) = achievement(&app.state).await;
    let holders = learners(&app.state, RECORDS).await;
    let mut verify = Vec::with_capacity(RECORDS);
    for holder in holders {
        let record = app
            .state
            .certification
            .issue(
                &Completion {
                    user_id: holder,
                    course_id,
                    completed_at: chrono::Utc::now(),
                    score_percent: 90,
                },
                &Holder {
                    name: "Nguyễn Thị Hường".into(),
                    national_id: None,
                    identity_check: None,
                },
                &spec,
            )
            .await
            .expect("issued");
        verify.push(format!("/api/v1/verify/{}", record.code));
    }

    let paths = |name: &str, list: &[String]| write_lines(dir.path(), name, list);
    let quoted: Vec<String> = questions
        .iter()
        .map(|q| serde_json::to_string(q).expect("json"))
        .collect();
    let scenarios: Vec<Scenario> = vec![
        (
            "catalog",
            "get.lua",
            vec![("PATHS_FILE", paths("catalog", &browse))],
        ),
        (
            "lesson",
            "get.lua",
            vec![("PATHS_FILE", paths("lessons", &lessons))],
        ),
        (
            "search",
            "get.lua",
            vec![("PATHS_FILE", paths("searches", &searches))],
        ),
        (
            "sync",
            "progress-sync.lua",
            vec![
                ("BENCH_TOKENS", tokens.join(",")),
                ("BENCH_LESSONS", lesson_ids.join(",")),
            ],
        ),
        (
            "verify",
            "get.lua",
            vec![("PATHS_FILE", paths("verify", &verify))],
        ),
        (
            "ask",
            "ask.lua",
            vec![
                ("TOKENS_FILE", paths("tokens", &tokens)),
                ("QUESTIONS_FILE", paths("questions", &quoted)),
            ],
        ),
    ];
    println!(
        "{}: {connections} connections, {seconds} s a scenario; {} lessons, {} courses, {RECORDS} records, 50 learners",
        database(),
        lessons.len(),
        codes.len()
    );
    println!("| scenario | requests/s | p50 | p99 | non-2xx | peak RSS |");
    println!("|---|---|---|---|---|---|");
    for (name, script, env) in scenarios {
        if !run(name) || !SCENARIOS.contains(&name) {
            continue;
        }
        reset_peak_memory();
        let url = url.clone();
        let figures =
            tokio::task::spawn_blocking(move || wrk(script, &url, seconds, connections, &env))
                .await
                .expect("wrk ran");
        println!(
            "| {name} | {:.0} | {} | {} | {} | {:.0} MB |",
            figures.requests_per_second,
            figures.p50,
            figures.p99,
            figures.non_2xx,
            peak_memory_mb()
        );
    }
}
