//! Completion records over HTTP: the whole journey from registration to a revoked
//! record, as a learner, a stranger and an administrator see it.

use std::io::Read;

use data_encoding::BASE64URL_NOPAD;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::assessment::{SCAMS, answers, bank, enrol};
use crate::support::{Session, TestApp, expect_problem, learner, send, ward_admin};

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    who: Option<&Session>,
    body: Option<Value>,
) -> reqwest::Response {
    send(
        app,
        method,
        path,
        who.map(|w| w.access_token.as_str()),
        body.as_ref(),
    )
    .await
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let url = response.url().to_string();
    assert_eq!(response.status().as_u16(), status, "status of {url}");
    response.json().await.expect("json")
}

fn part(token: &str, index: usize) -> Value {
    let segment = token.split('.').nth(index).expect("JWT segment");
    serde_json::from_slice(
        &BASE64URL_NOPAD
            .decode(segment.as_bytes())
            .expect("base64url"),
    )
    .expect("JSON")
}

/// The learner's path to a completed course: every lesson synced as completed, then
/// the final quiz passed.
pub(crate) async fn complete_course(app: &TestApp, who: &Session, code: &str) {
    let course = enrol(app, who, code).await;
    let events: Vec<Value> = course["lessons"].as_array().expect("lessons").iter().map(|l| {
        json!({"id": Uuid::now_v7(), "lesson_id": l["lesson_id"], "type": "completed", "at": "2026-11-28T10:00:00Z"})
    }).collect();
    json_of(
        call(
            app,
            Method::POST,
            "/api/v1/progress/sync",
            Some(who),
            Some(json!({"events": events})),
        )
        .await,
        200,
    )
    .await;
    let bank = bank(app, code).await;
    let view = json_of(
        call(
            app,
            Method::POST,
            &format!("/api/v1/me/courses/{code}/quiz/attempts"),
            Some(who),
            None,
        )
        .await,
        201,
    )
    .await;
    let id = view["id"].as_str().expect("attempt id");
    let result = json_of(
        call(
            app,
            Method::POST,
            &format!("/api/v1/me/attempts/{id}/submit"),
            Some(who),
            Some(answers(&view, &bank, true)),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(result["passed"], true);
}

/// Bit `index` of a status list credential's `encodedList`.
fn status_bit(list_token: &str, index: usize) -> bool {
    let payload = part(list_token, 1);
    assert_eq!(
        payload["type"],
        json!(["VerifiableCredential", "BitstringStatusListCredential"])
    );
    let encoded = payload["credentialSubject"]["encodedList"]
        .as_str()
        .expect("encodedList");
    let compressed = BASE64URL_NOPAD
        .decode(encoded.strip_prefix('u').expect("multibase").as_bytes())
        .expect("base64url");
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_end(&mut bits)
        .expect("gzip");
    assert!(bits.len() >= 16 * 1024, "at least 131,072 entries");
    bits[index / 8] & (0x80 >> (index % 8)) != 0
}

async fn status_list(app: &TestApp, credential: &Value) -> (String, usize) {
    let status = &credential["credentialStatus"];
    assert_eq!(status["type"], "BitstringStatusListEntry");
    assert_eq!(status["statusPurpose"], "revocation");
    let url = status["statusListCredential"].as_str().expect("list url");
    let path = &url[url.find("/api/v1/").expect("our list")..];
    let response = call(app, Method::GET, path, None, None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/vc+jwt");
    let index: usize = status["statusListIndex"]
        .as_str()
        .expect("index")
        .parse()
        .expect("decimal");
    (response.text().await.expect("list"), index)
}

#[tokio::test]
async fn a_learners_record_is_issued_verified_by_anyone_and_revoked_by_the_ward() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let (admin, ward) = ward_admin(&app, "canbo@anbien.vn", "Phường An Biên").await;
    let citizen = learner(&app, "0913000071", Some("citizen")).await;
    json_of(
        call(
            &app,
            Method::PATCH,
            "/api/v1/me",
            Some(&citizen),
            Some(json!({
                "full_name": "Nguyễn Thị Hường", "unit_id": ward, "cccd": "001190012345",
                "birth_date": "1990-05-01", "sex": "female"
            })),
        )
        .await,
        200,
    )
    .await;
    // The ward places her (she asked to join) and confirms the number from her card: a
    // typed number alone would stay out of the record.
    let profile = format!("/api/v1/users/{}", citizen.user_id);
    for change in [json!({"unit_id": ward}), json!({"cccd": "001190012345"})] {
        json_of(
            call(&app, Method::PATCH, &profile, Some(&admin), Some(change)).await,
            200,
        )
        .await;
    }
    assert!(
        json_of(
            call(
                &app,
                Method::GET,
                "/api/v1/me/credentials",
                Some(&citizen),
                None
            )
            .await,
            200
        )
        .await
        .as_array()
        .expect("list")
        .is_empty()
    );

    complete_course(&app, &citizen, SCAMS).await;

    // Issued on completion, once.
    let mine = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/me/credentials",
            Some(&citizen),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(mine.as_array().expect("list").len(), 1);
    let record = &mine[0];
    let code = record["code"].as_str().expect("code").to_owned();
    assert!(code.len() == 11 && code.as_bytes()[5] == b'-', "{code}");
    assert_eq!(record["holder_name"], "Nguyễn Thị Hường");
    assert_eq!(record["score_percent"], 100);
    let token = record["token"].as_str().expect("token").to_owned();

    // A VC-JWT: typed, EdDSA, a key id from our JWKS; an Open Badges 3.0 credential.
    let header = part(&token, 0);
    assert_eq!(
        (header["typ"].clone(), header["alg"].clone()),
        (json!("vc+jwt"), json!("EdDSA"))
    );
    let jwks = json_of(
        call(&app, Method::GET, "/.well-known/jwks.json", None, None).await,
        200,
    )
    .await;
    assert!(
        jwks["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .any(|k| k["kid"] == header["kid"] && k["kty"] == "OKP" && k["crv"] == "Ed25519")
    );
    let claims = part(&token, 1);
    assert_eq!(
        claims["@context"][0],
        "https://www.w3.org/ns/credentials/v2"
    );
    assert_eq!(
        claims["@context"][1],
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    );
    assert_eq!(
        claims["type"],
        json!(["VerifiableCredential", "OpenBadgeCredential"])
    );
    assert_eq!(claims["iss"], claims["issuer"]["id"]);
    let subject = &claims["credentialSubject"];
    assert_eq!(subject["achievement"]["humanCode"], SCAMS);
    assert!(subject["achievement"]["criteria"]["narrative"].is_string());
    assert!(
        !subject["achievement"]["alignment"]
            .as_array()
            .expect("alignment")
            .is_empty()
    );
    assert_eq!(subject["result"][0]["value"], "100");
    // The citizen ID only as a keyed hash; no birth date anywhere.
    let text = claims.to_string();
    assert!(
        !text.contains("001190012345") && !text.contains("1990"),
        "{text}"
    );
    let national = subject["identifier"]
        .as_array()
        .expect("identifiers")
        .iter()
        .find(|i| i["identityType"] == "nationalIdentityNumber")
        .expect("national id");
    assert_eq!(national["hashed"], true);
    assert!(
        national["identityHash"]
            .as_str()
            .expect("hash")
            .starts_with("hmac-sha256$")
    );
    // And the record says how the holder was identified: on the ward's register.
    assert!(
        claims["evidence"]
            .as_array()
            .expect("evidence")
            .iter()
            .any(|e| e["genre"] == "ward_register"),
        "{}",
        claims["evidence"]
    );

    // A stranger verifies it by code (as typed, in any case), by token, and by page.
    let by_code = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/verify/{code}"),
            None,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(by_code["status"], "valid");
    assert_eq!(by_code["holder_name"], "Nguyễn Thị Hường");
    assert_eq!(by_code["credential"]["id"], claims["id"]);
    let typed = code.replace('-', "").to_lowercase();
    assert_eq!(
        json_of(
            call(
                &app,
                Method::GET,
                &format!("/api/v1/verify/{typed}"),
                None,
                None
            )
            .await,
            200
        )
        .await["status"],
        "valid"
    );
    let by_token = json_of(
        call(
            &app,
            Method::POST,
            "/api/v1/verify",
            None,
            Some(json!({"token": token})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(by_token["status"], "valid");
    let page = call(
        &app,
        Method::GET,
        &format!("/v/{}", code.replace('-', "")),
        None,
        None,
    )
    .await;
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Nguyễn Thị Hường")
            && html.contains("Chứng nhận hợp lệ")
            && html.contains("<svg")
    );
    assert!(!html.contains("<script"), "no JavaScript");

    // Tampered, forged or unknown: never valid.
    let mut forged = claims.clone();
    forged["credentialSubject"]["result"][0]["value"] = json!("10");
    let parts: Vec<&str> = token.split('.').collect();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        BASE64URL_NOPAD.encode(forged.to_string().as_bytes()),
        parts[2]
    );
    assert_eq!(
        json_of(
            call(
                &app,
                Method::POST,
                "/api/v1/verify",
                None,
                Some(json!({"token": tampered}))
            )
            .await,
            200
        )
        .await["status"],
        "bad_signature"
    );
    let unsigned = format!(
        "{}.{}.",
        BASE64URL_NOPAD.encode(br#"{"alg":"none","typ":"vc+jwt"}"#),
        parts[1]
    );
    assert_eq!(
        json_of(
            call(
                &app,
                Method::POST,
                "/api/v1/verify",
                None,
                Some(json!({"token": unsigned}))
            )
            .await,
            200
        )
        .await["status"],
        "bad_signature"
    );
    expect_problem(
        call(
            &app,
            Method::POST,
            "/api/v1/verify",
            None,
            Some(json!({"token": "not a token"})),
        )
        .await,
        400,
        "malformed_token",
    )
    .await;
    assert_eq!(
        json_of(
            call(&app, Method::GET, "/api/v1/verify/0000000000", None, None).await,
            200
        )
        .await["status"],
        "not_found"
    );
    expect_problem(
        call(&app, Method::GET, "/api/v1/verify/abc", None, None).await,
        400,
        "malformed_code",
    )
    .await;
    assert_eq!(
        call(&app, Method::GET, "/v/0000000000", None, None)
            .await
            .status(),
        404
    );

    // The status list carries the record's entry, not yet revoked.
    let (list, index) = status_list(&app, &claims).await;
    assert!(!status_bit(&list, index));

    // The holder (and nobody else but the ward) gets the PDF.
    let id = record["id"].as_str().expect("id").to_owned();
    let pdf = call(
        &app,
        Method::GET,
        &format!("/api/v1/credentials/{id}/certificate.pdf"),
        Some(&citizen),
        None,
    )
    .await;
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().await.expect("pdf").starts_with(b"%PDF"));
    let stranger = learner(&app, "0913000072", Some("citizen")).await;
    assert_eq!(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/credentials/{id}/certificate.pdf"),
            Some(&stranger),
            None
        )
        .await
        .status(),
        404
    );
    expect_problem(
        call(
            &app,
            Method::POST,
            &format!("/api/v1/credentials/{id}/revoke"),
            Some(&citizen),
            Some(json!({"reason": "tự thu hồi"})),
        )
        .await,
        403,
        "forbidden",
    )
    .await;

    // The ward revokes it; every way of verifying says so.
    let revoked = json_of(
        call(
            &app,
            Method::POST,
            &format!("/api/v1/credentials/{id}/revoke"),
            Some(&admin),
            Some(json!({"reason": "Cấp nhầm người"})),
        )
        .await,
        200,
    )
    .await;
    assert!(revoked["revoked_at"].is_string());
    expect_problem(
        call(
            &app,
            Method::POST,
            &format!("/api/v1/credentials/{id}/revoke"),
            Some(&admin),
            Some(json!({"reason": "lần nữa"})),
        )
        .await,
        409,
        "credential_revoked",
    )
    .await;
    let by_code = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/verify/{code}"),
            None,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(by_code["status"], "revoked");
    // A verifier learns that it was revoked, not the ward's note about the person, nor
    // the keyed hash of their citizen ID that would link their other records.
    let public = by_code.to_string();
    assert!(!public.contains("Cấp nhầm người"), "{public}");
    assert!(!public.contains("hmac-sha256$"), "{public}");
    assert_eq!(
        json_of(
            call(
                &app,
                Method::POST,
                "/api/v1/verify",
                None,
                Some(json!({"token": token}))
            )
            .await,
            200
        )
        .await["status"],
        "revoked"
    );
    let (list, index) = status_list(&app, &claims).await;
    assert!(status_bit(&list, index), "the revoked entry is set");
    let html = call(
        &app,
        Method::GET,
        &format!("/v/{}", code.replace('-', "")),
        None,
        None,
    )
    .await
    .text()
    .await
    .expect("html");
    assert!(html.contains("thu hồi"));
    let events = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/credentials/{id}/events"),
            Some(&admin),
            None,
        )
        .await,
        200,
    )
    .await;
    let actions: Vec<&str> = events
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions, ["issued", "revoked"]);
    assert_eq!(events[1]["actor_id"], json!(admin.user_id));
    // Revoked stays revoked: listing the learner's records does not issue a new one.
    let mine = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/me/credentials",
            Some(&citizen),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(mine.as_array().expect("list").len(), 1);
}

