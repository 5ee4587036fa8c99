//! An administrator of one residential group, or of another ward, sees nothing of the rest.

use reqwest::Method;
use serde_json::json;

use super::*;
use crate::support::{TestApp, expect_problem, login, ward_admin};

#[tokio::test]
async fn an_administrator_of_one_residential_group_sees_nothing_of_another() {
    let app = TestApp::spawn().await;
    let Ward {
        admin,
        ward,
        tdp1,
        tdp2,
    } = populated_ward(&app).await;
    json_of(
        call(
            &app,
            Method::POST,
            "/api/v1/users",
            &admin,
            Some(json!({"full_name": "Tổ trưởng 1", "role": "admin", "email": "totruong1@hoaan.vn", "password": "Tổ trưởng 2025!", "unit_id": tdp1, "scope_unit_ids": [tdp1]})),
        )
        .await,
        201,
    )
    .await;
    let leader = login(&app, "totruong1@hoaan.vn", "Tổ trưởng 2025!").await;

    // Reports: TDP1 only; TDP2 and the ward do not exist for them.
    let report = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/reports/targets?period=2026",
            &leader,
            None,
        )
        .await,
        200,
    )
    .await;
    let units: std::collections::HashSet<&str> = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["unit_id"].as_str().expect("id"))
        .collect();
    assert_eq!(units, [tdp1.as_str()].into());
    assert_eq!(row(&report, &tdp1, "citizen")["population"], 4);
    for unit in [&tdp2, &ward] {
        expect_problem(
            call(
                &app,
                Method::GET,
                &format!("/api/v1/reports/targets?unit_id={unit}"),
                &leader,
                None,
            )
            .await,
            404,
            "not_found",
        )
        .await;
        expect_problem(
            call(
                &app,
                Method::GET,
                &format!("/api/v1/reports/households?unit_id={unit}"),
                &leader,
                None,
            )
            .await,
            404,
            "not_found",
        )
        .await;
    }
    // People of TDP2 cannot be imported, listed or read by them.
    let summary = import_csv(&app, &leader, &format!("{HEADER}Người Mới,,,001090000020,,Người dân,TDP2,\nNgười Tổ 1,,,001090000021,,Người dân,TDP1,\n")).await;
    assert_eq!(
        (&summary["created"], &summary["rejected"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(
        summary["rejections"][0]["code"],
        "unknown_residential_group"
    );
    let people = json_of(
        call(&app, Method::GET, "/api/v1/users?limit=100", &leader, None).await,
        200,
    )
    .await;
    assert!(
        people["items"]
            .as_array()
            .expect("people")
            .iter()
            .all(|p| p["unit_id"] == tdp1.as_str())
    );
    let everyone = json_of(
        call(&app, Method::GET, "/api/v1/users?limit=100", &admin, None).await,
        200,
    )
    .await;
    let pupil = everyone["items"]
        .as_array()
        .expect("people")
        .iter()
        .find(|p| p["unit_id"] == tdp2.as_str())
        .expect("a TDP2 person");
    expect_problem(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/users/{}", pupil["id"].as_str().expect("id")),
            &leader,
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    // The ward's imports are not theirs to read; only the top level sets targets.
    let ward_import = import_csv(&app, &admin, &resident_list()).await;
    expect_problem(
        call(
            &app,
            Method::GET,
            &format!(
                "/api/v1/people/imports/{}",
                ward_import["id"].as_str().expect("id")
            ),
            &leader,
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    expect_problem(
        call(
            &app,
            Method::PUT,
            "/api/v1/targets/2026/citizen",
            &leader,
            Some(json!({"percent": 10})),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    // Nor does the ward itself, though it is a root of its own tree: the targets are
    // the country's.
    expect_problem(
        call(
            &app,
            Method::PUT,
            "/api/v1/targets/2026/citizen",
            &admin,
            Some(json!({"percent": 10})),
        )
        .await,
        403,
        "forbidden",
    )
    .await;

    // Another ward: its people are its own, and its administrator sees nothing of ours.
    let (other, other_ward) = ward_admin(&app, "canbo@binhan.vn", "Phường Bình An").await;
    create_unit(&app, &other, &other_ward, "Tổ dân phố 1", "BA-TDP1").await;
    let theirs = import_csv(
        &app,
        &other,
        &format!("{HEADER}Người Bình An,,,001090000030,,Người dân,BA-TDP1,\n"),
    )
    .await;
    assert_eq!(theirs["created"], 1);
    let ours = import_csv(
        &app,
        &admin,
        &format!("{HEADER}Người Bình An,,,001090000030,,Người dân,TDP1,\n"),
    )
    .await;
    assert_eq!(ours["rejections"][0]["code"], "cccd_registered_elsewhere");
    let their_report = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/reports/targets?period=2026",
            &other,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(row(&their_report, &other_ward, "citizen")["population"], 1);
    assert!(
        their_report["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["unit_id"] != ward.as_str() && r["unit_id"] != tdp1.as_str())
    );
    let their_log = json_of(
        call(&app, Method::GET, "/api/v1/audit-log", &other, None).await,
        200,
    )
    .await;
    assert!(
        their_log["items"]
            .as_array()
            .expect("entries")
            .iter()
            .all(|e| e["actor_id"] == other.user_id.as_str())
    );
}
