//! "Đăng nhập bằng VNeID" in the browser, through the real `oidc-provider` the API tests
//! use (started from `tests/oidc-provider/`): the web app is the `redirect_uri` page.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use hocvuso_testkit::browser::free_port;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::support::{Browser, app_with, browser_available};

#[tokio::test]
async fn a_resident_signs_in_with_vneid_in_the_browser() {
    let provider_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-provider");
    if !browser_available() {
        return;
    }
    assert!(
        provider_dir.join("node_modules/oidc-provider").is_dir()
            || std::env::var_os("HOCVUSO_TEST_OIDC_REQUIRED").is_none(),
        "the OpenID Provider is required (bash .ci/oidc-provider.sh)"
    );
    if !provider_dir.join("node_modules/oidc-provider").is_dir() {
        eprintln!("skipped: no OpenID Provider");
        return;
    }
    // Both ends name each other: the app's port is chosen first.
    let app_port = free_port();
    let keys = tempfile::tempdir().expect("keys folder");
    let mut provider = tokio::process::Command::new("node")
        .arg(provider_dir.join("provider.mjs"))
        .env("PORT", free_port().to_string())
        .env("KEYS_DIR", keys.path())
        .env(
            "REDIRECT_URI",
            format!("http://127.0.0.1:{app_port}/auth/vneid"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start the OpenID Provider");
    let mut lines = BufReader::new(provider.stdout.take().expect("stdout")).lines();
    let issuer = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let line = lines
                .next_line()
                .await
                .expect("output")
                .expect("the provider runs");
            if let Some(issuer) = line.strip_prefix("READY ") {
                break issuer.trim().to_owned();
            }
        }
    })
    .await
    .expect("the provider started");
    let app = app_with(|settings| {
        settings.http.bind = format!("127.0.0.1:{app_port}");
        settings.oidc = Some(
            serde_json::from_value(serde_json::json!({
                "issuer": issuer,
                "client_id": "hocvuso",
                "client_secret": "hocvuso-test-secret",
                "redirect_uri": format!("http://127.0.0.1:{app_port}/auth/vneid"),
            }))
            .expect("OIDC settings"),
        );
    })
    .await;
    let mut b = Browser::start(&app.url(""), true).await;
    b.go("/signin").await;
    assert!(
        b.has("a[href='/signin/vneid']").await,
        "the VNeID button shows"
    );
    b.shot("14-signin").await;
    b.axe("sign in").await;
    // The provider's test login is driven by the hint (a real VNeID asks the person).
    b.go("/signin/vneid?login_hint=vneid-0001").await;
    b.until("back from VNeID", "location.pathname === '/learning'")
        .await;
    b.go("/profile").await;
    assert!(
        b.text(".notice").await.contains("VNeID"),
        "the identity shows as verified"
    );
    assert_eq!(
        b.client
            .find(fantoccini::Locator::Css("#full_name"))
            .await
            .expect("name")
            .prop("value")
            .await
            .expect("value")
            .as_deref(),
        Some("Nguyễn Văn An")
    );

    // A code and state finished in another browser are refused.
    let other = Browser::start(&app.url(""), true).await;
    other.go("/auth/vneid?code=stolen&state=stolen").await;
    assert!(other.text("main").await.contains("cùng một trình duyệt"));
    other.close().await;
    b.close().await;
    let _ = provider.kill().await;
}
