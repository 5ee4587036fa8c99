//! Sign-in with the national identity provider (VNeID), modelled as an OpenID Connect
//! provider: authorization code flow with PKCE, state and nonce.
//!
//! Hocvuso is the relying party. A client asks [`OidcSignIn::start`] for the provider's
//! authorization URL, sends the person there, and hands the `code` and `state` the
//! provider returns to [`Identity::finish_oidc`]. Pending sign-ins live in the database
//! so any server can finish them. The provider's discovery document and keys are cached
//! and fetched again when an ID token names a key we do not know (key rotation).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, NaiveDate};
use hocvuso_kernel::{Lang, Principal, Role, time::now};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken,
    EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, HttpRequest,
    HttpResponse, IdTokenClaims, IdTokenFields, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, StandardErrorResponse, StandardTokenResponse,
    TokenResponse as _,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;
use utoipa::ToSchema;

use crate::accounts::{Contacts, NewAccount};
use crate::cccd::{Cccd, Sex};
use crate::dto::TokenResponse;
use crate::entity::{external_identity, oidc_login, user};
use crate::provenance::{CccdSource, FactSource};
use crate::tokens::{hash_refresh_token, new_refresh_token};
use crate::{Identity, IdentityError};
use uuid::Uuid;

/// How Hocvuso is registered at the identity provider.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcSettings {
    pub issuer: String,
    pub client_id: String,
    #[serde(skip_serializing)]
    pub client_secret: SecretString,
    /// Where the provider sends the person back (the web or mobile client's page).
    pub redirect_uri: String,
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// The ID-token claim carrying the 12-digit citizen ID.
    #[serde(default = "default_cccd_claim")]
    pub cccd_claim: String,
    /// The claim carrying the identity-assurance level (VNeID level 1/2).
    #[serde(default = "default_assurance_claim")]
    pub assurance_claim: String,
    #[serde(default = "default_name_claim")]
    pub name_claim: String,
    #[serde(default = "default_birthdate_claim")]
    pub birthdate_claim: String,
    /// Seconds the discovery document and keys are reused before being fetched again.
    #[serde(default = "default_metadata_ttl")]
    pub metadata_ttl: u64,
    /// The lowest identity-assurance level accepted (VNeID level 2: identified in person
    /// with the chip card). A token reporting less, or no level, is refused.
    #[serde(default = "default_minimum_assurance")]
    pub minimum_assurance: u8,
}

fn default_scopes() -> Vec<String> {
    vec!["openid".into(), "profile".into(), "citizen".into()]
}
fn default_cccd_claim() -> String {
    "citizen_id".into()
}
fn default_assurance_claim() -> String {
    "ial".into()
}
fn default_name_claim() -> String {
    "name".into()
}
fn default_birthdate_claim() -> String {
    "birthdate".into()
}
fn default_metadata_ttl() -> u64 {
    3600
}
fn default_minimum_assurance() -> u8 {
    2
}

/// Claims beyond the standard ones (the citizen ID, the assurance level, …), by name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExtraClaims {
    #[serde(flatten)]
    claims: HashMap<String, serde_json::Value>,
}

impl AdditionalClaims for ExtraClaims {}

type IdFields = IdTokenFields<
    ExtraClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type ProviderTokenResponse = StandardTokenResponse<IdFields, CoreTokenType>;
type ProviderClient = Client<
    ExtraClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    ProviderTokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

const LOGIN_TTL_MINUTES: i64 = 10;

#[derive(Debug, Serialize, ToSchema)]
pub struct OidcStart {
    /// Send the person here (a browser or an in-app browser tab).
    pub authorization_url: String,
    /// Echoed back by the provider; pass it to the callback with the code.
    pub state: String,
    /// Keep this in the client that started the sign-in (never in a URL) and send it
    /// with the callback: a code and state finished by any other client are refused,
    /// so nobody can slip their own sign-in into someone else's browser.
    pub binding: String,
}

#[derive(Debug, Deserialize, validator::Validate, ToSchema)]
pub struct OidcCallback {
    #[validate(length(min = 1, max = 2048))]
    #[schema(min_length = 1, max_length = 2048)]
    pub code: String,
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub state: String,
    /// The `binding` the start returned to this client.
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub binding: String,
}

/// The relying party: settings, an HTTP client, and the cached provider metadata.
#[derive(Clone)]
pub struct OidcSignIn {
    settings: Arc<OidcSettings>,
    http: reqwest::Client,
    cache: Arc<RwLock<Option<(CoreProviderMetadata, Instant)>>>,
}

