//! Ward administration at scale, over HTTP against a server started in this process
//! (SQLite in a temporary folder, or PostgreSQL when `HOCVUSO_TEST_DATABASE_URL` is set):
//!
//! 1. a resident list of `rows` people (default 100,000) imported as one CSV upload,
//!    then the same file again (every row unchanged);
//! 2. the targets and households reports over the ward, grown by `learners` more people
//!    (default 1,000,000) with five lesson-progress rows each;
//! 3. an export of `learners` completion records (one per generated person in a second
//!    course, each with a token of a real record's size), as CSV and as the VNeID batch,
//!    with the process's memory sampled while it streams.
//!
//! How the data is made: the resident list is generated here, every row valid (a real
//! citizen ID layout: province 001, the sex and century digit, the birth year, a serial),
//! spread over the ward's 65 residential groups, the four target groups and households
//! of three. The other `learners` people are written straight into the database in
//! batches (registration is not what is measured): 20 % identity-verified, 60 %
//! enrolled in a shipped course, 40 % completed it, 30 % hold a completion record (one
//! in thirty of those revoked), and five `lesson_progress` rows per person.
//!
//! `cargo run --release -p hocvuso-bench --bin bench-administration -- [learners] [rows]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use hocvuso_certification::entity::{credential, status_list};
use hocvuso_enrollment::entity::{enrollment, lesson_progress};
use hocvuso_identity::entity::user;
use hocvuso_testkit::TestApp;
use sea_orm::{EntityTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

const GROUPS: [&str; 4] = ["citizen", "student", "enterprise_worker", "public_sector"];
const RESIDENTIAL_GROUPS: usize = 65;
const BATCH: usize = 1000;

fn status_mib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<u64>().ok())
        })
        .unwrap_or(0)
        / 1024
}

fn peak_rss_mib() -> u64 {
    status_mib("VmHWM")
}

/// One record for each of `people` in a second course: the export's million.
async fn generate_export_records(app: &TestApp, people: &[Uuid], course_id: Uuid) {
    let now = Utc::now();
    let lists = people.len() / 131_072 + 1;
    status_list::Entity::insert_many((0..lists).map(|n| status_list::ActiveModel {
        id: Set(2000 + n as i32),
        purpose: Set("revocation".into()),
        size: Set(131_072),
        created_at: Set(now),
    }))
    .exec_without_returning(&app.state.db)
    .await
    .expect("status lists");
    for (chunk_index, chunk) in people.chunks(BATCH).enumerate() {
        credential::Entity::insert_many(chunk.iter().enumerate().map(|(k, id)| {
            let i = chunk_index * BATCH + k;
            credential::ActiveModel {
                id: Set(Uuid::now_v7()),
                code: Set(format!("E{i:010}")),
                user_id: Set(*id),
                course_id: Set(course_id),
                current_key: Set(Some(format!("{id}:{course_id}"))),
                status_list: Set(2000 + (i / 131_072) as i32),
                status_index: Set((i % 131_072) as i32),
                // A real record's size: a VC-JWT of this platform is about 2 KB.
                token: Set("x".repeat(2048)),
                kid: Set("bench".into()),
                holder_name: Set(format!("Người Học {i}")),
                score_percent: Set(90),
                issued_at: Set(now),
                valid_until: Set(None),
                revoked_at: Set(None),
                revocation_reason: Set(None),
                revoked_by: Set(None),
                replaces: Set(None),
            }
        }))
        .exec_without_returning(&app.state.db)
        .await
        .expect("records");
    }
}

