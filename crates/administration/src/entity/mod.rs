//! The administration tables, as sea-orm entities. Only this crate reads or writes them.

pub mod attendance;
pub mod audit_entry;
pub mod census_row;
pub mod census_state;
pub mod class;
pub mod class_course;
pub mod class_member;
pub mod class_session;
pub mod class_signup;
pub mod import_rejection;
pub mod mentorship;
pub mod people_import;
pub mod target;
