//! Assessment: what learners are asked, and what their answers show.
//!
//! - [`content`] reads each course's question bank (`questions.toml`) and reports every
//!   problem with file and line; [`import`] stores the banks idempotently, retiring
//!   questions removed from a file (kept for past attempts, never drawn again);
//! - [`bank`]: trainers list, write, edit and retire questions, under the same
//!   [`rules`] as the files;
//! - [`attempts`]: a course's final quiz, with its [`settings`]. Each attempt draws its
//!   questions from the whole active bank, round-robin across competencies, with a
//!   random seed kept on the attempt: one attempt's leaked answers do not cover the
//!   next, and an audit replays the draw exactly. Learners never receive an answer key
//!   before submitting; the server's clock alone enforces the deadline; a submission
//!   is graded once ([`grading`]) and stored immutably;
//! - [`placement`]: a short test across the competencies of a target group's courses,
//!   estimating a level in each;
//! - [`mastery`]: a learner's demonstrated level per competency, from every submitted
//!   attempt.
//!
//! Who may call what (trainer, learner, auditor) is the server's policy, not this crate's.

pub mod attempts;
pub mod bank;
mod cache;
mod closing;
pub mod content;
mod draw;
pub mod dto;
pub mod entity;
mod error;
pub mod grading;
pub mod import;
pub mod mastery;
pub mod placement;
pub mod rules;
pub mod settings;
mod stored;

#[cfg(test)]
mod tests;

use hocvuso_kernel::db::{Db, GroupWriter};

pub use content::{Bank, BankError, load_banks};
pub use error::AssessmentError;
pub use grading::normalise;

#[derive(Clone)]
pub struct Assessment {
    db: Db,
    cache: cache::QuizCache,
    /// Attempts close here, many to a transaction when learners submit together.
    closer: GroupWriter<closing::Closer>,
}

impl Assessment {
    /// Starts the thread that closes attempts; it ends with the last clone.
    pub fn new(db: Db) -> Result<Self, AssessmentError> {
        let closer = GroupWriter::start(
            db.clone(),
            closing::Closer,
            closing::MAX_GROUP,
            "hocvuso-attempts",
        )?;
        Ok(Self {
            db,
            cache: cache::QuizCache::default(),
            closer,
        })
    }
}
