//! The learning assistant: answers from the lessons, with citations, and a next step
//! for every learner.
//!
//! - [`index`]: the published lessons' passages, ranked for a question by BM25 over
//!   Vietnamese syllables with diacritics folded (so "lam sao cai VNeID" finds "cài
//!   đặt VNeID"), rebuilt when the content changes;
//! - [`answer`]: the extractive answer, quoted from the best lesson, and its citations;
//!   when the lessons do not speak of the question, the assistant says so;
//! - [`generate`]: optionally, an OpenAI-compatible model writes the answer from the
//!   retrieved passages only, keeping the citations;
//! - [`conversation`]: each learner's conversations, kept, listed and deleted; a
//!   follow-up question leans on the one before;
//! - [`next`]: the next lessons and courses for a learner, from their target group,
//!   placement test and competency levels, easy-read and accessible first for elderly
//!   learners and learners with a disability.

pub mod answer;
pub mod conversation;
pub mod dto;
pub mod entity;
mod error;
pub mod generate;
pub mod index;
pub mod next;
pub mod text;

use hocvuso_courses::Courses;
use hocvuso_kernel::TargetGroup;
use hocvuso_kernel::db::Db;
use uuid::Uuid;

pub use error::AssistantError;

use crate::conversation::Thread;
use crate::dto::{AnswerMode, AskRequest, AskResponse};
use crate::generate::{GenerativeConfig, Generator};
use crate::index::{PassageIndex, Retrieval};

/// Lessons retrieved per question: more than are cited, so weak ones can be dropped.
const RETRIEVED: usize = answer::CITED + 2;

#[derive(Clone)]
pub struct Assistant {
    db: Db,
    courses: Courses,
    index: PassageIndex,
    generator: Option<Generator>,
    /// The longest a learner waits for the model, retries included.
    patience: std::time::Duration,
}

fn covered(retrieval: &Retrieval) -> bool {
    !retrieval.lessons.is_empty() && retrieval.support.answers()
}

impl Assistant {
    pub fn new(
        db: Db,
        courses: Courses,
        generative: Option<&GenerativeConfig>,
    ) -> Result<Self, reqwest::Error> {
        Ok(Self {
            db,
            courses,
            index: PassageIndex::default(),
            generator: generative.map(Generator::new).transpose()?,
            patience: generative.map_or(std::time::Duration::ZERO, |g| g.timeout),
        })
    }

    /// The lessons that best answer `question` for a learner of `group`.
    pub async fn retrieve(
        &self,
        question: &str,
        group: Option<TargetGroup>,
    ) -> Result<Retrieval, AssistantError> {
        self.index
            .retrieve(&self.courses, question, group, RETRIEVED)
            .await
    }

    /// Answers a learner's question from the lessons and keeps it in their conversation;
    /// lessons of courses open to the learner's `group` count a quarter more.
    pub async fn ask(
        &self,
        user: Uuid,
        group: Option<TargetGroup>,
        request: &AskRequest,
    ) -> Result<AskResponse, AssistantError> {
        let question = request.question.trim();
        // The last question of the conversation also proves it is the caller's.
        let (thread, previous) = match request.conversation_id {
            Some(id) => (
                Thread::Existing(id),
                Some(self.last_question(user, id).await?),
            ),
            None => (Thread::New, None),
        };
        let mut retrieval = self.retrieve(question, group).await?;
        if !covered(&retrieval)
            // A follow-up ("còn cách nào khác?") uses only words the lessons know; a
            // word they do not know starts a topic of its own.
            && retrieval.words.iter().all(|w| retrieval.corpus.knows(w))
            && let Some(previous) = previous
        {
            let with_context = self
                .retrieve(&format!("{previous} {question}"), group)
                .await?;
            if covered(&with_context) {
                retrieval = with_context;
            }
        }
        let mut turn = self.new_turn(question);
        if covered(&retrieval) {
            turn.citations = answer::citations(&retrieval);
            turn.answer = answer::extract(&retrieval, question, &turn.citations);
            turn.covered = true;
            if let Some(generator) = &self.generator {
                let history = match thread {
                    Thread::Existing(id) => self.recent_turns(user, id).await?,
                    Thread::New => Vec::new(),
                };
                let written = tokio::time::timeout(
                    self.patience,
                    generator.answer(question, &history, &retrieval, &turn.citations),
                )
                .await
                .unwrap_or_else(|_| Err("no answer in time".to_owned()));
                match written {
                    Ok(text) => {
                        turn.answer = text;
                        turn.mode = AnswerMode::Generative;
                    }
                    // The learner still gets the lessons' own words.
                    Err(reason) => tracing::warn!(%reason, "the language model did not answer"),
                }
            }
        } else {
            turn.answer = answer::not_covered(&retrieval.corpus);
        }
        let conversation_id = self.store(user, thread, &turn).await?;
        Ok(AskResponse {
            conversation_id,
            turn,
        })
    }
}
