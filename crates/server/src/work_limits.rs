//! Bounds on the expensive requests (a ZIP of every certificate, a PDF, a report or an
//! export over a whole ward, a token to verify): at most a few at once per account, so
//! one officer's impatient clicks cannot occupy the server, and at most so many at once
//! in the process, so that together they leave room for learners. Over the first bound
//! the answer is 429, over the second 503, both with `Retry-After`.
//!
//! A permit lives as long as the work: for a streamed response, as long as the stream.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hocvuso_kernel::Problem;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

use crate::config::WorkLimitSettings;

/// Seconds a refused client is asked to wait.
const RETRY_AFTER: u64 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Work {
    /// `certificates.zip`: a PDF per record of the administrator's people.
    CertificatesZip,
    /// One certificate PDF.
    Pdf,
    /// A report or an export over an administrator's scope.
    Report,
    /// A presented token, verified (anyone may ask).
    Verify,
}

impl Work {
    const ALL: [Work; 4] = [Work::CertificatesZip, Work::Pdf, Work::Report, Work::Verify];

    /// (in the process at once, per account at once)
    fn bounds(self, settings: &WorkLimitSettings) -> (usize, usize) {
        match self {
            Work::CertificatesZip => (settings.zip_at_once, settings.zip_per_account),
            Work::Pdf => (settings.pdf_at_once, settings.pdf_per_account),
            Work::Report => (settings.report_at_once, settings.report_per_account),
            // Anonymous: only the process bound applies.
            Work::Verify => (settings.verify_at_once, usize::MAX),
        }
    }
}

type InFlight = Arc<Mutex<HashMap<(Work, Uuid), usize>>>;

#[derive(Clone)]
pub struct WorkLimits {
    process: Arc<HashMap<Work, Arc<Semaphore>>>,
    per_account: Arc<HashMap<Work, usize>>,
    in_flight: InFlight,
}

impl WorkLimits {
    pub fn new(settings: &WorkLimitSettings) -> Self {
        Self {
            process: Arc::new(
                Work::ALL
                    .into_iter()
                    .map(|w| (w, Arc::new(Semaphore::new(w.bounds(settings).0))))
                    .collect(),
            ),
            per_account: Arc::new(
                Work::ALL
                    .into_iter()
                    .map(|w| (w, w.bounds(settings).1))
                    .collect(),
            ),
            in_flight: Arc::default(),
        }
    }
}

/// Leave to do one piece of work; dropping it makes room for the next.
pub struct Permit {
    _process: OwnedSemaphorePermit,
    account: Option<(Work, Uuid)>,
    in_flight: InFlight,
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(key) = self.account.take() {
            release(&self.in_flight, key);
        }
    }
}

fn release(in_flight: &InFlight, key: (Work, Uuid)) {
    let mut counts = in_flight
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(n) = counts.get_mut(&key) {
        *n -= 1;
        if *n == 0 {
            counts.remove(&key);
        }
    }
}

impl WorkLimits {
    /// Leave for `work` on behalf of `account` (anonymous callers count only against
    /// the process), or the problem to answer.
    pub fn begin(&self, work: Work, account: Option<Uuid>) -> Result<Permit, Problem> {
        let per_account = self.per_account.get(&work).copied().unwrap_or(0);
        if let Some(account) = account {
            let mut counts = self
                .in_flight
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let n = counts.entry((work, account)).or_insert(0);
            if *n >= per_account {
                return Err(Problem::new(
                    429,
                    "too_many_at_once",
                    "Bạn đang chờ một yêu cầu tương tự. Vui lòng đợi yêu cầu đó xong rồi thử lại.",
                    "A request like this one of yours is still running. Wait for it to finish, then try again.",
                )
                .with_retry_after(RETRY_AFTER));
            }
            *n += 1;
        }
        let semaphore = self.process.get(&work).cloned();
        let permit = semaphore.and_then(|s| s.try_acquire_owned().ok());
        let Some(permit) = permit else {
            if let Some(account) = account {
                release(&self.in_flight, (work, account));
            }
            return Err(Problem::new(
                503,
                "server_busy",
                "Hệ thống đang bận xử lý nhiều yêu cầu lớn. Vui lòng thử lại sau ít giây.",
                "The server is busy with many large requests. Please try again in a few seconds.",
            )
            .with_retry_after(RETRY_AFTER));
        };
        Ok(Permit {
            _process: permit,
            account: account.map(|a| (work, a)),
            in_flight: self.in_flight.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_account_waits_for_its_own_and_the_process_for_everyone() {
        let limits = WorkLimits::new(&WorkLimitSettings::default());
        let officer = Uuid::new_v4();
        let first = limits
            .begin(Work::CertificatesZip, Some(officer))
            .expect("first");
        let again = limits.begin(Work::CertificatesZip, Some(officer));
        assert_eq!(again.err().map(|p| p.status), Some(429));
        let other = limits
            .begin(Work::CertificatesZip, Some(Uuid::new_v4()))
            .expect("another officer");
        let third = limits.begin(Work::CertificatesZip, Some(Uuid::new_v4()));
        assert_eq!(third.err().map(|p| p.status), Some(503));
        drop(first);
        assert!(limits.begin(Work::CertificatesZip, Some(officer)).is_ok());
        drop(other);
    }
}
