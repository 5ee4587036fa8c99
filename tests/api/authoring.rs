//! Trainers build a course, publish it when complete, reorder and archive it.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, expect_problem, send, trainer, ward_admin};

fn course_body(code: &str) -> Value {
    json!({
        "code": code,
        "title": "Sử dụng Zalo an toàn",
        "summary": "Gọi điện, nhắn tin và bảo vệ tài khoản Zalo.",
        "target_groups": ["citizen"],
        "audiences": ["elderly"],
        "level": 1,
        "competencies": ["2.1", "4.2"],
        "estimated_minutes": 30,
        "pass_mark": 70
    })
}

fn lesson_body(slug: &str, body: &str) -> Value {
    json!({
        "slug": slug, "title": format!("Bài {slug}"), "summary": "Tóm tắt.",
        "body": body, "level": 1, "competencies": ["2.1"], "estimated_minutes": 10
    })
}

#[tokio::test]
async fn a_trainer_builds_publishes_reorders_and_archives_a_course() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let (admin, ward) = ward_admin(&app, "canbo@phuong1.vn", "Phường 1").await;
    let author = trainer(&app, &admin, &ward, "gv@phuong1.vn").await;
    let token = Some(author.access_token.as_str());

    let created = send(
        &app,
        Method::POST,
        "/api/v1/authoring/courses",
        token,
        Some(&course_body("zalo-an-toan")),
    )
    .await;
    assert_eq!(created.status(), 201);
    let course: Value = created.json().await.expect("json");
    assert_eq!(course["status"], "draft");
    let id = course["id"].as_str().expect("id").to_owned();
    assert_eq!(
        app.get("/api/v1/courses/zalo-an-toan").await.status(),
        404,
        "drafts are not in the catalog"
    );

    let base = format!("/api/v1/authoring/courses/{id}");
    let with_module: Value = send(
        &app,
        Method::POST,
        &format!("{base}/modules"),
        token,
        Some(&json!({"code": "co-ban", "title": "Cơ bản"})),
    )
    .await
    .json()
    .await
    .expect("json");
    let module = with_module["modules"][0]["id"]
        .as_str()
        .expect("module id")
        .to_owned();
    let lessons_path = format!("{base}/modules/{module}/lessons");
    assert_eq!(
        send(
            &app,
            Method::POST,
            &lessons_path,
            token,
            Some(&lesson_body(
                "01-goi-dien",
                "## Gọi điện\n\nBấm vào biểu tượng điện thoại."
            ))
        )
        .await
        .status(),
        201
    );
    let added: Value = send(
        &app,
        Method::POST,
        &lessons_path,
        token,
        Some(&lesson_body("02-bao-ve", "")),
    )
    .await
    .json()
    .await
    .expect("json");
    let lessons = added["modules"][0]["lessons"]
        .as_array()
        .expect("lessons")
        .clone();
    assert_eq!(lessons.len(), 2);

    // Incomplete: the second lesson has no content yet.
    let early = send(&app, Method::POST, &format!("{base}/publish"), token, None).await;
    let problem = expect_problem(early, 400, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "lesson_incomplete");

    let second = lessons[1]["id"].as_str().expect("id");
    let filled = send(
        &app,
        Method::PUT,
        &format!("{base}/lessons/{second}"),
        token,
        Some(&lesson_body(
            "02-bao-ve",
            "Đặt mật khẩu mạnh và bật xác thực hai lớp.",
        )),
    )
    .await;
    assert_eq!(filled.status(), 200);
    let published: Value = send(&app, Method::POST, &format!("{base}/publish"), token, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(published["status"], "published");

    let in_catalog = app.get("/api/v1/courses/zalo-an-toan").await;
    assert_eq!(in_catalog.status(), 200);
    let etag = in_catalog.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    let lesson = app
        .get("/api/v1/courses/zalo-an-toan/lessons/01-goi-dien")
        .await;
    let lesson: Value = lesson.json().await.expect("json");
    assert!(
        lesson["html"]
            .as_str()
            .expect("html")
            .contains("<h2>Gọi điện</h2>")
    );

    // Reorder: the second lesson first. The catalog's ETag changes with it.
    let order = json!({"modules": [{"module_id": module, "lesson_ids": [lessons[1]["id"], lessons[0]["id"]]}]});
    let reordered: Value = send(
        &app,
        Method::PUT,
        &format!("{base}/order"),
        token,
        Some(&order),
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(reordered["modules"][0]["lessons"][0]["slug"], "02-bao-ve");
    let after = app.get("/api/v1/courses/zalo-an-toan").await;
    assert_ne!(after.headers()["etag"].to_str().expect("etag"), etag);
    let incomplete = json!({"modules": [{"module_id": module, "lesson_ids": [lessons[0]["id"]]}]});
    let problem = expect_problem(
        send(
            &app,
            Method::PUT,
            &format!("{base}/order"),
            token,
            Some(&incomplete),
        )
        .await,
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "order_incomplete");

    let mine: Value = send(&app, Method::GET, "/api/v1/authoring/courses", token, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine.as_array().expect("list").len(), 1);

    assert_eq!(
        send(&app, Method::POST, &format!("{base}/archive"), token, None)
            .await
            .status(),
        200
    );
    assert_eq!(app.get("/api/v1/courses/zalo-an-toan").await.status(), 404);
}

#[tokio::test]
async fn only_the_author_and_administrators_in_scope_may_edit() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let (admin, ward) = ward_admin(&app, "canbo@phuong1.vn", "Phường 1").await;
    let (other_admin, other_ward) = ward_admin(&app, "canbo@phuong2.vn", "Phường 2").await;
    let author = trainer(&app, &admin, &ward, "gv1@phuong1.vn").await;
    let colleague = trainer(&app, &other_admin, &other_ward, "gv2@phuong2.vn").await;

    let created: Value = send(
        &app,
        Method::POST,
        "/api/v1/authoring/courses",
        Some(&author.access_token),
        Some(&course_body("zalo-an-toan")),
    )
    .await
    .json()
    .await
    .expect("json");
    let path = format!(
        "/api/v1/authoring/courses/{}/modules",
        created["id"].as_str().expect("id")
    );
    let module = json!({"code": "m1", "title": "Học phần"});
    let by = |token: String| {
        let (app, path, module) = (&app, path.clone(), module.clone());
        async move {
            send(app, Method::POST, &path, Some(&token), Some(&module))
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        by(colleague.access_token.clone()).await,
        403,
        "another trainer"
    );
    assert_eq!(
        by(other_admin.access_token.clone()).await,
        403,
        "an administrator of another ward"
    );
    assert_eq!(
        by(admin.access_token.clone()).await,
        201,
        "the author's administrator"
    );

    // The shipped curriculum is edited in its files, not through the API.
    let shipped: Value = app
        .get("/api/v1/courses/cho-so-4t")
        .await
        .json()
        .await
        .expect("json");
    let shipped_path = format!(
        "/api/v1/authoring/courses/{}/publish",
        shipped["id"].as_str().expect("id")
    );
    let response = send(
        &app,
        Method::POST,
        &shipped_path,
        Some(&admin.access_token),
        None,
    )
    .await;
    expect_problem(response, 403, "forbidden").await;

    // Bad input.
    let mut unknown = course_body("khac");
    unknown["competencies"] = json!(["9.9"]);
    let problem = expect_problem(
        send(
            &app,
            Method::POST,
            "/api/v1/authoring/courses",
            Some(&author.access_token),
            Some(&unknown),
        )
        .await,
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "unknown_competency");
    let taken = send(
        &app,
        Method::POST,
        "/api/v1/authoring/courses",
        Some(&colleague.access_token),
        Some(&course_body("zalo-an-toan")),
    )
    .await;
    let problem = expect_problem(taken, 400, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "course_code_taken");
}

#[tokio::test]
async fn the_shipped_curriculums_codes_are_kept_and_a_clash_never_stops_a_start() {
    use hocvuso_courses::entity::course;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let (admin, ward) = ward_admin(&app, "canbo@phuong1.vn", "Phường 1").await;
    let author = trainer(&app, &admin, &ward, "gv@phuong1.vn").await;
    let create = |code: &'static str| {
        let (app, token) = (&app, author.access_token.clone());
        async move {
            send(
                app,
                Method::POST,
                "/api/v1/authoring/courses",
                Some(&token),
                Some(&course_body(code)),
            )
            .await
        }
    };

    // Every shipped code, and the codes of releases to come, are kept.
    for code in ["nhan-dien-lua-dao-truc-tuyen", "gia-dinh-so"] {
        let problem = expect_problem(create(code).await, 400, "validation_failed").await;
        assert_eq!(
            problem["errors"][0]["code"], "course_code_reserved",
            "{code}"
        );
    }
    assert_eq!(create("zalo-an-toan").await.status(), 201);

    // A database older than the reservation: a trainer's course holds a shipped code.
    // The next import leaves that course out, says so, and imports the rest.
    let trainer_id = uuid::Uuid::parse_str(&author.user_id).expect("uuid");
    course::Entity::update_many()
        .col_expr(course::Column::OwnerId, Expr::value(trainer_id))
        .filter(course::Column::Code.eq("cho-so-4t"))
        .exec(app.db())
        .await
        .expect("made a trainer's");
    let report = app
        .state
        .import_curriculum(&app.state.settings.content.dir)
        .await
        .expect("the import goes on past the clash");
    assert_eq!(report.courses.clashes, vec!["cho-so-4t".to_owned()]);
    let shipped = std::fs::read_dir(app.state.settings.content.dir.join("courses"))
        .expect("courses")
        .count();
    assert_eq!(report.courses.unchanged, shipped - 1, "the rest imports");
}

