//! Identifiers: UUID version 7, so new rows sort by creation time and index well.

pub use uuid::Uuid;

pub fn new_id() -> Uuid {
    Uuid::now_v7()
}
