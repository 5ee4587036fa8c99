//! The learning assistant over HTTP: answers from the lessons with citations, the
//! conversations kept per learner, the optional language model, retrieval quality on
//! the question set, and the next step for every learner.

mod ask;
mod generative;
mod next;
mod quality;

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Session, TestApp, send};

/// A server with the shipped curriculum, and room for many questions a minute.
async fn with_curriculum() -> TestApp {
    TestApp::spawn_with(|s| {
        s.content.import_on_start = true;
        s.rate_limits.ask_per_minute = 10_000;
    })
    .await
}

async fn ask(
    app: &TestApp,
    who: &Session,
    question: &str,
    conversation: Option<&str>,
) -> reqwest::Response {
    send(
        app,
        Method::POST,
        "/api/v1/assistant/ask",
        Some(&who.access_token),
        Some(&json!({"question": question, "conversation_id": conversation})),
    )
    .await
}

/// Asks and expects an answer.
async fn answer(app: &TestApp, who: &Session, question: &str, conversation: Option<&str>) -> Value {
    let response = ask(app, who, question, conversation).await;
    assert_eq!(response.status(), 200, "asking {question:?}");
    response.json().await.expect("json")
}

/// A signed-in GET that answers 200 with JSON.
pub(super) use crate::support::get_json;

/// The lessons an answer cites, as `course/lesson`.
fn cited(answer: &Value) -> Vec<String> {
    answer["citations"]
        .as_array()
        .expect("citations")
        .iter()
        .map(|c| {
            format!(
                "{}/{}",
                c["course_code"].as_str().unwrap_or_default(),
                c["lesson_slug"].as_str().unwrap_or_default()
            )
        })
        .collect()
}
