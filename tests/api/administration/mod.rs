//! Ward administration over HTTP: a resident list full of bad rows, scoping between
//! residential groups and wards, the targets and households reports checked against
//! figures computed by hand, their CSV and XLSX forms, exports, and the audit log.

mod audit;
mod classes;
mod exports;
mod imports;
mod mentors;
mod reports;
mod scope;
mod trust;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Session, TestApp, learner, send, ward_admin};

pub(super) async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    who: &Session,
    body: Option<Value>,
) -> reqwest::Response {
    send(app, method, path, Some(&who.access_token), body.as_ref()).await
}

pub(super) async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let url = response.url().to_string();
    assert_eq!(response.status().as_u16(), status, "status of {url}");
    response.json().await.expect("json")
}

pub(super) async fn upload(
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

pub(super) async fn import_csv(app: &TestApp, who: &Session, csv: &str) -> Value {
    json_of(
        upload(app, who, "dan-cu.csv", "text/csv", csv.as_bytes().to_vec()).await,
        201,
    )
    .await
}

pub(super) async fn create_unit(
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

pub(super) const HEADER: &str =
    "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Số điện thoại,Đối tượng,Tổ dân phố,Hộ gia đình\n";

/// Six good rows (four citizens in TDP1, two pupils in TDP2) and twelve bad ones.
pub(super) fn resident_list() -> String {
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

pub(super) struct FileFormatMime;
impl FileFormatMime {
    pub(super) const XLSX: &'static str =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

pub(super) fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
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
pub(super) fn csv_to_xlsx(csv: &str) -> Vec<u8> {
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

pub(super) struct Ward {
    pub(super) admin: Session,
    pub(super) ward: String,
    pub(super) tdp1: String,
    pub(super) tdp2: String,
}

/// A ward with two residential groups and the resident list imported.
pub(super) async fn populated_ward(app: &TestApp) -> Ward {
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

/// A class named `name` in `unit`, created by `who`; its id.
pub(super) async fn new_class(app: &TestApp, who: &Session, unit: &str, name: &str) -> String {
    let class = json_of(
        call(
            app,
            Method::POST,
            "/api/v1/classes",
            who,
            Some(json!({"name": name, "unit_id": unit})),
        )
        .await,
        201,
    )
    .await;
    class["id"].as_str().expect("class id").to_owned()
}

/// `who` chooses their residential group `unit`, and the ward records their household.
pub(super) async fn join(
    app: &TestApp,
    admin: &Session,
    who: &Session,
    unit: &str,
    household: &str,
) {
    let joined = json_of(
        call(
            app,
            Method::PATCH,
            "/api/v1/me",
            who,
            Some(json!({"unit_id": unit})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        joined["unit_id"], unit,
        "a learner chooses their residential group once"
    );
    json_of(
        call(
            app,
            Method::PATCH,
            &format!("/api/v1/users/{}", who.user_id),
            admin,
            Some(json!({"household": household})),
        )
        .await,
        200,
    )
    .await;
}

pub(super) fn row<'a>(report: &'a Value, unit: &str, group: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["unit_id"] == unit && r["target_group"] == group)
        .unwrap_or_else(|| panic!("a row for {unit} {group}"))
}

/// The administrator revokes the learner's first record; returns its id.
pub(super) async fn revoke_first_record(
    app: &TestApp,
    admin: &Session,
    holder: &Session,
    reason: &str,
) -> String {
    let records = json_of(
        call(app, Method::GET, "/api/v1/me/credentials", holder, None).await,
        200,
    )
    .await;
    let id = records[0]["id"].as_str().expect("record id").to_owned();
    json_of(
        call(
            app,
            Method::POST,
            &format!("/api/v1/credentials/{id}/revoke"),
            admin,
            Some(json!({"reason": reason})),
        )
        .await,
        200,
    )
    .await;
    id
}
