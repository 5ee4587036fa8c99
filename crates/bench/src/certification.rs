//! Completion records: issuances per second, verifications per second (by token and by
//! code, first with every record seen for the first time, then again from the cache),
//! and a ZIP of PDF certificates streamed to a sink, with its peak memory. Runs the
//! certification domain of a server started in this process (SQLite in a temporary
//! folder, or PostgreSQL when `HOCVUSO_TEST_DATABASE_URL` is set).
//!
//! Learners are written straight into the database (the benchmark measures records,
//! not registration); the course is a shipped one.
//!
//! Then, when `wrk` is installed, verification over HTTP: `bench/verify.lua` asks for
//! random records of these, by code and by token, at 50 connections for 10 s each.
//!
//! `cargo run --release -p hocvuso-bench --bin bench-certification -- [records] [tasks]`

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hocvuso_bench::{achievement, database, learners};
use hocvuso_certification::certificate::CertificateFilter;
use hocvuso_certification::issue::Completion;
use hocvuso_certification::{Certification, Holder};
use hocvuso_testkit::TestApp;

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// Runs `work` over `items` from `tasks` concurrent tasks; returns the elapsed time.
async fn spread<T, F, Fut>(items: Arc<Vec<T>>, tasks: usize, work: F) -> Duration
where
    T: Send + Sync + 'static,
    F: Fn(Arc<Vec<T>>, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let started = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let items = items.clone();
            let work = work.clone();
            tokio::spawn(async move {
                let mut i = task;
                while i < items.len() {
                    work(items.clone(), i).await;
                    i += tasks;
                }
            })
        })
        .collect();
    for handle in handles {
        handle.await.expect("task");
    }
    started.elapsed()
}

fn rate(count: usize, took: Duration) -> String {
    format!(
        "{count} in {:.2} s: {:.0}/s",
        took.as_secs_f64(),
        count as f64 / took.as_secs_f64()
    )
}

/// Counts what it is given and keeps none of it.
struct Sink(u64);

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len() as u64;
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let records: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let tasks: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(16);
    let app = TestApp::spawn_with(|s| {
        // As in production: a worker per core (the test harness's default is one).
        s.http.workers = None;
        s.content.import_on_start = true;
        s.database.max_connections = 16;
        s.rate_limits.verify_code_per_minute = u32::MAX;
        s.log.filter = "warn".into();
    })
    .await;
    let state = &app.state;
    let (course_id, achievement) = achievement(state).await;
    let achievement = Arc::new(achievement);
    let learners = learners(state, records).await;
    let database = database();
    println!("{database}: {records} records, {tasks} concurrent tasks");

    let certification: Certification = state.certification.clone();
    let issued = Arc::new(std::sync::Mutex::new(Vec::with_capacity(records)));
    let took = {
        let certification = certification.clone();
        let issued = issued.clone();
        spread(Arc::new(learners), tasks, move |learners, i| {
            let certification = certification.clone();
            let achievement = achievement.clone();
            let issued = issued.clone();
            async move {
                let completion = Completion {
                    user_id: learners[i],
                    course_id,
                    completed_at: chrono::Utc::now(),
                    score_percent: 90,
                };
                let holder = Holder {
                    name: "Nguyễn Thị Hường".into(),
                    national_id: Some(format!("0791{:08}", i)),
                    identity_check: Some(hocvuso_certification::IdentityCheck::WardRegister),
                };
                let record = certification
                    .issue(&completion, &holder, &achievement)
                    .await
                    .expect("issued");
                issued
                    .lock()
                    .expect("list")
                    .push((record.code, record.token));
            }
        })
        .await
    };
    println!("  issuance: {}", rate(records, took));
    let issued = Arc::new(std::mem::take(&mut *issued.lock().expect("list")));

    for pass in ["first sight", "cached"] {
        let certification_t = certification.clone();
        let took = spread(issued.clone(), tasks, move |issued, i| {
            let certification = certification_t.clone();
            async move {
                let verdict = certification
                    .verify_token(&issued[i].1)
                    .await
                    .expect("verified");
                assert_eq!(verdict.status.as_str(), "valid");
            }
        })
        .await;
        println!("  verification by token ({pass}): {}", rate(records, took));
        let certification_c = certification.clone();
        let took = spread(issued.clone(), tasks, move |issued, i| {
            let certification = certification_c.clone();
            async move {
                let verdict = certification
                    .verify_code(&issued[i].0)
                    .await
                    .expect("verified");
                assert_eq!(verdict.status.as_str(), "valid");
            }
        })
        .await;
        println!("  verification by code ({pass}): {}", rate(records, took));
    }

    // Peak memory of the export alone: reset the high-water mark first (Linux).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_kib("VmRSS");
    let runtime = tokio::runtime::Handle::current();
    let zipping = certification.clone();
    let started = Instant::now();
    let (count, bytes) = tokio::task::spawn_blocking(move || {
        let mut sink = Sink(0);
        let count = zipping
            .write_zip(&CertificateFilter::default(), &mut sink, &runtime)
            .expect("zip");
        (count, sink.0)
    })
    .await
    .expect("zip task");
    let took = started.elapsed();
    let peak = status_kib("VmHWM") / 1024;
    println!(
        "  ZIP of PDF certificates: {} ({:.0} MB); RSS before {} MB, peak during {} MB",
        rate(count, took),
        bytes as f64 / 1e6,
        before / 1024,
        peak
    );
    over_http(&app, &issued);
}

/// Verification through the HTTP API with wrk, when it is installed.
fn over_http(app: &TestApp, issued: &[(String, String)]) {
    if std::process::Command::new("wrk")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("  (wrk not installed: no HTTP figures)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let codes = dir.path().join("codes");
    let tokens = dir.path().join("tokens");
    let lines = |pick: fn(&(String, String)) -> &String| {
        issued
            .iter()
            .map(|r| pick(r).as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    std::fs::write(&codes, lines(|r| &r.0)).expect("codes");
    std::fs::write(&tokens, lines(|r| &r.1)).expect("tokens");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/verify.lua");
    for mode in ["code", "token"] {
        let output = std::process::Command::new("wrk")
            .args(["-t2", "-c50", "-d10s", "--latency", "-s", script])
            .arg(app.url(""))
            .env("MODE", mode)
            .env("CODES_FILE", &codes)
            .env("TOKENS_FILE", &tokens)
            .output()
            .expect("wrk");
        let report = String::from_utf8_lossy(&output.stdout);
        let pick = |prefix: &str| {
            report
                .lines()
                .find(|l| l.trim_start().starts_with(prefix))
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default()
        };
        println!(
            "  HTTP verification by {mode}, 50 connections: {}; {}; {}; {}",
            pick("Requests/sec"),
            pick("50%"),
            pick("99%"),
            pick("Non-2xx")
        );
    }
}
