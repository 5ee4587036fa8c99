//! Attacks on who a record belongs to and who may act where, each performed and refused:
//! a typed citizen ID that would claim someone else's, a learner placing themselves in
//! a unit or a household, a trainer reading a stranger, an administrator rewriting a
//! trainer, formulas smuggled into exports, spreadsheets built to exhaust the server,
//! and servers started together on one empty database.

use std::io::Write;

use reqwest::Method;
use serde_json::{Value, json};

use super::*;
use crate::assessment::SCAMS;
use crate::certification::complete_course;
use crate::support::{TestApp, expect_problem, learner, register, trainer};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn credential_claims(token: &str) -> Value {
    use data_encoding::BASE64URL_NOPAD;
    let payload = token.split('.').nth(1).expect("payload");
    serde_json::from_slice(&BASE64URL_NOPAD.decode(payload.as_bytes()).expect("b64")).expect("json")
}

/// `who`'s own `PATCH /me` with `body`, refused: the code of its invalid field.
async fn refused_on_me(app: &TestApp, who: &Session, body: Value) -> Value {
    let problem = expect_problem(
        call(app, Method::PATCH, "/api/v1/me", who, Some(body)).await,
        400,
        "validation_failed",
    )
    .await;
    problem["errors"][0]["code"].clone()
}

