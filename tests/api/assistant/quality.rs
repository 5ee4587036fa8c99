//! Retrieval quality on the question set kept in `tests/data/assistant-eval.toml`:
//! questions learners ask (half typed without diacritics), each with the lesson that
//! answers it, and questions the lessons do not cover.

use hocvuso_kernel::TargetGroup;
use serde::Deserialize;

use super::{answer, cited, with_curriculum};
use crate::support::learner;

#[derive(Deserialize)]
struct QuestionSet {
    questions: Vec<Answerable>,
    uncovered: Vec<Uncovered>,
}

#[derive(Deserialize)]
struct Answerable {
    question: String,
    course: String,
    lesson: String,
}

#[derive(Deserialize)]
struct Uncovered {
    question: String,
}

const RECALL_AT_3_NEEDED: f64 = 0.8;
/// Regression guards below the figures reached (100 % and 11 of 14 when written): the
/// assistant answers answerable questions and declines most it cannot answer. Words
/// alone cannot tell "hoa hong" (a rose) from "hoa hồng" (a commission) when typed
/// without diacritics, so a few off-topic questions get an answer from a lesson.
const ANSWERED_NEEDED: f64 = 0.9;
const DECLINED_NEEDED: f64 = 0.75;

#[tokio::test]
async fn the_right_lesson_is_among_the_first_three_cited() {
    let set: QuestionSet =
        toml::from_str(include_str!("../../data/assistant-eval.toml")).expect("question set");
    assert!(set.questions.len() >= 60, "at least 60 questions");
    let plain = set
        .questions
        .iter()
        .filter(|q| q.question.is_ascii())
        .count();
    assert!(
        plain * 2 >= set.questions.len(),
        "half typed without diacritics"
    );

    let app = with_curriculum().await;
    let citizen = learner(&app, "0914000010", Some("citizen")).await;
    let (mut at_1, mut at_3, mut answered, mut cited_right) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    for q in &set.questions {
        let expected = format!("{}/{}", q.course, q.lesson);
        // The ranking the answer is built from.
        let retrieval = app
            .state
            .assistant
            .retrieve(&q.question, Some(TargetGroup::Citizen))
            .await
            .expect("retrieve");
        let lessons: Vec<String> = retrieval
            .lessons
            .iter()
            .take(3)
            .map(|hit| {
                let lesson = &retrieval.corpus.lessons[hit.lesson];
                format!("{}/{}", lesson.course_code, lesson.slug)
            })
            .collect();
        // And the answer a learner gets.
        let response = answer(&app, &citizen, &q.question, None).await;
        if response["covered"] == true {
            answered += 1;
        }
        if cited(&response).contains(&expected) {
            cited_right += 1;
        }
        match lessons.iter().position(|l| *l == expected) {
            Some(0) => {
                at_1 += 1;
                at_3 += 1;
            }
            Some(_) => at_3 += 1,
            None => misses.push(format!("{:?} → {lessons:?}, wanted {expected}", q.question)),
        }
    }
    let mut made_up: Vec<String> = Vec::new();
    for q in &set.uncovered {
        let response = answer(&app, &citizen, &q.question, None).await;
        if response["covered"] != false {
            made_up.push(format!("{:?} → {:?}", q.question, cited(&response)));
        }
    }
    let n = set.questions.len() as f64;
    let (recall_1, recall_3) = (at_1 as f64 / n, at_3 as f64 / n);
    let answered_share = answered as f64 / n;
    let declined_share = 1.0 - made_up.len() as f64 / set.uncovered.len() as f64;
    eprintln!(
        "assistant retrieval: {} questions, recall@1 {recall_1:.3}, recall@3 {recall_3:.3}; answered {answered} ({answered_share:.3}), the right lesson cited in {cited_right}; {} of {} uncovered questions declined",
        set.questions.len(),
        set.uncovered.len() - made_up.len(),
        set.uncovered.len()
    );
    for miss in &misses {
        eprintln!("  missed: {miss}");
    }
    for wrong in &made_up {
        eprintln!("  answered anyway: {wrong}");
    }
    assert!(
        recall_3 >= RECALL_AT_3_NEEDED,
        "recall@3 {recall_3:.3} below {RECALL_AT_3_NEEDED}"
    );
    assert!(
        answered_share >= ANSWERED_NEEDED,
        "answered {answered_share:.3}"
    );
    assert!(
        declined_share >= DECLINED_NEEDED,
        "declined {declined_share:.3}: {made_up:#?}"
    );
}
