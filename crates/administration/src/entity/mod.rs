//! The administration tables, as sea-orm entities. Only this crate reads or writes them.

pub mod audit_entry;
pub mod census_row;
pub mod census_state;
pub mod import_rejection;
pub mod mentorship;
pub mod people_import;
pub mod target;
