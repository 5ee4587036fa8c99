//! Administrative writes in the audit log, with before and after.

use reqwest::Method;
use serde_json::json;

use super::*;
use crate::support::{TestApp, expect_problem, learner, login, national_admin};

#[tokio::test]
async fn administrative_writes_are_in_the_audit_log_with_before_and_after() {
    let app = TestApp::spawn().await;
    let Ward {
        admin, tdp1, tdp2, ..
    } = populated_ward(&app).await;
    let nation = national_admin(&app).await;
    let people = json_of(
        call(&app, Method::GET, "/api/v1/users?limit=100", &admin, None).await,
        200,
    )
    .await;
    let minh = people["items"]
        .as_array()
        .expect("people")
        .iter()
        .find(|p| p["full_name"] == "Nguyễn Văn Minh")
        .expect("Minh")
        .clone();
    let id = minh["id"].as_str().expect("id");
    json_of(
        call(
            &app,
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            &admin,
            Some(json!({"household": "HGD-09"})),
        )
        .await,
        200,
    )
    .await;
    json_of(
        call(
            &app,
            Method::PUT,
            "/api/v1/targets/2025/citizen",
            &nation,
            Some(json!({"percent": 85})),
        )
        .await,
        200,
    )
    .await;

    let log = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/audit-log?limit=100",
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
        ["user.update", "people.import", "unit.create", "unit.create"],
        "newest first; the national targets are not a ward's entries"
    );
    let update = &log["items"][0];
    assert_eq!(update["actor_id"], admin.user_id.as_str());
    assert_eq!(update["subject_id"], id);
    assert_eq!(update["unit_id"], tdp1.as_str());
    assert_eq!(
        (
            update["before"]["household"].clone(),
            update["after"]["household"].clone()
        ),
        (json!("HGD-01"), json!("HGD-09"))
    );
    assert_eq!(
        update["after"]["cccd"], "**********45",
        "the log keeps no whole ID number"
    );
    let national = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/audit-log?limit=100",
            &nation,
            None,
        )
        .await,
        200,
    )
    .await;
    let target = &national["items"][0];
    assert_eq!(target["action"], "target.set");
    assert_eq!(
        (
            target["before"]["percent"].clone(),
            target["after"]["percent"].clone()
        ),
        (json!(80), json!(85))
    );
    let import = &log["items"][1];
    assert_eq!(
        (
            import["after"]["created"].clone(),
            import["after"]["rejected"].clone()
        ),
        (json!(6), json!(12))
    );

    // Filtered by subject, and paged.
    let about = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/audit-log?subject_id={id}"),
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(about["items"].as_array().expect("entries").len(), 1);
    let first_page = json_of(
        call(&app, Method::GET, "/api/v1/audit-log?limit=2", &admin, None).await,
        200,
    )
    .await;
    let cursor = first_page["next_cursor"].as_str().expect("more entries");
    let second_page = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/audit-log?limit=2&cursor={cursor}"),
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(second_page["items"][0]["action"], "unit.create");

    // A learner has no audit log; an administrator of TDP2 sees none of TDP1's entries.
    let citizen = learner(&app, "0913000094", Some("citizen")).await;
    expect_problem(
        call(&app, Method::GET, "/api/v1/audit-log", &citizen, None).await,
        403,
        "forbidden",
    )
    .await;
    json_of(
        call(&app, Method::POST, "/api/v1/users", &admin, Some(json!({"full_name": "Tổ trưởng 2", "role": "admin", "email": "totruong2@hoaan.vn", "password": "Tổ trưởng 2025!", "unit_id": tdp2, "scope_unit_ids": [tdp2]}))).await,
        201,
    )
    .await;
    let leader = login(&app, "totruong2@hoaan.vn", "Tổ trưởng 2025!").await;
    let theirs = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/audit-log?limit=100",
            &leader,
            None,
        )
        .await,
        200,
    )
    .await;
    let entries = theirs["items"].as_array().expect("entries");
    assert!(
        entries.iter().all(|e| e["unit_id"] == tdp2.as_str()),
        "{entries:?}"
    );
    assert!(entries.iter().any(|e| e["action"] == "user.create"));
}