#[tokio::test]
async fn a_corrected_record_is_reissued_and_the_old_one_points_to_it() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let (admin, ward) = ward_admin(&app, "canbo@anbien.vn", "Phường An Biên").await;
    let (other_admin, _) = ward_admin(&app, "canbo@khac.vn", "Phường Khác").await;
    let citizen = learner(&app, "0913000073", Some("citizen")).await;
    json_of(
        call(
            &app,
            Method::PATCH,
            "/api/v1/me",
            Some(&citizen),
            Some(json!({"full_name": "Nguyen Thi Huong", "unit_id": ward})),
        )
        .await,
        200,
    )
    .await;
    json_of(
        call(
            &app,
            Method::PATCH,
            &format!("/api/v1/users/{}", citizen.user_id),
            Some(&admin),
            Some(json!({"unit_id": ward})),
        )
        .await,
        200,
    )
    .await;
    complete_course(&app, &citizen, SCAMS).await;
    let first = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/me/credentials",
            Some(&citizen),
            None,
        )
        .await,
        200,
    )
    .await[0]
        .clone();
    let id = first["id"].as_str().expect("id");

    // The name is corrected, then the ward re-issues; another ward cannot.
    json_of(
        call(
            &app,
            Method::PATCH,
            "/api/v1/me",
            Some(&citizen),
            Some(json!({"full_name": "Nguyễn Thị Hường"})),
        )
        .await,
        200,
    )
    .await;
    let reissue = format!("/api/v1/credentials/{id}/reissue");
    assert_eq!(
        call(
            &app,
            Method::POST,
            &reissue,
            Some(&other_admin),
            Some(json!({"reason": "Sửa tên"}))
        )
        .await
        .status(),
        404
    );
    expect_problem(
        call(
            &app,
            Method::POST,
            &reissue,
            Some(&admin),
            Some(json!({"reason": ""})),
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
            &reissue,
            Some(&admin),
            Some(json!({"reason": "Sửa tên có dấu"})),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(second["holder_name"], "Nguyễn Thị Hường");
    assert_eq!(second["replaces"], first["id"]);

    let old = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/verify/{}", first["code"].as_str().expect("code")),
            None,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (old["status"].clone(), old["replaced_by"].clone()),
        (json!("revoked"), second["code"].clone())
    );
    let new = json_of(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/verify/{}", second["code"].as_str().expect("code")),
            None,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(new["status"], "valid");
    let mine = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/me/credentials",
            Some(&citizen),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(mine.as_array().expect("list").len(), 2);

    // The ward's ZIP holds the record in force, one PDF per holder.
    let response = call(
        &app,
        Method::GET,
        "/api/v1/certificates.zip",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let bytes = response.bytes().await.expect("zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a ZIP");
    assert_eq!(archive.len(), 1);
    let mut entry = archive.by_index(0).expect("entry");
    let name = entry.name().expect("entry name").to_string();
    assert!(name.contains("Nguyễn Thị Hường"), "{name}");
    let mut pdf = Vec::new();
    entry.read_to_end(&mut pdf).expect("pdf");
    assert!(pdf.starts_with(b"%PDF"));
    let other = call(
        &app,
        Method::GET,
        "/api/v1/certificates.zip",
        Some(&other_admin),
        None,
    )
    .await
    .bytes()
    .await
    .expect("zip");
    assert_eq!(
        zip::ZipArchive::new(std::io::Cursor::new(other.to_vec()))
            .expect("a ZIP")
            .len(),
        0
    );
    expect_problem(
        call(
            &app,
            Method::GET,
            "/api/v1/certificates.zip",
            Some(&citizen),
            None,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn a_record_past_its_validity_verifies_as_expired() {
    let app = TestApp::spawn_with(|s| {
        s.content.import_on_start = true;
        s.certification.validity_days = Some(0);
    })
    .await;
    let citizen = learner(&app, "0913000074", Some("citizen")).await;
    complete_course(&app, &citizen, SCAMS).await;
    let record = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/me/credentials",
            Some(&citizen),
            None,
        )
        .await,
        200,
    )
    .await[0]
        .clone();
    assert!(record["valid_until"].is_string());
    let claims = part(record["token"].as_str().expect("token"), 1);
    assert!(claims["validUntil"].is_string());
    let verdict = json_of(
        call(
            &app,
            Method::POST,
            "/api/v1/verify",
            None,
            Some(json!({"token": record["token"]})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(verdict["status"], "expired");
}

fn jose_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/jose")
}

/// `jose` (npm), a JOSE library that is neither ours nor Rust, fetches our JWKS and
/// verifies an issued record, and rejects it tampered. `.ci/jose.sh` installs it and
/// `HOCVUSO_TEST_JOSE_REQUIRED=1` turns a skip into a failure.
#[tokio::test]
async fn an_independent_jose_library_verifies_our_records() {
    if !jose_dir().join("node_modules/jose").is_dir() {
        assert!(
            std::env::var_os("HOCVUSO_TEST_JOSE_REQUIRED").is_none(),
            "jose is required: run .ci/jose.sh"
        );
        eprintln!("skipped: jose not installed (run .ci/jose.sh)");
        return;
    }
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let citizen = learner(&app, "0913000075", Some("citizen")).await;
    complete_course(&app, &citizen, SCAMS).await;
    let record = json_of(
        call(
            &app,
            Method::GET,
            "/api/v1/me/credentials",
            Some(&citizen),
            None,
        )
        .await,
        200,
    )
    .await[0]
        .clone();
    let token = record["token"].as_str().expect("token").to_owned();
    let parts: Vec<&str> = token.split('.').collect();
    let mut forged = part(&token, 1);
    forged["credentialSubject"]["identifier"][0]["identityHash"] = json!("Người Khác");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        BASE64URL_NOPAD.encode(forged.to_string().as_bytes()),
        parts[2]
    );

    let output = tokio::process::Command::new("node")
        .arg("verify.mjs")
        .arg(app.url("/.well-known/jwks.json"))
        .arg(&token)
        .arg(&tampered)
        .current_dir(jose_dir())
        .output()
        .await
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["ok"], true, "{}", lines[0]);
    assert_eq!(lines[0]["typ"], "vc+jwt");
    assert_eq!(
        lines[0]["types"],
        json!(["VerifiableCredential", "OpenBadgeCredential"])
    );
    assert_eq!(
        lines[1],
        json!({"ok": false, "error": "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"})
    );
}

/// Codes are short enough to guess at scale: look-ups by code are rate limited per
/// client address, so scanning works and enumerating does not.
#[tokio::test]
async fn looking_up_codes_in_bulk_is_rate_limited() {
    let app = TestApp::spawn_with(|s| s.rate_limits.verify_code_per_minute = 3).await;
    for _ in 0..3 {
        let verdict = json_of(
            call(&app, Method::GET, "/api/v1/verify/0000000000", None, None).await,
            200,
        )
        .await;
        assert_eq!(verdict["status"], "not_found");
    }
    let refused = call(&app, Method::GET, "/v/0000000001", None, None).await;
    assert!(refused.headers().contains_key("retry-after"));
    expect_problem(refused, 429, "rate_limited").await;
}
