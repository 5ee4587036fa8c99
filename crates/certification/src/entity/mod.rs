//! The certification tables, as sea-orm entities. Only this crate reads or writes them.

pub mod credential;
pub mod credential_event;
pub mod status_list;
