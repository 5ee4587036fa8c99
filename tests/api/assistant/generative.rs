//! The generative mode against an OpenAI-compatible endpoint served by the test: the
//! model sees the retrieved passages and the conversation, its answer keeps the
//! citations, it is not asked what the lessons do not cover, and when it fails the
//! learner gets the extractive answer.

use std::sync::{Arc, Mutex};

use actix_web::{App, HttpResponse, HttpServer, web};
use hocvuso_server::config::GenerativeSettings;
use serde_json::{Value, json};

use super::{answer, cited};
use crate::support::{TestApp, learner};

const WRITTEN: &str =
    "Bạn mở kho ứng dụng, tìm đúng ứng dụng VNeID của Bộ Công an rồi cài đặt [1].";

struct Model {
    url: String,
    requests: Arc<Mutex<Vec<Value>>>,
    _server: actix_web::dev::ServerHandle,
}

/// An OpenAI-compatible chat endpoint that records what it is sent; `healthy = false`
/// answers every request with 503.
async fn model(healthy: bool) -> Model {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let server = HttpServer::new(move || {
        let seen = seen.clone();
        App::new().route(
            "/v1/chat/completions",
            web::post().to(move |body: web::Json<Value>| {
                let seen = seen.clone();
                async move {
                    seen.lock().expect("requests").push(body.into_inner());
                    if !healthy {
                        return HttpResponse::ServiceUnavailable().json(json!({
                            "error": {"message": "overloaded", "type": "server_error", "param": null, "code": null}
                        }));
                    }
                    HttpResponse::Ok().json(json!({
                        "id": "chatcmpl-1", "object": "chat.completion", "created": 1_700_000_000, "model": "test-model",
                        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": WRITTEN}}],
                        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}
                    }))
                }
            }),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .expect("bind the model");
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    Model {
        url: format!("http://{addr}/v1"),
        requests,
        _server: handle,
    }
}

async fn app_with(model: &Model) -> TestApp {
    let url = model.url.clone();
    TestApp::spawn_with(move |s| {
        s.content.import_on_start = true;
        s.assistant.generative = Some(GenerativeSettings {
            base_url: url,
            model: "test-model".into(),
            api_key: Some("sk-test".into()),
            timeout_seconds: 2,
            max_tokens: 300,
        });
    })
    .await
}

fn message(request: &Value, index: usize) -> (String, String) {
    let m = &request["messages"][index];
    (
        m["role"].as_str().unwrap_or_default().to_owned(),
        m["content"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn the_model_writes_from_the_passages_and_the_citations_stay() {
    let model = model(true).await;
    let app = app_with(&model).await;
    let citizen = learner(&app, "0914000020", Some("citizen")).await;

    let first = answer(&app, &citizen, "lam sao cai VNeID tren dien thoai", None).await;
    assert_eq!(first["mode"], "generative");
    assert_eq!(first["answer"], WRITTEN);
    assert_eq!(
        cited(&first)[0],
        "vneid-va-dich-vu-cong-truc-tuyen/02-cai-dat-va-kich-hoat-vneid"
    );
    {
        let requests = model.requests.lock().expect("requests");
        assert_eq!(requests.len(), 1);
        let request = &requests[0];
        assert_eq!(request["model"], "test-model");
        let (role, system) = message(request, 0);
        assert_eq!(role, "system");
        // The model is told to use the passages only, and gets them numbered as cited.
        assert!(system.contains("Chỉ trả lời dựa trên các đoạn trích"));
        let title = first["citations"][0]["lesson_title"]
            .as_str()
            .expect("title");
        assert!(system.contains(&format!("[1] Bài «{title}»")), "{system}");
        assert_eq!(
            message(request, 1),
            ("user".into(), "lam sao cai VNeID tren dien thoai".into())
        );
    }

    // A follow-up carries the conversation so far.
    let id = first["conversation_id"].as_str().expect("id");
    answer(&app, &citizen, "kích hoạt tài khoản mức 2 ở đâu", Some(id)).await;
    {
        let requests = model.requests.lock().expect("requests");
        let request = &requests[1];
        assert_eq!(
            message(request, 1),
            ("user".into(), "lam sao cai VNeID tren dien thoai".into())
        );
        assert_eq!(message(request, 2), ("assistant".into(), WRITTEN.into()));
        assert_eq!(message(request, 3).0, "user");
    }

    // What the lessons do not cover never reaches the model.
    let unknown = answer(&app, &citizen, "cách nấu phở bò ngon", None).await;
    assert_eq!(unknown["covered"], false);
    assert_eq!(unknown["mode"], "extractive");
    assert_eq!(model.requests.lock().expect("requests").len(), 2);
}

#[tokio::test]
async fn when_the_model_fails_the_lessons_answer() {
    let model = model(false).await;
    let app = app_with(&model).await;
    let citizen = learner(&app, "0914000021", Some("citizen")).await;
    let fallback = answer(&app, &citizen, "lam sao cai VNeID tren dien thoai", None).await;
    // Asked (and retried while time allowed), then the lessons answered.
    assert!(!model.requests.lock().expect("requests").is_empty());
    assert_eq!(fallback["covered"], true);
    assert_eq!(fallback["mode"], "extractive");
    assert!(
        fallback["answer"]
            .as_str()
            .expect("answer")
            .starts_with("Theo bài «")
    );
    assert_eq!(
        cited(&fallback)[0],
        "vneid-va-dich-vu-cong-truc-tuyen/02-cai-dat-va-kich-hoat-vneid"
    );
}
