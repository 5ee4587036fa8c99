//! Rate limits on the endpoints attackers hammer (register, login, refresh, and looking
//! up records by their short codes, which guessing would enumerate), per client
//! address, with `governor`; and per account where a signed-in person could probe (the
//! citizen IDs they type, the questions they ask). Limits are per server process: behind
//! a load balancer each server allows its share.
//!
//! The client address is the socket's peer, unless that peer is a configured trusted
//! proxy: then it is the right-most `X-Forwarded-For` hop that is not itself trusted
//! (anything left of it was written by the client and proves nothing). An IPv6 client
//! is keyed by its /64, which one household or phone holds whole.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::HttpRequest;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use hocvuso_kernel::Problem;
use ipnet::IpNet;
use uuid::Uuid;

use crate::config::RateLimitSettings;

/// Checks between two sweeps of the limiters' maps for keys whose quota is whole again.
const PRUNE_EVERY: u64 = 10_000;

#[derive(Clone)]
pub struct RateLimits {
    register: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    login: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    refresh: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    verify_code: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    class_signup: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    /// Per learner, not per address: a school's pupils share one.
    ask: Arc<DefaultKeyedRateLimiter<Uuid>>,
    /// Per account: typing citizen IDs one after another is a search for someone's.
    cccd: Arc<DefaultKeyedRateLimiter<Uuid>>,
    trusted_proxies: Arc<[IpNet]>,
    checks: Arc<AtomicU64>,
}

#[derive(Debug, Clone, Copy)]
pub enum Limited {
    Register,
    Login,
    Refresh,
    VerifyCode,
    /// Registering with a class's sign-up code: the code bounds how many get in, so
    /// this only bounds guessing codes.
    ClassSignup,
}

fn limiter<K: Clone + Eq + std::hash::Hash>(quota: Quota) -> Arc<DefaultKeyedRateLimiter<K>> {
    Arc::new(RateLimiter::keyed(quota))
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

impl RateLimits {
    pub fn new(settings: &RateLimitSettings) -> Self {
        let per_hour = NonZeroU32::new(settings.cccd_changes_per_hour).unwrap_or(NonZeroU32::MIN);
        Self {
            register: limiter(per_minute(settings.register_per_minute)),
            login: limiter(per_minute(settings.login_per_minute)),
            refresh: limiter(per_minute(settings.refresh_per_minute)),
            verify_code: limiter(per_minute(settings.verify_code_per_minute)),
            class_signup: limiter(per_minute(settings.class_signup_per_minute)),
            ask: limiter(per_minute(settings.ask_per_minute)),
            cccd: limiter(Quota::per_hour(per_hour)),
            trusted_proxies: settings.trusted_proxies.clone().into(),
            checks: Arc::new(AtomicU64::new(0)),
        }
    }

    fn client(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr()?.ip();
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok());
        Some(rate_key(client_address(
            peer,
            forwarded,
            &self.trusted_proxies,
        )))
    }

    /// Counts one request; a 429 problem with `Retry-After` once the quota is spent.
    pub fn check(&self, what: Limited, req: &HttpRequest) -> Result<(), Problem> {
        let Some(client) = self.client(req) else {
            return Ok(());
        };
        self.maybe_prune();
        let limiter = match what {
            Limited::Register => &self.register,
            Limited::Login => &self.login,
            Limited::Refresh => &self.refresh,
            Limited::VerifyCode => &self.verify_code,
            Limited::ClassSignup => &self.class_signup,
        };
        limiter.check_key(&client).map_err(too_many)
    }

    /// Counts one question of a learner to the assistant.
    pub fn check_ask(&self, learner: Uuid) -> Result<(), Problem> {
        self.maybe_prune();
        self.ask.check_key(&learner).map_err(too_many)
    }

    /// Counts one citizen ID typed into an account's own profile.
    pub fn check_cccd(&self, account: Uuid) -> Result<(), Problem> {
        self.maybe_prune();
        self.cccd.check_key(&account).map_err(too_many)
    }

    /// Forgets, now and then, the keys whose quota has refilled, so that a flood of
    /// addresses cannot grow the maps without end.
    fn maybe_prune(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            for map in [
                &self.register,
                &self.login,
                &self.refresh,
                &self.verify_code,
            ] {
                map.retain_recent();
                map.shrink_to_fit();
            }
            for map in [&self.ask, &self.cccd] {
                map.retain_recent();
                map.shrink_to_fit();
            }
        }
    }
}

/// The client of a connection from `peer` carrying `forwarded` headers (in order).
fn client_address<'a>(
    peer: IpAddr,
    forwarded: impl Iterator<Item = &'a str>,
    trusted: &[IpNet],
) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded.flat_map(|h| h.split(',')).collect();
    for hop in hops.iter().rev() {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if is_trusted(&ip) => continue,
            Ok(ip) => return ip,
            // A hop we cannot read was not written by a proxy we trust: stop there.
            Err(_) => break,
        }
    }
    peer
}

/// The key an address is counted under: IPv4 whole, IPv6 by its /64.
fn rate_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let network = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(network))
            }
        },
        v4 => v4,
    }
}

fn too_many(not_until: governor::NotUntil<<DefaultClock as Clock>::Instant>) -> Problem {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    Problem::new(
        429,
        "rate_limited",
        "Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút.",
        "Too many requests. Please try again in a moment.",
    )
    .with_retry_after(wait.as_secs().max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().expect("network")).collect()
    }

    #[test]
    fn a_client_that_is_not_a_trusted_proxy_cannot_name_its_address() {
        let trusted = nets(&["10.0.0.0/8"]);
        let spoofed = ["1.2.3.4"];
        assert_eq!(
            client_address(ip("203.0.113.9"), spoofed.into_iter(), &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8"]);
        // The client wrote "1.2.3.4" itself; the proxy appended what it saw.
        let headers = ["1.2.3.4, 198.51.100.7", "10.0.0.2"];
        assert_eq!(
            client_address(ip("10.0.0.1"), headers.into_iter(), &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), ["garbage"].into_iter(), &trusted),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        assert_eq!(
            rate_key(ip("2001:db8:1:2:aaaa::1")),
            rate_key(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            rate_key(ip("2001:db8:1:2::1")),
            rate_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(rate_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    }
}
