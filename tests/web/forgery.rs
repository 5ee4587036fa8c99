//! What an attacker's page or script tries against a signed-in browser, over plain
//! HTTP: forms without this site's token, from another site, with someone else's
//! token; redirects elsewhere after sign-in; the session's cookies and their end.

use reqwest::{Client, StatusCode, redirect};

use crate::PASSWORD;
use crate::support::{TestApp, app};

/// A browser without a window: cookies kept, redirects not followed.
fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .expect("client")
}

/// Form fields, or headers, by name.
type Pairs<'a> = Vec<(&'a str, &'a str)>;

/// A form's body as a browser sends it.
trait FormBody {
    fn form_body(self, pairs: &[(&str, &str)]) -> Self;
}

impl FormBody for reqwest::RequestBuilder {
    fn form_body(self, pairs: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    }
}

fn token_in(html: &str) -> String {
    let start = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[start..start + html[start..].find('"').expect("its end")].to_owned()
}

async fn page(client: &Client, app: &TestApp, path: &str) -> String {
    let response = client.get(app.url(path)).send().await.expect("page");
    assert_eq!(response.status(), 200, "GET {path}");
    response.text().await.expect("html")
}

/// Registers through the form; returns the page's CSRF token.
async fn registered(client: &Client, app: &TestApp, phone: &str) -> String {
    let token = token_in(&page(client, app, "/register").await);
    let response = client
        .post(app.url("/register"))
        .form_body(&[
            ("csrf", token.as_str()),
            ("full_name", "Lê Văn Cường"),
            ("contact", phone),
            ("password", PASSWORD),
            ("target_group", "citizen"),
        ])
        .send()
        .await
        .expect("register");
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "registered");
    token
}

async fn name_in_profile(client: &Client, app: &TestApp) -> String {
    let html = page(client, app, "/profile").await;
    let start = html
        .find("id=\"full_name\" name=\"full_name\"")
        .expect("the name field");
    let value = html[start..].find("value=\"").expect("value") + start + 7;
    html[value..value + html[value..].find('"').expect("end")].to_owned()
}

#[tokio::test]
async fn forms_without_this_sites_token_or_from_elsewhere_change_nothing() {
    let app = app().await;
    let victim = browser();
    let token = registered(&victim, &app, "0912345604").await;

    let attempts: Vec<(&str, Pairs, Pairs)> = vec![
        ("no token", vec![("full_name", "Kẻ Gian")], vec![]),
        (
            "a forged token",
            vec![("csrf", "AAAA"), ("full_name", "Kẻ Gian")],
            vec![],
        ),
        (
            "from another site (Fetch Metadata)",
            vec![("csrf", token.as_str()), ("full_name", "Kẻ Gian")],
            vec![("sec-fetch-site", "cross-site")],
        ),
        (
            "from another site (Origin)",
            vec![("csrf", token.as_str()), ("full_name", "Kẻ Gian")],
            vec![("origin", "https://evil.example")],
        ),
    ];
    for (what, form, headers) in attempts {
        let mut request = victim.post(app.url("/profile")).form_body(&form);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().await.expect("post");
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{what}");
        assert!(
            response
                .text()
                .await
                .expect("html")
                .contains("Chưa có gì thay đổi"),
            "{what}"
        );
    }
    // An attacker's own valid token, with the victim's cookies, is worth nothing either.
    let attacker = browser();
    let attackers_token = token_in(&page(&attacker, &app, "/register").await);
    let response = victim
        .post(app.url("/profile"))
        .form_body(&[("csrf", attackers_token.as_str()), ("full_name", "Kẻ Gian")])
        .send()
        .await
        .expect("post");
    assert_eq!(
        response.status(),
        StatusCode::FORBIDDEN,
        "someone else's token"
    );
    assert_eq!(name_in_profile(&victim, &app).await, "Lê Văn Cường");

    // The page's own form, with its token, does change it.
    let response = victim
        .post(app.url("/profile"))
        .header("sec-fetch-site", "same-origin")
        .form_body(&[("csrf", token.as_str()), ("full_name", "Lê Văn Cường Mới")])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(name_in_profile(&victim, &app).await, "Lê Văn Cường Mới");
}

#[tokio::test]
async fn signing_in_never_sends_the_browser_to_another_site() {
    let app = app().await;
    registered(&browser(), &app, "0912345605").await;
    for next in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
    ] {
        let client = browser();
        let token = token_in(&page(&client, &app, "/signin").await);
        let response = client
            .post(app.url("/signin"))
            .form_body(&[
                ("csrf", token.as_str()),
                ("identifier", "0912345605"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .expect("sign in");
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()["location"], "/learning", "next={next}");
    }
}

#[tokio::test]
async fn the_session_cookies_are_http_only_and_end_at_sign_out() {
    let app = app().await;
    let client = Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .expect("client");
    // Behind TLS (as the proxy in front reports it): Secure, `__Host-` cookies.
    let register = client
        .get(app.url("/register"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .expect("page");
    let set_cookie: Vec<String> = register
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("cookie").to_owned())
        .collect();
    let csrf = set_cookie
        .iter()
        .find(|c| c.starts_with("__Host-hv_csrf="))
        .expect("a __Host- CSRF cookie behind TLS");
    for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(csrf.contains(attribute), "{attribute} in {csrf}");
    }

    let browser = browser();
    let token = registered(&browser, &app, "0912345606").await;
    assert!(
        page(&browser, &app, "/learning")
            .await
            .contains("Việc học của tôi")
    );
    // The token the page's script takes for the offline sync works on the API.
    let refused = browser
        .post(app.url("/app/token"))
        .send()
        .await
        .expect("token");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "no CSRF header");
    let access: serde_json::Value = browser
        .post(app.url("/app/token"))
        .header("x-csrf-token", &token)
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    let bearer = access["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned();
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&bearer)
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 200);

    let out = browser
        .post(app.url("/signout"))
        .form_body(&[("csrf", token.as_str())])
        .send()
        .await
        .expect("sign out");
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = browser
        .get(app.url("/learning"))
        .send()
        .await
        .expect("page");
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "signed out");
    assert!(
        after.headers()["location"]
            .to_str()
            .expect("location")
            .starts_with("/signin")
    );
    // The access token taken before signing out stops with the session.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&bearer)
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 401, "the session ended everywhere");
}
