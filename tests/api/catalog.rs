//! The shipped curriculum through the catalog API.

use serde_json::Value;

use crate::support::{TestApp, expect_problem};

async fn with_curriculum() -> TestApp {
    TestApp::spawn_with(|s| s.content.import_on_start = true).await
}

async fn json(app: &TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.expect("json")
}

#[tokio::test]
async fn a_fresh_server_shows_the_shipped_curriculum() {
    let app = with_curriculum().await;
    let framework = json(&app, "/api/v1/framework").await;
    assert_eq!(framework["domains"].as_array().expect("domains").len(), 6);
    let competencies: usize = framework["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .map(|d| d["competencies"].as_array().expect("list").len())
        .sum();
    assert_eq!(competencies, 24);
    assert_eq!(framework["levels"].as_array().expect("levels").len(), 8);

    let mut codes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/courses?limit=3&cursor={c}"),
            None => "/api/v1/courses?limit=3".into(),
        };
        let page = json(&app, &path).await;
        codes.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|c| c["code"].as_str().expect("code").to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert!(codes.len() >= 8, "{codes:?}");
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, codes, "pages are ordered and never repeat");
}

#[tokio::test]
async fn the_catalog_filters_by_group_competency_level_and_text() {
    let app = with_curriculum().await;
    let codes = |page: Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| c["code"].as_str().expect("code").to_owned())
            .collect()
    };
    let public_sector =
        codes(json(&app, "/api/v1/courses?target_group=public_sector&limit=100").await);
    assert!(public_sector.contains(&"van-ban-dien-tu-va-chu-ky-so".to_owned()));
    assert!(!public_sector.contains(&"cho-so-4t".to_owned()));

    let ai = codes(json(&app, "/api/v1/courses?competency=6.2&limit=100").await);
    assert!(ai.contains(&"hoc-truc-tuyen-an-toan-va-dung-ai".to_owned()));
    assert!(ai.iter().all(|c| c != "dien-thoai-thong-minh-co-ban"));

    let level_two = json(&app, "/api/v1/courses?level=2&limit=100").await;
    assert!(
        level_two["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|c| c["level"] == 2)
    );

    // Typed without diacritics, found with them.
    let scams = codes(json(&app, "/api/v1/courses?q=lua%20dao").await);
    assert!(
        scams.contains(&"nhan-dien-lua-dao-truc-tuyen".to_owned()),
        "{scams:?}"
    );
    let public_services = codes(json(&app, "/api/v1/courses?q=dich%20vu%20cong").await);
    assert!(public_services.contains(&"vneid-va-dich-vu-cong-truc-tuyen".to_owned()));

    expect_problem(
        app.get("/api/v1/courses?target_group=farmers").await,
        400,
        "invalid_query",
    )
    .await;
    expect_problem(
        app.get("/api/v1/courses?level=9").await,
        400,
        "validation_failed",
    )
    .await;
    expect_problem(
        app.get("/api/v1/courses?cursor=%25%25").await,
        400,
        "invalid_cursor",
    )
    .await;
}

