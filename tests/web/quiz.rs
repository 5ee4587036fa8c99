//! Answering a final quiz in the browser as a learner who knows (or does not know) the
//! answers: the right options are worked out from the bank, as only the server knows it.

use fantoccini::Locator;
use hocvuso_assessment::dto::QuestionType;
use hocvuso_assessment::entity::attempt;
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::support::{Browser, TestApp};

/// What a learner who knows (or does not know) the answers puts in attempt `id`'s form:
/// `(name, value)` pairs as the page names them, and whether the field is typed text.
pub async fn choices(
    app: &TestApp,
    id: Uuid,
    course: &str,
    right: bool,
) -> Vec<(String, String, bool)> {
    let row = attempt::Entity::find_by_id(id)
        .one(app.db())
        .await
        .expect("attempt row")
        .expect("the attempt exists");
    let view = app
        .state
        .assessment
        .attempt(row.user_id, id)
        .await
        .expect("the attempt");
    let structure = app
        .state
        .courses
        .published_structure(course)
        .await
        .expect("course");
    let bank = app
        .state
        .assessment
        .questions(structure.id, false)
        .await
        .expect("bank");
    let mut pairs = Vec::new();
    for q in &view.questions {
        let question = bank
            .iter()
            .find(|b| b.draft.prompt == q.prompt)
            .expect("a question of the bank");
        let index_of = |text: &str| {
            question
                .draft
                .options
                .iter()
                .position(|o| o == text)
                .expect("known option") as u32
        };
        let name = format!("q{}", q.item);
        match question.draft.kind {
            QuestionType::SingleChoice | QuestionType::MultipleChoice => {
                let single = question.draft.kind == QuestionType::SingleChoice;
                let mut picked = 0;
                for (shown, option) in q.options.iter().enumerate() {
                    let is_right = question.draft.answer.contains(&index_of(option));
                    if is_right == right && !((single || !right) && picked > 0) {
                        pairs.push((name.clone(), shown.to_string(), false));
                        picked += 1;
                    }
                }
            }
            QuestionType::TrueFalse => {
                let truth = question.draft.answer_bool.expect("a true/false answer");
                // The page shows "true" first.
                let shown = if truth == right { 0 } else { 1 };
                pairs.push((name, shown.to_string(), false));
            }
            QuestionType::Ordering => {
                let mut by_place: Vec<(u32, usize)> = q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(shown, option)| (index_of(option), shown))
                    .collect();
                by_place.sort_unstable();
                if !right {
                    by_place.reverse();
                }
                for (place, (_, shown)) in by_place.iter().enumerate() {
                    pairs.push((format!("{name}-{shown}"), (place + 1).to_string(), false));
                }
            }
            QuestionType::ShortAnswer => {
                let text = if right {
                    question.draft.accepted[0].clone()
                } else {
                    "không biết".to_owned()
                };
                pairs.push((name, text, true));
            }
        }
    }
    pairs
}

/// The attempt whose page is open.
pub fn attempt_of(path: &str) -> Uuid {
    path.strip_prefix("/attempts/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not on an attempt's page: {path}"))
}

/// On an attempt's page in the browser: picks every answer (right or wrong), submits.
pub async fn answer(browser: &Browser, app: &TestApp, course: &str, right: bool) {
    let id = attempt_of(&browser.path().await);
    for (name, value, typed) in choices(app, id, course, right).await {
        if typed {
            browser.fill(&format!("input[name='{name}']"), &value).await;
        } else if name.contains('-') {
            browser
                .client
                .find(Locator::Css(&format!("select[name='{name}']")))
                .await
                .expect("a place to choose")
                .select_by_value(&value)
                .await
                .expect("choose a place");
        } else {
            browser
                .click(&format!("input[name='{name}'][value='{value}']"))
                .await;
        }
    }
    browser.click("form#quiz button[type=submit]").await;
}
