//! Administration at ward scale.
//!
//! - [`people`]: an administrator imports a resident list (CSV or XLSX); each row is
//!   checked on its own by the identity domain, and every refused cell is kept for a
//!   downloadable report ([`sheet`] reads and writes the spreadsheets);
//! - [`targets`]: the plan's targets as editable rows (year, target group, percent);
//! - [`reports`]: per unit and target group, the population, how many enrolled,
//!   completed, were certified and verified their identity, against the target, and
//!   the household figures; the same numbers as JSON, CSV and XLSX;
//! - [`exports`]: completion records by unit, target group, course and date as CSV,
//!   XLSX, or the VNeID batch (JSON Lines of signed records), streamed and resumable;
//! - [`classes`]: classes of a unit's people, enrolled in courses together, with
//!   in-person sessions and attendance;
//! - [`mentors`]: mentees assigned to mentors ("Đại sứ số"), what a mentor sees, and
//!   the lists of mentors short of five mentees and households nobody certified in;
//! - [`audit`]: every administrative write (who, what, when, before and after), readable
//!   by the administrators whose scope it falls in.
//!
//! Reports count from their own read model ([`census`]), refreshed from the other
//! domains' `census` modules, never by reading those domains' tables.

pub mod audit;
pub mod census;
pub mod classes;
pub mod entity;
mod error;
pub mod exports;
pub mod mentors;
pub mod people;
pub mod reports;
pub mod sheet;
pub mod signups;
pub mod targets;

use std::sync::Arc;

use hocvuso_certification::Certification;
use hocvuso_identity::Identity;
use hocvuso_kernel::db::Db;

pub use error::AdministrationError;

/// The administration service: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Administration {
    db: Db,
    identity: Identity,
    certification: Certification,
    census_lock: Arc<tokio::sync::Mutex<()>>,
}

impl Administration {
    pub fn new(db: Db, identity: Identity, certification: Certification) -> Self {
        Self {
            db,
            identity,
            certification,
            census_lock: Arc::default(),
        }
    }
}
