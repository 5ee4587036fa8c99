//! The assessment tables, as sea-orm entities. Only this crate reads or writes them.

pub mod attempt;
pub mod attempt_answer;
pub mod mastery_tally;
pub mod question;
pub mod quiz_settings;
