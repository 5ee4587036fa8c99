//! `/profile`: the learner's own details, exactly as the trust rules let a learner
//! change them (identity fields lock once a trusted source confirmed them; the target
//! group is declared once). The citizen ID is only ever shown masked here.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use hocvuso_identity::cccd::Sex;
use hocvuso_identity::dto::{Disability, UpdateProfileRequest, UserView};
use hocvuso_kernel::{Lang, Problem, TargetGroup};

use crate::state::AppState;
use crate::web::chrome::{self, Chrome, FormErrors};
use crate::web::forms::Form;
use crate::web::session::{Preference, Visitor};
use crate::web::texts::texts;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/profile", web::get().to(show))
        .route("/profile", web::post().to(save));
}

#[derive(Default)]
struct Fields {
    full_name: String,
    birth_date: String,
    sex: String,
    target_group: String,
    disability: String,
    preferred_language: String,
}

impl Fields {
    fn of(user: &UserView) -> Self {
        Fields {
            full_name: user.full_name.clone(),
            birth_date: user.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            sex: user.sex.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            target_group: user
                .target_group
                .map(|g| g.as_str().to_owned())
                .unwrap_or_default(),
            disability: user
                .disability
                .map(|d| d.as_str().to_owned())
                .unwrap_or_default(),
            preferred_language: match user.preferred_language {
                Lang::En => "en".to_owned(),
                Lang::Vi => "vi".to_owned(),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "web/profile.html")]
struct ProfilePage {
    c: Chrome,
    form: Fields,
    errors: FormErrors,
    saved: bool,
    verified: bool,
    locked: bool,
    group_locked: bool,
    cccd_masked: Option<String>,
    groups: Vec<(&'static str, &'static str)>,
    disabilities: Vec<(&'static str, &'static str)>,
}

/// Shown masked even to its owner on a page: a shared phone or a look over the shoulder.
fn masked(cccd: &str) -> String {
    let keep = cccd.chars().count().saturating_sub(2);
    cccd.chars()
        .enumerate()
        .map(|(i, ch)| if i < keep { '*' } else { ch })
        .collect()
}

fn render(
    req: &HttpRequest,
    visitor: &Visitor,
    status: StatusCode,
    user: &UserView,
    form: Fields,
    errors: FormErrors,
    saved: bool,
) -> HttpResponse {
    let t = texts(visitor.lang);
    let trusted_cccd = matches!(
        user.cccd_source.as_deref(),
        Some("vneid" | "import" | "administrator")
    );
    let page = ProfilePage {
        c: Chrome::new(visitor, req, t.profile_heading),
        form,
        errors,
        saved,
        verified: user.identity_verified,
        locked: user.identity_verified || trusted_cccd,
        group_locked: user.target_group.is_some(),
        cccd_masked: user.cccd.as_deref().map(masked),
        groups: vec![
            ("citizen", t.group_citizen),
            ("student", t.group_student),
            ("public_sector", t.group_public_sector),
            ("enterprise_worker", t.group_enterprise_worker),
        ],
        disabilities: vec![
            ("", t.disability_none),
            ("visual", t.disability_visual),
            ("hearing", t.disability_hearing),
            ("mobility", t.disability_mobility),
            ("cognitive", t.disability_cognitive),
            ("other", t.disability_other),
        ],
    };
    chrome::page(req, visitor, status, page.render())
}

async fn show(state: web::Data<AppState>, req: HttpRequest, visitor: Visitor) -> HttpResponse {
    let principal = match chrome::signed_in(&req, &visitor) {
        Ok(principal) => principal,
        Err(to_signin) => return to_signin,
    };
    match state.identity.me(principal).await {
        Ok(user) => {
            let saved = req.query_string() == "saved=1";
            render(
                &req,
                &visitor,
                StatusCode::OK,
                &user,
                Fields::of(&user),
                FormErrors::default(),
                saved,
            )
        }
        Err(err) => chrome::problem_page(&req, &visitor, &Problem::from(err)),
    }
}

/// The fields that differ from what is stored: sending an unchanged locked field would
/// be refused as a change.
fn changes(user: &UserView, form: &Form, lang: Lang) -> Result<UpdateProfileRequest, FormErrors> {
    let t = texts(lang);
    let mut update = UpdateProfileRequest::default();
    let name = form.text("full_name");
    if !name.is_empty() && name != user.full_name {
        update.full_name = Some(name);
    }
    let birth = form.text("birth_date");
    if !birth.is_empty() {
        let date = NaiveDate::parse_from_str(&birth, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(&birth, "%d/%m/%Y"))
            .map_err(|_| FormErrors::one("birth_date", t.birth_date_invalid))?;
        if Some(date) != user.birth_date {
            update.birth_date = Some(date);
        }
    }
    if let Some(sex) = form.get("sex").and_then(Sex::parse)
        && Some(sex) != user.sex
    {
        update.sex = Some(sex);
    }
    let cccd = form.text("cccd");
    if !cccd.is_empty() {
        update.cccd = Some(cccd);
    }
    if let Some(group) = form.get("target_group").and_then(TargetGroup::parse)
        && Some(group) != user.target_group
    {
        update.target_group = Some(group);
    }
    if let Some(disability) = form.get("disability").and_then(Disability::parse)
        && Some(disability) != user.disability
    {
        update.disability = Some(disability);
    }
    let language = match form.get("preferred_language") {
        Some("en") => Some(Lang::En),
        Some("vi") => Some(Lang::Vi),
        _ => None,
    };
    if language.is_some() && language != Some(user.preferred_language) {
        update.preferred_language = language;
    }
    Ok(update)
}

async fn save(
    state: web::Data<AppState>,
    req: HttpRequest,
    visitor: Visitor,
    body: web::Bytes,
) -> HttpResponse {
    let (form, principal) = match Form::signed_in(&req, &visitor, &body) {
        Ok(both) => both,
        Err(response) => return response,
    };
    let user = match state.identity.me(principal).await {
        Ok(user) => user,
        Err(err) => return chrome::problem_page(&req, &visitor, &Problem::from(err)),
    };
    let typed = Fields {
        full_name: form.text("full_name"),
        birth_date: form.text("birth_date"),
        sex: form.text("sex"),
        target_group: form.text("target_group"),
        disability: form.text("disability"),
        preferred_language: form.text("preferred_language"),
    };
    let update = match changes(&user, &form, visitor.lang) {
        Ok(update) => update,
        Err(errors) => {
            return render(
                &req,
                &visitor,
                StatusCode::BAD_REQUEST,
                &user,
                typed,
                errors,
                false,
            );
        }
    };
    let saved = if update.cccd.is_some()
        && let Err(limited) = state.rate_limits.check_cccd(principal.user_id)
    {
        Err(limited)
    } else {
        match validator::Validate::validate(&update) {
            Ok(()) => state
                .identity
                .update_me(principal, update)
                .await
                .map_err(Problem::from),
            Err(invalid) => Err(Problem::from(invalid)),
        }
    };
    match saved {
        Ok(after) => {
            let mut response = chrome::see_other(&visitor, "/profile?saved=1");
            let lang = match after.preferred_language {
                Lang::En => "en",
                Lang::Vi => "vi",
            };
            if let Err(err) = response.add_cookie(&visitor.preference(Preference::Lang, lang)) {
                tracing::warn!(error = %err, "the language cookie could not be set");
            }
            response
        }
        Err(problem) => {
            let errors = FormErrors::from_problem(&problem, visitor.lang, &|f| f.to_owned());
            let status = chrome::status_of(&problem);
            render(&req, &visitor, status, &user, typed, errors, false)
        }
    }
}
