//! The kernel every Hocvuso domain shares.
//!
//! - [`problem`]: the one error shape of the API (RFC 9457 problem details) with a stable
//!   machine `code` and a message in Vietnamese and English;
//! - [`lang`]: the two languages the platform speaks;
//! - [`pagination`]: opaque cursors and pages;
//! - [`ids`] and [`time`]: identifiers and timestamps that compare the same on every database;
//! - [`db`]: opening SQLite or PostgreSQL with the settings each needs;
//! - [`principal`]: the authenticated caller and their role.
//!
//! Nothing here knows about HTTP frameworks: the server crate maps [`Problem`] to responses.

pub mod content_file;
pub mod db;
pub mod ids;
pub mod lang;
pub mod pagination;
pub mod principal;
pub mod problem;
pub mod target_group;
pub mod text;
pub mod time;

pub use lang::Lang;
pub use pagination::{Page, PageQuery};
pub use principal::{Principal, Role};
pub use problem::{FieldError, Message, Problem, ProblemBody};
pub use target_group::TargetGroup;
