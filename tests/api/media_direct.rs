//! Direct transfers (presigned URLs) with S3 storage, their fallback on the folder store,
//! and the accessibility data a media lesson needs before it is published.
//!
//! Which test runs depends on the store: the S3 one needs `HOCVUSO_TEST_S3_*` (Garage in
//! `.ci/run`), the folder one runs on the embedded default.

use data_encoding::HEXLOWER;
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::media::{Draft, draft_with_lesson, png, upload};
use crate::support::{TestApp, expect_problem, send};

/// The start of an MP4 file: enough for its type to be recognised.
fn mp4(len: usize) -> Vec<u8> {
    let mut bytes = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    bytes.extend((0..len.saturating_sub(bytes.len())).map(|i| (i % 241) as u8));
    bytes
}

fn uploads_path(draft: &Draft) -> String {
    format!(
        "/api/v1/authoring/courses/{}/lessons/{}/media/uploads",
        draft.course_id, draft.lesson_id
    )
}

async fn start(app: &TestApp, draft: &Draft, role: &str, name: &str) -> reqwest::Response {
    send(
        app,
        Method::POST,
        &uploads_path(draft),
        Some(&draft.author.access_token),
        Some(&json!({"role": role, "file_name": name})),
    )
    .await
}

async fn complete(app: &TestApp, draft: &Draft, upload_id: &str) -> reqwest::Response {
    send(
        app,
        Method::POST,
        &format!("{}/{upload_id}/complete", uploads_path(draft)),
        Some(&draft.author.access_token),
        None,
    )
    .await
}

/// Sends `bytes` to the store as the presigned request says; returns the upload id.
async fn put_direct(app: &TestApp, started: Value, bytes: Vec<u8>) -> String {
    assert_eq!(started["method"], "PUT");
    let mut put = app
        .client
        .put(started["url"].as_str().expect("url"))
        .body(bytes);
    for (name, value) in started["headers"].as_object().expect("headers") {
        put = put.header(name, value.as_str().expect("header value"));
    }
    let sent = put.send().await.expect("PUT to the store");
    assert!(
        sent.status().is_success(),
        "store answered {}",
        sent.status()
    );
    started["upload_id"].as_str().expect("upload id").to_owned()
}

async fn publish(app: &TestApp, draft: &Draft) -> reqwest::Response {
    send(
        app,
        Method::POST,
        &format!("/api/v1/authoring/courses/{}/publish", draft.course_id),
        Some(&draft.author.access_token),
        None,
    )
    .await
}

