//! `/api/v1/auth`, `/api/v1/me`, `/api/v1/units`, `/api/v1/users`.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use hocvuso_identity::dto::{
    CreateUnitRequest, CreateUserRequest, LoginRequest, RefreshRequest, RegisterRequest,
    TokenResponse, UnitView, UpdateProfileRequest, UserView,
};
use hocvuso_identity::oidc::{OidcCallback, OidcStart};
use hocvuso_kernel::problem::ProblemBody;
use hocvuso_kernel::{Page, PageQuery, Role};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::auth::Authenticated;
use crate::error::ApiResult;
use crate::extract::{ValidJson, ValidQuery};
use crate::rate_limit::Limited;
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(register)
        .service(login)
        .service(refresh)
        .service(logout)
        .service(oidc_start)
        .service(oidc_callback)
        .service(me)
        .service(update_me)
        .service(start_vneid_link)
        .service(unit_requests)
        .service(list_units)
        .service(create_unit)
        .service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user);
}

/// A learner creates an account with a phone number or an email, and is signed in; with
/// a class's sign-up code (`class_code`), into that class and its unit.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = CREATED, body = TokenResponse),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "Invalid field, weak password (`password_too_short`, …)"),
        (status = CONFLICT, body = ProblemBody, content_type = "application/problem+json", description = "`phone_taken` or `email_taken`"),
        (status = TOO_MANY_REQUESTS, body = ProblemBody, content_type = "application/problem+json", description = "`rate_limited`: per client address (with a class code, a higher limit on guessing codes)"),
    )
)]
#[post("/auth/register")]
async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    ValidJson(body): ValidJson<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    // With a class's code the code bounds the sign-ups; guesses are limited apart.
    let limit = match body.class_code {
        Some(_) => Limited::ClassSignup,
        None => Limited::Register,
    };
    state.rate_limits.check(limit, &req)?;
    let session = state.register(body).await?;
    Ok(HttpResponse::Created().json(session))
}

/// Signs in with phone number or email and password.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = OK, body = TokenResponse),
        (status = UNAUTHORIZED, body = ProblemBody, content_type = "application/problem+json", description = "`invalid_credentials`: the same for an unknown account and a wrong password"),
        (status = TOO_MANY_REQUESTS, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    ValidJson(body): ValidJson<LoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    state.rate_limits.check(Limited::Login, &req)?;
    Ok(web::Json(state.identity.login(body).await?))
}

/// Exchanges a refresh token for a new pair; each refresh token works once.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = OK, body = TokenResponse),
        (status = UNAUTHORIZED, body = ProblemBody, content_type = "application/problem+json", description = "`invalid_token`, or `refresh_token_reused` (the session is then revoked)"),
        (status = TOO_MANY_REQUESTS, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    ValidJson(body): ValidJson<RefreshRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    state.rate_limits.check(Limited::Refresh, &req)?;
    Ok(web::Json(
        state.identity.refresh(&body.refresh_token).await?,
    ))
}

