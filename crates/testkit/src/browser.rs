//! A real browser for the web app's tests and page-weight benchmark: Debian's Chromium
//! through its ChromeDriver, on a 360×740 phone screen, in a profile of its own (so its
//! cache starts cold).

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::process::{Child, Command};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn chromium_installed() -> bool {
    Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists()
}

/// A port nothing listens on now (for a process that must be told its port).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A running ChromeDriver and a Chromium session on it; drop the driver last.
pub struct Chromium {
    pub client: Client,
    pub driver: Child,
}

/// Starts a phone-sized headless Chromium; `javascript: false` turns scripts off.
pub async fn chromium(javascript: bool) -> Chromium {
    let port = free_port();
    let driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start chromedriver");
    let status = format!("http://127.0.0.1:{port}/status");
    let http = reqwest::Client::new();
    for _ in 0..100 {
        if http.get(&status).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let prefs = json!({"intl.accept_languages": "vi-VN,vi"});
    let mut args = vec![
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--lang=vi",
        "--hide-scrollbars",
    ];
    if !javascript {
        // The page's scripts off; ChromeDriver's own (through DevTools) still run. The
        // content-settings preference instead leaves ChromeDriver hanging on a submit.
        args.push("--blink-settings=scriptEnabled=false");
    }
    let mut caps = serde_json::Map::new();
    if !javascript {
        // With scripts off, a page's deferred script never loads and "complete" never
        // comes; the page is there once its document is.
        caps.insert("pageLoadStrategy".into(), json!("eager"));
    }
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": args,
            "mobileEmulation": {"deviceMetrics": {"width": 360, "height": 740, "pixelRatio": 1.0}},
            "prefs": prefs,
        }),
    );
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a Chromium session");
    client
        .update_timeouts(TimeoutConfiguration::new(
            Some(Duration::from_secs(30)),
            Some(Duration::from_secs(30)),
            Some(Duration::ZERO),
        ))
        .await
        .expect("timeouts");
    Chromium { client, driver }
}

/// ChromeDriver's own command for Chromium's network emulation.
#[derive(Debug)]
pub struct NetworkConditions(pub serde_json::Value);

impl fantoccini::wd::WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/chromium/network_conditions",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.0.to_string()))
    }
}

/// Chromium's network emulation: `offline`, or a connection of `bytes_per_second` both
/// ways with `latency_ms`.
pub async fn network(client: &Client, offline: bool, bytes_per_second: f64, latency_ms: u64) {
    client
        .issue_cmd(NetworkConditions(json!({"network_conditions": {
            "offline": offline, "latency": latency_ms,
            "download_throughput": bytes_per_second, "upload_throughput": bytes_per_second,
        }})))
        .await
        .expect("network emulation");
}
