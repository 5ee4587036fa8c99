//! Crash safety: the real server binary is killed with SIGKILL while learners sync
//! progress and submit quizzes, then started again on the same database. Every event
//! and every submission that was answered 2xx is there, and nothing counts twice.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hocvuso_assessment::Assessment;
use hocvuso_courses::Courses;
use hocvuso_kernel::db::{Db, DbSettings, connect};
use hocvuso_testkit::TestDatabase;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::assessment::{SCAMS, answers};

struct Server {
    base: String,
    env: Vec<(String, String)>,
    child: Option<Child>,
    client: reqwest::Client,
}

impl Server {
    async fn start(&mut self) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hocvuso"));
        command
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (name, value) in &self.env {
            command.env(name, value);
        }
        self.child = Some(command.spawn().expect("the server starts"));
        for _ in 0..600 {
            let ready = self
                .client
                .get(format!("{}/readyz", self.base))
                .send()
                .await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not become ready");
    }

    /// SIGKILL: no shutdown, no flush, no goodbye.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::Result<reqwest::Response> {
        let mut request = self
            .client
            .request(method, format!("{}/api/v1{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await
    }

    async fn json(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        status: u16,
    ) -> Value {
        let response = self
            .call(method, path, token, body)
            .await
            .expect("answered");
        assert_eq!(response.status().as_u16(), status, "{path}");
        response.json().await.expect("json")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A learner enrolled in the scams course: token and lesson ids.
async fn enrolled(server: &Server, n: usize) -> (String, Vec<String>) {
    let body = server
        .json(
            reqwest::Method::POST,
            "/auth/register",
            None,
            Some(&json!({"phone": format!("09190{n:05}"), "password": "Học vụ số 2025!", "full_name": "Đỗ Thị Em", "target_group": "citizen"})),
            201,
        )
        .await;
    let token = body["access_token"].as_str().expect("token").to_owned();
    let course = server
        .json(
            reqwest::Method::PUT,
            &format!("/me/courses/{SCAMS}"),
            Some(&token),
            None,
            200,
        )
        .await;
    let lessons = course["lessons"]
        .as_array()
        .expect("lessons")
        .iter()
        .map(|l| l["lesson_id"].as_str().expect("id").to_owned())
        .collect();
    (token, lessons)
}

/// A learner enrolled in the scams course, every lesson done, the final quiz opened:
/// their token and the attempt.
async fn at_the_final_quiz(server: &Server, n: usize) -> (String, Value) {
    let (token, lessons) = enrolled(server, n).await;
    let done: Vec<Value> = lessons
        .iter()
        .map(|l| json!({"id": Uuid::now_v7(), "lesson_id": l, "type": "completed", "at": "2026-11-28T10:00:00Z"}))
        .collect();
    server
        .json(
            reqwest::Method::POST,
            "/progress/sync",
            Some(&token),
            Some(&json!({"events": done})),
            200,
        )
        .await;
    let attempt = server
        .json(
            reqwest::Method::POST,
            &format!("/me/courses/{SCAMS}/quiz/attempts"),
            Some(&token),
            None,
            201,
        )
        .await;
    (token, attempt)
}

/// The server binary on a free port, over `database` and a data folder in `dir`.
fn server_on(dir: &tempfile::TempDir, database: &TestDatabase) -> Server {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("addr")
        .port();
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    Server {
        base: format!("http://127.0.0.1:{port}"),
        env: vec![
            ("HOCVUSO_DATA_DIR".into(), dir.path().display().to_string()),
            ("HOCVUSO_DATABASE__URL".into(), database.url.clone()),
            ("HOCVUSO_HTTP__BIND".into(), format!("127.0.0.1:{port}")),
            ("HOCVUSO_HTTP__WORKERS".into(), "2".into()),
            ("HOCVUSO_CONTENT__DIR".into(), content.display().to_string()),
            ("HOCVUSO_LOG__FILTER".into(), "error".into()),
            (
                "HOCVUSO_RATE_LIMITS__REGISTER_PER_MINUTE".into(),
                "1000".into(),
            ),
        ],
        child: None,
        client: reqwest::Client::new(),
    }
}

#[tokio::test]
async fn what_was_acknowledged_survives_a_sigkill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = TestDatabase::create(&dir).await;
    let mut server = server_on(&dir, &database);
    server.start().await;

    // One learner syncs; others have done every lesson and opened the final quiz.
    let (syncer, lessons) = enrolled(&server, 0).await;
    let mut open_attempts = Vec::new();
    for n in 1..=12 {
        let (token, attempt) = at_the_final_quiz(&server, n).await;
        open_attempts.push((token, attempt["id"].as_str().expect("attempt").to_owned()));
    }

    // Load, then SIGKILL in the middle of it.
    let server = Arc::new(tokio::sync::Mutex::new(server));
    let acked_events: Arc<Mutex<Vec<Value>>> = Arc::default();
    let acked_submissions: Arc<Mutex<Vec<(String, String, Value)>>> = Arc::default();
    let (base, client) = {
        let s = server.lock().await;
        (s.base.clone(), s.client.clone())
    };
    let syncing = {
        let (acked, base, client, token, lessons) = (
            acked_events.clone(),
            base.clone(),
            client.clone(),
            syncer.clone(),
            lessons.clone(),
        );
        tokio::spawn(async move {
            for round in 0.. {
                let batch: Vec<Value> = (0..20)
                    .map(|i| json!({"id": Uuid::now_v7(), "lesson_id": lessons[(round + i) % lessons.len()], "type": "progress", "at": "2026-11-28T10:00:00Z", "position_seconds": i, "time_spent_seconds": 5}))
                    .collect();
                let sent = client
                    .post(format!("{base}/api/v1/progress/sync"))
                    .bearer_auth(&token)
                    .json(&json!({"events": batch}))
                    .send()
                    .await;
                match sent {
                    Ok(response) if response.status().is_success() => {
                        acked.lock().expect("acked").extend(batch)
                    }
                    _ => break,
                }
            }
        })
    };
    let submitting = {
        let (acked, base, client) = (acked_submissions.clone(), base.clone(), client.clone());
        tokio::spawn(async move {
            for (token, id) in open_attempts {
                let sent = client
                    .post(format!("{base}/api/v1/me/attempts/{id}/submit"))
                    .bearer_auth(&token)
                    .json(&json!({"answers": []}))
                    .send()
                    .await;
                match sent {
                    Ok(response) if response.status().is_success() => {
                        let result: Value = response.json().await.unwrap_or(Value::Null);
                        acked.lock().expect("acked").push((token, id, result));
                    }
                    _ => break,
                }
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.lock().await.kill();
    syncing.await.expect("sync task");
    submitting.await.expect("submit task");
    let events = std::mem::take(&mut *acked_events.lock().expect("acked"));
    let submissions = std::mem::take(&mut *acked_submissions.lock().expect("acked"));
    assert!(
        !events.is_empty(),
        "some events were acknowledged before the kill"
    );
    assert!(
        !submissions.is_empty(),
        "some submissions were acknowledged before the kill"
    );

    // Started again on the same database and folder.
    let mut server = Arc::try_unwrap(server)
        .ok()
        .expect("one owner")
        .into_inner();
    server.start().await;
    // Every acknowledged event is there: sent again, each is a duplicate, none counts twice.
    for batch in events.chunks(100) {
        let replay = server
            .json(
                reqwest::Method::POST,
                "/progress/sync",
                Some(&syncer),
                Some(&json!({"events": batch})),
                200,
            )
            .await;
        for result in replay["results"].as_array().expect("results") {
            assert_eq!(
                result["status"], "duplicate",
                "an acknowledged event was lost: {result}"
            );
        }
    }
    // Every acknowledged submission is there, with the result it was answered with.
    for (token, id, result) in &submissions {
        let attempt = server
            .json(
                reqwest::Method::GET,
                &format!("/me/attempts/{id}"),
                Some(token),
                None,
                200,
            )
            .await;
        assert_eq!(attempt["status"], "submitted", "{attempt}");
        let again = server
            .json(
                reqwest::Method::POST,
                &format!("/me/attempts/{id}/submit"),
                Some(token),
                Some(&json!({"answers": []})),
                200,
            )
            .await;
        assert_eq!(
            again["score_percent"], result["score_percent"],
            "a submission counted twice or changed"
        );
    }
    eprintln!(
        "crash test: {} events and {} submissions acknowledged before SIGKILL, all found after the restart",
        events.len(),
        submissions.len()
    );
}

async fn count(db: &Db, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("query")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a count")
}

/// The server dies after a quiz completed a course and before its record was issued
/// (a fail point holds it there until SIGKILL). Started again, it issues the record.
#[tokio::test]
async fn a_completion_whose_record_was_lost_to_a_crash_gets_it_at_the_next_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = TestDatabase::create(&dir).await;
    let mut server = server_on(&dir, &database);
    server
        .env
        .push(("FAILPOINTS".into(), "completion.before_issue=pause".into()));
    server.start().await;
    let (token, view) = at_the_final_quiz(&server, 1).await;

    // The right answers, from the bank in the server's database.
    let db = connect(&DbSettings::new(database.url.clone()))
        .await
        .expect("connect");
    let course = Courses::new(db.clone())
        .published_structure(SCAMS)
        .await
        .expect("course");
    let bank = Assessment::new(db.clone())
        .expect("assessment")
        .questions(course.id, false)
        .await
        .expect("bank");
    let submit = {
        let client = server.client.clone();
        let url = format!(
            "{}/api/v1/me/attempts/{}/submit",
            server.base,
            view["id"].as_str().expect("attempt")
        );
        let (token, body) = (token.clone(), answers(&view, &bank, true));
        tokio::spawn(async move { client.post(url).bearer_auth(token).json(&body).send().await })
    };
    let completed = "SELECT COUNT(*) FROM enrollments WHERE completed_at IS NOT NULL";
    for _ in 0..400 {
        if count(&db, completed).await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        count(&db, completed).await,
        1,
        "the quiz completed the course"
    );
    // Held at the fail point: the course is complete, its record not issued.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(count(&db, "SELECT COUNT(*) FROM credentials").await, 0);
    server.kill();
    assert!(
        submit.await.expect("submit task").is_err(),
        "the submission was never answered"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM credentials").await, 0);

    server.env.retain(|(name, _)| name != "FAILPOINTS");
    server.start().await;
    let records = server
        .json(
            reqwest::Method::GET,
            "/me/credentials",
            Some(&token),
            None,
            200,
        )
        .await;
    let records = records.as_array().expect("records");
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(
        records[0]["course_id"],
        course.id.to_string(),
        "{records:?}"
    );
    assert!(records[0]["revoked_at"].is_null(), "{records:?}");
    let code = records[0]["code"].as_str().expect("code");
    let verified = server
        .json(
            reqwest::Method::GET,
            &format!("/verify/{code}"),
            None,
            None,
            200,
        )
        .await;
    assert_eq!(verified["status"], "valid", "{verified}");
    // Reconciling again issues nothing more.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM credentials").await, 1);
}