/// Signs out: the refresh token and every token rotated from the same sign-in stop working.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = NO_CONTENT),
        (status = UNAUTHORIZED, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
async fn logout(
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    state.identity.logout(&body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
struct OidcStartQuery {
    /// Passed on to the identity provider (e.g. the citizen ID the person typed).
    #[validate(length(min = 1, max = 128))]
    #[param(min_length = 1, max_length = 128)]
    login_hint: Option<String>,
}

/// Starts sign-in with VNeID: where to send the person, and the state to bring back.
#[utoipa::path(
    tag = "auth",
    params(OidcStartQuery),
    responses(
        (status = OK, body = OidcStart),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json", description = "`oidc_not_configured`"),
        (status = SERVICE_UNAVAILABLE, body = ProblemBody, content_type = "application/problem+json", description = "`identity_provider_unavailable`: VNeID does not answer; signed-in learners are not affected"),
    )
)]
#[get("/auth/oidc/start")]
async fn oidc_start(
    state: web::Data<AppState>,
    req: HttpRequest,
    ValidQuery(query): ValidQuery<OidcStartQuery>,
) -> ApiResult<web::Json<OidcStart>> {
    state.rate_limits.check(Limited::Login, &req)?;
    Ok(web::Json(
        state
            .identity
            .start_oidc(query.login_hint.as_deref())
            .await?,
    ))
}

/// Finishes sign-in with VNeID: the `code` and `state` the provider returned, and the
/// `binding` the start gave this client. Signs in the account linked to this VNeID
/// identity, or the one a signed-in person asked to link, or a learner account with no
/// password whose citizen ID came from the ward's list; otherwise creates the learner.
/// Marks it identity-verified.
#[utoipa::path(
    tag = "auth",
    request_body = OidcCallback,
    responses(
        (status = OK, body = TokenResponse),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`validation_failed`: field state is `oidc_state_invalid`; field binding is `oidc_binding_mismatch`"),
        (status = UNAUTHORIZED, body = ProblemBody, content_type = "application/problem+json", description = "`oidc_sign_in_failed`"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json", description = "`assurance_too_low`: the VNeID account's identification level is below the configured minimum"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json", description = "`oidc_not_configured`"),
        (status = CONFLICT, body = ProblemBody, content_type = "application/problem+json", description = "`vneid_link_required`: the citizen ID belongs to an account with a password, which must link VNeID itself; `vneid_already_linked`"),
        (status = SERVICE_UNAVAILABLE, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/auth/oidc/callback")]
async fn oidc_callback(
    state: web::Data<AppState>,
    req: HttpRequest,
    ValidJson(body): ValidJson<OidcCallback>,
) -> ApiResult<web::Json<TokenResponse>> {
    state.rate_limits.check(Limited::Login, &req)?;
    Ok(web::Json(state.identity.finish_oidc(body).await?))
}

/// The caller's own account and profile, citizen ID included.
#[utoipa::path(
    tag = "profile",
    security(("bearer" = [])),
    responses(
        (status = OK, body = UserView),
        (status = UNAUTHORIZED, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
async fn me(state: web::Data<AppState>, caller: Authenticated) -> ApiResult<web::Json<UserView>> {
    Ok(web::Json(state.identity.me(&caller.0).await?))
}

/// Updates the caller's profile. A citizen ID is checked against date of birth and sex
/// and kept as the owner's claim (`cccd_source: self`) until an administrator confirms it;
/// a learner with no unit chooses their residential group once, any other unit becomes a
/// request (`requested_unit_id`); the household is the ward's to set;
/// the target group is declared once; name, birth date, sex and citizen ID from VNeID or
/// the ward's list are locked.
#[utoipa::path(
    tag = "profile",
    security(("bearer" = [])),
    request_body = UpdateProfileRequest,
    responses(
        (status = OK, body = UserView),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json", description = "`validation_failed`: field cccd is `cccd_format`, `cccd_province`, `cccd_sex_mismatch`, `cccd_birth_year_mismatch`, `cccd_birth_year_in_future` or `identity_locked`; field household is `assigned_by_ward`; field target_group is `target_group_locked` or `target_group_needs_unit`"),
        (status = TOO_MANY_REQUESTS, body = ProblemBody, content_type = "application/problem+json", description = "`rate_limited`: too many citizen IDs typed this hour"),
    )
)]
#[patch("/me")]
async fn update_me(
    state: web::Data<AppState>,
    caller: Authenticated,
    ValidJson(body): ValidJson<UpdateProfileRequest>,
) -> ApiResult<web::Json<UserView>> {
    if body.cccd.is_some() {
        state.rate_limits.check_cccd(caller.0.user_id)?;
    }
    Ok(web::Json(state.identity.update_me(&caller.0, body).await?))
}

/// Starts linking VNeID to the caller's own account (for someone whose citizen ID sits in
/// an account with a password, which a VNeID sign-in does not enter by itself). Finish it
/// at `/auth/oidc/callback` like a sign-in.
#[utoipa::path(
    tag = "profile",
    security(("bearer" = [])),
    params(OidcStartQuery),
    responses(
        (status = OK, body = OidcStart),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json", description = "`oidc_not_configured`"),
        (status = SERVICE_UNAVAILABLE, body = ProblemBody, content_type = "application/problem+json", description = "`identity_provider_unavailable`"),
    )
)]
#[post("/me/vneid-link")]
async fn start_vneid_link(
    state: web::Data<AppState>,
    caller: Authenticated,
    ValidQuery(query): ValidQuery<OidcStartQuery>,
) -> ApiResult<web::Json<OidcStart>> {
    Ok(web::Json(
        state
            .identity
            .start_oidc_link(&caller.0, query.login_hint.as_deref())
            .await?,
    ))
}

/// People who asked to join a unit in the administrator's scope; place one with
/// `PATCH /users/{id}` and `unit_id` alone.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    responses(
        (status = OK, body = Vec<UserView>),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/unit-requests")]
async fn unit_requests(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<UserView>>> {
    let admin = caller.require(&[Role::Admin])?;
    Ok(web::Json(state.identity.unit_requests(admin).await?))
}

/// The units the administrator administers (and all below them).
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    responses(
        (status = OK, body = Vec<UnitView>),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/units")]
async fn list_units(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> ApiResult<web::Json<Vec<UnitView>>> {
    let admin = caller.require(&[Role::Admin])?;
    Ok(web::Json(state.identity.units(admin).await?))
}

/// Creates a unit (a residential group, a school, …) below one the administrator administers.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    request_body = CreateUnitRequest,
    responses(
        (status = CREATED, body = UnitView),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/units")]
async fn create_unit(
    state: web::Data<AppState>,
    caller: Authenticated,
    ValidJson(body): ValidJson<CreateUnitRequest>,
) -> ApiResult<HttpResponse> {
    let admin = caller.require(&[Role::Admin])?;
    let unit = state.create_unit(admin, body).await?;
    Ok(HttpResponse::Created().json(unit))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
struct UsersQuery {
    /// Only people in this unit and the units below it.
    unit_id: Option<Uuid>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u64>,
    #[validate(length(max = 512))]
    #[param(max_length = 512)]
    cursor: Option<String>,
}

/// People in the administrator's scope, a page at a time.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(UsersQuery),
    responses(
        (status = OK, body = Page<UserView>),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
async fn list_users(
    state: web::Data<AppState>,
    caller: Authenticated,
    ValidQuery(query): ValidQuery<UsersQuery>,
) -> ApiResult<web::Json<Page<UserView>>> {
    let admin = caller.require(&[Role::Admin])?;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    };
    Ok(web::Json(
        state.identity.users(admin, query.unit_id, &page).await?,
    ))
}

/// An administrator creates an account (learner, trainer or administrator) in their scope.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = CREATED, body = UserView),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = CONFLICT, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
async fn create_user(
    state: web::Data<AppState>,
    caller: Authenticated,
    ValidJson(body): ValidJson<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    let admin = caller.require(&[Role::Admin])?;
    let user = state.create_user(admin, body).await?;
    Ok(HttpResponse::Created().json(user))
}

/// One person: themselves, anyone in scope for an administrator, a member of a class they run for a trainer (without contacts, citizen ID, birth date, household or disability).
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = OK, body = UserView),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[get("/users/{id}")]
async fn get_user(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<UserView>> {
    Ok(web::Json(state.person(&caller.0, id.into_inner()).await?))
}

/// An administrator corrects the profile of someone in their scope.
#[utoipa::path(
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = UpdateProfileRequest,
    responses(
        (status = OK, body = UserView),
        (status = BAD_REQUEST, body = ProblemBody, content_type = "application/problem+json"),
        (status = FORBIDDEN, body = ProblemBody, content_type = "application/problem+json"),
        (status = NOT_FOUND, body = ProblemBody, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
async fn update_user(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<UpdateProfileRequest>,
) -> ApiResult<web::Json<UserView>> {
    let admin = caller.require(&[Role::Admin])?;
    let after = state.update_user(admin, id.into_inner(), body).await?;
    Ok(web::Json(after))
}
