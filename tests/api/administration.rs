//! Ward administration over HTTP: a resident list full of bad rows, scoping between
//! residential groups and wards, the targets and households reports checked against
//! figures computed by hand, their CSV and XLSX forms, and the audit log.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::Method;
use serde_json::{Value, json};

use crate::assessment::SCAMS;
use crate::certification::complete_course;
use crate::support::{Session, TestApp, expect_problem, learner, login, send, ward_admin};

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    who: &Session,
    body: Option<Value>,
) -> reqwest::Response {
    send(app, method, path, Some(&who.access_token), body.as_ref()).await
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let url = response.url().to_string();
    assert_eq!(response.status().as_u16(), status, "status of {url}");
    response.json().await.expect("json")
}

async fn upload(
    app: &TestApp,
    who: &Session,
    name: &str,
    mime: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(mime)
        .expect("mime");
    app.client
        .post(app.url("/api/v1/people/imports"))
        .bearer_auth(&who.access_token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("upload sent")
}

async fn import_csv(app: &TestApp, who: &Session, csv: &str) -> Value {
    json_of(
        upload(app, who, "dan-cu.csv", "text/csv", csv.as_bytes().to_vec()).await,
        201,
    )
    .await
}

async fn create_unit(
    app: &TestApp,
    admin: &Session,
    parent: &str,
    name: &str,
    code: &str,
) -> String {
    let unit = json_of(
        call(
            app,
            Method::POST,
            "/api/v1/units",
            admin,
            Some(json!({"name": name, "kind": "residential_group", "parent_id": parent, "code": code})),
        )
        .await,
        201,
    )
    .await;
    unit["id"].as_str().expect("unit id").to_owned()
}

const HEADER: &str =
    "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Số điện thoại,Đối tượng,Tổ dân phố,Hộ gia đình\n";

/// Six good rows (four citizens in TDP1, two pupils in TDP2) and twelve bad ones.
fn resident_list() -> String {
    let rows = [
        "Nguyễn Văn Minh,12/03/1960,Nam,001060012345,0912000001,Người dân,TDP1,HGD-01",
        "Lê Thị Lan,02/07/1965,Nữ,001165000001,,Người dân,TDP1,HGD-01",
        "Phạm Văn Hùng,,Nam,001070000002,,citizen,Tổ dân phố 1,HGD-02",
        "Đỗ Thị Mai,,,001175000003,,nguoi dan,tdp1,HGD-02",
        "Trần Minh Khoa,2005-09-05,Nam,001205000111,,Học sinh,TDP2,HGD-03",
        "Vũ Thị Hoa,,Nữ,001306000222,,hoc sinh,TDP2,HGD-03",
        // Row 8 onwards: refused.
        ",01/01/1970,Nam,001070000009,,Người dân,TDP1,",
        "Sai Số,,,12345,,Người dân,TDP1,",
        "Sai Giới,,Nữ,001080000010,,Người dân,TDP1,",
        "Sai Năm,01/01/1981,,001080000011,,Người dân,TDP1,",
        "Sai Tỉnh,,,999080000012,,Người dân,TDP1,",
        "Sai Tổ,,,001080000013,,Người dân,TDP9,",
        "Sai Đối Tượng,,,001080000014,,hưu trí,TDP1,",
        "Sai Ngày,31/02/1980,,001080000015,,Người dân,TDP1,",
        "Sai Điện Thoại,,,001080000016,12345,Người dân,TDP1,",
        "Trùng Số,,,001060012345,,Người dân,TDP1,",
        "Nhiều Lỗi,99/99/99,X,abc,,?,?,",
        "Trùng Điện Thoại,,,001080000019,0913000081,Người dân,TDP1,",
    ];
    format!("{HEADER}{}\n", rows.join("\n"))
}

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

struct FileFormatMime;
impl FileFormatMime {
    const XLSX: &'static str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an XLSX workbook");
    let range = workbook
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// A CSV's cells as an XLSX workbook (every cell text, as a ward's spreadsheet would hold).
fn csv_to_xlsx(csv: &str) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (r, line) in csv.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, cell).expect("cell");
            }
        }
    }
    workbook.save_to_buffer().expect("xlsx")
}

struct Ward {
    admin: Session,
    ward: String,
    tdp1: String,
    tdp2: String,
}

/// A ward with two residential groups and the resident list imported.
async fn populated_ward(app: &TestApp) -> Ward {
    let (admin, ward) = ward_admin(app, "canbo@hoaan.vn", "Phường Hoà An").await;
    let tdp1 = create_unit(app, &admin, &ward, "Tổ dân phố 1", "TDP1").await;
    let tdp2 = create_unit(app, &admin, &ward, "Tổ dân phố 2", "TDP2").await;
    learner(app, "0913000081", Some("citizen")).await;
    import_csv(app, &admin, &resident_list()).await;
    Ward {
        admin,
        ward,
        tdp1,
        tdp2,
    }
}

async fn join(app: &TestApp, who: &Session, unit: &str, household: &str) {
    json_of(
        call(
            app,
            Method::PATCH,
            "/api/v1/me",
            who,
            Some(json!({"unit_id": unit, "household": household})),
        )
        .await,
        200,
    )
    .await;
}

fn row<'a>(report: &'a Value, unit: &str, group: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["unit_id"] == unit && r["target_group"] == group)
        .unwrap_or_else(|| panic!("a row for {unit} {group}"))
}

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
    join(&app, &certified, &tdp1, "HGD-01").await;
    complete_course(&app, &certified, SCAMS).await;
    let enrolled = learner(&app, "0913000092", Some("citizen")).await;
    join(&app, &enrolled, &tdp1, "HGD-05").await;
    crate::assessment::enrol(&app, &enrolled, SCAMS).await;
    let revoked = learner(&app, "0913000093", Some("student")).await;
    join(&app, &revoked, &tdp2, "HGD-03").await;
    complete_course(&app, &revoked, SCAMS).await;
    let records = json_of(
        call(&app, Method::GET, "/api/v1/me/credentials", &revoked, None).await,
        200,
    )
    .await;
    let record = records[0]["id"].as_str().expect("record id");
    json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/v1/credentials/{record}/revoke"),
            &admin,
            Some(json!({"reason": "Cấp nhầm người"})),
        )
        .await,
        200,
    )
    .await;

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
            &admin,
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

#[tokio::test]
async fn administrative_writes_are_in_the_audit_log_with_before_and_after() {
    let app = TestApp::spawn().await;
    let Ward {
        admin, tdp1, tdp2, ..
    } = populated_ward(&app).await;
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
            &admin,
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
        [
            "target.set",
            "user.update",
            "people.import",
            "unit.create",
            "unit.create"
        ],
        "newest first"
    );
    let update = &log["items"][1];
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
        update["after"]["cccd"], "001******345",
        "the log keeps no whole ID number"
    );
    let target = &log["items"][0];
    assert_eq!(
        (
            target["before"]["percent"].clone(),
            target["after"]["percent"].clone()
        ),
        (json!(80), json!(85))
    );
    let import = &log["items"][2];
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
    assert_eq!(second_page["items"][0]["action"], "people.import");

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
