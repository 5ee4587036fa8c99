//! What the assessment service takes and returns.
//!
//! Two families never mix: trainer views ([`QuestionDetail`]) carry answer keys, learner
//! views ([`AttemptView`]) are built from a separate type that has no field able to hold
//! one, so an answer cannot leak by a forgotten `#[serde(skip)]`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    SingleChoice,
    MultipleChoice,
    TrueFalse,
    /// Put the options in the right order.
    Ordering,
    ShortAnswer,
}

impl QuestionType {
    pub const ALL: [QuestionType; 5] = [
        QuestionType::SingleChoice,
        QuestionType::MultipleChoice,
        QuestionType::TrueFalse,
        QuestionType::Ordering,
        QuestionType::ShortAnswer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionType::SingleChoice => "single_choice",
            QuestionType::MultipleChoice => "multiple_choice",
            QuestionType::TrueFalse => "true_false",
            QuestionType::Ordering => "ordering",
            QuestionType::ShortAnswer => "short_answer",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
    }

    /// Types answered by picking options.
    pub fn is_choice(self) -> bool {
        matches!(
            self,
            QuestionType::SingleChoice | QuestionType::MultipleChoice
        )
    }

    /// Types that show options (and so shuffle them per attempt).
    pub fn has_options(self) -> bool {
        self.is_choice() || self == QuestionType::Ordering
    }
}

/// A question as written by a trainer or in `questions.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
pub struct QuestionDraft {
    /// Unique within the course (the `id` in `questions.toml`): ASCII letters, digits,
    /// `-` and `_`.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    pub code: String,
    /// A component competency of the framework, such as `4.2`.
    #[validate(length(min = 1, max = 8))]
    #[schema(min_length = 1, max_length = 8)]
    pub competency: String,
    #[validate(range(min = 1, max = 8))]
    #[schema(minimum = 1, maximum = 8)]
    pub level: i32,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub prompt: String,
    /// Choice types: the options. Ordering: the items in the CORRECT order.
    #[serde(default)]
    #[validate(length(max = 12))]
    #[schema(max_items = 12)]
    pub options: Vec<String>,
    /// Choice types: zero-based indexes of the correct options.
    #[serde(default)]
    #[validate(length(max = 12))]
    #[schema(max_items = 12)]
    pub answer: Vec<u32>,
    /// True/false questions: the correct value.
    #[serde(default)]
    pub answer_bool: Option<bool>,
    /// Short answers: every accepted answer.
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub accepted: Vec<String>,
    /// Short answers: "bao mat" also matches "bảo mật".
    #[serde(default)]
    pub diacritics_insensitive: bool,
    /// Shown after submission.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub explanation: String,
}

/// How a question has fared in finished final-quiz attempts: a question everyone gets
/// right says little, and one drawn far more than the others is the first on any
/// circulating answer list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct QuestionExposure {
    pub question_id: Uuid,
    pub code: String,
    /// Finished attempts that drew it.
    pub drawn: u64,
    /// Of those, how many answered it right.
    pub answered_right: u64,
    pub retired: bool,
}

/// A stored question with its answer key (trainers only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct QuestionDetail {
    pub id: Uuid,
    pub course_id: Uuid,
    #[serde(flatten)]
    pub draft: QuestionDraft,
    /// `content` (from `questions.toml`) or `trainer`.
    pub origin: String,
    pub version: i32,
    /// Retired questions are kept for past attempts and never drawn again.
    pub retired_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// What importing question banks did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BankImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub retired: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Grading {
    /// The best attempt counts.
    #[default]
    Highest,
    /// The latest attempt counts.
    Last,
}

impl Grading {
    pub fn as_str(self) -> &'static str {
        match self {
            Grading::Highest => "highest",
            Grading::Last => "last",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Grading::Highest, Grading::Last]
            .into_iter()
            .find(|g| g.as_str() == value)
    }
}

