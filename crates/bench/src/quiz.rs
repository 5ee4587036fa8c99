//! Quiz submissions per second: many learners, each starting an attempt at a course's
//! final quiz, answering it and submitting it, over and over, through the HTTP API of a
//! server started in this process (SQLite in a temporary folder, or PostgreSQL when
//! `HOCVUSO_TEST_DATABASE_URL` is set).
//!
//! `cargo run --release -p hocvuso-bench --bin bench-quiz -- [seconds] [learners]`

use std::time::{Duration, Instant};

use hocvuso_testkit::TestApp;
use reqwest::{Client, Method};
use serde_json::{Value, json};

// A benchmark: a broken setup should fail loudly, hence `expect`.
async fn call(
    client: &Client,
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Value {
    let mut request = client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let value: Value = response.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {value}");
    value
}

async fn sign_in(app: &TestApp, identifier: &str, password: &str) -> String {
    let body = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"identifier": identifier, "password": password}),
        )
        .await
        .json::<Value>()
        .await
        .expect("login");
    body["access_token"].as_str().expect("token").to_owned()
}

/// A published course with a bank of 30 questions and a quiz without attempt limits.
async fn quiz_course(app: &TestApp, client: &Client) {
    let (_, unit) = app
        .state
        .identity
        .bootstrap_admin(
            "Quản trị".into(),
            "bench@hocvuso.vn",
            "Quản trị 2025!".into(),
            "Phường 1",
            hocvuso_identity::dto::UnitKind::Ward,
        )
        .await
        .expect("admin");
    let admin = sign_in(app, "bench@hocvuso.vn", "Quản trị 2025!").await;
    call(client, app, Method::POST, "/api/v1/users", &admin, Some(json!({
        "full_name": "Giảng viên", "role": "trainer", "email": "gv@hocvuso.vn", "password": "Giảng dạy 2025!", "unit_id": unit.id
    }))).await;
    let author = sign_in(app, "gv@hocvuso.vn", "Giảng dạy 2025!").await;
    let course = call(client, app, Method::POST, "/api/v1/authoring/courses", &author, Some(json!({
        "code": "bench-quiz", "title": "Kiểm tra", "summary": "Khoá học để đo tốc độ.",
        "target_groups": ["citizen"], "level": 1, "competencies": ["4.2"], "estimated_minutes": 10, "pass_mark": 70
    }))).await;
    let id = course["id"].as_str().expect("id").to_owned();
    let module = call(
        client,
        app,
        Method::POST,
        &format!("/api/v1/authoring/courses/{id}/modules"),
        &author,
        Some(json!({"code": "m1", "title": "Một"})),
    )
    .await;
    let module = module["modules"][0]["id"]
        .as_str()
        .expect("module")
        .to_owned();
    call(client, app, Method::POST, &format!("/api/v1/authoring/courses/{id}/modules/{module}/lessons"), &author, Some(json!({
        "slug": "bai-1", "title": "Bài một", "body": "Nội dung bài học.", "level": 1, "competencies": ["4.2"], "estimated_minutes": 5
    }))).await;
    for n in 0..30 {
        let question = match n % 5 {
            0 => json!({"type": "single_choice", "options": ["A", "B", "C", "D"], "answer": [1]}),
            1 => {
                json!({"type": "multiple_choice", "options": ["A", "B", "C", "D"], "answer": [0, 2]})
            }
            2 => json!({"type": "true_false", "answer_bool": true}),
            3 => json!({"type": "ordering", "options": ["Một", "Hai", "Ba", "Bốn"]}),
            _ => {
                json!({"type": "short_answer", "accepted": ["bảo mật"], "diacritics_insensitive": true})
            }
        };
        let mut question = question;
        question["code"] = json!(format!("q{n}"));
        question["competency"] = json!(if n % 2 == 0 { "4.2" } else { "2.6" });
        question["level"] = json!(1 + n % 3);
        question["prompt"] = json!(format!("Câu hỏi số {n}?"));
        question["explanation"] = json!("Vì đó là cách an toàn.");
        call(
            client,
            app,
            Method::POST,
            &format!("/api/v1/authoring/courses/{id}/questions"),
            &author,
            Some(question),
        )
        .await;
    }
    call(client, app, Method::PUT, &format!("/api/v1/authoring/courses/{id}/quiz"), &author, Some(json!({
        "question_count": 10, "time_limit_minutes": 20, "max_attempts": 0, "cooldown_minutes": 0, "grading": "highest"
    }))).await;
    call(
        client,
        app,
        Method::POST,
        &format!("/api/v1/authoring/courses/{id}/publish"),
        &author,
        None,
    )
    .await;
}

fn answers(view: &Value) -> Value {
    let list: Vec<Value> = view["questions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|q| {
            let item = q["item"].clone();
            let options = q["options"].as_array().map_or(0, Vec::len);
            match q["type"].as_str().unwrap_or_default() {
                "single_choice" | "multiple_choice" => json!({"item": item, "selected": [0]}),
                "true_false" => json!({"item": item, "value": true}),
                "ordering" => json!({"item": item, "order": (0..options).collect::<Vec<_>>()}),
                _ => json!({"item": item, "text": "bao mat"}),
            }
        })
        .collect();
    json!({"answers": list})
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let learners: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(50);
    let app = TestApp::spawn_with(|s| {
        s.http.workers = None;
        s.content.import_on_start = true;
        s.database.max_connections = 16;
        s.rate_limits.register_per_minute = 100_000;
        s.log.filter = "warn".into();
    })
    .await;
    let client = Client::new();
    quiz_course(&app, &client).await;
    let mut tokens = Vec::with_capacity(learners);
    for n in 0..learners {
        let registered: Value = app
            .post_json("/api/v1/auth/register", &json!({
                "phone": format!("09{:08}", n), "password": "Học vụ số 2025!", "full_name": "Người học", "target_group": "citizen"
            }))
            .await
            .json()
            .await
            .expect("register");
        let token = registered["access_token"]
            .as_str()
            .expect("token")
            .to_owned();
        call(
            &client,
            &app,
            Method::PUT,
            "/api/v1/me/courses/bench-quiz",
            &token,
            None,
        )
        .await;
        tokens.push(token);
    }

    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = tokens
        .into_iter()
        .map(|token| {
            let client = client.clone();
            let base = app.url("");
            tokio::spawn(async move {
                let mut submits = Vec::new();
                while Instant::now() < until {
                    let view: Value = client
                        .post(format!("{base}/api/v1/me/courses/bench-quiz/quiz/attempts"))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .expect("start")
                        .json()
                        .await
                        .expect("attempt");
                    let id = view["id"].as_str().expect("attempt id").to_owned();
                    let sent = Instant::now();
                    let result = client
                        .post(format!("{base}/api/v1/me/attempts/{id}/submit"))
                        .bearer_auth(&token)
                        .json(&answers(&view))
                        .send()
                        .await
                        .expect("submit");
                    assert!(result.status().is_success(), "submit: {}", result.status());
                    submits.push(sent.elapsed());
                }
                submits
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("task"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let database = if std::env::var(hocvuso_testkit::TEST_DATABASE_URL).is_ok() {
        "postgresql"
    } else {
        "sqlite"
    };
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_owned)
        })
        .unwrap_or_default();
    println!(
        "{database}: {} quiz submissions in {elapsed:.1} s by {learners} learners (each after starting its attempt): {:.0} submissions/s; submit p50 {:.1} ms, p99 {:.1} ms; {peak} (client and server)",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
    );
}