impl OidcSignIn {
    pub fn new(settings: OidcSettings) -> Result<Self, IdentityError> {
        let http = reqwest::Client::builder()
            // Following redirects from the provider would let it point us anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(StdDuration::from_secs(10))
            .build()
            .map_err(|e| IdentityError::Internal(format!("HTTP client: {e}")))?;
        Ok(Self {
            settings: Arc::new(settings),
            http,
            cache: Arc::new(RwLock::new(None)),
        })
    }

    pub fn issuer(&self) -> &str {
        &self.settings.issuer
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, reqwest::Error> {
        let (parts, body) = request.into_parts();
        let response = self
            .http
            .request(parts.method, parts.uri.to_string())
            .headers(parts.headers)
            .body(body)
            .send()
            .await?;
        let mut builder = openidconnect::http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let bytes = response.bytes().await?;
        // A status and headers that came from a response are always a valid response.
        Ok(builder.body(bytes.to_vec()).unwrap_or_default())
    }

    async fn metadata(&self, refresh: bool) -> Result<CoreProviderMetadata, IdentityError> {
        let ttl = StdDuration::from_secs(self.settings.metadata_ttl);
        if !refresh
            && let Some((metadata, fetched)) = self.cache.read().await.as_ref()
            && fetched.elapsed() < ttl
        {
            return Ok(metadata.clone());
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| IdentityError::Internal(format!("issuer URL: {e}")))?;
        let http = |request| self.send(request);
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .map_err(|e| IdentityError::OidcUnavailable(e.to_string()))?;
        *self.cache.write().await = Some((metadata.clone(), Instant::now()));
        Ok(metadata)
    }

    fn client(&self, metadata: CoreProviderMetadata) -> Result<ProviderClient, IdentityError> {
        let redirect = RedirectUrl::new(self.settings.redirect_uri.clone())
            .map_err(|e| IdentityError::Internal(format!("redirect URI: {e}")))?;
        Ok(ProviderClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(
                self.settings.client_secret.expose_secret().to_owned(),
            )),
        )
        .set_redirect_uri(redirect))
    }
}

/// Whether a VNeID sign-in may enter `account` because it holds the same trusted
/// citizen ID: only a learner's account nobody can sign in to otherwise.
fn links_by_cccd(account: &user::Model) -> bool {
    account.role == Role::Learner.as_str()
        && account.password_hash.is_none()
        && account
            .cccd_source
            .as_deref()
            .and_then(CccdSource::parse)
            .is_some_and(CccdSource::is_trusted)
}

/// What the provider vouched for about a person.
struct VerifiedPerson {
    subject: String,
    cccd: Cccd,
    full_name: Option<String>,
    birth_date: Option<NaiveDate>,
    sex: Option<Sex>,
    assurance: Option<String>,
}

fn claim_text(claims: &IdTokenClaims<ExtraClaims, CoreGenderClaim>, name: &str) -> Option<String> {
    match name {
        "name" => claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string()),
        "birthdate" => claims.birthdate().map(|b| b.to_string()),
        "gender" => claims.gender().map(|g| g.to_string()),
        other => claims
            .additional_claims()
            .claims
            .get(other)
            .and_then(|v| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            }),
    }
}

impl Identity {
    fn oidc(&self) -> Result<&OidcSignIn, IdentityError> {
        self.oidc.as_ref().ok_or(IdentityError::OidcNotConfigured)
    }

    /// Starts a sign-in: the provider's authorization URL, with a fresh state, nonce and
    /// PKCE challenge remembered for ten minutes.
    pub async fn start_oidc(&self, login_hint: Option<&str>) -> Result<OidcStart, IdentityError> {
        self.start_oidc_for(login_hint, None).await
    }

    /// Starts linking VNeID to the signed-in person's own account: finishing it verifies
    /// that account's identity (the way for someone whose citizen ID sits in an account
    /// with a password, which a VNeID sign-in never enters by itself).
    pub async fn start_oidc_link(
        &self,
        principal: &Principal,
        login_hint: Option<&str>,
    ) -> Result<OidcStart, IdentityError> {
        self.find_user(principal.user_id).await?;
        self.start_oidc_for(login_hint, Some(principal.user_id))
            .await
    }

