//! The learning tables, as sea-orm entities. Only this crate reads or writes them.

pub mod enrollment;
pub mod lesson_progress;
pub mod progress_event;
