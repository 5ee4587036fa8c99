//! Lesson media: upload checked by content, download by byte range.

use data_encoding::HEXLOWER;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{Session, TestApp, expect_problem, send, trainer, ward_admin};

pub(crate) fn png(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend((0..len.saturating_sub(bytes.len())).map(|i| (i % 251) as u8));
    bytes
}

pub(crate) struct Draft {
    pub author: Session,
    pub course_id: String,
    pub lesson_id: String,
}

pub(crate) async fn draft_with_lesson(app: &TestApp) -> Draft {
    let (admin, ward) = ward_admin(app, "canbo@phuong1.vn", "Phường 1").await;
    let author = trainer(app, &admin, &ward, "gv@phuong1.vn").await;
    let token = Some(author.access_token.as_str());
    let course: Value = send(app, Method::POST, "/api/v1/authoring/courses", token, Some(&json!({
        "code": "video-vneid", "title": "Video hướng dẫn VNeID", "summary": "Xem và làm theo.",
        "target_groups": ["citizen"], "level": 1, "competencies": ["2.6"], "estimated_minutes": 10, "pass_mark": 70
    })))
    .await
    .json()
    .await
    .expect("json");
    let course_id = course["id"].as_str().expect("id").to_owned();
    let with_module: Value = send(
        app,
        Method::POST,
        &format!("/api/v1/authoring/courses/{course_id}/modules"),
        token,
        Some(&json!({"code": "m1", "title": "Video"})),
    )
    .await
    .json()
    .await
    .expect("json");
    let module = with_module["modules"][0]["id"]
        .as_str()
        .expect("module")
        .to_owned();
    let with_lesson: Value = send(app, Method::POST, &format!("/api/v1/authoring/courses/{course_id}/modules/{module}/lessons"), token, Some(&json!({
        "slug": "01-kich-hoat", "title": "Kích hoạt tài khoản", "level": 1, "competencies": ["2.6"], "estimated_minutes": 5
    })))
    .await
    .json()
    .await
    .expect("json");
    let lesson_id = with_lesson["modules"][0]["lessons"][0]["id"]
        .as_str()
        .expect("lesson")
        .to_owned();
    Draft {
        author,
        course_id,
        lesson_id,
    }
}

pub(crate) async fn upload(
    app: &TestApp,
    draft: &Draft,
    role: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = Form::new().part(
        "file",
        Part::bytes(bytes)
            .file_name(name.to_owned())
            .mime_str("video/mp4")
            .expect("mime"),
    );
    app.client
        .post(app.url(&format!(
            "/api/v1/authoring/courses/{}/lessons/{}/media?role={role}",
            draft.course_id, draft.lesson_id
        )))
        .bearer_auth(&draft.author.access_token)
        .multipart(form)
        .send()
        .await
        .expect("sent")
}

