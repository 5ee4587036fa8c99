//! Grading one question: the drawn question as stored on the attempt, the learner's
//! response in the positions they saw, and the mapping back through the attempt's
//! option order. A question is right or wrong as a whole: no partial credit.

use std::collections::BTreeSet;

use hocvuso_kernel::text::fold;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

use crate::dto::{CorrectAnswer, QuestionType, Response};

/// Longest short answer accepted, in characters.
pub const MAX_SHORT_ANSWER: usize = 500;

/// A drawn question as the attempt keeps it: the question as it was when drawn (so
/// grading and review use what the learner saw, whatever the bank becomes) and the
/// option order of this attempt. Server-side only: it holds the answer key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Item {
    pub question_id: Uuid,
    pub kind: QuestionType,
    pub competency: String,
    pub level: i32,
    pub prompt: String,
    /// In the bank's order.
    pub options: Vec<String>,
    /// Shown position → index in `options`.
    pub order: Vec<u32>,
    pub answer: Vec<u32>,
    pub answer_bool: Option<bool>,
    pub accepted: Vec<String>,
    pub diacritics_insensitive: bool,
    pub explanation: String,
}

/// Short answers as compared: Unicode NFC, lower case, no surrounding space, inner
/// runs of space as one; with `diacritics_insensitive`, diacritics removed and đ as d.
pub fn normalise(text: &str, diacritics_insensitive: bool) -> String {
    // NFC before lower-casing so composed and decomposed input case-fold alike, and
    // again after, since lower-casing may decompose a few characters.
    let lowered: String = text.nfc().flat_map(char::to_lowercase).nfc().collect();
    let collapsed = lowered.split_whitespace().collect::<Vec<_>>().join(" ");
    if diacritics_insensitive {
        fold(&collapsed)
    } else {
        collapsed
    }
}

impl Item {
    fn len(&self) -> usize {
        self.order.len()
    }

    /// The options in the order this attempt shows them.
    pub fn shown_options(&self) -> Vec<String> {
        self.order
            .iter()
            .filter_map(|&i| self.options.get(i as usize).cloned())
            .collect()
    }

    fn original(&self, shown: u32) -> Option<u32> {
        self.order.get(shown as usize).copied()
    }

    /// Why `response` does not fit the question, as an error code.
    pub fn check_response(&self, response: &Response) -> Result<(), &'static str> {
        let in_range = |positions: &[u32]| positions.iter().all(|&p| (p as usize) < self.len());
        match self.kind {
            QuestionType::SingleChoice => match &response.selected {
                Some(s) if s.len() == 1 && in_range(s) => Ok(()),
                Some(s) if s.len() == 1 => Err("option_out_of_range"),
                _ => Err("choose_one"),
            },
            QuestionType::MultipleChoice => match &response.selected {
                Some(s) if s.is_empty() || distinct(s).len() != s.len() => Err("choose_some"),
                Some(s) if in_range(s) => Ok(()),
                Some(_) => Err("option_out_of_range"),
                None => Err("choose_some"),
            },
            QuestionType::TrueFalse => match response.value {
                Some(_) => Ok(()),
                None => Err("value_required"),
            },
            QuestionType::Ordering => match &response.order {
                Some(o)
                    if o.len() == self.len() && in_range(o) && distinct(o).len() == self.len() =>
                {
                    Ok(())
                }
                _ => Err("order_required"),
            },
            QuestionType::ShortAnswer => match &response.text {
                Some(t) if !t.trim().is_empty() && t.chars().count() <= MAX_SHORT_ANSWER => Ok(()),
                _ => Err("text_required"),
            },
        }
    }

    /// Whether a well-formed response is right.
    pub fn is_correct(&self, response: &Response) -> bool {
        match self.kind {
            QuestionType::SingleChoice | QuestionType::MultipleChoice => {
                let chosen: Option<BTreeSet<u32>> = response
                    .selected
                    .as_ref()
                    .and_then(|s| s.iter().map(|&p| self.original(p)).collect());
                chosen.is_some_and(|c| c == distinct(&self.answer))
            }
            QuestionType::TrueFalse => {
                response.value.is_some() && response.value == self.answer_bool
            }
            QuestionType::Ordering => {
                let originals: Option<Vec<u32>> = response
                    .order
                    .as_ref()
                    .and_then(|o| o.iter().map(|&p| self.original(p)).collect());
                originals.is_some_and(|o| {
                    o.len() == self.len() && o.iter().enumerate().all(|(i, &k)| i == k as usize)
                })
            }
            QuestionType::ShortAnswer => response.text.as_deref().is_some_and(|text| {
                let given = normalise(text, self.diacritics_insensitive);
                self.accepted
                    .iter()
                    .any(|a| normalise(a, self.diacritics_insensitive) == given)
            }),
        }
    }

    /// The right answer, in the positions this attempt shows.
    pub fn correct_answer(&self) -> CorrectAnswer {
        let shown_of = |original: u32| self.order.iter().position(|&k| k == original);
        let to_u32 = |p: usize| u32::try_from(p).unwrap_or(u32::MAX);
        match self.kind {
            QuestionType::SingleChoice | QuestionType::MultipleChoice => {
                let mut selected: Vec<u32> = self
                    .answer
                    .iter()
                    .filter_map(|&k| shown_of(k))
                    .map(to_u32)
                    .collect();
                selected.sort_unstable();
                CorrectAnswer {
                    selected: Some(selected),
                    ..CorrectAnswer::default()
                }
            }
            QuestionType::TrueFalse => CorrectAnswer {
                value: self.answer_bool,
                ..CorrectAnswer::default()
            },
            QuestionType::Ordering => CorrectAnswer {
                order: Some(
                    (0..self.len())
                        .filter_map(|k| shown_of(to_u32(k)))
                        .map(to_u32)
                        .collect(),
                ),
                ..CorrectAnswer::default()
            },
            QuestionType::ShortAnswer => CorrectAnswer {
                accepted: Some(self.accepted.clone()),
                ..CorrectAnswer::default()
            },
        }
    }
}

