//! Quiz submissions per second: many learners, each starting an attempt at a course's
//! final quiz, answering it and submitting it, over and over, through the HTTP API of a
//! server started in this process (SQLite in a temporary folder, or PostgreSQL when
//! `HOCVUSO_TEST_DATABASE_URL` is set).
//!
//! `cargo run --release -p hocvuso-bench --bin bench-quiz -- [seconds] [learners] [courses]`

use std::time::{Duration, Instant};

use hocvuso_bench::{cpu_time, database, peak_memory_mb};
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

/// Signs in the administrator and a trainer, returning the trainer's token.
async fn author(app: &TestApp, client: &Client) -> String {
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
    sign_in(app, "gv@hocvuso.vn", "Giảng dạy 2025!").await
}

/// A published course with a bank of 30 questions and a quiz without attempt limits.
async fn quiz_course(app: &TestApp, client: &Client, author: &str, code: &str) {
    let course = call(client, app, Method::POST, "/api/v1/authoring/courses", author, Some(json!({
        "code": code, "title": "Kiểm tra", "summary": "Khoá học để đo tốc độ.",
        "target_groups": ["citizen"], "level": 1, "competencies": ["4.2"], "estimated_minutes": 10, "pass_mark": 70
    }))).await;
    let id = course["id"].as_str().expect("id").to_owned();
    let module = call(
        client,
        app,
        Method::POST,
        &format!("/api/v1/authoring/courses/{id}/modules"),
        author,
        Some(json!({"code": "m1", "title": "Một"})),
    )
    .await;
    let module = module["modules"][0]["id"]
        .as_str()
        .expect("module")
        .to_owned();
    call(client, app, Method::POST, &format!("/api/v1/authoring/courses/{id}/modules/{module}/lessons"), author, Some(json!({
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
            author,
            Some(question),
        )
        .await;
    }
    call(client, app, Method::PUT, &format!("/api/v1/authoring/courses/{id}/quiz"), author, Some(json!({
        "question_count": 10, "time_limit_minutes": 20, "max_attempts": 0, "cooldown_minutes": 0, "grading": "highest"
    }))).await;
    call(
        client,
        app,
        Method::POST,
        &format!("/api/v1/authoring/courses/{id}/publish"),
        author,
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

/// Runs one request per (learner, course) pair, all learners at once, each learner's
/// courses one after another; returns the wall time and each request's latency.
async fn phase<F, Fut, T>(
    learners: &[Learner],
    courses: usize,
    request: F,
) -> (Duration, Vec<(Duration, T)>)
where
    F: Fn(Learner, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = T> + Send,
    T: Send + 'static,
{
    let started = Instant::now();
    let tasks: Vec<_> = learners
        .iter()
        .cloned()
        .map(|learner| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut done = Vec::with_capacity(courses);
                for course in 0..courses {
                    let sent = Instant::now();
                    let out = request(learner.clone(), course).await;
                    done.push((sent.elapsed(), out));
                }
                done
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("task"));
    }
    (started.elapsed(), all)
}

#[derive(Clone)]
struct Learner {
    index: usize,
    client: Client,
    base: String,
    token: String,
}

fn course_code(n: usize) -> String {
    format!("bench-quiz-{n}")
}

fn report(what: &str, count: usize, busy: Duration, cpu: Duration, latencies: &mut [Duration]) {
    latencies.sort();
    println!(
        "  {what}: {count} in {:.1} s: {:.0}/s; p50 {:.1} ms, p99 {:.1} ms; CPU {:.2} ms each (client and server), {:.0} % of the cores",
        busy.as_secs_f64(),
        count as f64 / busy.as_secs_f64(),
        percentile(latencies, 0.5),
        percentile(latencies, 0.99),
        cpu.as_secs_f64() * 1000.0 / count.max(1) as f64,
        cpu.as_secs_f64() * 100.0
            / busy.as_secs_f64()
            / std::thread::available_parallelism().map_or(1.0, |n| n.get() as f64),
    );
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let learner_count: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(400);
    let courses: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let app = TestApp::spawn_with(|s| {
        s.http.workers = None;
        s.content.import_on_start = true;
        s.database.max_connections = std::env::var("BENCH_CONNECTIONS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(16);
        s.rate_limits.register_per_minute = 100_000;
        s.log.filter = "warn".into();
    })
    .await;
    let client = Client::new();
    let trainer = author(&app, &client).await;
    for n in 0..courses {
        quiz_course(&app, &client, &trainer, &course_code(n)).await;
    }
    let mut learners = Vec::with_capacity(learner_count);
    for n in 0..learner_count {
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
        for course in 0..courses {
            let path = format!("/api/v1/me/courses/{}", course_code(course));
            call(&client, &app, Method::PUT, &path, &token, None).await;
        }
        learners.push(Learner {
            index: n,
            client: client.clone(),
            base: app.url(""),
            token,
        });
    }

    // Rounds: every learner starts an attempt in every course, then submits them all,
    // so submissions are timed on their own, under the same concurrency.
    let until = Instant::now() + Duration::from_secs(seconds);
    let (mut start_busy, mut submit_busy) = (Duration::ZERO, Duration::ZERO);
    let (mut start_cpu, mut submit_cpu) = (Duration::ZERO, Duration::ZERO);
    let (mut start_latencies, mut submit_latencies) = (Vec::new(), Vec::new());
    while Instant::now() < until {
        let cpu_before = cpu_time();
        let (busy, started) = phase(&learners, courses, |l: Learner, course| async move {
            let response = l
                .client
                .post(format!(
                    "{}/api/v1/me/courses/{}/quiz/attempts",
                    l.base,
                    course_code(course)
                ))
                .bearer_auth(&l.token)
                .send()
                .await
                .expect("start");
            assert!(
                response.status().is_success(),
                "start: {}",
                response.status()
            );
            (
                (l.index, course),
                response.json::<Value>().await.expect("attempt"),
            )
        })
        .await;
        start_busy += busy;
        start_cpu += cpu_time().saturating_sub(cpu_before);
        let mut attempts = std::collections::HashMap::new();
        for (latency, (key, view)) in started {
            start_latencies.push(latency);
            let id = view["id"].as_str().expect("attempt id").to_owned();
            attempts.insert(key, (id, answers(&view)));
        }
        let attempts = std::sync::Arc::new(attempts);
        let cpu_before = cpu_time();
        let (busy, submitted) = phase(&learners, courses, move |l: Learner, course| {
            let attempts = attempts.clone();
            async move {
                let (id, body) = attempts.get(&(l.index, course)).expect("attempt");
                let response = l
                    .client
                    .post(format!("{}/api/v1/me/attempts/{id}/submit", l.base))
                    .bearer_auth(&l.token)
                    .json(body)
                    .send()
                    .await
                    .expect("submit");
                assert!(
                    response.status().is_success(),
                    "submit: {}",
                    response.status()
                );
            }
        })
        .await;
        submit_busy += busy;
        submit_cpu += cpu_time().saturating_sub(cpu_before);
        submit_latencies.extend(submitted.into_iter().map(|(latency, ())| latency));
    }
    let database = database();
    let peak = format!("peak RSS {:.0} MB", peak_memory_mb());
    println!(
        "{database}: {learner_count} learners × {courses} courses, rounds of starting every attempt then submitting every attempt; {peak} (client and server)"
    );
    report(
        "quiz submissions",
        submit_latencies.len(),
        submit_busy,
        submit_cpu,
        &mut submit_latencies,
    );
    report(
        "attempt starts",
        start_latencies.len(),
        start_busy,
        start_cpu,
        &mut start_latencies,
    );
}
