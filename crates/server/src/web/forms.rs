//! A submitted form: `application/x-www-form-urlencoded` pairs (bounded by the payload
//! limit before any parsing), read by name, and accepted only with a valid CSRF token.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use hocvuso_kernel::Principal;

use crate::web::chrome;
use crate::web::csrf;
use crate::web::session::Visitor;
use crate::web::texts::texts;

pub struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    pub fn parse(body: &[u8]) -> Self {
        Form {
            pairs: url::form_urlencoded::parse(body).into_owned().collect(),
        }
    }

    /// The first value of `name`, trimmed ("" when absent).
    pub fn text(&self, name: &str) -> String {
        self.get(name).map(str::trim).unwrap_or_default().to_owned()
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The form, when it came from one of this site's pages with its token; otherwise
    /// the page that says to reload and try again (nothing was done).
    // The error is the response itself, handed straight back to actix-web.
    #[allow(clippy::result_large_err)]
    pub fn checked(
        req: &HttpRequest,
        visitor: &Visitor,
        body: &[u8],
    ) -> Result<Form, HttpResponse> {
        let form = Form::parse(body);
        if csrf::form_allowed(req, visitor, form.get("csrf")) {
            Ok(form)
        } else {
            let t = texts(visitor.lang);
            Err(chrome::message(
                req,
                visitor,
                StatusCode::FORBIDDEN,
                t.form_expired_heading,
                t.form_expired,
                Some(("/", t.nav_home)),
            ))
        }
    }

    /// A signed-in person's form: checked as [`Form::checked`], then the person, or the
    /// page that asks them to sign in.
    // The error is the response itself, handed straight back to actix-web.
    #[allow(clippy::result_large_err)]
    pub fn signed_in<'v>(
        req: &HttpRequest,
        visitor: &'v Visitor,
        body: &[u8],
    ) -> Result<(Form, &'v Principal), HttpResponse> {
        let form = Form::checked(req, visitor, body)?;
        let principal = chrome::signed_in(req, visitor)?;
        Ok((form, principal))
    }
}
