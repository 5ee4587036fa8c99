//! Completion-record exports: CSV, XLSX and the VNeID batch, filtered, scoped and
//! resumable.

use reqwest::Method;
use serde_json::{Value, json};

use super::*;
use crate::assessment::SCAMS;
use crate::certification::complete_course;
use crate::support::{TestApp, expect_problem, learner, login, ward_admin};

async fn download(app: &TestApp, who: &Session, query: &str) -> reqwest::Response {
    call(
        app,
        Method::GET,
        &format!("/api/v1/exports/completions{query}"),
        who,
        None,
    )
    .await
}

async fn csv_rows(app: &TestApp, who: &Session, query: &str) -> Vec<Vec<String>> {
    let response = download(app, who, query).await;
    assert_eq!(response.status(), 200, "{query}");
    let text = response.text().await.expect("csv");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .map(|r| r.expect("a CSV row").iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn completion_records_export_as_csv_xlsx_and_the_vneid_batch() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let Ward {
        admin,
        ward,
        tdp1,
        tdp2,
    } = populated_ward(&app).await;
    let citizen = learner(&app, "0913000095", Some("citizen")).await;
    join(&app, &admin, &citizen, &tdp1, "HGD-01").await;
    complete_course(&app, &citizen, SCAMS).await;
    let pupil = learner(&app, "0913000096", Some("student")).await;
    join(&app, &admin, &pupil, &tdp2, "HGD-03").await;
    complete_course(&app, &pupil, SCAMS).await;
    let revoked = learner(&app, "0913000097", Some("citizen")).await;
    join(&app, &admin, &revoked, &tdp1, "HGD-02").await;
    complete_course(&app, &revoked, SCAMS).await;
    let revoked_id = revoke_first_record(&app, &admin, &revoked, "Sai thông tin").await;

    // CSV: a header and one row per record, oldest first, with status, unit and course.
    let rows = csv_rows(&app, &admin, "").await;
    assert_eq!(rows.len(), 4);
    let header = rows[0].clone();
    assert_eq!(header[..3], ["record_id", "code", "status"]);
    let col = |name: &str| header.iter().position(|h| h == name).expect("column");
    let by_status: Vec<(&str, &str, &str)> = rows[1..]
        .iter()
        .map(|r| {
            (
                r[col("status")].as_str(),
                r[col("target_group")].as_str(),
                r[col("unit_code")].as_str(),
            )
        })
        .collect();
    assert_eq!(
        by_status,
        [
            ("valid", "citizen", "TDP1"),
            ("valid", "student", "TDP2"),
            ("revoked", "citizen", "TDP1")
        ]
    );
    assert!(
        rows[1..]
            .iter()
            .all(|r| r[col("course_code")] == SCAMS && r[col("holder_name")] == "Trần Thị Bình")
    );
    assert_eq!(rows[3][col("record_id")], revoked_id);
    assert!(!rows[3][col("revoked_at")].is_empty());
    assert!(
        rows[1][col("verification_url")]
            .ends_with(&format!("/v/{}", rows[1][col("code")].replace('-', "")))
    );

    // Filters: by target group, by unit, by course, by date.
    assert_eq!(
        csv_rows(&app, &admin, "?target_group=student").await.len(),
        2
    );
    let in_tdp2 = csv_rows(&app, &admin, &format!("?unit_id={tdp2}")).await;
    assert_eq!(
        (in_tdp2.len(), in_tdp2[1][col("status")].as_str()),
        (2, "valid")
    );
    assert_eq!(
        csv_rows(&app, &admin, &format!("?course={SCAMS}&unit_id={ward}"))
            .await
            .len(),
        4
    );
    assert_eq!(
        csv_rows(&app, &admin, "?from=2099-01-01").await.len(),
        1,
        "the header only"
    );
    expect_problem(
        download(&app, &admin, "?course=khong-co").await,
        404,
        "not_found",
    )
    .await;

    // Resumable: after the first record, the rest, without a second header.
    let first = rows[1][col("record_id")].clone();
    let rest = csv_rows(&app, &admin, &format!("?after={first}")).await;
    assert_eq!(rest, rows[2..].to_vec());

    // XLSX: the same cells (the score as a number).
    let xlsx = download(&app, &admin, "?format=xlsx").await;
    assert_eq!(xlsx.headers()["content-type"], FileFormatMime::XLSX);
    let sheet = xlsx_rows(&xlsx.bytes().await.expect("bytes"));
    assert_eq!(sheet, rows);

    // The VNeID batch: one line per record, each a signed credential that verifies.
    let batch = download(&app, &admin, "?format=jsonl").await;
    assert_eq!(batch.headers()["content-type"], "application/x-ndjson");
    let lines: Vec<Value> = batch
        .text()
        .await
        .expect("jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 3);
    for line in &lines {
        let verdict = json_of(
            send(
                &app,
                Method::POST,
                "/api/v1/verify",
                None,
                Some(&json!({"token": line["credential"]})),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(verdict["status"], line["status"], "{line}");
        assert_eq!(line["course_code"], SCAMS);
        assert!(
            line.get("holder_name").is_none(),
            "the batch carries the signed record, not loose personal data"
        );
    }
    assert_eq!(lines[2]["status"], "revoked");

    // Scope: a residential group's administrator exports only its records; another
    // ward's, none; learners, nothing at all.
    json_of(
        call(&app, Method::POST, "/api/v1/users", &admin, Some(json!({"full_name": "Tổ trưởng 2", "role": "admin", "email": "totruong2@hoaan.vn", "password": "Tổ trưởng 2025!", "unit_id": tdp2, "scope_unit_ids": [tdp2]}))).await,
        201,
    )
    .await;
    let leader = login(&app, "totruong2@hoaan.vn", "Tổ trưởng 2025!").await;
    let theirs = csv_rows(&app, &leader, "").await;
    assert_eq!(theirs.len(), 2);
    assert_eq!(theirs[1][col("unit_code")], "TDP2");
    expect_problem(
        download(&app, &leader, &format!("?unit_id={tdp1}")).await,
        404,
        "not_found",
    )
    .await;
    let (other, _) = ward_admin(&app, "canbo@binhan.vn", "Phường Bình An").await;
    assert_eq!(csv_rows(&app, &other, "").await.len(), 1);
    expect_problem(download(&app, &citizen, "").await, 403, "forbidden").await;
}
