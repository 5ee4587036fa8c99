//! A real browser for the web app's tests: Debian's Chromium through chromedriver, driven
//! by fantoccini, on a 360×740 phone screen; axe-core for accessibility; screenshots
//! into `target/web-screenshots/`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::{Client, Locator};
use hocvuso_testkit::browser::{Chromium, chromium, chromium_installed};
use serde_json::Value;
use tokio::process::Child;

pub use hocvuso_testkit::TestApp;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn axe_path() -> PathBuf {
    repo().join("tests/web/node_modules/axe-core/axe.min.js")
}

/// Whether the browser tests can run here; when `.ci/run` set
/// `HOCVUSO_TEST_BROWSER_REQUIRED`, a missing browser fails the test instead.
pub fn browser_available() -> bool {
    let ready = chromium_installed() && axe_path().exists();
    if !ready {
        assert!(
            std::env::var_os("HOCVUSO_TEST_BROWSER_REQUIRED").is_none(),
            "the browser tests are required but chromium, chromedriver or tests/web/node_modules/axe-core is missing (bash .ci/browser.sh installs them)"
        );
        eprintln!(
            "skipped: no browser (bash .ci/browser.sh installs chromium, chromedriver and axe-core)"
        );
    }
    ready
}

/// The app with the shipped curriculum, as a fresh install has it.
pub async fn app() -> TestApp {
    app_with(|_| {}).await
}

pub async fn app_with(adjust: impl FnOnce(&mut hocvuso_server::Settings)) -> TestApp {
    let app = TestApp::spawn_with(adjust).await;
    app.state
        .import_curriculum(&app.state.settings.content.dir)
        .await
        .expect("the shipped curriculum imports");
    app
}

pub struct Browser {
    pub client: Client,
    pub base: String,
    driver: Child,
    /// The pages axe-core checked, for the test's report.
    pub checked: Vec<String>,
}

impl Browser {
    /// A phone-sized Chromium; `javascript: false` turns scripts off for the whole session.
    pub async fn start(base: &str, javascript: bool) -> Browser {
        let Chromium { client, driver } = chromium(javascript).await;
        Browser {
            client,
            base: base.trim_end_matches('/').to_owned(),
            driver,
            checked: Vec::new(),
        }
    }

    pub async fn go(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The text of `css`, once it is there; a page still changing under the query is
    /// asked again.
    pub async fn text(&self, css: &str) -> String {
        for _ in 0..100 {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
            {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no {css} on {}", self.path().await)
    }

    pub async fn has(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    pub async fn click(&self, css: &str) {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Clicks a link or button by its visible text.
    pub async fn click_text(&self, text: &str) {
        let xpath =
            format!("//a[normalize-space()='{text}'] | //button[normalize-space()='{text}']");
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("nothing says {text:?}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {text:?}: {e}"));
    }

    pub async fn fill(&self, css: &str, value: &str) {
        let field = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no field {css}: {e}"));
        field.clear().await.expect("clear");
        field.send_keys(value).await.expect("type");
    }

    pub async fn heading(&self) -> String {
        self.text("h1").await
    }

    /// A screenshot of what the phone shows, for a person to look at.
    pub async fn shot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo().join("target"))
            .join("web-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// axe-core over the page: no serious or critical WCAG 2.2 A/AA violation.
    pub async fn axe(&mut self, name: &str) {
        let source = std::fs::read_to_string(axe_path()).expect("axe-core");
        self.client
            .execute(&format!("{source}\nreturn true;"), Vec::new())
            .await
            .expect("inject axe-core");
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
                   .then(r => done(r.violations
                       .filter(v => v.impact === 'serious' || v.impact === 'critical')
                       .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
                   .catch(e => done(['axe failed: ' + e]));",
                Vec::new(),
            )
            .await
            .expect("run axe-core");
        let violations: Vec<String> = serde_json::from_value(found).expect("violations");
        assert!(
            violations.is_empty(),
            "axe-core on {name} ({}): {violations:#?}",
            self.path().await
        );
        self.checked.push(name.to_owned());
    }

    /// Waits until `script` (an expression) is true in the page.
    pub async fn until(&self, what: &str, script: &str) {
        for _ in 0..200 {
            let value = self
                .client
                .execute(&format!("return Boolean({script});"), Vec::new())
                .await
                .unwrap_or(Value::Bool(false));
            if value == Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "waited in vain for {what} ({script}) on {}",
            self.path().await
        );
    }

    /// The browser's cookies as a `Cookie` header, to fetch what a link downloads.
    pub async fn cookie_header(&self) -> String {
        self.client
            .get_all_cookies()
            .await
            .expect("cookies")
            .iter()
            .map(|c| format!("{}={}", c.name(), c.value()))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}