    async fn start_oidc_for(
        &self,
        login_hint: Option<&str>,
        link_user_id: Option<Uuid>,
    ) -> Result<OidcStart, IdentityError> {
        let oidc = self.oidc()?;
        let client = oidc.client(oidc.metadata(false).await?)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in oidc.settings.scopes.iter().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        if let Some(hint) = login_hint {
            request = request.add_extra_param("login_hint", hint.to_owned());
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        self.purge_expired_oidc_logins().await?;
        let (binding, binding_hash) = new_refresh_token()?;
        oidc_login::ActiveModel {
            state: Set(state.secret().clone()),
            nonce: Set(nonce.secret().clone()),
            pkce_verifier: Set(verifier.secret().clone()),
            expires_at: Set(now() + Duration::minutes(LOGIN_TTL_MINUTES)),
            binding_hash: Set(Some(binding_hash)),
            link_user_id: Set(link_user_id),
        }
        .insert(&self.db)
        .await?;
        Ok(OidcStart {
            authorization_url: url.to_string(),
            state: state.secret().clone(),
            binding,
        })
    }

    /// Finishes a sign-in: exchanges the code, verifies the ID token, and signs in the
    /// person — see [`Identity::sign_in_verified`] for which account that is.
    pub async fn finish_oidc(
        &self,
        callback: OidcCallback,
    ) -> Result<TokenResponse, IdentityError> {
        let oidc = self.oidc()?;
        let pending = oidc_login::Entity::find_by_id(callback.state.clone())
            .one(&self.db)
            .await?;
        // A state works once, whatever happens next.
        oidc_login::Entity::delete_by_id(callback.state.clone())
            .exec(&self.db)
            .await?;
        let pending =
            pending
                .filter(|p| p.expires_at > now())
                .ok_or(IdentityError::InvalidField {
                    field: "state",
                    code: "oidc_state_invalid",
                    vi: "Phiên đăng nhập VNeID không hợp lệ hoặc đã hết hạn. Vui lòng bắt đầu lại.",
                    en: "The VNeID sign-in is unknown or has expired. Please start again.",
                })?;
        if pending.binding_hash.as_deref() != Some(hash_refresh_token(&callback.binding).as_str()) {
            return Err(IdentityError::InvalidField {
                field: "binding",
                code: "oidc_binding_mismatch",
                vi: "Phiên đăng nhập VNeID này được bắt đầu từ một thiết bị hoặc trình duyệt khác. Vui lòng bắt đầu lại.",
                en: "This VNeID sign-in was started from another device or browser. Please start again.",
            });
        }
        let link_user_id = pending.link_user_id;

        let metadata = oidc.metadata(false).await?;
        let client = oidc.client(metadata)?;
        let http = |request| oidc.send(request);
        let tokens = client
            .exchange_code(AuthorizationCode::new(callback.code))
            .map_err(|e| IdentityError::OidcRejected(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
            .request_async(&http)
            .await
            .map_err(|e| match e {
                openidconnect::RequestTokenError::ServerResponse(_) => {
                    IdentityError::OidcRejected(e.to_string())
                }
                other => IdentityError::OidcUnavailable(other.to_string()),
            })?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| IdentityError::OidcRejected("no ID token".into()))?;
        let nonce = Nonce::new(pending.nonce);
        let algs = [
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            CoreJwsSigningAlgorithm::EcdsaP256Sha256,
            CoreJwsSigningAlgorithm::EdDsa,
        ];
        let claims = match id_token.claims(
            &client.id_token_verifier().set_allowed_algs(algs.clone()),
            &nonce,
        ) {
            Ok(claims) => claims.clone(),
            // The provider may have rotated its keys since we cached them: fetch, retry once.
            Err(openidconnect::ClaimsVerificationError::SignatureVerification(_)) => {
                let client = oidc.client(oidc.metadata(true).await?)?;
                id_token
                    .claims(&client.id_token_verifier().set_allowed_algs(algs), &nonce)
                    .map_err(|e| IdentityError::OidcRejected(e.to_string()))?
                    .clone()
            }
            Err(e) => return Err(IdentityError::OidcRejected(e.to_string())),
        };
        let person = self.person_from(&oidc.settings, &claims)?;
        let required = oidc.settings.minimum_assurance;
        let level = person
            .assurance
            .as_deref()
            .and_then(|a| a.trim().parse::<u8>().ok())
            .unwrap_or(0);
        if level < required {
            tracing::warn!(level, required, "VNeID sign-in below the minimum assurance");
            return Err(IdentityError::AssuranceTooLow { required });
        }
        self.sign_in_verified(oidc.issuer(), person, link_user_id)
            .await
    }

    fn person_from(
        &self,
        settings: &OidcSettings,
        claims: &IdTokenClaims<ExtraClaims, CoreGenderClaim>,
    ) -> Result<VerifiedPerson, IdentityError> {
        let cccd_text = claim_text(claims, &settings.cccd_claim).ok_or_else(|| {
            IdentityError::OidcRejected("the ID token carries no citizen ID".into())
        })?;
        let cccd = Cccd::parse(&cccd_text).map_err(|e| {
            IdentityError::OidcRejected(format!("citizen ID from the provider: {e}"))
        })?;
        let birth_date = claim_text(claims, &settings.birthdate_claim)
            .and_then(|b| NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok());
        let sex = claim_text(claims, "gender").and_then(|g| Sex::parse(&g));
        cccd.check(birth_date, sex, now().date_naive())
            .map_err(|e| {
                IdentityError::OidcRejected(format!(
                    "citizen ID inconsistent with the provider's claims: {e}"
                ))
            })?;
        Ok(VerifiedPerson {
            subject: claims.subject().to_string(),
            cccd,
            full_name: claim_text(claims, &settings.name_claim),
            birth_date,
            sex,
            assurance: claim_text(claims, &settings.assurance_claim),
        })
    }

    /// Which account a verified person signs in to:
    /// - the account already linked to this VNeID identity;
    /// - when a signed-in person asked to link ([`Identity::start_oidc_link`]), theirs;
    /// - the account holding this citizen ID from a trusted source (the ward's import,
    ///   an administrator), if it is a learner's with no password — nobody else could
    ///   have used it; an account with a password must link VNeID itself, since its
    ///   password holder may not be the citizen;
    /// - otherwise a new learner.
    ///
    /// A citizen ID typed in by an account's holder is a claim and never links.
    async fn sign_in_verified(
        &self,
        issuer: &str,
        person: VerifiedPerson,
        link_user_id: Option<Uuid>,
    ) -> Result<TokenResponse, IdentityError> {
        let cccd_hash = self.vault.lookup_hash(&person.cccd)?;
        let txn = self.db.begin().await?;
        let linked =
            external_identity::Entity::find_by_id((issuer.to_owned(), person.subject.clone()))
                .one(&txn)
                .await?;
        let holder = user::Entity::find()
            .filter(user::Column::CccdHash.eq(cccd_hash.clone()))
            .one(&txn)
            .await?;
        let existing = match (linked.as_ref(), link_user_id) {
            (Some(link), Some(asking)) if link.user_id != asking => {
                return Err(IdentityError::VneidAlreadyLinked);
            }
            (Some(link), _) => user::Entity::find_by_id(link.user_id).one(&txn).await?,
            (None, Some(asking)) => {
                if holder.as_ref().is_some_and(|h| h.id != asking) {
                    return Err(IdentityError::VneidLinkRequired);
                }
                Some(
                    user::Entity::find_by_id(asking)
                        .one(&txn)
                        .await?
                        .ok_or(IdentityError::NotFound)?,
                )
            }
            (None, None) => match holder {
                Some(holder) if links_by_cccd(&holder) => Some(holder),
                Some(_) => return Err(IdentityError::VneidLinkRequired),
                None => None,
            },
        };
        let account = match existing {
            Some(account) => account,
            None => {
                self.insert_account(
                    &txn,
                    NewAccount {
                        role: Role::Learner,
                        full_name: person
                            .full_name
                            .clone()
                            .unwrap_or_else(|| "Người học".into()),
                        contacts: Contacts {
                            phone: None,
                            email: None,
                        },
                        password: None,
                        unit_id: None,
                        target_group: None,
                        target_group_source: FactSource::SelfDeclared,
                        preferred_language: Lang::Vi,
                    },
                )
                .await?
            }
        };
        // What the national provider verified wins over what was typed in.
        let owner = account.id;
        let mut active = account.into_active_model();
        if let Some(name) = &person.full_name {
            active.full_name = Set(name.clone());
        }
        if let Some(birth) = person.birth_date {
            active.birth_date = Set(Some(birth));
        }
        if let Some(sex) = person.sex {
            active.sex = Set(Some(sex.as_str().to_owned()));
        }
        active.cccd_encrypted = Set(Some(self.vault.encrypt(&person.cccd, owner)?));
        active.cccd_hash = Set(Some(cccd_hash));
        active.cccd_source = Set(Some(CccdSource::Vneid.as_str().to_owned()));
        active.identity_verified = Set(true);
        active.identity_assurance = Set(person.assurance.clone());
        active.updated_at = Set(now());
        let account = active
            .update(&txn)
            .await
            .map_err(crate::accounts::duplicate_or)?;
        if linked.is_none() {
            external_identity::ActiveModel {
                issuer: Set(issuer.to_owned()),
                subject: Set(person.subject),
                user_id: Set(account.id),
                created_at: Set(now()),
            }
            .insert(&txn)
            .await?;
        }
        txn.commit().await?;
        tracing::info!(user_id = %account.id, "signed in through the identity provider");
        self.start_session(account).await
    }

    /// Forgets sign-ins that were started and never finished.
    async fn purge_expired_oidc_logins(&self) -> Result<u64, IdentityError> {
        let deleted = oidc_login::Entity::delete_many()
            .filter(oidc_login::Column::ExpiresAt.lt(now()))
            .exec(&self.db)
            .await?;
        Ok(deleted.rows_affected)
    }
}