fn distinct(values: &[u32]) -> BTreeSet<u32> {
    values.iter().copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: QuestionType, options: &[&str], order: &[u32]) -> Item {
        Item {
            question_id: Uuid::nil(),
            kind,
            competency: "4.2".into(),
            level: 1,
            prompt: "P".into(),
            options: options.iter().map(|s| s.to_string()).collect(),
            order: order.to_vec(),
            answer: Vec::new(),
            answer_bool: None,
            accepted: Vec::new(),
            diacritics_insensitive: false,
            explanation: "E".into(),
        }
    }

    fn text(t: &str) -> Response {
        Response {
            text: Some(t.into()),
            ..Response::default()
        }
    }

    #[test]
    fn normalises_case_space_and_unicode_form() {
        assert_eq!(normalise("  Bảo   MẬT ", false), "bảo mật");
        assert_eq!(
            normalise("  Bảo   MẬT ", false),
            normalise("bảo mật", false)
        );
        let nfd: String = "Bảo mật".nfd().collect();
        assert_ne!(nfd, "Bảo mật");
        assert_eq!(normalise(&nfd, false), normalise("bảo mật", false));
        assert_eq!(normalise("Đăng\tKý", true), "dang ky");
    }

    #[test]
    fn diacritics_are_optional_only_when_the_question_says_so() {
        let mut q = item(QuestionType::ShortAnswer, &[], &[]);
        q.accepted = vec!["bảo mật".into()];
        assert!(q.is_correct(&text("  Bảo   MẬT ")));
        assert!(!q.is_correct(&text("bao mat")));
        q.diacritics_insensitive = true;
        assert!(q.is_correct(&text("bao mat")));
        assert!(q.is_correct(&text("BẢO MẬT")));
        assert!(!q.is_correct(&text("bao")));
    }

    #[test]
    fn choices_map_back_through_the_shown_order() {
        // Shown: C, A, B (order [2, 0, 1]); the right option is B (index 1).
        let mut q = item(QuestionType::SingleChoice, &["A", "B", "C"], &[2, 0, 1]);
        q.answer = vec![1];
        assert_eq!(q.shown_options(), ["C", "A", "B"]);
        let pick = |p: u32| Response {
            selected: Some(vec![p]),
            ..Response::default()
        };
        assert!(q.is_correct(&pick(2)));
        assert!(!q.is_correct(&pick(1)));
        assert_eq!(q.correct_answer().selected, Some(vec![2]));
        assert_eq!(q.check_response(&pick(3)), Err("option_out_of_range"));
        assert_eq!(q.check_response(&Response::default()), Err("choose_one"));

        let mut m = item(QuestionType::MultipleChoice, &["A", "B", "C"], &[1, 2, 0]);
        m.answer = vec![0, 2];
        let set = |s: &[u32]| Response {
            selected: Some(s.to_vec()),
            ..Response::default()
        };
        assert!(m.is_correct(&set(&[2, 1])));
        assert!(!m.is_correct(&set(&[2])));
        assert_eq!(m.check_response(&set(&[1, 1])), Err("choose_some"));
        assert_eq!(m.correct_answer().selected, Some(vec![1, 2]));
    }

    #[test]
    fn ordering_is_right_only_in_the_written_order() {
        // Written order: 1, 2, 3. Shown: 3, 1, 2.
        let q = item(QuestionType::Ordering, &["1", "2", "3"], &[2, 0, 1]);
        let order = |o: &[u32]| Response {
            order: Some(o.to_vec()),
            ..Response::default()
        };
        assert!(q.is_correct(&order(&[1, 2, 0])));
        assert!(!q.is_correct(&order(&[0, 1, 2])));
        assert_eq!(q.correct_answer().order, Some(vec![1, 2, 0]));
        assert_eq!(q.check_response(&order(&[1, 2])), Err("order_required"));
        assert_eq!(q.check_response(&order(&[1, 1, 0])), Err("order_required"));
    }

    #[test]
    fn true_false_needs_a_value() {
        let mut q = item(QuestionType::TrueFalse, &[], &[]);
        q.answer_bool = Some(false);
        let value = |v: bool| Response {
            value: Some(v),
            ..Response::default()
        };
        assert!(q.is_correct(&value(false)));
        assert!(!q.is_correct(&value(true)));
        assert_eq!(q.check_response(&text("sai")), Err("value_required"));
    }
}