#[tokio::test]
async fn uploads_are_typed_by_content_and_served_by_range() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let draft = draft_with_lesson(&app).await;
    let image = png(4096);

    // A client's name and type are not trusted: the bytes are a PNG, the name a path.
    let stored = upload(&app, &draft, "main", "../../etc/passwd.mp4", image.clone()).await;
    assert_eq!(stored.status(), 201);
    let stored: Value = stored.json().await.expect("json");
    assert_eq!(stored["content_type"], "image/png");
    assert_eq!(stored["file_name"], "passwd.mp4");
    assert_eq!(stored["sha256"], HEXLOWER.encode(&Sha256::digest(&image)));
    let url = stored["url"].as_str().expect("url").to_owned();

    // Not published yet: hidden from everyone but its editors.
    assert_eq!(app.get(&url).await.status(), 404);
    let preview = send(
        &app,
        Method::GET,
        &url,
        Some(&draft.author.access_token),
        None,
    )
    .await;
    assert_eq!(preview.status(), 200);
    assert_eq!(
        preview.headers()["cache-control"],
        "private, no-store",
        "no shared cache keeps a draft's file"
    );

    // A lesson whose content is its image is complete, but not accessible without alt text.
    let publish = format!("/api/v1/authoring/courses/{}/publish", draft.course_id);
    let token = Some(draft.author.access_token.as_str());
    let inaccessible = send(&app, Method::POST, &publish, token, None).await;
    let problem = expect_problem(inaccessible, 400, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "lesson_inaccessible");
    let described = send(&app, Method::PUT, &format!("/api/v1/authoring/courses/{}/lessons/{}", draft.course_id, draft.lesson_id), token, Some(&json!({
        "slug": "01-kich-hoat", "title": "Kích hoạt tài khoản", "level": 1, "competencies": ["2.6"], "estimated_minutes": 5,
        "alt_text": "Màn hình ứng dụng VNeID với nút «Kích hoạt tài khoản» ở giữa."
    })))
    .await;
    assert_eq!(described.status(), 200, "{:?}", described.text().await);
    let published = send(&app, Method::POST, &publish, token, None).await;
    assert_eq!(published.status(), 200, "{:?}", published.text().await);
    let lesson: Value = app
        .get("/api/v1/courses/video-vneid/lessons/01-kich-hoat")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(lesson["kind"], "image");
    assert_eq!(
        lesson["alt_text"],
        "Màn hình ứng dụng VNeID với nút «Kích hoạt tài khoản» ở giữa."
    );
    assert_eq!(lesson["media"][0]["url"], url.as_str());

    let whole = app.get(&url).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["cache-control"], "public, max-age=86400");
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert_eq!(whole.headers()["content-type"], "image/png");
    assert_eq!(whole.bytes().await.expect("bytes").to_vec(), image);

    let part = app
        .client
        .get(app.url(&url))
        .header("Range", "bytes=8-15")
        .send()
        .await
        .expect("sent");
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], "bytes 8-15/4096");
    assert_eq!(
        part.bytes().await.expect("bytes").to_vec(),
        image[8..16].to_vec()
    );

    let tail = app
        .client
        .get(app.url(&url))
        .header("Range", "bytes=-10")
        .send()
        .await
        .expect("sent");
    assert_eq!(tail.status(), 206);
    assert_eq!(
        tail.bytes().await.expect("bytes").to_vec(),
        image[4086..].to_vec()
    );

    let outside = app
        .client
        .get(app.url(&url))
        .header("Range", "bytes=5000-6000")
        .send()
        .await
        .expect("sent");
    assert_eq!(outside.headers()["content-range"], "bytes */4096");
    expect_problem(outside, 416, "range_not_satisfiable").await;
    // In the client's language, like every other problem.
    let in_english = app
        .client
        .get(app.url(&url))
        .header("Range", "bytes=5000-6000")
        .header("Accept-Language", "en")
        .send()
        .await
        .expect("sent");
    let body = expect_problem(in_english, 416, "range_not_satisfiable").await;
    assert!(
        body["title"].as_str().is_some_and(|t| t.is_ascii()),
        "{body}"
    );

    let captions = upload(
        &app,
        &draft,
        "captions",
        "phu-de.vtt",
        b"WEBVTT\n\n00:00.000 --> 00:02.000\nXin chao\n".to_vec(),
    )
    .await;
    assert_eq!(captions.status(), 201);
}

#[tokio::test]
async fn disguised_oversized_and_missing_files_are_refused() {
    let app = TestApp::spawn_with(|s| {
        s.content.import_on_start = true;
        s.http.upload_limit = 2048;
    })
    .await;
    let draft = draft_with_lesson(&app).await;

    let disguised = upload(
        &app,
        &draft,
        "main",
        "bai-giang.mp4",
        b"#!/bin/sh\nrm -rf /\n".to_vec(),
    )
    .await;
    expect_problem(disguised, 415, "media_type_not_allowed").await;
    let not_captions = upload(&app, &draft, "captions", "phu-de.vtt", png(100)).await;
    expect_problem(not_captions, 415, "media_type_not_allowed").await;

    let oversized = upload(&app, &draft, "main", "anh.png", png(10_000)).await;
    expect_problem(oversized, 413, "payload_too_large").await;
    // On S3 an aborted upload leaves no object by construction (the storage suite checks it).
    if let Some(folder) = app.state.settings.blob_folder() {
        let staged = std::fs::read_dir(folder.join(".staging"))
            .expect("staging")
            .count();
        assert_eq!(staged, 0, "a refused upload leaves nothing behind");
    }

    let no_file = app
        .client
        .post(app.url(&format!(
            "/api/v1/authoring/courses/{}/lessons/{}/media?role=main",
            draft.course_id, draft.lesson_id
        )))
        .bearer_auth(&draft.author.access_token)
        .multipart(Form::new().text("note", "không có tệp"))
        .send()
        .await
        .expect("sent");
    expect_problem(no_file, 400, "file_missing").await;

    // A lesson without its file cannot be published.
    let early = send(
        &app,
        Method::POST,
        &format!("/api/v1/authoring/courses/{}/publish", draft.course_id),
        Some(&draft.author.access_token),
        None,
    )
    .await;
    let problem = expect_problem(early, 400, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "lesson_incomplete");
}
