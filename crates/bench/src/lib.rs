//! What the benchmark binaries share: learners and a shipped course's achievement
//! written straight into a test server, `wrk` runs and their figures, and the process's
//! peak memory.

use std::path::Path;

use hocvuso_certification::{AchievementSpec, Competency};
use hocvuso_identity::entity::user;
use hocvuso_server::AppState;
use sea_orm::{EntityTrait, Set};
use uuid::Uuid;

/// The shipped course the benchmarks learn, issue and verify.
pub const COURSE: &str = "nhan-dien-lua-dao-truc-tuyen";

/// `sqlite` or `postgresql`, as the test server is configured.
pub fn database() -> &'static str {
    if std::env::var(hocvuso_testkit::TEST_DATABASE_URL).is_ok() {
        "postgresql"
    } else {
        "sqlite"
    }
}

// Benchmarks: a broken setup should fail loudly, hence `expect`.

/// `count` citizens written straight into the database (registration is not what the
/// benchmarks measure).
pub async fn learners(state: &AppState, count: usize) -> Vec<Uuid> {
    let now = chrono::Utc::now();
    let learners: Vec<Uuid> = (0..count).map(|_| Uuid::now_v7()).collect();
    for chunk in learners.chunks(500) {
        user::Entity::insert_many(chunk.iter().map(|id| user::ActiveModel {
            id: Set(*id),
            role: Set("learner".into()),
            phone: Set(None),
            email: Set(None),
            password_hash: Set(None),
            full_name: Set("Nguyễn Thị Hường".into()),
            birth_date: Set(None),
            sex: Set(None),
            target_group: Set(Some("citizen".into())),
            unit_id: Set(None),
            household: Set(None),
            disability: Set(None),
            preferred_language: Set("vi".into()),
            cccd_encrypted: Set(None),
            cccd_hash: Set(None),
            cccd_source: Set(None),
            target_group_source: Set(None),
            requested_unit_id: Set(None),
            identity_verified: Set(false),
            identity_assurance: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }))
        .exec_without_returning(&state.db)
        .await
        .expect("learners");
    }
    learners
}

/// What a record of [`COURSE`] says was achieved, and the course's id.
pub async fn achievement(state: &AppState) -> (Uuid, AchievementSpec) {
    let ids = state.courses.course_ids().await.expect("courses");
    let course_id = *ids.get(COURSE).expect("shipped course");
    let structure = state
        .courses
        .structure(course_id)
        .await
        .expect("structure")
        .expect("course");
    let framework = state.courses.framework().await.expect("framework");
    let spec = AchievementSpec {
        course_code: structure.code.clone(),
        title: structure.title.clone(),
        summary: "Nhận biết các thủ đoạn lừa đảo qua mạng và cách phòng tránh.".into(),
        level: structure.level,
        pass_mark: 70,
        has_final_quiz: true,
        competencies: structure
            .competencies
            .iter()
            .map(|code| Competency {
                code: code.clone(),
                name: framework
                    .domains
                    .iter()
                    .flat_map(|d| &d.competencies)
                    .find(|c| &c.code == code)
                    .map_or_else(|| code.clone(), |c| c.name.clone()),
            })
            .collect(),
    };
    (course_id, spec)
}

/// The learner questions of the assistant's quality set, answerable and not.
pub fn questions() -> Vec<String> {
    let set: toml::Value = toml::from_str(include_str!("../../../tests/data/assistant-eval.toml"))
        .expect("question set");
    ["questions", "uncovered"]
        .iter()
        .flat_map(|kind| set[kind].as_array().cloned().unwrap_or_default())
        .filter_map(|q| q["question"].as_str().map(str::to_owned))
        .collect()
}

/// Whether `wrk` is on the path.
pub fn has_wrk() -> bool {
    std::process::Command::new("wrk")
        .arg("--version")
        .output()
        .is_ok()
}

/// What `wrk --latency` reported.
#[derive(Debug, Clone)]
pub struct WrkFigures {
    pub requests_per_second: f64,
    pub p50: String,
    pub p99: String,
    pub non_2xx: u64,
}

/// Runs `wrk` with a script of `bench/` against `url`.
pub fn wrk(
    script: &str,
    url: &str,
    seconds: u32,
    connections: u32,
    env: &[(&str, String)],
) -> WrkFigures {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../bench")
        .join(script);
    let mut command = std::process::Command::new("wrk");
    command
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
            "-s",
        ])
        .arg(script)
        .arg(url);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("wrk (apt-get install wrk)");
    let report = String::from_utf8_lossy(&output.stdout);
    let field = |prefix: &str| {
        report
            .lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
            .unwrap_or_default()
    };
    let non_2xx = report
        .lines()
        .find(|l| l.trim_start().starts_with("Non-2xx"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    WrkFigures {
        requests_per_second: field("Requests/sec:").parse().unwrap_or(0.0),
        p50: field("50%"),
        p99: field("99%"),
        non_2xx,
    }
}

/// Forgets this process's peak memory so far (Linux), so the next reading is the
/// peak of what runs after.
pub fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// This process's peak resident memory in MB since the last reset (Linux).
pub fn peak_memory_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU time this process (client and server) has used so far, on all its threads
/// (Linux; `/proc` counts it in USER_HZ, 100 per second on every Linux ABI).
pub fn cpu_time() -> std::time::Duration {
    let ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            // The command name may hold spaces: count fields after its closing ')'.
            let fields: Vec<u64> = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .skip(11)
                .take(2)
                .filter_map(|f| f.parse().ok())
                .collect();
            Some(fields.iter().sum::<u64>())
        })
        .unwrap_or(0);
    std::time::Duration::from_millis(ticks * 10)
}