/// Streams an export, counting rows, while sampling the process's memory.
async fn export(app: &TestApp, token: &str, query: &str) -> (usize, u64, Duration, u64) {
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let peak = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let sampler = {
        let (sampling, peak) = (sampling.clone(), peak.clone());
        tokio::spawn(async move {
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                peak.fetch_max(status_mib("VmRSS"), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let started = Instant::now();
    let mut response = app
        .client
        .get(app.url(&format!("/api/v1/exports/completions{query}")))
        .bearer_auth(token)
        .timeout(Duration::from_secs(1800))
        .send()
        .await
        .expect("export");
    assert_eq!(response.status(), 200, "{query}");
    let (mut lines, mut bytes) = (0usize, 0u64);
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        lines += chunk.iter().filter(|b| **b == b'\n').count();
        bytes += chunk.len() as u64;
    }
    let took = started.elapsed();
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    sampler.await.expect("sampler");
    (
        lines,
        bytes,
        took,
        peak.load(std::sync::atomic::Ordering::Relaxed),
    )
}

fn resident_csv(rows: usize) -> String {
    let mut csv = String::with_capacity(rows * 100);
    csv.push_str("full_name,birth_date,sex,cccd,phone,target_group,residential_group,household\n");
    for i in 0..rows {
        let female = i % 2 == 1;
        let year = 1940 + (i % 60);
        let century_sex = if female { 1 } else { 0 };
        let cccd = format!("001{century_sex}{:02}{:06}", year % 100, i);
        let phone = if i % 2 == 0 {
            format!("09{:08}", i)
        } else {
            String::new()
        };
        csv.push_str(&format!(
            "Người Dân {i},{:02}/{:02}/{year},{},{cccd},{phone},{},TDP{:02},HGD-{}\n",
            1 + i % 28,
            1 + i % 12,
            if female { "Nữ" } else { "Nam" },
            GROUPS[i % 4],
            1 + i % RESIDENTIAL_GROUPS,
            i / 3,
        ));
    }
    csv
}

async fn upload(app: &TestApp, token: &str, csv: String) -> (Value, Duration) {
    let part = reqwest::multipart::Part::bytes(csv.into_bytes())
        .file_name("dan-cu.csv")
        .mime_str("text/csv")
        .expect("mime");
    let started = Instant::now();
    let response = app
        .client
        .post(app.url("/api/v1/people/imports"))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .timeout(Duration::from_secs(600))
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), 201, "import accepted");
    let summary: Value = response.json().await.expect("summary");
    (summary, started.elapsed())
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> (Value, Duration) {
    let started = Instant::now();
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .timeout(Duration::from_secs(600))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200, "{path}");
    let body = response.json().await.expect("json");
    (body, started.elapsed())
}

/// Writes the people beyond the imported ones, and their learning and records.
async fn generate(app: &TestApp, units: &[Uuid], from: usize, to: usize) {
    let state = &app.state;
    let ids = state.courses.course_ids().await.expect("courses");
    let course_id = *ids
        .get("nhan-dien-lua-dao-truc-tuyen")
        .expect("shipped course");
    let lessons: Vec<Uuid> = state
        .courses
        .structure(course_id)
        .await
        .expect("structure")
        .expect("course")
        .lessons
        .iter()
        .map(|l| l.id)
        .take(5)
        .collect();
    let now = Utc::now();
    let lists = (to / 131_072) + 1;
    status_list::Entity::insert_many((0..lists).map(|n| status_list::ActiveModel {
        id: Set(1000 + n as i32),
        purpose: Set("revocation".into()),
        size: Set(131_072),
        created_at: Set(now),
    }))
    .exec_without_returning(&state.db)
    .await
    .expect("status lists");

    let mut start = from;
    while start < to {
        let end = (start + BATCH).min(to);
        let people: Vec<(usize, Uuid)> = (start..end).map(|i| (i, Uuid::now_v7())).collect();
        user::Entity::insert_many(people.iter().map(|(i, id)| user::ActiveModel {
            id: Set(*id),
            role: Set("learner".into()),
            phone: Set(None),
            email: Set(None),
            password_hash: Set(None),
            full_name: Set(format!("Người Học {i}")),
            birth_date: Set(None),
            sex: Set(None),
            target_group: Set(Some(GROUPS[i % 4].into())),
            unit_id: Set(Some(units[i % units.len()])),
            household: Set(Some(format!("HGD-{}", i / 3))),
            disability: Set(None),
            preferred_language: Set("vi".into()),
            cccd_encrypted: Set(None),
            cccd_hash: Set(None),
            cccd_source: Set(None),
            target_group_source: Set(None),
            requested_unit_id: Set(None),
            identity_verified: Set(i % 5 == 0),
            identity_assurance: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }))
        .exec_without_returning(&state.db)
        .await
        .expect("people");
        let enrolled: Vec<&(usize, Uuid)> = people.iter().filter(|(i, _)| i % 10 < 6).collect();
        if !enrolled.is_empty() {
            enrollment::Entity::insert_many(enrolled.iter().map(|(i, id)| {
                let completed = i % 10 < 4;
                enrollment::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    user_id: Set(*id),
                    course_id: Set(course_id),
                    status: Set(if completed { "completed" } else { "active" }.into()),
                    enrolled_at: Set(now),
                    withdrawn_at: Set(None),
                    completed_at: Set(completed.then_some(now)),
                    final_score: Set(completed.then_some(90)),
                    assessment_passed_at: Set(completed.then_some(now)),
                    resume_lesson_id: Set(None),
                    last_activity_at: Set(now),
                }
            }))
            .exec_without_returning(&state.db)
            .await
            .expect("enrolments");
        }
        let certified: Vec<&(usize, Uuid)> = people.iter().filter(|(i, _)| i % 10 < 3).collect();
        if !certified.is_empty() {
            credential::Entity::insert_many(certified.iter().map(|(i, id)| {
                let revoked = i % 30 == 0;
                credential::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    code: Set(format!("B{i:010}")),
                    user_id: Set(*id),
                    course_id: Set(course_id),
                    current_key: Set((!revoked).then(|| format!("{id}:{course_id}"))),
                    status_list: Set(1000 + (i / 131_072) as i32),
                    status_index: Set((i % 131_072) as i32),
                    token: Set("generated for the benchmark".into()),
                    kid: Set("bench".into()),
                    holder_name: Set(format!("Người Học {i}")),
                    score_percent: Set(90),
                    issued_at: Set(now),
                    valid_until: Set(None),
                    revoked_at: Set(revoked.then_some(now)),
                    revocation_reason: Set(revoked.then(|| "benchmark".into())),
                    revoked_by: Set(None),
                    replaces: Set(None),
                }
            }))
            .exec_without_returning(&state.db)
            .await
            .expect("records");
        }
        let progress: Vec<lesson_progress::ActiveModel> = people
            .iter()
            .flat_map(|(i, id)| {
                lessons
                    .iter()
                    .map(move |lesson| lesson_progress::ActiveModel {
                        user_id: Set(*id),
                        lesson_id: Set(*lesson),
                        course_id: Set(course_id),
                        started_at: Set(Some(now)),
                        completed_at: Set((i % 10 < 4).then_some(now)),
                        position_seconds: Set(0),
                        position_at: Set(None),
                        time_spent_seconds: Set(300),
                        skippable: Set(false),
                        updated_at: Set(now),
                    })
            })
            .collect();
        // Ten values a row: 2,000 rows stay within SQLite's 32,766 parameters.
        for rows in progress.chunks(2000) {
            lesson_progress::Entity::insert_many(rows.to_vec())
                .exec_without_returning(&state.db)
                .await
                .expect("progress");
        }
        start = end;
        if start.is_multiple_of(100_000) {
            eprintln!("  generated {start} people");
        }
    }
}