#[tokio::test]
async fn a_typed_citizen_id_is_a_claim_that_reveals_nothing_and_enters_no_record() {
    let app = TestApp::spawn_with(|s| {
        s.content.import_on_start = true;
        s.rate_limits.cccd_changes_per_hour = 3;
    })
    .await;
    let Ward { admin, tdp1, .. } = populated_ward(&app).await;

    // The ward's list holds Nguyễn Văn Minh, 001060012345 (male, 1960). An attacker types
    // his number, then a number nobody holds: the answers are the same — no `cccd_taken`.
    let attacker = learner(&app, "0913000201", Some("citizen")).await;
    let mut answers = Vec::new();
    for cccd in ["001060012345", "001060099999"] {
        let me = json_of(
            call(
                &app,
                Method::PATCH,
                "/api/v1/me",
                &attacker,
                Some(json!({"cccd": cccd, "birth_date": "1960-03-12", "sex": "male"})),
            )
            .await,
            200,
        )
        .await;
        answers.push((me["cccd_source"].clone(), me["identity_verified"].clone()));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, "self");
    // Typing numbers one after another is limited per account.
    call(
        &app,
        Method::PATCH,
        "/api/v1/me",
        &attacker,
        Some(json!({"cccd": "001060088888"})),
    )
    .await;
    expect_problem(
        call(
            &app,
            Method::PATCH,
            "/api/v1/me",
            &attacker,
            Some(json!({"cccd": "001060077777"})),
        )
        .await,
        429,
        "rate_limited",
    )
    .await;

    // The attacker's record names no citizen ID and says the name was self-declared;
    // and the name they chose cannot run as a formula in the ward's CSV export.
    join(&app, &admin, &attacker, &tdp1, "HGD-09").await;
    json_of(
        call(
            &app,
            Method::PATCH,
            "/api/v1/me",
            &attacker,
            Some(json!({"full_name": "=HYPERLINK(\"http://evil.example\",\"Bấm\")"})),
        )
        .await,
        200,
    )
    .await;
    complete_course(&app, &attacker, SCAMS).await;
    let mine = json_of(
        call(&app, Method::GET, "/api/v1/me/credentials", &attacker, None).await,
        200,
    )
    .await;
    let claims = credential_claims(mine[0]["token"].as_str().expect("token"));
    let subject = &claims["credentialSubject"];
    assert!(
        !subject["identifier"]
            .as_array()
            .expect("identifiers")
            .iter()
            .any(|i| i["identityType"] == "nationalIdentityNumber"),
        "a claimed citizen ID stays out of the record: {subject}"
    );
    let evidence = claims["evidence"].as_array().expect("evidence");
    assert!(
        evidence.iter().any(|e| e["genre"] == "self_declared"),
        "{evidence:?}"
    );
    let export = call(
        &app,
        Method::GET,
        "/api/v1/exports/completions?format=csv",
        &admin,
        None,
    )
    .await;
    assert_eq!(export.status(), 200);
    let csv = export.text().await.expect("csv");
    assert!(
        csv.contains("'=HYPERLINK")
            && !csv.contains(",=HYPERLINK")
            && !csv.contains("\"=HYPERLINK"),
        "{csv}"
    );

    // Once an administrator confirms the number (having seen the card), it identifies
    // the person, and its owner can no longer change it or their name.
    let confirmed = json_of(
        call(
            &app,
            Method::PATCH,
            &format!("/api/v1/users/{}", attacker.user_id),
            &admin,
            Some(json!({"cccd": "001060066666"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(confirmed["cccd_source"], "administrator");
    assert_eq!(
        refused_on_me(&app, &attacker, json!({"full_name": "Người Khác"})).await,
        "identity_locked"
    );
}

#[tokio::test]
async fn learners_do_not_place_themselves_and_trainers_do_not_move() {
    let app = TestApp::spawn().await;
    let Ward {
        admin,
        ward,
        tdp1,
        tdp2,
    } = populated_ward(&app).await;

    // Civil servants and enterprise workers are their unit's to confirm.
    let refused = expect_problem(
        app.post_json(
            "/api/v1/auth/register",
            &json!({"phone": "0913000301", "password": "Học vụ số 2025!", "full_name": "Cán Bộ", "target_group": "public_sector"}),
        )
        .await,
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "target_group_needs_unit");

    // A target group is declared once.
    let resident = learner(&app, "0913000302", Some("citizen")).await;
    assert_eq!(
        refused_on_me(&app, &resident, json!({"target_group": "student"})).await,
        "target_group_locked"
    );

    // The household is the ward's.
    assert_eq!(
        refused_on_me(&app, &resident, json!({"household": "HGD-01"})).await,
        "assigned_by_ward"
    );

    // Naming the ward itself (not a residential group) is a request the ward confirms.
    let asked = json_of(
        call(
            &app,
            Method::PATCH,
            "/api/v1/me",
            &resident,
            Some(json!({"unit_id": ward})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(asked["unit_id"], Value::Null);
    assert_eq!(asked["requested_unit_id"], ward.as_str());
    let requests = json_of(
        call(&app, Method::GET, "/api/v1/unit-requests", &admin, None).await,
        200,
    )
    .await;
    assert!(
        requests
            .as_array()
            .expect("list")
            .iter()
            .any(|p| p["id"] == resident.user_id.as_str() && p["cccd"].is_null())
    );
    // Placing is all the ward may do before the person is theirs.
    expect_problem(
        call(
            &app,
            Method::PATCH,
            &format!("/api/v1/users/{}", resident.user_id),
            &admin,
            Some(json!({"unit_id": tdp1, "household": "HGD-01"})),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let placed = json_of(
        call(
            &app,
            Method::PATCH,
            &format!("/api/v1/users/{}", resident.user_id),
            &admin,
            Some(json!({"unit_id": tdp1})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(placed["unit_id"], tdp1.as_str());
    assert_eq!(placed["requested_unit_id"], Value::Null);

    // Once placed, a move (to escape the ward's revocation, say) is only a request.
    let moved = json_of(
        call(
            &app,
            Method::PATCH,
            "/api/v1/me",
            &resident,
            Some(json!({"unit_id": tdp2})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(moved["unit_id"], tdp1.as_str());

    // A trainer of TDP1 who names the ward's root stays in TDP1 and cannot open a
    // class over the whole ward.
    let teacher = trainer(&app, &admin, &tdp1, "gv@hoaan.vn").await;
    let stayed = json_of(
        call(
            &app,
            Method::PATCH,
            "/api/v1/me",
            &teacher,
            Some(json!({"unit_id": ward})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(stayed["unit_id"], tdp1.as_str());
    let class = call(
        &app,
        Method::POST,
        "/api/v1/classes",
        &teacher,
        Some(json!({"name": "Cả phường", "unit_id": ward})),
    )
    .await;
    assert_eq!(class.status(), 400, "a class over the ward is refused");

    // An administrator does not rewrite a trainer's identity.
    let rewrite = expect_problem(
        call(
            &app,
            Method::PATCH,
            &format!("/api/v1/users/{}", teacher.user_id),
            &admin,
            Some(json!({"full_name": "Tên Khác"})),
        )
        .await,
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(rewrite["errors"][0]["code"], "identity_locked");
}

#[tokio::test]
async fn a_trainer_reads_only_the_members_of_their_classes_and_only_what_a_class_needs() {
    let app = TestApp::spawn().await;
    let Ward { admin, tdp1, .. } = populated_ward(&app).await;
    let teacher = trainer(&app, &admin, &tdp1, "gv@hoaan.vn").await;
    let stranger = register(&app, "0913000401").await;
    json_of(
        call(
            &app,
            Method::PATCH,
            "/api/v1/me",
            &stranger,
            Some(json!({"unit_id": tdp1, "birth_date": "1958-01-02", "disability": "visual"})),
        )
        .await,
        200,
    )
    .await;
    let profile = format!("/api/v1/users/{}", stranger.user_id);
    expect_problem(
        call(&app, Method::GET, &profile, &teacher, None).await,
        404,
        "not_found",
    )
    .await;

    let class_id = new_class(&app, &teacher, &tdp1, "Lớp người cao tuổi").await;
    json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/v1/classes/{class_id}/members"),
            &teacher,
            Some(json!({"user_ids": [stranger.user_id]})),
        )
        .await,
        200,
    )
    .await;
    let seen = json_of(call(&app, Method::GET, &profile, &teacher, None).await, 200).await;
    assert_eq!(seen["elderly"], true, "what a class needs");
    for withheld in ["phone", "birth_date", "disability", "cccd", "household"] {
        assert_eq!(seen[withheld], Value::Null, "{withheld} is withheld");
    }
}

/// A workbook with a header in A1 and one cell as far as a sheet goes.
fn far_cell_workbook() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Họ và tên").expect("cell");
    sheet.write_string(1_048_575, 16_383, "x").expect("cell");
    workbook.save_to_buffer().expect("xlsx")
}

/// A harmless workbook with one more part that unpacks to 300 MB of spaces (about
/// 300 KB packed): only the unpacked size is wrong with it.
fn zip_bomb_workbook() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Họ và tên").expect("cell");
    sheet.write_string(1, 0, "Nguyễn Văn An").expect("cell");
    let template = workbook.save_to_buffer().expect("xlsx");
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(template)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for index in 0..source.len() {
        let part = source.by_index_raw(index).expect("part");
        out.raw_copy_file(part).expect("copy");
    }
    out.start_file("xl/padding.xml", options).expect("start");
    let block = vec![b' '; 1 << 20];
    for _ in 0..300 {
        out.write_all(&block).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

#[tokio::test]
async fn hostile_spreadsheets_are_refused_before_they_are_unpacked_into_memory() {
    let app = TestApp::spawn().await;
    let Ward { admin, .. } = populated_ward(&app).await;

    let far = upload(&app, &admin, "xa.xlsx", XLSX, far_cell_workbook()).await;
    expect_problem(far, 413, "sheet_too_large").await;

    let bomb = zip_bomb_workbook();
    assert!(bomb.len() < 2 * 1024 * 1024, "{} bytes", bomb.len());
    expect_problem(
        upload(&app, &admin, "bom.xlsx", XLSX, bomb).await,
        413,
        "sheet_too_large",
    )
    .await;

    let wide = format!("{}\n", vec!["cot"; 200].join(","));
    expect_problem(
        upload(&app, &admin, "rong.csv", "text/csv", wide.into_bytes()).await,
        413,
        "sheet_too_large",
    )
    .await;
    let long = format!("{HEADER}{}\n", "a".repeat(100 * 1024));
    expect_problem(
        upload(&app, &admin, "dai.csv", "text/csv", long.into_bytes()).await,
        413,
        "sheet_too_large",
    )
    .await;
}

#[tokio::test]
async fn servers_started_together_on_an_empty_database_all_become_ready() {
    let dir = tempfile::tempdir().expect("dir");
    let database = hocvuso_testkit::TestDatabase::create(&dir).await;
    // SQLite is one server's file; the race is PostgreSQL's.
    let servers = if database.is_postgres() { 3 } else { 1 };
    let starts = (0..servers).map(|n| {
        let node = dir.path().join(format!("node-{n}"));
        std::fs::create_dir_all(&node).expect("node dir");
        let mut settings = hocvuso_testkit::test_settings(&dir, &database);
        settings.data_dir = node;
        settings.content.import_on_start = true;
        hocvuso_server::prepare(settings)
    });
    for started in futures_util::future::join_all(starts).await {
        started.expect("every server becomes ready");
    }
}

#[tokio::test]
async fn a_class_of_forty_registers_from_one_hall_while_strangers_stay_limited() {
    let app = TestApp::spawn_with(|s| s.rate_limits.register_per_minute = 20).await;
    let Ward { admin, tdp1, .. } = populated_ward(&app).await;
    let teacher = trainer(&app, &admin, &tdp1, "gv@hoaan.vn").await;
    let class_id = new_class(&app, &teacher, &tdp1, "Lớp tối thứ Ba").await;
    let window = json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/v1/classes/{class_id}/signups"),
            &teacher,
            Some(json!({"hours": 3, "max_signups": 40})),
        )
        .await,
        201,
    )
    .await;
    let code = window["code"].as_str().expect("code").to_owned();
    let sign_up = |n: u32, code: Option<String>| {
        let app = &app;
        async move {
            app.post_json(
                "/api/v1/auth/register",
                &json!({"phone": format!("09140{n:05}"), "password": "Học vụ số 2025!",
                        "full_name": "Học viên", "class_code": code}),
            )
            .await
        }
    };

    // Forty people in the hall, one address, the code read out (typed in lower case).
    let mut placed = 0;
    for n in 0..40 {
        let response = sign_up(n, Some(code.to_lowercase())).await;
        assert_eq!(response.status(), 201, "person {n}");
        let session: Value = response.json().await.expect("json");
        placed += usize::from(session["user"]["unit_id"] == tdp1.as_str());
    }
    assert_eq!(placed, 40, "each is in the class's residential group");
    let members = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/classes/{class_id}"),
            &teacher,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(members["members"], 40);

    // The forty-first finds the class full; a guessed code gets nowhere.
    for code in [code.clone(), "AAAA-AAAA".to_owned()] {
        let refused =
            expect_problem(sign_up(100, Some(code)).await, 400, "validation_failed").await;
        assert_eq!(refused["errors"][0]["code"], "class_code_invalid");
    }
    // Without a code, strangers from that address are still limited.
    let statuses = futures_util::future::join_all((200..230).map(|n| sign_up(n, None))).await;
    let refused = statuses.iter().filter(|r| r.status() == 429).count();
    assert!(refused >= 10, "{refused} of 30 refused");
}
