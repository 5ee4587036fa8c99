//! What the assistant's endpoints take and return.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct AskRequest {
    /// In Vietnamese, with or without diacritics.
    #[validate(length(min = 2, max = 500))]
    #[schema(min_length = 2, max_length = 500)]
    pub question: String,
    /// Continues this conversation of the caller's; a new one starts when absent.
    pub conversation_id: Option<Uuid>,
}

/// A lesson the answer comes from.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Citation {
    /// The answer refers to it as `[number]`.
    pub number: u32,
    pub course_code: String,
    pub course_title: String,
    pub lesson_slug: String,
    pub lesson_title: String,
    /// The part of the lesson that matched.
    pub heading: Option<String>,
    pub excerpt: String,
    /// The lesson in the API (`GET` it for the whole text).
    pub path: String,
    /// The lesson has an easy-read version.
    pub has_easy_read: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerMode {
    /// Quoted from the lessons, offline.
    Extractive,
    /// Written by the configured language model from the quoted passages only.
    Generative,
}

impl AnswerMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerMode::Extractive => "extractive",
            AnswerMode::Generative => "generative",
        }
    }

    pub fn parse(text: &str) -> Self {
        if text == "generative" {
            AnswerMode::Generative
        } else {
            AnswerMode::Extractive
        }
    }
}

/// One question and its answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Turn {
    pub id: Uuid,
    pub question: String,
    pub answer: String,
    /// Whether the lessons speak of the question; when not, the answer says so and
    /// cites nothing.
    pub covered: bool,
    pub mode: AnswerMode,
    pub citations: Vec<Citation>,
    pub asked_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AskResponse {
    pub conversation_id: Uuid,
    #[serde(flatten)]
    pub turn: Turn,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationSummary {
    pub id: Uuid,
    /// The first question, shortened.
    pub title: String,
    pub started_at: DateTime<Utc>,
    pub last_asked_at: DateTime<Utc>,
    pub turns: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationView {
    pub id: Uuid,
    pub title: String,
    pub started_at: DateTime<Utc>,
    /// Oldest first.
    pub turns: Vec<Turn>,
}