fn median(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[0], times[times.len() / 2])
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let learners: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let rows: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let app = TestApp::spawn_with(|s| {
        s.content.import_on_start = true;
        s.log.filter = "warn".into();
        // As served: a worker per core, not the tests' single one.
        s.http.workers = None;
    })
    .await;
    let database = if std::env::var(hocvuso_testkit::TEST_DATABASE_URL).is_ok() {
        "postgresql"
    } else {
        "sqlite"
    };
    println!("{database}: {learners} people, a {rows}-row resident list");

    let (_, ward) = app
        .state
        .identity
        .bootstrap_admin(
            "Cán bộ phường".into(),
            "canbo@bench.vn",
            "Quản trị 2025!".into(),
            "Phường Thử Tải",
            hocvuso_identity::dto::UnitKind::Ward,
        )
        .await
        .expect("admin");
    let login: Value = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"identifier": "canbo@bench.vn", "password": "Quản trị 2025!"}),
        )
        .await
        .json()
        .await
        .expect("signed in");
    let token = login["access_token"].as_str().expect("token").to_owned();
    let mut units = Vec::with_capacity(RESIDENTIAL_GROUPS);
    for n in 1..=RESIDENTIAL_GROUPS {
        let response = app
            .client
            .post(app.url("/api/v1/units"))
            .bearer_auth(&token)
            .json(&json!({"name": format!("Tổ dân phố {n}"), "kind": "residential_group", "parent_id": ward.id, "code": format!("TDP{n:02}")}))
            .send()
            .await
            .expect("unit");
        let unit: Value = response.json().await.expect("unit json");
        units.push(
            unit["id"]
                .as_str()
                .expect("id")
                .parse::<Uuid>()
                .expect("uuid"),
        );
    }

    let csv = resident_csv(rows);
    let megabytes = csv.len() as f64 / 1_048_576.0;
    let (first, took) = upload(&app, &token, csv.clone()).await;
    println!(
        "  import of {rows} rows ({megabytes:.1} MB CSV): {:.2} s, {:.0} rows/s (created {}, rejected {})",
        took.as_secs_f64(),
        rows as f64 / took.as_secs_f64(),
        first["created"],
        first["rejected"],
    );
    let (again, took) = upload(&app, &token, csv).await;
    println!(
        "  same file again: {:.2} s, {:.0} rows/s (unchanged {})",
        took.as_secs_f64(),
        rows as f64 / took.as_secs_f64(),
        again["unchanged"],
    );

    let started = Instant::now();
    generate(&app, &units, 0, learners).await;
    println!(
        "  generated {learners} more people and {} progress rows in {:.0} s",
        5 * learners,
        started.elapsed().as_secs_f64()
    );

    if database == "postgresql" {
        // What autovacuum does in production within a minute of a bulk load: without
        // statistics the planner takes a table of a million rows for an empty one.
        use sea_orm::ConnectionTrait;
        app.state
            .db
            .execute_unprepared("ANALYZE")
            .await
            .expect("statistics");
    }
    // The first report builds the read model from scratch; the next ones refresh only
    // the people changed since, once the refresh margin has passed.
    let (_, took) = get_json(&app, &token, "/api/v1/reports/targets").await;
    println!(
        "  first report (builds the read model for every person): {:.1} s",
        took.as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(61)).await;
    for (name, path) in [
        (
            "targets report, whole ward",
            "/api/v1/reports/targets".to_owned(),
        ),
        (
            "targets report, one residential group",
            format!("/api/v1/reports/targets?unit_id={}", units[0]),
        ),
        (
            "households report, whole ward",
            "/api/v1/reports/households".to_owned(),
        ),
    ] {
        let mut times = Vec::new();
        let mut body = Value::Null;
        for _ in 0..5 {
            let (answer, took) = get_json(&app, &token, &path).await;
            times.push(took);
            body = answer;
        }
        let (best, median) = median(times);
        println!(
            "  {name}: best {:.0} ms, median {:.0} ms ({} rows)",
            best.as_secs_f64() * 1000.0,
            median.as_secs_f64() * 1000.0,
            body["rows"].as_array().map_or(0, Vec::len),
        );
        if name.starts_with("targets report, whole") {
            let population: i64 = body["rows"]
                .as_array()
                .expect("rows")
                .iter()
                .filter(|r| r["unit_id"] == ward.id.to_string())
                .map(|r| r["population"].as_i64().expect("population"))
                .sum();
            println!("    ward population counted: {population}");
        }
    }
    println!(
        "  peak RSS so far (server and generator in one process): {} MiB",
        peak_rss_mib()
    );

    // The export: a second course's record for each of `learners` generated people.
    let ids = app.state.courses.course_ids().await.expect("courses");
    let export_course = *ids
        .get("vneid-va-dich-vu-cong-truc-tuyen")
        .expect("shipped course");
    let people: Vec<Uuid> = {
        use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
        user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .filter(user::Column::FullName.starts_with("Người Học"))
            .into_tuple()
            .all(&app.state.db)
            .await
            .expect("people")
    };
    let started = Instant::now();
    generate_export_records(&app, &people, export_course).await;
    println!(
        "  generated {} records for the export in {:.0} s",
        people.len(),
        started.elapsed().as_secs_f64()
    );
    let before = status_mib("VmRSS");
    for format in ["csv", "jsonl"] {
        let (lines, bytes, took, peak) = export(
            &app,
            &token,
            &format!("?course=vneid-va-dich-vu-cong-truc-tuyen&format={format}"),
        )
        .await;
        let records = if format == "csv" { lines - 1 } else { lines };
        println!(
            "  export, {format}: {records} records, {:.0} MB in {:.1} s = {:.0} records/s; RSS {before} MiB before, at most {peak} MiB during",
            bytes as f64 / 1_048_576.0,
            took.as_secs_f64(),
            records as f64 / took.as_secs_f64(),
        );
    }
    // For studying query plans in the sqlite3 shell: a copy of the generated database.
    if let (Ok(path), "sqlite") = (std::env::var("BENCH_KEEP_DATABASE"), database) {
        use sea_orm::ConnectionTrait;
        app.state
            .db
            .execute_unprepared(&format!("VACUUM INTO '{}'", path.replace('\'', "''")))
            .await
            .expect("database copied");
        println!("  database copied to {path}");
    }
    // PostgreSQL cannot copy a database others are connected to: with BENCH_PAUSE set,
    // the bench keeps its database until Enter, for a server started on it meanwhile.
    if std::env::var("BENCH_PAUSE").is_ok() {
        println!(
            "  database: {} (Enter ends the bench)",
            app.state.settings.database_url()
        );
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    }
}