#[tokio::test]
async fn a_course_with_a_quiz_is_published_only_with_three_draws_worth_of_questions() {
    let app = TestApp::spawn_with(|s| s.content.import_on_start = true).await;
    let (admin, ward) = ward_admin(&app, "canbo@phuong1.vn", "Phường 1").await;
    let author = trainer(&app, &admin, &ward, "gv@phuong1.vn").await;
    let token = Some(author.access_token.as_str());
    let course: Value = send(
        &app,
        Method::POST,
        "/api/v1/authoring/courses",
        token,
        Some(&course_body("zalo-an-toan")),
    )
    .await
    .json()
    .await
    .expect("json");
    let base = format!(
        "/api/v1/authoring/courses/{}",
        course["id"].as_str().expect("id")
    );
    let module: Value = send(
        &app,
        Method::POST,
        &format!("{base}/modules"),
        token,
        Some(&json!({"code": "co-ban", "title": "Cơ bản"})),
    )
    .await
    .json()
    .await
    .expect("json");
    let module = module["modules"][0]["id"].as_str().expect("module");
    let lesson = send(
        &app,
        Method::POST,
        &format!("{base}/modules/{module}/lessons"),
        token,
        Some(&lesson_body(
            "01-goi-dien",
            "## Gọi điện\n\nBấm vào biểu tượng điện thoại.",
        )),
    )
    .await;
    assert_eq!(lesson.status(), 201);
    // Two questions an attempt: six in the bank at least.
    let settings = send(
        &app,
        Method::PUT,
        &format!("{base}/quiz"),
        token,
        Some(
            &json!({"question_count": 2, "time_limit_minutes": 10, "max_attempts": 3,
                     "cooldown_minutes": 0, "grading": "highest"}),
        ),
    )
    .await;
    assert_eq!(settings.status(), 200);
    let add = |n: u32| {
        let (app, base) = (&app, base.clone());
        async move {
            send(
                app,
                Method::POST,
                &format!("{base}/questions"),
                token,
                Some(&json!({
                    "code": format!("q{n}"), "competency": "2.1", "level": 1, "type": "true_false",
                    "prompt": format!("Câu {n}: Zalo gọi được video?"), "answer_bool": true,
                    "explanation": "Zalo gọi được cả thoại và video."
                })),
            )
            .await
            .status()
        }
    };
    for n in 0..5 {
        assert_eq!(add(n).await, 201);
    }
    let publish = format!("{base}/publish");
    let short = expect_problem(
        send(&app, Method::POST, &publish, token, None).await,
        400,
        "validation_failed",
    )
    .await;
    assert_eq!(short["errors"][0]["field"], "questions");
    assert_eq!(short["errors"][0]["code"], "bank_too_small");
    assert_eq!(add(5).await, 201);
    assert_eq!(
        send(&app, Method::POST, &publish, token, None)
            .await
            .status(),
        200
    );
}
