//! The journeys over a real, migrated database with the shipped curriculum, and no
//! HTTP server: what the API and the web app both rely on.

use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, Utc};
use hocvuso_assessment::Assessment;
use hocvuso_assistant::Assistant;
use hocvuso_certification::{Certification, CertificationConfig, IssuerProfile, KeyRing};
use hocvuso_courses::Courses;
use hocvuso_enrollment::progress::{EventKind, EventStatus, ProgressEvent};
use hocvuso_identity::dto::RegisterRequest;
use hocvuso_identity::{AccessTokens, Identity, PiiVault};
use hocvuso_kernel::{Lang, Principal, Role, TargetGroup};
use hocvuso_keys::Ed25519Key;
use hocvuso_storage::FolderStore;
use hocvuso_testdb::MigratedDb;
use sea_orm::{ConnectionTrait, Statement};
use uuid::Uuid;

use crate::{Platform, Services};

/// A course of the shipped curriculum for citizens, with a final quiz.
const SCAMS: &str = "nhan-dien-lua-dao-truc-tuyen";

struct Fixture {
    platform: Platform,
    _db: MigratedDb,
}

async fn fixture() -> Fixture {
    let migrated = hocvuso_testdb::migrated().await;
    let db = migrated.db.clone();
    let key = |what| Ed25519Key::generate().expect(what);
    let identity = Identity::new(
        db.clone(),
        AccessTokens::new(
            key("token key"),
            Vec::new(),
            "test",
            "test",
            Duration::minutes(15),
        ),
        PiiVault::new(&[7; 32]),
        Duration::days(30),
        None,
    );
    let courses = Courses::new(db.clone());
    let certification = Certification::new(
        db.clone(),
        CertificationConfig {
            issuer: IssuerProfile {
                public_url: "http://127.0.0.1:8080".into(),
                name: "Hocvuso test".into(),
            },
            keys: KeyRing::new(key("record key"), Vec::new()),
            subject_key: [9; 32],
            validity: None,
        },
    );
    let services = Services {
        assistant: Assistant::new(db.clone(), courses.clone(), None).expect("assistant"),
        assessment: Assessment::new(db.clone()).expect("assessment"),
        identity,
        courses,
        certification,
    };
    let blobs = FolderStore::open(migrated.dir.path().join("blobs"))
        .await
        .expect("blob folder");
    let platform = Platform::new(db, Arc::new(blobs), services);
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    platform
        .import_curriculum(&content)
        .await
        .expect("the shipped curriculum imports");
    Fixture {
        platform,
        _db: migrated,
    }
}

async fn learner(platform: &Platform, phone: &str) -> Principal {
    let registered = platform
        .identity
        .register(RegisterRequest {
            phone: Some(phone.into()),
            email: None,
            password: "Học vụ số 2025!".into(),
            full_name: "Nguyễn Thị Lan".into(),
            target_group: Some(TargetGroup::Citizen),
            preferred_language: None,
            class_code: None,
        })
        .await
        .expect("registered");
    Principal {
        user_id: registered.user.id,
        role: Role::Learner,
    }
}

fn completed(lesson: Uuid) -> ProgressEvent {
    ProgressEvent {
        id: Uuid::now_v7(),
        lesson_id: lesson,
        kind: EventKind::Completed,
        at: Utc::now(),
        position_seconds: None,
        time_spent_seconds: Some(60),
    }
}

async fn count(platform: &Platform, sql: &str) -> i64 {
    let db = &platform.db;
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("query")
        .expect("a row")
        .try_get_by_index::<i64>(0)
        .expect("a count")
}

#[tokio::test]
async fn a_batch_that_completes_a_course_issues_exactly_its_record() {
    let fixture = fixture().await;
    let platform = &fixture.platform;
    let lan = learner(platform, "0912000001").await;
    let course = platform.enrol(&lan, SCAMS).await.expect("enrolled");
    let lessons: Vec<Uuid> = course.lessons.iter().map(|l| l.lesson_id).collect();
    let plan = platform.published_plan(SCAMS).await.expect("plan");

    // Every lesson done: the course still waits for its final quiz.
    let events: Vec<ProgressEvent> = lessons.iter().map(|l| completed(*l)).collect();
    let items = events.iter().cloned().map(Ok).collect();
    let synced = platform
        .sync_progress(&lan, items, Lang::Vi)
        .await
        .expect("synced");
    assert_eq!(synced.accepted, lessons.len());
    assert_eq!(count(platform, "SELECT COUNT(*) FROM credentials").await, 0);

    // The final assessment passed: the course completes, and its record is issued once.
    let done = platform
        .learning
        .record_assessment(lan.user_id, &plan, 90, true)
        .await
        .expect("recorded")
        .expect("the course completed");
    assert_eq!(done.course_id, plan.course_id);
    platform
        .certify(lan.user_id, std::slice::from_ref(&done))
        .await
        .expect("certified");
    platform
        .certify(lan.user_id, &[done])
        .await
        .expect("idempotent");
    let records = platform
        .certification
        .records_of(lan.user_id)
        .await
        .expect("records");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].course_id, plan.course_id);
    assert_eq!(records[0].score_percent, 90);

    // A replayed batch is all duplicates and completes nothing more.
    let again = events.iter().cloned().map(Ok).collect();
    let replay = platform
        .learning
        .record(lan.user_id, again, platform.plans(), Lang::Vi)
        .await
        .expect("recorded");
    assert!(replay.completed.is_empty(), "{:?}", replay.completed);
    assert!(
        replay
            .results
            .iter()
            .all(|r| r.status == EventStatus::Duplicate)
    );
}

#[tokio::test]
async fn reconcile_issues_the_records_that_completions_lack_once() {
    let fixture = fixture().await;
    let platform = &fixture.platform;
    let since = Utc::now() - Duration::days(1);
    let mut learners = Vec::new();
    for n in 0..3 {
        let who = learner(platform, &format!("091200010{n}")).await;
        platform.enrol(&who, SCAMS).await.expect("enrolled");
        let plan = platform.published_plan(SCAMS).await.expect("plan");
        let items = plan.lessons.iter().map(|l| Ok(completed(l.id))).collect();
        platform
            .learning
            .record(who.user_id, items, platform.plans(), Lang::Vi)
            .await
            .expect("recorded");
        // Completed, as if the process died before the record: nothing issued.
        platform
            .learning
            .record_assessment(who.user_id, &plan, 80, true)
            .await
            .expect("recorded")
            .expect("completed");
        learners.push(who);
    }
    assert_eq!(count(platform, "SELECT COUNT(*) FROM credentials").await, 0);
    assert_eq!(platform.reconcile(since).await.expect("reconciled"), 3);
    for who in &learners {
        let records = platform
            .certification
            .records_of(who.user_id)
            .await
            .expect("records");
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].score_percent, 80);
    }
    assert_eq!(platform.reconcile(since).await.expect("again"), 0);
    // Completions before the window are not looked at.
    let first = platform
        .certification
        .records_of(learners[0].user_id)
        .await
        .expect("records");
    assert_eq!(
        platform
            .reconcile(Utc::now() + Duration::minutes(1))
            .await
            .expect("future window"),
        0
    );
    // A revoked record is the ward's decision: reconcile does not issue another.
    platform
        .certification
        .revoke(first[0].id, learners[0].user_id, "Cấp nhầm người")
        .await
        .expect("revoked");
    assert_eq!(platform.reconcile(since).await.expect("after revoke"), 0);
    assert_eq!(count(platform, "SELECT COUNT(*) FROM credentials").await, 3);
}
