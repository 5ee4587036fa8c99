//! The web app in a real browser: Debian's Chromium through chromedriver on a 360-px
//! phone screen, with and without JavaScript, offline and back, axe-core on every page,
//! screenshots into `target/web-screenshots/`. Plus the forgeries a browser cannot make
//! but an attacker's script can (CSRF), over plain HTTP.

mod forgery;
mod learner;
mod quiz;
mod support;
mod vneid;
mod without_javascript;

/// The course the stories take: sequential, seven lessons with easy-read versions, a
/// final quiz, for every target group.
pub const SCAMS: &str = "nhan-dien-lua-dao-truc-tuyen";
pub const PASSWORD: &str = "Học vụ số 2025!";
