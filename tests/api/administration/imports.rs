//! Resident lists: good rows kept, every bad one reported, files that cannot be read.

use reqwest::Method;
use serde_json::{Value, json};

use super::*;
use crate::support::{TestApp, expect_problem, learner, ward_admin};

fn rejections(summary: &Value) -> Vec<(u64, String, String)> {
    summary["rejections"]
        .as_array()
        .expect("rejections")
        .iter()
        .map(|r| {
            (
                r["row"].as_u64().expect("row"),
                r["column"].as_str().expect("column").to_owned(),
                r["code"].as_str().expect("code").to_owned(),
            )
        })
        .collect()
}

fn expected_rejections() -> Vec<(u64, String, String)> {
    [
        (8, "full_name", "full_name_invalid"),
        (9, "cccd", "cccd_format"),
        (10, "cccd", "cccd_sex_mismatch"),
        (11, "cccd", "cccd_birth_year_mismatch"),
        (12, "cccd", "cccd_province"),
        (13, "residential_group", "unknown_residential_group"),
        (14, "target_group", "target_group_invalid"),
        (15, "birth_date", "birth_date_invalid"),
        (16, "phone", "phone_invalid"),
        (17, "cccd", "duplicate_in_file"),
        (18, "birth_date", "birth_date_invalid"),
        (18, "sex", "sex_invalid"),
        (18, "cccd", "cccd_format"),
        (18, "target_group", "target_group_invalid"),
        (18, "residential_group", "unknown_residential_group"),
        (19, "phone", "phone_taken"),
    ]
    .into_iter()
    .map(|(row, column, code)| (row, column.to_owned(), code.to_owned()))
    .collect()
}

#[tokio::test]
async fn a_resident_list_full_of_bad_rows_keeps_the_good_ones_and_reports_every_bad_one() {
    let app = TestApp::spawn().await;
    let (admin, ward) = ward_admin(&app, "canbo@hoaan.vn", "Phường Hoà An").await;
    create_unit(&app, &admin, &ward, "Tổ dân phố 1", "TDP1").await;
    create_unit(&app, &admin, &ward, "Tổ dân phố 2", "TDP2").await;
    learner(&app, "0913000081", Some("citizen")).await;

    let first = import_csv(&app, &admin, &resident_list()).await;
    assert_eq!(first["total_rows"], 18);
    assert_eq!(
        (
            &first["created"],
            &first["updated"],
            &first["unchanged"],
            &first["rejected"]
        ),
        (&json!(6), &json!(0), &json!(0), &json!(12))
    );
    assert_eq!(rejections(&first), expected_rejections());
    let message = &first["rejections"][0];
    assert!(
        message["message_vi"]
            .as_str()
            .expect("vi")
            .contains("họ và tên")
    );
    assert!(
        message["message_en"]
            .as_str()
            .expect("en")
            .contains("full name")
    );

    // The people are there, with the citizen ID whole for their administrator.
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
        .expect("imported")
        .clone();
    assert_eq!(minh["cccd"], "001060012345");
    assert_eq!(minh["phone"], "+84912000001");
    assert_eq!(minh["birth_date"], "1960-03-12");
    assert_eq!(minh["household"], "HGD-01");
    assert_eq!(minh["target_group"], "citizen");

    // The same file again changes nothing; a corrected row updates one person.
    let again = import_csv(&app, &admin, &resident_list()).await;
    assert_eq!(
        (
            &again["created"],
            &again["updated"],
            &again["unchanged"],
            &again["rejected"]
        ),
        (&json!(0), &json!(0), &json!(6), &json!(12))
    );
    let corrected = resident_list().replace(
        "001175000003,,nguoi dan,tdp1,HGD-02",
        "001175000003,,nguoi dan,tdp1,HGD-04",
    );
    let third = import_csv(&app, &admin, &corrected).await;
    assert_eq!(
        (&third["created"], &third["updated"], &third["unchanged"]),
        (&json!(0), &json!(1), &json!(5))
    );

    // The report stays downloadable, as CSV and as XLSX.
    let id = first["id"].as_str().expect("import id");
    let stored = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/people/imports/{id}"),
            &admin,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(rejections(&stored), expected_rejections());
    let csv = call(
        &app,
        Method::GET,
        &format!("/api/v1/people/imports/{id}/rejections"),
        &admin,
        None,
    )
    .await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv")
    );
    let csv = csv.text().await.expect("csv");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "row,column,code,message_vi,message_en");
    assert_eq!(lines.len(), 1 + expected_rejections().len());
    assert!(lines[1].starts_with("8,full_name,full_name_invalid,"));
    let xlsx = call(
        &app,
        Method::GET,
        &format!("/api/v1/people/imports/{id}/rejections?format=xlsx"),
        &admin,
        None,
    )
    .await;
    assert_eq!(xlsx.status(), 200);
    let rows = xlsx_rows(&xlsx.bytes().await.expect("bytes"));
    assert_eq!(rows.len(), 1 + expected_rejections().len());
    assert_eq!(
        rows[16],
        vec![
            "19",
            "phone",
            "phone_taken",
            "Số điện thoại này đã thuộc về một tài khoản khác.",
            "This phone number belongs to another account."
        ]
    );

    // The same list as an Excel workbook imports the same way.
    let workbook = csv_to_xlsx(&resident_list());
    let from_excel = json_of(
        upload(
            &app,
            &admin,
            "dan-cu.xlsx",
            "application/octet-stream",
            workbook,
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        (&from_excel["unchanged"], &from_excel["rejected"]),
        (&json!(5), &json!(12))
    );
    assert_eq!(
        from_excel["updated"], 1,
        "the workbook still has the old household"
    );
}

#[tokio::test]
async fn unreadable_uploads_get_clear_errors() {
    let app = TestApp::spawn().await;
    let (admin, _) = ward_admin(&app, "canbo@hoaan.vn", "Phường Hoà An").await;
    let learner = learner(&app, "0913000082", Some("citizen")).await;

    expect_problem(
        upload(
            &app,
            &learner,
            "a.csv",
            "text/csv",
            HEADER.as_bytes().to_vec(),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    expect_problem(
        upload(
            &app,
            &admin,
            "a.pdf",
            "application/pdf",
            b"%PDF-1.7".to_vec(),
        )
        .await,
        415,
        "unsupported_file_format",
    )
    .await;
    expect_problem(
        upload(&app, &admin, "a.csv", "text/csv", Vec::new()).await,
        400,
        "file_empty",
    )
    .await;
    expect_problem(
        upload(
            &app,
            &admin,
            "a.csv",
            "text/csv",
            b"full_name,cccd\nAn,001090012345\n".to_vec(),
        )
        .await,
        400,
        "import_columns_missing",
    )
    .await;
    expect_problem(
        upload(
            &app,
            &admin,
            "a.csv",
            "text/csv",
            b"full_name,cccd,target_group,residential_group\n\xC0\xC1n,1,2,3\n".to_vec(),
        )
        .await,
        400,
        "file_not_utf8",
    )
    .await;
    expect_problem(
        upload(
            &app,
            &admin,
            "a.xlsx",
            FileFormatMime::XLSX,
            b"not a zip".to_vec(),
        )
        .await,
        400,
        "file_unreadable",
    )
    .await;
}