#[tokio::test]
async fn outlines_and_lessons_carry_etags_and_revalidate() {
    let app = with_curriculum().await;
    let course = app
        .get("/api/v1/courses/dien-thoai-thong-minh-co-ban")
        .await;
    assert_eq!(course.status(), 200);
    let etag = course.headers()["etag"].to_str().expect("etag").to_owned();
    assert!(
        course.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .contains("max-age")
    );
    let outline: Value = course.json().await.expect("json");
    assert_eq!(outline["target_groups"][0], "citizen");
    let first = &outline["modules"][0]["lessons"][0];
    assert_eq!(first["has_easy_read"], true);
    let slug = first["slug"].as_str().expect("slug").to_owned();

    let again = app
        .client
        .get(app.url("/api/v1/courses/dien-thoai-thong-minh-co-ban"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("sent");
    assert_eq!(again.status(), 304);

    let path = format!("/api/v1/courses/dien-thoai-thong-minh-co-ban/lessons/{slug}");
    let lesson = app.get(&path).await;
    let lesson_etag = lesson.headers()["etag"].to_str().expect("etag").to_owned();
    let lesson: Value = lesson.json().await.expect("json");
    assert!(lesson["markdown"].as_str().expect("md").contains("## "));
    assert!(lesson["html"].as_str().expect("html").contains("<h2>"));
    assert!(lesson["easy_read"]["html"].as_str().is_some());
    assert!(lesson["previous"].is_null());
    assert!(lesson["next"].is_string());
    let cached = app
        .client
        .get(app.url(&path))
        .header("If-None-Match", &lesson_etag)
        .send()
        .await
        .expect("sent");
    assert_eq!(cached.status(), 304);

    expect_problem(app.get("/api/v1/courses/khong-co").await, 404, "not_found").await;
    expect_problem(
        app.get("/api/v1/courses/dien-thoai-thong-minh-co-ban/lessons/khong-co")
            .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn importing_again_changes_nothing_and_edits_update_in_place() {
    let app = with_curriculum().await;
    let courses = &app.state.courses;
    let shipped = app.state.settings.content.dir.clone();
    let again = courses.import_folder(&shipped).await.expect("re-import");
    assert_eq!((again.created, again.updated), (0, 0));
    assert!(again.unchanged >= 8);

    // An edited copy: one lesson's title changes; the course keeps its id, bumps its version.
    let copy = tempfile::tempdir().expect("temp dir");
    copy_dir(&shipped, copy.path());
    let lesson = copy
        .path()
        .join("courses/cho-so-4t/lessons/01-vi-sao-nen-ban-hang-so.md");
    let text = std::fs::read_to_string(&lesson).expect("lesson");
    std::fs::write(&lesson, text.replacen("title = \"", "title = \"(Sửa) ", 1)).expect("write");
    let before = json(&app, "/api/v1/courses/cho-so-4t").await;
    let report = courses
        .import_folder(copy.path())
        .await
        .expect("import edit");
    assert_eq!((report.created, report.updated), (0, 1));
    let after = json(&app, "/api/v1/courses/cho-so-4t").await;
    assert_eq!(before["id"], after["id"]);
    assert_eq!(
        after["version"],
        before["version"].as_i64().expect("version") + 1
    );
    assert!(
        after["modules"][0]["lessons"][0]["title"]
            .as_str()
            .expect("title")
            .starts_with("(Sửa)")
    );
    let lessons = |v: &Value| -> usize {
        v["modules"]
            .as_array()
            .expect("modules")
            .iter()
            .map(|m| m["lessons"].as_array().expect("lessons").len())
            .sum()
    };
    assert_eq!(lessons(&before), lessons(&after), "no lesson duplicated");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

#[tokio::test]
async fn search_is_ranked_and_needs_no_diacritics() {
    let app = with_curriculum().await;
    let hits = |q: &'static str| {
        let app = &app;
        async move {
            let body = json(app, &format!("/api/v1/search?q={q}")).await;
            body["hits"].as_array().expect("hits").clone()
        }
    };
    let security = hits("bao%20mat").await;
    assert!(!security.is_empty());
    assert!(
        security[0]["snippet_html"]
            .as_str()
            .expect("snippet")
            .to_lowercase()
            .contains("<b>"),
        "{:?}",
        security[0]
    );

    let public_services = hits("dich%20vu%20cong").await;
    assert_eq!(
        public_services[0]["course_code"], "vneid-va-dich-vu-cong-truc-tuyen",
        "{public_services:#?}"
    );

    let scams = hits("lua%20dao%20qua%20dien%20thoai").await;
    assert_eq!(scams[0]["course_code"], "nhan-dien-lua-dao-truc-tuyen");
    assert!(scams[0]["lesson_slug"].is_string() || scams[0]["kind"] == "course");

    // With and without diacritics: the same results.
    let with = hits("ch%E1%BB%AF%20k%C3%BD%20s%E1%BB%91").await; // chữ ký số
    let without = hits("chu%20ky%20so").await;
    assert_eq!(with[0]["title"], without[0]["title"]);

    assert!(
        hits("%22unbalanced").await.len() <= 10,
        "query syntax never fails"
    );
    expect_problem(app.get("/api/v1/search?q=").await, 400, "validation_failed").await;
    expect_problem(app.get("/api/v1/search").await, 400, "invalid_query").await;
}