/// A course's final-quiz settings, as trainers set them (the pass mark belongs to the
/// course itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
pub struct QuizSettingsUpdate {
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub question_count: u32,
    #[validate(range(min = 1, max = 600))]
    #[schema(minimum = 1, maximum = 600)]
    pub time_limit_minutes: u32,
    /// 0 means unlimited.
    #[validate(range(max = 100))]
    #[schema(maximum = 100)]
    pub max_attempts: u32,
    /// Wait between the end of one attempt and the start of the next.
    #[validate(range(max = 43200))]
    #[schema(maximum = 43200)]
    pub cooldown_minutes: u32,
    pub grading: Grading,
    /// When a result shows the right answers and explanations (which items were wrong
    /// it always shows).
    #[serde(default)]
    pub reveal: RevealPolicy,
}

impl Default for QuizSettingsUpdate {
    fn default() -> Self {
        Self {
            question_count: 10,
            time_limit_minutes: 20,
            max_attempts: 3,
            cooldown_minutes: 10,
            grading: Grading::Highest,
            reveal: RevealPolicy::default(),
        }
    }
}

/// When a final quiz's result shows the right answers. Answer lists passed from hand to
/// hand make a quiz worthless: by default only a passed attempt shows them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevealPolicy {
    /// Never: results say which items were wrong, nothing more.
    Never,
    /// Once the attempt passed.
    #[default]
    AfterPass,
    /// Once the attempt passed or no attempts are left.
    AfterLastAttempt,
}

impl RevealPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            RevealPolicy::Never => "never",
            RevealPolicy::AfterPass => "after_pass",
            RevealPolicy::AfterLastAttempt => "after_last_attempt",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            RevealPolicy::Never,
            RevealPolicy::AfterPass,
            RevealPolicy::AfterLastAttempt,
        ]
        .into_iter()
        .find(|p| p.as_str() == value)
    }
}

/// Everything a final quiz runs with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
pub struct QuizSettings {
    #[validate(range(min = 1, max = 100))]
    pub question_count: u32,
    #[validate(range(min = 1, max = 600))]
    pub time_limit_minutes: u32,
    /// 0 means unlimited.
    #[validate(range(max = 100))]
    pub max_attempts: u32,
    #[validate(range(max = 43200))]
    pub cooldown_minutes: u32,
    pub grading: Grading,
    pub reveal: RevealPolicy,
    /// Percent of correct answers needed to pass, from the course.
    #[validate(range(max = 100))]
    pub pass_mark: u32,
}

impl QuizSettings {
    pub fn new(update: QuizSettingsUpdate, pass_mark: u32) -> Self {
        Self {
            question_count: update.question_count,
            time_limit_minutes: update.time_limit_minutes,
            max_attempts: update.max_attempts,
            cooldown_minutes: update.cooldown_minutes,
            grading: update.grading,
            reveal: update.reveal,
            pass_mark,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttemptKind {
    /// A course's final quiz.
    Final,
    /// The placement test of a new learner.
    Placement,
}

impl AttemptKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptKind::Final => "final",
            AttemptKind::Placement => "placement",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    Open,
    Submitted,
    /// The time ran out before a submission; it counts as an attempt scored 0.
    Expired,
}

impl AttemptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::Open => "open",
            AttemptStatus::Submitted => "submitted",
            AttemptStatus::Expired => "expired",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            AttemptStatus::Open,
            AttemptStatus::Submitted,
            AttemptStatus::Expired,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// An attempt as the learner sees it: no answer key, nothing to derive one from.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttemptView {
    pub id: Uuid,
    pub kind: AttemptKind,
    pub course_id: Option<Uuid>,
    pub status: AttemptStatus,
    pub started_at: DateTime<Utc>,
    /// Answers must arrive by then (the server's clock decides).
    pub deadline: DateTime<Utc>,
    /// Seconds left by the server's clock when this view was made, for devices whose
    /// clock is wrong.
    pub seconds_left: i64,
    pub questions: Vec<QuestionView>,
}

/// One question of an attempt, for the learner.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuestionView {
    /// The question's number within this attempt (0-based); answers name it.
    pub item: u32,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    pub prompt: String,
    /// Shuffled for this attempt; answers name options by their position here. Empty
    /// for true/false and short-answer questions.
    pub options: Vec<String>,
}

/// A learner's response to one question, naming options by the positions shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Response {
    /// Single and multiple choice: the chosen options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<Vec<u32>>,
    /// True/false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<bool>,
    /// Ordering: every shown option, in the order the learner puts them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Vec<u32>>,
    /// Short answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AnswerInput {
    pub item: u32,
    #[serde(flatten)]
    pub response: Response,
}

