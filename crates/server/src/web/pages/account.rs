//! Registering, signing in (password or VNeID) and out, and the short-lived access
//! token the page's script sends with offline progress to `/api/v1/progress/sync`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use hocvuso_identity::dto::{LoginRequest, RegisterRequest};
use hocvuso_identity::oidc::OidcCallback;
use hocvuso_kernel::{Problem, TargetGroup};
use serde::Deserialize;

use crate::rate_limit::Limited;
use crate::state::AppState;
use crate::web::chrome::{self, Chrome, FormErrors};
use crate::web::csrf;
use crate::web::forms::Form;
use crate::web::session::Visitor;
use crate::web::texts::texts;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/register", web::get().to(register_form))
        .route("/register", web::post().to(register))
        .route("/signin", web::get().to(signin_form))
        .route("/signin", web::post().to(signin))
        .route("/signin/vneid", web::get().to(vneid_start))
        .route("/auth/vneid", web::get().to(vneid_callback))
        .route("/signout", web::post().to(signout))
        .route("/app/token", web::post().to(token));
}

#[derive(Default)]
struct RegisterFields {
    full_name: String,
    contact: String,
    target_group: String,
    class_code: String,
}

#[derive(Template)]
#[template(path = "web/register.html")]
struct RegisterPage {
    c: Chrome,
    form: RegisterFields,
    errors: FormErrors,
}

fn render_register(
    req: &HttpRequest,
    visitor: &Visitor,
    status: StatusCode,
    form: RegisterFields,
    errors: FormErrors,
) -> HttpResponse {
    let t = texts(visitor.lang);
    let page = RegisterPage {
        c: Chrome::new(visitor, req, t.register_heading),
        form,
        errors,
    };
    chrome::page(req, visitor, status, page.render())
}

async fn register_form(req: HttpRequest, visitor: Visitor) -> HttpResponse {
    if visitor.principal.is_some() {
        return chrome::see_other(&visitor, "/learning");
    }
    render_register(
        &req,
        &visitor,
        StatusCode::OK,
        RegisterFields::default(),
        FormErrors::default(),
    )
}

/// The API names fields as its JSON does; the page has one field for phone or email.
fn register_field(field: &str) -> String {
    match field {
        "phone" | "email" => "contact".to_owned(),
        other => other.to_owned(),
    }
}