#[tokio::test]
async fn on_s3_trainers_upload_and_learners_download_directly() {
    let app = TestApp::spawn_with(|s| {
        s.content.import_on_start = true;
        s.http.upload_limit = 64 * 1024;
    })
    .await;
    if app.state.blobs.kind() != "s3" {
        eprintln!("not on S3 storage: skipped");
        return;
    }
    let draft = draft_with_lesson(&app).await;

    let started = start(&app, &draft, "main", "bài giảng.mp4").await;
    assert_eq!(started.status(), 201);
    let started: Value = started.json().await.expect("json");
    assert_eq!(started["max_size"], 64 * 1024);
    let early = complete(&app, &draft, started["upload_id"].as_str().expect("id")).await;
    expect_problem(early, 409, "upload_not_received").await;

    let video = mp4(40_000);
    let upload_id = put_direct(&app, started.clone(), video.clone()).await;
    let recorded = complete(&app, &draft, &upload_id).await;
    assert_eq!(recorded.status(), 201);
    let recorded: Value = recorded.json().await.expect("json");
    assert_eq!(recorded["content_type"], "video/mp4");
    assert_eq!(recorded["size"], 40_000);
    assert_eq!(recorded["sha256"], HEXLOWER.encode(&Sha256::digest(&video)));
    assert_eq!(recorded["file_name"], "bài giảng.mp4");
    // Completing is done once; the pending upload is gone.
    expect_problem(complete(&app, &draft, &upload_id).await, 404, "not_found").await;
    // The upload URL still works until it expires, but what it writes now replaces
    // nothing: the checked file was kept under a key of the server's own.
    let mut swapped = video.clone();
    swapped[1000] ^= 0xff;
    put_direct(&app, started, swapped).await;

    // A video needs captions (or a transcript) before learners see it.
    let problem = expect_problem(publish(&app, &draft).await, 400, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "lesson_inaccessible");
    let captions: Value = start(&app, &draft, "captions", "phu-de.vtt")
        .await
        .json()
        .await
        .expect("json");
    let captions_id = put_direct(
        &app,
        captions,
        b"WEBVTT\n\n00:00.000 --> 00:02.000\nXin ch\xc3\xa0o\n".to_vec(),
    )
    .await;
    assert_eq!(complete(&app, &draft, &captions_id).await.status(), 201);
    assert_eq!(publish(&app, &draft).await.status(), 200);

    // Learners get a presigned URL straight to the store, typed as the server sniffed it.
    let media_url = recorded["url"].as_str().expect("url");
    let link: Value = app
        .get(&format!("{media_url}/link"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(link["direct"], true);
    assert!(link["expires_at"].is_string());
    let fetched = app
        .client
        .get(link["url"].as_str().expect("url"))
        .send()
        .await
        .expect("GET from the store");
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.headers()["content-type"], "video/mp4");
    assert_eq!(fetched.bytes().await.expect("bytes").to_vec(), video);
    // Through the API as well, by byte range.
    let part = app
        .client
        .get(app.url(media_url))
        .header("Range", "bytes=4-11")
        .send()
        .await
        .expect("sent");
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], "bytes 4-11/40000");
    assert_eq!(part.bytes().await.expect("bytes").as_ref(), b"ftypmp42");

    // What the bytes are decides, and refused files are removed.
    let disguised: Value = start(&app, &draft, "attachment", "tai-lieu.pdf")
        .await
        .json()
        .await
        .expect("json");
    let disguised_id = put_direct(&app, disguised, b"#!/bin/sh\nrm -rf /\n".to_vec()).await;
    let refused = complete(&app, &draft, &disguised_id).await;
    expect_problem(refused, 415, "media_type_not_allowed").await;
    expect_problem(
        complete(&app, &draft, &disguised_id).await,
        404,
        "not_found",
    )
    .await;

    let oversized: Value = start(&app, &draft, "attachment", "anh.png")
        .await
        .json()
        .await
        .expect("json");
    let oversized_id = put_direct(&app, oversized, png(70_000)).await;
    let refused = complete(&app, &draft, &oversized_id).await;
    expect_problem(refused, 413, "payload_too_large").await;
}

#[tokio::test]
async fn on_the_folder_store_transfers_go_through_the_api() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    if app.state.blobs.kind() != "folder" {
        eprintln!("not on the folder store: skipped");
        return;
    }
    let draft = draft_with_lesson(&app).await;
    let refused = start(&app, &draft, "main", "video.mp4").await;
    expect_problem(refused, 409, "direct_upload_unsupported").await;

    let stored: Value = upload(&app, &draft, "main", "video.mp4", mp4(5_000))
        .await
        .json()
        .await
        .expect("json");
    let media_url = stored["url"].as_str().expect("url");
    // A draft's files are hidden from learners, links included.
    assert_eq!(app.get(&format!("{media_url}/link")).await.status(), 404);

    // A transcript makes the video lesson accessible.
    let problem = expect_problem(publish(&app, &draft).await, 400, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "lesson_inaccessible");
    let transcript = "Mở ứng dụng VNeID, chọn «Kích hoạt tài khoản», nhập số định danh cá nhân.";
    let updated = send(
        &app,
        Method::PUT,
        &format!(
            "/api/v1/authoring/courses/{}/lessons/{}",
            draft.course_id, draft.lesson_id
        ),
        Some(&draft.author.access_token),
        Some(&json!({
            "slug": "01-kich-hoat", "title": "Kích hoạt tài khoản", "level": 1, "competencies": ["2.6"],
            "estimated_minutes": 5, "transcript": transcript
        })),
    )
    .await;
    assert_eq!(updated.status(), 200);
    assert_eq!(publish(&app, &draft).await.status(), 200);
    let lesson: Value = app
        .get("/api/v1/courses/video-vneid/lessons/01-kich-hoat")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(lesson["kind"], "video");
    assert_eq!(lesson["transcript"], transcript);

    let link: Value = app
        .get(&format!("{media_url}/link"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(link["direct"], false);
    assert_eq!(link["url"], media_url);
    assert!(link["expires_at"].is_null());
}
