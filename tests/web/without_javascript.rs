//! The core path with no JavaScript at all: a client that only follows links and submits
//! forms — what a browser with scripts off does — from registering to the certificate's
//! PDF; a locked lesson says why; a failed quiz says when to try again.
//!
//! (Chromium with scripts turned off hangs inside ChromeDriver on a form's submission, so
//! this path is walked by an HTTP client reading the same pages.)

use reqwest::{Client, redirect};

use crate::support::{TestApp, app};
use crate::{PASSWORD, SCAMS, quiz};

/// Links and forms, cookies kept, nothing run.
struct Plain<'a> {
    app: &'a TestApp,
    client: Client,
    path: String,
    status: u16,
    html: String,
}

impl<'a> Plain<'a> {
    fn new(app: &'a TestApp) -> Self {
        Plain {
            app,
            client: Client::builder()
                .cookie_store(true)
                .redirect(redirect::Policy::none())
                .build()
                .expect("client"),
            path: String::new(),
            status: 0,
            html: String::new(),
        }
    }

    async fn follow(&mut self, mut response: reqwest::Response) {
        while response.status().is_redirection() {
            let location = response.headers()["location"]
                .to_str()
                .expect("location")
                .to_owned();
            response = self
                .client
                .get(self.app.url(&location))
                .send()
                .await
                .expect("redirect");
            self.path = location;
        }
        self.status = response.status().as_u16();
        self.html = response.text().await.expect("html");
    }

    async fn open(&mut self, path: &str) {
        self.path = path.to_owned();
        let response = self
            .client
            .get(self.app.url(path))
            .send()
            .await
            .expect("page");
        self.follow(response).await;
    }

    /// Submits the page's form to `action` with `fields`, as the browser would: with the
    /// CSRF token the page carries.
    async fn submit(&mut self, action: &str, fields: &[(String, String)]) {
        assert!(
            self.html.contains(&format!("action=\"{action}\"")),
            "no form to {action} on {}",
            self.path
        );
        let start = self
            .html
            .find("name=\"csrf\" value=\"")
            .expect("a CSRF field")
            + 19;
        let token = self.html[start..start + self.html[start..].find('"').expect("end")].to_owned();
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        body.append_pair("csrf", &token);
        for (name, value) in fields {
            body.append_pair(name, value);
        }
        let response = self
            .client
            .post(self.app.url(action))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(body.finish())
            .send()
            .await
            .expect("submit");
        self.follow(response).await;
    }

    /// The `href` of the first link whose text is `text`.
    fn link(&self, text: &str) -> String {
        let end = self
            .html
            .find(&format!(">{text}</a>"))
            .unwrap_or_else(|| panic!("no link {text:?} on {}", self.path));
        let start = self.html[..end].rfind("href=\"").expect("href") + 6;
        self.html[start..start + self.html[start..].find('"').expect("end")].to_owned()
    }
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

async fn register_and_learn(plain: &mut Plain<'_>, phone: &str) {
    plain.open("/register").await;
    assert!(!plain.html.contains("<script>"), "no inline script");
    plain
        .submit(
            "/register",
            &pairs(&[
                ("full_name", "Trần Văn Bình"),
                ("contact", phone),
                ("password", PASSWORD),
            ]),
        )
        .await;
    assert_eq!(plain.path, "/profile?welcome=1");
    plain.open(&format!("/courses/{SCAMS}")).await;
    plain.submit(&format!("/courses/{SCAMS}/enrol"), &[]).await;
    assert!(plain.html.contains("id=\"course-progress\""), "enrolled");

    // A lesson ahead of its turn is locked, and says why.
    plain
        .open(&format!(
            "/courses/{SCAMS}/lessons/03-viec-lam-va-dau-tu-lua-dao"
        ))
        .await;
    assert_eq!(plain.status, 403);
    assert!(plain.html.contains("Bài này chưa mở") && plain.html.contains("bài trước"));

    plain.open(&format!("/courses/{SCAMS}")).await;
    let mut lesson = plain.link("Học tiếp");
    for _ in 0..7 {
        plain.open(&lesson).await;
        assert_eq!(plain.status, 200, "{lesson}");
        plain.submit(&format!("{lesson}/complete"), &[]).await;
        lesson = plain.path.clone();
    }
    assert_eq!(plain.path, format!("/courses/{SCAMS}"));
}

async fn take_the_quiz(plain: &mut Plain<'_>, app: &TestApp, right: bool) {
    plain.submit(&format!("/courses/{SCAMS}/quiz"), &[]).await;
    let attempt = quiz::attempt_of(&plain.path);
    let answers: Vec<(String, String)> = quiz::choices(app, attempt, SCAMS, right)
        .await
        .into_iter()
        .map(|(name, value, _)| (name, value))
        .collect();
    let action = plain.path.clone();
    plain.submit(&action, &answers).await;
}

#[tokio::test]
async fn the_core_path_works_without_javascript() {
    let app = app().await;
    let mut plain = Plain::new(&app);
    register_and_learn(&mut plain, "0912345602").await;
    take_the_quiz(&mut plain, &app, true).await;
    assert!(
        plain.html.contains("Chúc mừng! Bạn đã đạt"),
        "{}",
        plain.html
    );
    plain.open(&plain.link("Xem giấy chứng nhận")).await;
    let record = plain.html[plain.html.find("href=\"/records/").expect("a record") + 6..]
        .split('"')
        .next()
        .expect("its link")
        .to_owned();
    plain.open(&record).await;
    assert!(plain.html.contains("Còn hiệu lực") && plain.html.contains("<svg"));
    let pdf = plain
        .client
        .get(app.url(&format!("{record}/certificate.pdf")))
        .send()
        .await
        .expect("the PDF");
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().await.expect("bytes").starts_with(b"%PDF"));
}

#[tokio::test]
async fn a_failed_quiz_says_when_to_try_again() {
    let app = app().await;
    let mut plain = Plain::new(&app);
    register_and_learn(&mut plain, "0912345603").await;
    take_the_quiz(&mut plain, &app, false).await;
    let result = plain.html.clone();
    assert!(result.contains("Bạn chưa đạt"), "{result}");
    assert!(result.contains("Còn 2 lần làm bài"), "attempts left");
    assert!(result.contains("làm lại từ"), "the cooldown");
    assert!(result.contains("Đáp án chưa được hiện"), "answers withheld");
    plain.open(&format!("/courses/{SCAMS}")).await;
    assert!(
        plain.html.contains("làm lại từ"),
        "the course page says when"
    );
    assert!(
        !plain.html.contains("Bắt đầu làm bài"),
        "no new attempt during the cooldown"
    );
}
