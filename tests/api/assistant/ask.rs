use reqwest::Method;
use serde_json::{Value, json};

use super::{answer, ask, cited, get_json, with_curriculum};
use crate::support::{TestApp, expect_problem, learner, send};

#[tokio::test]
async fn questions_are_answered_from_the_lessons_with_citations() {
    let app = with_curriculum().await;
    let citizen = learner(&app, "0914000001", Some("citizen")).await;

    // Without diacritics, as typed on many phones.
    let install = answer(&app, &citizen, "lam sao cai VNeID tren dien thoai", None).await;
    assert_eq!(install["covered"], true, "{install}");
    assert_eq!(install["mode"], "extractive");
    let lessons = cited(&install);
    assert_eq!(
        lessons[0], "vneid-va-dich-vu-cong-truc-tuyen/02-cai-dat-va-kich-hoat-vneid",
        "{lessons:?}"
    );
    let text = install["answer"].as_str().expect("answer");
    assert!(text.starts_with("Theo bài «"), "{text}");
    assert!(text.contains("[1]"), "{text}");
    // A "how" question gets the lesson's own steps.
    assert!(text.contains("1. Mở CH Play"), "{text}");
    let first = &install["citations"][0];
    assert_eq!(first["number"], 1);
    assert!(!first["excerpt"].as_str().expect("excerpt").is_empty());
    // The citation leads to the lesson.
    let lesson = app.get(first["path"].as_str().expect("path")).await;
    assert_eq!(lesson.status(), 200);

    // With diacritics, the scams course answers.
    let scam = answer(
        &app,
        &citizen,
        "nhận biết lừa đảo qua điện thoại",
        Some(install["conversation_id"].as_str().expect("id")),
    )
    .await;
    assert_eq!(scam["covered"], true);
    assert_eq!(scam["conversation_id"], install["conversation_id"]);
    assert!(
        cited(&scam)[0].starts_with("nhan-dien-lua-dao-truc-tuyen/"),
        "{:?}",
        cited(&scam)
    );

    // What the lessons do not speak of, the assistant does not make up.
    for question in ["cách nấu phở bò ngon", "ket qua xo so mien bac hom nay"] {
        let unknown = answer(&app, &citizen, question, None).await;
        assert_eq!(unknown["covered"], false, "{question}: {unknown}");
        assert_eq!(unknown["citations"], json!([]));
        assert!(
            unknown["answer"]
                .as_str()
                .expect("answer")
                .contains("chưa nói về điều bạn hỏi")
        );
    }
}

#[tokio::test]
async fn conversations_are_kept_per_learner() {
    let app = with_curriculum().await;
    let citizen = learner(&app, "0914000002", Some("citizen")).await;
    let other = learner(&app, "0914000003", Some("citizen")).await;

    let first = answer(&app, &citizen, "quên mật khẩu VNeID thì làm sao", None).await;
    let id = first["conversation_id"]
        .as_str()
        .expect("conversation")
        .to_owned();
    // A short follow-up leans on the question before it.
    let follow_up = answer(&app, &citizen, "còn cách nào khác không?", Some(&id)).await;
    assert_eq!(follow_up["covered"], true, "{follow_up}");
    assert!(
        cited(&follow_up)
            .iter()
            .any(|l| l.starts_with("vneid-va-dich-vu-cong-truc-tuyen/")),
        "{:?}",
        cited(&follow_up)
    );
    // Alone, it says nothing the lessons could answer.
    let alone = answer(&app, &citizen, "còn cách nào khác không?", None).await;
    assert_eq!(alone["covered"], false, "{alone}");

    let listed: Value = get_json(&app, &citizen, "/api/v1/assistant/conversations").await;
    let items = listed["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    // Newest first: the lone follow-up, then the conversation of two turns.
    assert_eq!(items[1]["id"], id.as_str());
    assert_eq!(items[1]["turns"], 2);
    assert_eq!(items[1]["title"], "quên mật khẩu VNeID thì làm sao");

    let path = format!("/api/v1/assistant/conversations/{id}");
    let shown: Value = get_json(&app, &citizen, &path).await;
    let turns = shown["turns"].as_array().expect("turns");
    assert_eq!(turns.len(), 2);
    assert_eq!(turns[0]["question"], "quên mật khẩu VNeID thì làm sao");
    assert_eq!(turns[0]["answer"], first["answer"]);
    assert_eq!(turns[0]["citations"], first["citations"]);
    assert_eq!(turns[1]["question"], "còn cách nào khác không?");

    // Another learner neither sees it nor adds to it.
    let foreign = send(&app, Method::GET, &path, Some(&other.access_token), None).await;
    expect_problem(foreign, 404, "not_found").await;
    expect_problem(
        ask(&app, &other, "VNeID là gì", Some(&id)).await,
        404,
        "not_found",
    )
    .await;
    let theirs: Value = get_json(&app, &other, "/api/v1/assistant/conversations").await;
    assert_eq!(theirs["items"], json!([]));
    let not_theirs = send(&app, Method::DELETE, &path, Some(&other.access_token), None).await;
    expect_problem(not_theirs, 404, "not_found").await;

    // The learner forgets it.
    let deleted = send(
        &app,
        Method::DELETE,
        &path,
        Some(&citizen.access_token),
        None,
    )
    .await;
    assert_eq!(deleted.status(), 204);
    let gone = send(&app, Method::GET, &path, Some(&citizen.access_token), None).await;
    expect_problem(gone, 404, "not_found").await;
}

#[tokio::test]
async fn bad_questions_are_refused_and_asking_is_limited_per_learner() {
    let app = TestApp::spawn_with(|s| {
        s.content.import_on_start = true;
        s.rate_limits.ask_per_minute = 3;
    })
    .await;
    let citizen = learner(&app, "0914000004", Some("citizen")).await;
    let anonymous = app
        .post_json("/api/v1/assistant/ask", &json!({"question": "VNeID là gì"}))
        .await;
    expect_problem(anonymous, 401, "unauthorized").await;
    let empty = send(
        &app,
        Method::POST,
        "/api/v1/assistant/ask",
        Some(&citizen.access_token),
        Some(&json!({"question": ""})),
    )
    .await;
    expect_problem(empty, 400, "validation_failed").await;
    let long = "hỏi ".repeat(200);
    let too_long = ask(&app, &citizen, &long, None).await;
    expect_problem(too_long, 400, "validation_failed").await;
    let unknown = ask(
        &app,
        &citizen,
        "VNeID là gì",
        Some("00000000-0000-7000-8000-000000000000"),
    )
    .await;
    expect_problem(unknown, 404, "not_found").await;
    let malformed = ask(&app, &citizen, "VNeID là gì", Some("not-a-uuid")).await;
    assert_eq!(malformed.status(), 400);

    // Three a minute: the fourth waits, and another learner is not held back.
    let mut statuses = Vec::new();
    for _ in 0..2 {
        statuses.push(
            ask(&app, &citizen, "VNeID là gì", None)
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [200, 200]);
    let limited = ask(&app, &citizen, "VNeID là gì", None).await;
    let body = expect_problem(limited, 429, "rate_limited").await;
    assert!(body["title"].is_string());
    let neighbour = learner(&app, "0914000005", Some("citizen")).await;
    assert_eq!(
        ask(&app, &neighbour, "VNeID là gì", None).await.status(),
        200
    );
}