async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    mut visitor: Visitor,
    body: web::Bytes,
) -> HttpResponse {
    let form = match Form::checked(&req, &visitor, &body) {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let fields = RegisterFields {
        full_name: form.text("full_name"),
        contact: form.text("contact"),
        target_group: form.text("target_group"),
        class_code: form.text("class_code"),
    };
    let t = texts(visitor.lang);
    if fields.contact.is_empty() {
        let errors = FormErrors::one("contact", t.contact_required);
        return render_register(&req, &visitor, StatusCode::BAD_REQUEST, fields, errors);
    }
    let (phone, email) = if fields.contact.contains('@') {
        (None, Some(fields.contact.clone()))
    } else {
        (Some(fields.contact.clone()), None)
    };
    let request = RegisterRequest {
        phone,
        email,
        password: form.get("password").unwrap_or_default().to_owned(),
        full_name: fields.full_name.clone(),
        target_group: Some(match fields.target_group.as_str() {
            "student" => TargetGroup::Student,
            _ => TargetGroup::Citizen,
        }),
        preferred_language: Some(visitor.lang),
        class_code: (!fields.class_code.is_empty()).then(|| fields.class_code.clone()),
    };
    let limit = match request.class_code {
        Some(_) => Limited::ClassSignup,
        None => Limited::Register,
    };
    let registered = match state.rate_limits.check(limit, &req) {
        Ok(()) => match validator::Validate::validate(&request) {
            Ok(()) => state.register(request).await.map_err(Problem::from),
            Err(invalid) => Err(Problem::from(invalid)),
        },
        Err(limited) => Err(limited),
    };
    match registered {
        Ok(tokens) => {
            visitor.begin(&tokens, state.identity.refresh_ttl().num_seconds());
            chrome::see_other(&visitor, "/profile?welcome=1")
        }
        Err(problem) => {
            let errors = FormErrors::from_problem(&problem, visitor.lang, &register_field);
            let status = chrome::status_of(&problem);
            render_register(&req, &visitor, status, fields, errors)
        }
    }
}

#[derive(Template)]
#[template(path = "web/signin.html")]
struct SigninPage {
    c: Chrome,
    identifier: String,
    next: String,
    vneid: bool,
    errors: FormErrors,
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

fn next_of(candidate: Option<&str>) -> String {
    candidate
        .and_then(chrome::local_path)
        .unwrap_or("/learning")
        .to_owned()
}

fn render_signin(
    state: &AppState,
    req: &HttpRequest,
    visitor: &Visitor,
    status: StatusCode,
    identifier: String,
    next: String,
    errors: FormErrors,
) -> HttpResponse {
    let t = texts(visitor.lang);
    let page = SigninPage {
        c: Chrome::new(visitor, req, t.signin_heading),
        identifier,
        next,
        vneid: state.settings.oidc.is_some(),
        errors,
    };
    chrome::page(req, visitor, status, page.render())
}

async fn signin_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    visitor: Visitor,
    query: Option<web::Query<Next>>,
) -> HttpResponse {
    let next = next_of(query.as_ref().and_then(|q| q.next.as_deref()));
    if visitor.principal.is_some() {
        return chrome::see_other(&visitor, &next);
    }
    render_signin(
        &state,
        &req,
        &visitor,
        StatusCode::OK,
        String::new(),
        next,
        FormErrors::default(),
    )
}

async fn signin(
    state: web::Data<AppState>,
    req: HttpRequest,
    mut visitor: Visitor,
    body: web::Bytes,
) -> HttpResponse {
    let form = match Form::checked(&req, &visitor, &body) {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let identifier = form.text("identifier");
    let next = next_of(form.get("next"));
    let signed_in = match state.rate_limits.check(Limited::Login, &req) {
        Ok(()) => state
            .identity
            .login(LoginRequest {
                identifier: identifier.clone(),
                password: form.get("password").unwrap_or_default().to_owned(),
            })
            .await
            .map_err(Problem::from),
        Err(limited) => Err(limited),
    };
    match signed_in {
        Ok(tokens) => {
            visitor.begin(&tokens, state.identity.refresh_ttl().num_seconds());
            chrome::see_other(&visitor, &next)
        }
        Err(problem) => {
            let errors = FormErrors::from_problem(&problem, visitor.lang, &|f| f.to_owned());
            let status = chrome::status_of(&problem);
            render_signin(&state, &req, &visitor, status, identifier, next, errors)
        }
    }
}

/// Sends the browser to VNeID, keeping the sign-in's binding in a cookie of its own:
/// a code and state finished in any other browser are refused.
#[derive(Deserialize)]
struct Hint {
    /// Passed on to the provider, as the API's start does (a phone number, say).
    login_hint: Option<String>,
}

async fn vneid_start(
    state: web::Data<AppState>,
    req: HttpRequest,
    visitor: Visitor,
    hint: Option<web::Query<Hint>>,
) -> HttpResponse {
    if let Err(limited) = state.rate_limits.check(Limited::Login, &req) {
        return chrome::problem_page(&req, &visitor, &limited);
    }
    let hint = hint
        .and_then(|h| h.into_inner().login_hint)
        .filter(|h| !h.is_empty() && h.len() <= 128);
    match state.identity.start_oidc(hint.as_deref()).await {
        Ok(start) => {
            let mut response = HttpResponse::SeeOther();
            visitor.set_cookies(&mut response);
            response
                .cookie(visitor.oidc_binding_cookie(&start.binding))
                .insert_header((actix_web::http::header::LOCATION, start.authorization_url))
                .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
                .finish()
        }
        Err(err) => chrome::problem_page(&req, &visitor, &Problem::from(err)),
    }
}

#[derive(Deserialize)]
struct ProviderAnswer {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The page VNeID sends the browser back to (the deployment's OIDC `redirect_uri`).
async fn vneid_callback(
    state: web::Data<AppState>,
    req: HttpRequest,
    mut visitor: Visitor,
    answer: Option<web::Query<ProviderAnswer>>,
) -> HttpResponse {
    let t = texts(visitor.lang);
    let refused = |visitor: &Visitor, text: &str| {
        let errors = FormErrors::one("", text);
        render_signin(
            &state,
            &req,
            visitor,
            StatusCode::BAD_REQUEST,
            String::new(),
            next_of(None),
            errors,
        )
    };
    let Some(answer) = answer.map(web::Query::into_inner) else {
        return refused(&visitor, t.vneid_failed);
    };
    let (Some(code), Some(oidc_state), None) = (answer.code, answer.state, answer.error) else {
        return refused(&visitor, t.vneid_cancelled);
    };
    let Some(binding) = visitor.oidc_binding(&req) else {
        return refused(&visitor, t.vneid_other_browser);
    };
    let callback = OidcCallback {
        code,
        state: oidc_state,
        binding,
    };
    let finished = match state.rate_limits.check(Limited::Login, &req) {
        Ok(()) => match validator::Validate::validate(&callback) {
            Ok(()) => state
                .identity
                .finish_oidc(callback)
                .await
                .map_err(Problem::from),
            Err(invalid) => Err(Problem::from(invalid)),
        },
        Err(limited) => Err(limited),
    };
    match finished {
        Ok(tokens) => {
            visitor.begin(&tokens, state.identity.refresh_ttl().num_seconds());
            let mut response = HttpResponse::SeeOther();
            visitor.set_cookies(&mut response);
            let mut spent = visitor.oidc_binding_cookie("");
            spent.set_max_age(actix_web::cookie::time::Duration::ZERO);
            response
                .cookie(spent)
                .insert_header((actix_web::http::header::LOCATION, "/learning"))
                .finish()
        }
        Err(problem) => refused(&visitor, problem.message.in_lang(visitor.lang)),
    }
}

async fn signout(
    state: web::Data<AppState>,
    req: HttpRequest,
    mut visitor: Visitor,
    body: web::Bytes,
) -> HttpResponse {
    if let Err(refused) = Form::checked(&req, &visitor, &body) {
        return refused;
    }
    if let Some(refresh) = visitor.refresh_token(&req)
        && let Err(err) = state.identity.logout(&refresh).await
    {
        // Already ended or unknown: the browser forgets it all the same.
        tracing::debug!(error = %err, "signing out a session that had ended");
    }
    visitor.end();
    let mut response = chrome::see_other(&visitor, "/");
    // A shared phone: the next person must not find this one's saved lessons or queue.
    response.headers_mut().insert(
        actix_web::http::header::HeaderName::from_static("clear-site-data"),
        actix_web::http::header::HeaderValue::from_static("\"storage\""),
    );
    response
}

/// The access token of the browser's session, for the page's own script to send queued
/// offline progress to the API. Same-origin only, with the CSRF token as a header.
async fn token(req: HttpRequest, visitor: Visitor) -> HttpResponse {
    let header = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok());
    if !csrf::form_allowed(&req, &visitor, header) {
        return HttpResponse::Forbidden()
            .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
            .json(serde_json::json!({"code": "csrf_refused"}));
    }
    let Some(access) = visitor.access_token(&req) else {
        let mut response = HttpResponse::Unauthorized();
        visitor.set_cookies(&mut response);
        return response
            .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
            .json(serde_json::json!({"code": "unauthorized"}));
    };
    let mut response = HttpResponse::Ok();
    visitor.set_cookies(&mut response);
    response
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({"access_token": access}))
}
