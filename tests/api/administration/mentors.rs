//! "Đại sứ số" and "Gia đình số": mentees assigned to mentors, what a mentor sees, the
//! mentors short of five mentees, and the households nobody is certified in.

use std::collections::HashMap;

use reqwest::Method;
use serde_json::{Value, json};

use super::*;
use crate::assessment::SCAMS;
use crate::certification::complete_course;
use crate::support::{TestApp, expect_problem, learner, ward_admin};

async fn people_by_name(app: &TestApp, admin: &Session) -> HashMap<String, String> {
    let people = json_of(
        call(app, Method::GET, "/api/v1/users?limit=100", admin, None).await,
        200,
    )
    .await;
    people["items"]
        .as_array()
        .expect("people")
        .iter()
        .map(|p| {
            (
                p["full_name"].as_str().expect("name").to_owned(),
                p["id"].as_str().expect("id").to_owned(),
            )
        })
        .collect()
}

async fn assign(app: &TestApp, admin: &Session, mentor: &str, mentee: &str) -> reqwest::Response {
    call(
        app,
        Method::PUT,
        &format!("/api/v1/mentors/{mentor}/mentees/{mentee}"),
        admin,
        None,
    )
    .await
}

fn mentor_counts(report: &Value) -> Vec<(String, i64, bool)> {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["mentor_id"].as_str().expect("id").to_owned(),
                r["mentees"].as_i64().expect("count"),
                r["meets_target"].as_bool().expect("flag"),
            )
        })
        .collect()
}

#[tokio::test]
async fn mentors_guide_mentees_and_the_ward_sees_who_falls_short() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let Ward {
        admin, tdp1, tdp2, ..
    } = populated_ward(&app).await;
    let first = learner(&app, "0913000101", Some("citizen")).await;
    let second = learner(&app, "0913000102", Some("citizen")).await;
    for (mentor, unit) in [(&first, &tdp1), (&second, &tdp2)] {
        json_of(
            call(
                &app,
                Method::PATCH,
                "/api/v1/me",
                mentor,
                Some(json!({"unit_id": unit})),
            )
            .await,
            200,
        )
        .await;
    }
    let student = learner(&app, "0913000103", Some("citizen")).await;
    join(&app, &admin, &student, &tdp1, "HGD-05").await;
    crate::assessment::enrol(&app, &student, SCAMS).await;
    let people = people_by_name(&app, &admin).await;

    // Five mentees for the first mentor, then one of them moves to the second.
    for name in [
        "Nguyễn Văn Minh",
        "Lê Thị Lan",
        "Phạm Văn Hùng",
        "Đỗ Thị Mai",
        "Trần Minh Khoa",
    ] {
        json_of(
            assign(&app, &admin, &first.user_id, &people[name]).await,
            200,
        )
        .await;
    }
    let report = json_of(
        call(&app, Method::GET, "/api/v1/reports/mentors", &admin, None).await,
        200,
    )
    .await;
    assert_eq!(mentor_counts(&report), [(first.user_id.clone(), 5, true)]);
    let moved = json_of(
        assign(&app, &admin, &second.user_id, &people["Trần Minh Khoa"]).await,
        200,
    )
    .await;
    assert_eq!(moved["mentor_id"], second.user_id.as_str());
    json_of(
        assign(&app, &admin, &first.user_id, &student.user_id).await,
        200,
    )
    .await;

    let report = json_of(
        call(&app, Method::GET, "/api/v1/reports/mentors", &admin, None).await,
        200,
    )
    .await;
    assert_eq!(
        mentor_counts(&report),
        [
            (second.user_id.clone(), 1, false),
            (first.user_id.clone(), 5, true)
        ]
    );
    let short = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/reports/mentors?below_target=true",
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(mentor_counts(&short), [(second.user_id.clone(), 1, false)]);
    let in_tdp2 = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/reports/mentors?unit_id={tdp2}"),
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(mentor_counts(&in_tdp2).len(), 1);
    let csv = call(
        &app,
        Method::GET,
        "/api/v1/reports/mentors?format=csv",
        &admin,
        None,
    )
    .await
    .text()
    .await
    .expect("csv");
    assert!(
        csv.trim_start_matches('\u{feff}')
            .starts_with("mentor_id,mentor_name,unit_id,mentees,meets_target\n")
    );

    // The mentor sees their mentees and how far each got.
    let mine = json_of(
        call(&app, Method::GET, "/api/v1/me/mentees", &first, None).await,
        200,
    )
    .await;
    let mine = mine.as_array().expect("mentees");
    assert_eq!(mine.len(), 5);
    let learning = mine
        .iter()
        .find(|m| m["id"] == student.user_id.as_str())
        .expect("the enrolled mentee");
    assert_eq!(learning["courses"][0]["course_code"], SCAMS);
    assert_eq!(learning["courses"][0]["progress_percent"], 0);
    assert!(
        mine.iter()
            .all(|m| m.get("cccd").is_none() && m.get("phone").is_none()),
        "names only"
    );

    // Mistakes and strangers.
    expect_problem(
        assign(&app, &admin, &first.user_id, &first.user_id).await,
        400,
        "validation_failed",
    )
    .await;
    let (other, other_ward) = ward_admin(&app, "canbo@binhan.vn", "Phường Bình An").await;
    expect_problem(
        assign(&app, &other, &first.user_id, &people["Lê Thị Lan"]).await,
        404,
        "not_found",
    )
    .await;
    expect_problem(
        assign(&app, &first, &first.user_id, &people["Lê Thị Lan"]).await,
        403,
        "forbidden",
    )
    .await;
    assert!(
        json_of(
            call(
                &app,
                Method::GET,
                &format!("/api/v1/reports/mentors?unit_id={other_ward}"),
                &other,
                None
            )
            .await,
            200
        )
        .await["rows"]
            .as_array()
            .expect("rows")
            .is_empty()
    );

    // Ending a mentorship, once.
    let path = format!(
        "/api/v1/mentors/{}/mentees/{}",
        first.user_id, people["Lê Thị Lan"]
    );
    assert_eq!(
        call(&app, Method::DELETE, &path, &admin, None)
            .await
            .status(),
        204
    );
    expect_problem(
        call(&app, Method::DELETE, &path, &admin, None).await,
        404,
        "not_found",
    )
    .await;
    let mine = json_of(
        call(&app, Method::GET, "/api/v1/me/mentees", &first, None).await,
        200,
    )
    .await;
    assert_eq!(mine.as_array().expect("mentees").len(), 4);

    // Every change is in the audit log; the move shows the earlier mentor.
    let log = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/audit-log?limit=100&action=mentorship.assign",
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    let entries = log["items"].as_array().expect("entries");
    assert_eq!(entries.len(), 7);
    let move_entry = entries
        .iter()
        .find(|e| e["after"]["mentor_id"] == second.user_id.as_str())
        .expect("the move");
    assert_eq!(move_entry["before"]["mentor_id"], first.user_id.as_str());
}

