//! Classes: a trainer gathers people of their residential group, enrols them together,
//! records attendance at in-person sessions and follows their progress.

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use super::*;
use crate::assessment::SCAMS;
use crate::support::{TestApp, expect_problem, learner, trainer};

fn outcomes(body: &Value) -> Vec<(String, String, Option<String>)> {
    body.as_array()
        .expect("outcomes")
        .iter()
        .map(|o| {
            (
                o["user_id"].as_str().expect("id").to_owned(),
                o["result"].as_str().expect("result").to_owned(),
                o["code"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_trainer_runs_a_class_from_enrolment_to_attendance_and_progress() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let Ward {
        admin, tdp1, tdp2, ..
    } = populated_ward(&app).await;
    let teacher = trainer(&app, &admin, &tdp1, "giangvien@hoaan.vn").await;
    let people = json_of(
        call(&app, Method::GET, "/api/v1/users?limit=100", &admin, None).await,
        200,
    )
    .await;
    let id_of = |name: &str| {
        people["items"]
            .as_array()
            .expect("people")
            .iter()
            .find(|p| p["full_name"] == name)
            .expect(name)["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    let (minh, lan, khoa) = (
        id_of("Nguyễn Văn Minh"),
        id_of("Lê Thị Lan"),
        id_of("Trần Minh Khoa"),
    );
    let keen = learner(&app, "0913000111", Some("citizen")).await;
    join(&app, &admin, &keen, &tdp1, "HGD-08").await;
    let undecided = learner(&app, "0913000112", None).await;
    json_of(
        call(
            &app,
            Method::PATCH,
            "/api/v1/me",
            &undecided,
            Some(json!({"unit_id": tdp1})),
        )
        .await,
        200,
    )
    .await;

    // A trainer opens classes in their own residential group only.
    expect_problem(
        call(
            &app,
            Method::POST,
            "/api/v1/classes",
            &teacher,
            Some(json!({"name": "Lớp tổ 2", "unit_id": tdp2})),
        )
        .await,
        400,
        "validation_failed",
    )
    .await;
    let id = new_class(&app, &teacher, &tdp1, "Lớp người cao tuổi, tổ dân phố 1").await;

    // Members in bulk, each with its outcome.
    let added = json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/v1/classes/{id}/members"),
            &teacher,
            Some(json!({"user_ids": [minh, lan, khoa, minh, keen.user_id, undecided.user_id]})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        outcomes(&added),
        [
            (minh.clone(), "added".into(), None),
            (lan.clone(), "added".into(), None),
            (
                khoa.clone(),
                "rejected".into(),
                Some("not_in_class_unit".into())
            ),
            (minh.clone(), "already_member".into(), None),
            (keen.user_id.clone(), "added".into(), None),
            (undecided.user_id.clone(), "added".into(), None),
        ]
    );

    // Enrolled together; whoever has no target group yet is told why.
    let enrolled = json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/v1/classes/{id}/enrolments"),
            &teacher,
            Some(json!({"course": SCAMS})),
        )
        .await,
        200,
    )
    .await;
    let mut results: Vec<(String, Option<String>)> = outcomes(&enrolled)
        .into_iter()
        .map(|(_, r, c)| (r, c))
        .collect();
    results.sort();
    assert_eq!(
        results,
        [
            ("enrolled".into(), None),
            ("enrolled".into(), None),
            ("enrolled".into(), None),
            ("rejected".into(), Some("target_group_required".into())),
        ]
    );
    let mine = json_of(
        call(&app, Method::GET, "/api/v1/me/courses", &keen, None).await,
        200,
    )
    .await;
    assert_eq!(mine[0]["course_code"], SCAMS);
    expect_problem(
        call(
            &app,
            Method::POST,
            &format!("/api/v1/classes/{id}/enrolments"),
            &teacher,
            Some(json!({"course": "khong-co"})),
        )
        .await,
        404,
        "not_found",
    )
    .await;

    // Sessions and attendance; the list replaces the earlier one; strangers are refused.
    let session = json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/v1/classes/{id}/sessions"),
            &teacher,
            Some(json!({"held_at": "2026-11-20T08:00:00Z", "topic": "Nhận diện cuộc gọi lừa đảo"})),
        )
        .await,
        201,
    )
    .await;
    let sid = session["id"].as_str().expect("session id");
    let attendance = format!("/api/v1/classes/{id}/sessions/{sid}/attendance");
    json_of(
        call(
            &app,
            Method::PUT,
            &attendance,
            &teacher,
            Some(json!({"present": [minh, lan]})),
        )
        .await,
        200,
    )
    .await;
    let replaced = json_of(
        call(
            &app,
            Method::PUT,
            &attendance,
            &teacher,
            Some(json!({"present": [minh, keen.user_id]})),
        )
        .await,
        200,
    )
    .await;
    let mut expected = vec![minh.clone(), keen.user_id.clone()];
    expected.sort();
    assert_eq!(replaced["present"], json!(expected));
    expect_problem(
        call(
            &app,
            Method::PUT,
            &attendance,
            &teacher,
            Some(json!({"present": [khoa]})),
        )
        .await,
        400,
        "validation_failed",
    )
    .await;
    let second = json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/v1/classes/{id}/sessions"),
            &teacher,
            Some(json!({"held_at": "2026-11-27T08:00:00Z", "topic": "Thanh toán an toàn"})),
        )
        .await,
        201,
    )
    .await;
    let sid2 = second["id"].as_str().expect("session id");
    json_of(
        call(
            &app,
            Method::PUT,
            &format!("/api/v1/classes/{id}/sessions/{sid2}/attendance"),
            &teacher,
            Some(json!({"present": [minh]})),
        )
        .await,
        200,
    )
    .await;

    // Progress: sessions attended, and each member's progress in the class's course.
    let course = crate::assessment::enrol(&app, &keen, SCAMS).await;
    let lesson = course["lessons"][0]["lesson_id"].clone();
    json_of(
        call(&app, Method::POST, "/api/v1/progress/sync", &keen, Some(json!({"events": [{"id": Uuid::now_v7(), "lesson_id": lesson, "type": "completed", "at": "2026-11-28T10:00:00Z"}]}))).await,
        200,
    )
    .await;
    let progress = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/classes/{id}/progress"),
            &teacher,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(progress["sessions"], 2);
    let member = |who: &str| {
        progress["members"]
            .as_array()
            .expect("members")
            .iter()
            .find(|m| m["id"] == who)
            .expect("member")
            .clone()
    };
    assert_eq!(member(&minh)["sessions_attended"], 2);
    assert_eq!(member(&lan)["sessions_attended"], 0);
    assert_eq!(member(&keen.user_id)["sessions_attended"], 1);
    assert!(
        member(&keen.user_id)["courses"][0]["progress_percent"]
            .as_u64()
            .expect("percent")
            > 0
    );
    assert_eq!(member(&minh)["courses"][0]["progress_percent"], 0);
    assert_eq!(member(&undecided.user_id)["courses"], json!([]));

    // Removing a member; the ward's administrator manages the class too; others do not
    // see it; learners have no classes.
    assert_eq!(
        call(
            &app,
            Method::DELETE,
            &format!("/api/v1/classes/{id}/members/{lan}"),
            &admin,
            None
        )
        .await
        .status(),
        204
    );
    let listed = json_of(
        call(&app, Method::GET, "/api/v1/classes", &admin, None).await,
        200,
    )
    .await;
    assert_eq!(listed[0]["members"], 3);
    assert_eq!(
        listed[0]["course_ids"].as_array().expect("courses").len(),
        1
    );
    let other_teacher = trainer(&app, &admin, &tdp2, "giangvien2@hoaan.vn").await;
    expect_problem(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/classes/{id}"),
            &other_teacher,
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert!(
        json_of(
            call(&app, Method::GET, "/api/v1/classes", &other_teacher, None).await,
            200
        )
        .await
        .as_array()
        .expect("classes")
        .is_empty()
    );
    expect_problem(
        call(&app, Method::GET, "/api/v1/classes", &keen, None).await,
        403,
        "forbidden",
    )
    .await;

    // The class's writes are audited in its unit.
    let log = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/audit-log?subject_id={id}&limit=100"),
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions,
        [
            "class.member_remove",
            "class.attendance",
            "class.session_create",
            "class.attendance",
            "class.attendance",
            "class.session_create",
            "class.enrol",
            "class.members_add",
            "class.create"
        ]
    );
}
