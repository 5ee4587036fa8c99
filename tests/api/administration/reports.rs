//! The targets and households reports against figures computed by hand, and their
//! CSV and XLSX forms.

use reqwest::Method;
use serde_json::{Value, json};

use super::*;
use crate::assessment::SCAMS;
use crate::certification::complete_course;
use crate::support::{TestApp, expect_problem, learner, national_admin};

fn figures(row: &Value) -> [i64; 5] {
    [
        "population",
        "enrolled",
        "completed",
        "certified",
        "identity_verified",
    ]
    .map(|k| row[k].as_i64().unwrap_or_else(|| panic!("{k} in {row}")))
}

#[tokio::test]
async fn the_targets_and_households_reports_add_up_by_hand() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let Ward {
        admin,
        ward,
        tdp1,
        tdp2,
    } = populated_ward(&app).await;

    // Three learners join: one certified, one only enrolled (TDP1, citizens), and a pupil
    // in TDP2 who completes but whose record the ward then revokes.
    let certified = learner(&app, "0913000091", Some("citizen")).await;
    join(&app, &admin, &certified, &tdp1, "HGD-01").await;
    complete_course(&app, &certified, SCAMS).await;
    let enrolled = learner(&app, "0913000092", Some("citizen")).await;
    join(&app, &admin, &enrolled, &tdp1, "HGD-05").await;
    crate::assessment::enrol(&app, &enrolled, SCAMS).await;
    let revoked = learner(&app, "0913000093", Some("student")).await;
    join(&app, &admin, &revoked, &tdp2, "HGD-03").await;
    complete_course(&app, &revoked, SCAMS).await;
    revoke_first_record(&app, &admin, &revoked, "Cấp nhầm người").await;

    let report = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/reports/targets?period=2026",
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(report["period"], "2026");
    // Three units, four groups each, the ward first.
    assert_eq!(report["rows"].as_array().expect("rows").len(), 12);
    assert_eq!(report["rows"][0]["unit_id"], ward.as_str());

    // TDP1 citizens: 4 imported + 2 learners; 2 enrolled, 1 completed, 1 certified.
    let t1 = row(&report, &tdp1, "citizen");
    assert_eq!(figures(t1), [6, 2, 1, 1, 0]);
    // The plan's 2026 target is 100 %: 6 needed, 5 to go.
    assert_eq!(
        (
            t1["target_percent"].clone(),
            t1["certified_percent"].clone()
        ),
        (json!(100), json!(16.7))
    );
    assert_eq!(
        (t1["on_target"].clone(), t1["remaining_to_target"].clone()),
        (json!(false), json!(5))
    );
    // TDP2 pupils: 2 imported + 1 learner; the revoked record no longer counts.
    let t2 = row(&report, &tdp2, "student");
    assert_eq!(figures(t2), [3, 1, 1, 0, 0]);
    assert_eq!(t2["remaining_to_target"], 3);
    // The ward rolls both up; a group nobody belongs to is all zeros with no verdict.
    assert_eq!(figures(row(&report, &ward, "citizen")), [6, 2, 1, 1, 0]);
    assert_eq!(figures(row(&report, &ward, "student")), [3, 1, 1, 0, 0]);
    let empty = row(&report, &ward, "public_sector");
    assert_eq!(figures(empty), [0; 5]);
    assert_eq!(empty["on_target"], Value::Null);
    assert_eq!(row(&report, &tdp2, "citizen")["population"], 0);

    // Lowering the target to 15 %: 0.9 of 6 people rounds up to 1, which is met.
    let target = json_of(
        call(
            &app,
            Method::PUT,
            "/api/v1/targets/2026/citizen",
            &national_admin(&app).await,
            Some(json!({"percent": 15})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(target["percent"], 15);
    let report = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/reports/targets?period=2026&unit_id={tdp1}"),
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        report["rows"].as_array().expect("rows").len(),
        4,
        "TDP1 alone"
    );
    let t1 = row(&report, &tdp1, "citizen");
    assert_eq!(
        (
            t1["target_percent"].clone(),
            t1["on_target"].clone(),
            t1["remaining_to_target"].clone()
        ),
        (json!(15), json!(true), json!(0))
    );

    // Nobody had been registered by the end of 2025.
    let last_year = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/reports/targets?period=2025-Q4",
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(last_year["period"], "2025-Q4");
    assert!(
        last_year["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["population"] == 0)
    );
    assert_eq!(
        row(&last_year, &ward, "citizen")["target_percent"],
        80,
        "the plan's 2025 target"
    );

    // Households: TDP1 has HGD-01 (certified member), HGD-02 and HGD-05; TDP2 has HGD-03,
    // whose only certified member was revoked.
    let households = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/reports/households?period=2026",
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    let of = |unit: &str| {
        let r = households["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["unit_id"] == unit)
            .expect("unit row");
        [
            &r["households"],
            &r["households_with_certified_member"],
            &r["households_without_certified_member"],
        ]
        .map(|v| v.as_i64().expect("count"))
    };
    assert_eq!(of(&tdp1), [3, 1, 2]);
    assert_eq!(of(&tdp2), [1, 0, 1]);
    assert_eq!(of(&ward), [4, 1, 3]);

    // CSV and XLSX carry the same rows and numbers as the JSON.
    let report = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/reports/targets?period=2026",
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    let csv = call(
        &app,
        Method::GET,
        "/api/v1/reports/targets?period=2026&format=csv",
        &admin,
        None,
    )
    .await;
    assert_eq!(csv.status(), 200);
    let disposition = csv.headers()["content-disposition"]
        .to_str()
        .expect("header")
        .to_owned();
    assert!(
        disposition.contains("bao-cao-chi-tieu.csv"),
        "{disposition}"
    );
    let csv = csv.text().await.expect("csv");
    let csv_rows: Vec<Vec<String>> = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    let xlsx = call(
        &app,
        Method::GET,
        "/api/v1/reports/targets?period=2026&format=xlsx",
        &admin,
        None,
    )
    .await;
    assert_eq!(xlsx.headers()["content-type"], FileFormatMime::XLSX);
    let xlsx_rows = xlsx_rows(&xlsx.bytes().await.expect("bytes"));
    assert_eq!(csv_rows, xlsx_rows, "CSV and XLSX hold the same cells");
    let header = &csv_rows[0];
    assert_eq!(
        header[..6],
        [
            "period",
            "unit_id",
            "parent_id",
            "unit_code",
            "unit_name",
            "target_group"
        ]
    );
    for (json_row, cells) in report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .zip(&csv_rows[1..])
    {
        let cell = |name: &str| &cells[header.iter().position(|h| h == name).expect("column")];
        assert_eq!(cell("unit_id"), json_row["unit_id"].as_str().expect("id"));
        assert_eq!(
            cell("target_group"),
            json_row["target_group"].as_str().expect("group")
        );
        for number in [
            "population",
            "enrolled",
            "completed",
            "certified",
            "identity_verified",
            "remaining_to_target",
        ] {
            assert_eq!(cell(number), &json_row[number].to_string(), "{number}");
        }
        assert_eq!(
            cell("certified_percent").parse::<f64>().expect("percent"),
            json_row["certified_percent"].as_f64().expect("percent")
        );
    }
    assert_eq!(csv_rows.len(), 13);

    // Later changes in any domain show in the next report: a newcomer completes and is
    // certified, the first certified learner's record is revoked, one more resident is
    // imported.
    let newcomer = learner(&app, "0913000098", Some("citizen")).await;
    join(&app, &admin, &newcomer, &tdp1, "HGD-06").await;
    complete_course(&app, &newcomer, SCAMS).await;
    revoke_first_record(&app, &admin, &certified, "Cấp lại sau").await;
    import_csv(
        &app,
        &admin,
        &format!("{HEADER}Người Mới Đến,,,001090000040,,Người dân,TDP1,HGD-07\n"),
    )
    .await;
    let later = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/reports/targets?period=2026",
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(figures(row(&later, &tdp1, "citizen")), [8, 3, 2, 1, 0]);
    assert_eq!(figures(row(&later, &tdp2, "student")), [3, 1, 1, 0, 0]);

    expect_problem(
        call(
            &app,
            Method::GET,
            "/api/v1/reports/targets?period=2026-Q5",
            &admin,
            None,
        )
        .await,
        400,
        "validation_failed",
    )
    .await;
}