#[tokio::test]
async fn households_with_nobody_certified_are_listed() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let Ward {
        admin, tdp1, tdp2, ..
    } = populated_ward(&app).await;
    let certified = learner(&app, "0913000104", Some("citizen")).await;
    join(&app, &admin, &certified, &tdp1, "HGD-01").await;
    complete_course(&app, &certified, SCAMS).await;
    let enrolled = learner(&app, "0913000105", Some("citizen")).await;
    join(&app, &admin, &enrolled, &tdp1, "HGD-05").await;

    let list = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/reports/households/uncertified?period=2026",
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    let rows: Vec<(String, String, i64)> = list["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["unit_id"].as_str().expect("unit").to_owned(),
                r["household"].as_str().expect("household").to_owned(),
                r["members"].as_i64().expect("members"),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (tdp1.clone(), "HGD-02".to_owned(), 2),
            (tdp1.clone(), "HGD-05".to_owned(), 1),
            (tdp2.clone(), "HGD-03".to_owned(), 2)
        ]
    );
    let only_tdp2 = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/reports/households/uncertified?unit_id={tdp2}"),
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(only_tdp2["rows"].as_array().expect("rows").len(), 1);
    let xlsx = call(
        &app,
        Method::GET,
        "/api/v1/reports/households/uncertified?format=xlsx",
        &admin,
        None,
    )
    .await;
    let sheet = xlsx_rows(&xlsx.bytes().await.expect("bytes"));
    assert_eq!(
        sheet[0],
        [
            "period",
            "unit_id",
            "unit_code",
            "unit_name",
            "household",
            "members"
        ]
    );
    assert_eq!(sheet.len(), 4);
}