/// The answers of an attempt. Questions left out count as wrong.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
pub struct Submission {
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    pub answers: Vec<AnswerInput>,
    /// The device's clock. Accepted so clients may send it, but ignored: the server's
    /// clock alone decides whether the answers came in time.
    #[serde(default)]
    pub client_time: Option<DateTime<Utc>>,
}

/// The right answer of one question, in the positions the learner saw.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CorrectAnswer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<Vec<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Vec<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ItemResult {
    pub item: u32,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    pub competency: String,
    pub prompt: String,
    /// In the order shown during the attempt.
    pub options: Vec<String>,
    /// What the learner answered; none when left out.
    pub response: Option<Response>,
    pub correct: bool,
    /// Empty while the course's reveal policy withholds it.
    pub correct_answer: CorrectAnswer,
    /// Empty while the course's reveal policy withholds it.
    pub explanation: String,
}

/// A graded attempt. Stored once; asking again returns the same result.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttemptResult {
    pub attempt_id: Uuid,
    pub kind: AttemptKind,
    pub course_id: Option<Uuid>,
    pub status: AttemptStatus,
    pub started_at: DateTime<Utc>,
    pub closed_at: DateTime<Utc>,
    pub correct_count: u32,
    pub question_count: u32,
    /// Rounded down, so 69.9 % never shows as 70.
    pub score_percent: u32,
    /// Final quizzes: whether the score reached the pass mark.
    pub pass_mark: Option<u32>,
    pub passed: Option<bool>,
    /// Whether the right answers and explanations are shown (the course's reveal policy).
    #[serde(default = "revealed_by_default")]
    pub answers_revealed: bool,
    pub items: Vec<ItemResult>,
}

fn revealed_by_default() -> bool {
    true
}

impl AttemptResult {
    /// Takes out the right answers and explanations, leaving which items were wrong.
    pub fn withhold_answers(&mut self) {
        self.answers_revealed = false;
        for item in &mut self.items {
            item.correct_answer = CorrectAnswer::default();
            item.explanation.clear();
        }
    }
}

/// Where a learner stands in a course's final quiz.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CourseResult {
    pub course_id: Uuid,
    pub grading: Grading,
    /// Attempts finished (submitted or expired).
    pub attempts_used: u32,
    /// 0 means unlimited.
    pub max_attempts: u32,
    /// None when unlimited.
    pub attempts_left: Option<u32>,
    /// The attempt that counts under the grading method.
    pub counted_attempt_id: Option<Uuid>,
    pub score_percent: Option<u32>,
    pub passed: bool,
    /// An attempt in progress, to resume.
    pub open_attempt_id: Option<Uuid>,
    /// Whether a new attempt may start now.
    pub can_start: bool,
    /// When the wait after the last attempt ends, while it runs.
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// The estimated level in one competency after a placement test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlacementEstimate {
    pub competency: String,
    /// 0 to 8; 0 when even the easiest question was missed.
    pub level: u32,
    pub correct: u32,
    pub answered: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlacementResult {
    #[serde(flatten)]
    pub result: AttemptResult,
    pub estimates: Vec<PlacementEstimate>,
}

/// A learner's demonstrated level in one competency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CompetencyMastery {
    pub competency: String,
    /// 0 to 8 (see [`crate::mastery`] for the rule).
    pub level: u32,
    /// Graded answers in this competency.
    pub evidence_count: u32,
    /// When the latest of them was submitted.
    pub updated_at: DateTime<Utc>,
}

/// An audit of an attempt's draw: run again from its seed over the same pool.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReplayReport {
    pub attempt_id: Uuid,
    /// Whose attempt it was (so the caller can check an auditor's scope).
    pub user_id: Uuid,
    /// The `u64` seed, as a decimal string (JSON numbers lose precision above 2^53).
    pub seed: String,
    pub pool_size: u32,
    /// The questions drawn again, in order, with the option order of each
    /// (shown position → index in the stored question).
    pub questions: Vec<ReplayedQuestion>,
    /// Whether the replay equals what the learner was given.
    pub matches: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReplayedQuestion {
    pub question_id: Uuid,
    pub option_order: Vec<u32>,
}
