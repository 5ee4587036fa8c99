//! Accounts and sessions: registration, sign-in, refresh-token rotation, sign-out.

use chrono::Duration;
use hocvuso_kernel::{Lang, Role, ids::new_id, time::now};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr};
use uuid::Uuid;

use crate::contact::{Email, LoginIdentifier, PhoneNumber};
use crate::dto::{LoginRequest, RegisterRequest, TokenResponse};
use crate::entity::{refresh_token, user};
use crate::provenance::FactSource;
use crate::tokens::{hash_refresh_token, new_refresh_token};
use crate::{Identity, IdentityError, password};

/// Contact details of a new account, parsed.
pub(crate) struct Contacts {
    pub phone: Option<PhoneNumber>,
    pub email: Option<Email>,
}

pub(crate) fn parse_contacts(
    phone: Option<&str>,
    email: Option<&str>,
    required: bool,
) -> Result<Contacts, IdentityError> {
    let phone = match phone.filter(|p| !p.trim().is_empty()) {
        Some(p) => Some(PhoneNumber::parse(p).ok_or(IdentityError::InvalidField {
            field: "phone",
            code: "phone_invalid",
            vi: "Số điện thoại di động không hợp lệ.",
            en: "Not a valid Vietnamese mobile number.",
        })?),
        None => None,
    };
    let email = match email.filter(|e| !e.trim().is_empty()) {
        Some(e) => Some(Email::parse(e).ok_or(IdentityError::InvalidField {
            field: "email",
            code: "email",
            vi: "Địa chỉ email không hợp lệ.",
            en: "Not a valid email address.",
        })?),
        None => None,
    };
    if required && phone.is_none() && email.is_none() {
        return Err(IdentityError::InvalidField {
            field: "phone",
            code: "contact_required",
            vi: "Cần số điện thoại hoặc email.",
            en: "A phone number or an email is required.",
        });
    }
    Ok(Contacts { phone, email })
}

/// Maps a unique-constraint violation to the duplicate it means.
pub(crate) fn duplicate_or(err: sea_orm::DbErr) -> IdentityError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(detail)) => {
            if detail.contains("phone") {
                IdentityError::DuplicatePhone
            } else if detail.contains("email") {
                IdentityError::DuplicateEmail
            } else if detail.contains("cccd") {
                IdentityError::DuplicateCccd
            } else {
                IdentityError::Db(err)
            }
        }
        _ => IdentityError::Db(err),
    }
}

pub(crate) struct NewAccount {
    pub role: Role,
    pub full_name: String,
    pub contacts: Contacts,
    pub password: Option<String>,
    pub unit_id: Option<Uuid>,
    pub target_group: Option<hocvuso_kernel::TargetGroup>,
    /// Who chose the target group (when there is one).
    pub target_group_source: FactSource,
    pub preferred_language: Lang,
}

impl Identity {
    pub(crate) async fn insert_account(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        account: NewAccount,
    ) -> Result<user::Model, IdentityError> {
        let identifiers: Vec<&str> = [
            account.contacts.phone.as_ref().map(PhoneNumber::as_str),
            account.contacts.email.as_ref().map(Email::as_str),
        ]
        .into_iter()
        .flatten()
        .collect();
        let password_hash = match account.password {
            Some(password) => {
                password::check_policy(&password, &identifiers)
                    .map_err(IdentityError::WeakPassword)?;
                Some(password::hash(password).await?)
            }
            None => None,
        };
        let at = now();
        user::ActiveModel {
            id: Set(new_id()),
            role: Set(account.role.as_str().to_owned()),
            phone: Set(account.contacts.phone.map(|p| p.as_str().to_owned())),
            email: Set(account.contacts.email.map(|e| e.as_str().to_owned())),
            password_hash: Set(password_hash),
            full_name: Set(account.full_name.trim().to_owned()),
            birth_date: Set(None),
            sex: Set(None),
            target_group_source: Set(account
                .target_group
                .map(|_| account.target_group_source.as_str().to_owned())),
            target_group: Set(account.target_group.map(|g| g.as_str().to_owned())),
            unit_id: Set(account.unit_id),
            requested_unit_id: Set(None),
            household: Set(None),
            disability: Set(None),
            preferred_language: Set(lang_code(account.preferred_language).to_owned()),
            cccd_encrypted: Set(None),
            cccd_hash: Set(None),
            cccd_source: Set(None),
            identity_verified: Set(false),
            identity_assurance: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(db)
        .await
        .map_err(duplicate_or)
    }

    /// A learner signs up and is signed in.
    pub async fn register(&self, request: RegisterRequest) -> Result<TokenResponse, IdentityError> {
        let contacts = parse_contacts(request.phone.as_deref(), request.email.as_deref(), true)?;
        let account = NewAccount {
            role: Role::Learner,
            full_name: request.full_name,
            contacts,
            password: Some(request.password),
            unit_id: None,
            target_group: request.target_group.map(self_declarable).transpose()?,
            target_group_source: FactSource::SelfDeclared,
            preferred_language: request.preferred_language.unwrap_or_default(),
        };
        let user = self.insert_account(&self.db, account).await?;
        tracing::info!(user_id = %user.id, "learner registered");
        self.start_session(user).await
    }

    /// The same answer, in about the same time, for an unknown account and a wrong password.
    pub async fn login(&self, request: LoginRequest) -> Result<TokenResponse, IdentityError> {
        let found = match LoginIdentifier::parse(&request.identifier) {
            Some(LoginIdentifier::Email(email)) => {
                user::Entity::find()
                    .filter(user::Column::Email.eq(email.as_str()))
                    .one(&self.db)
                    .await?
            }
            Some(LoginIdentifier::Phone(phone)) => {
                user::Entity::find()
                    .filter(user::Column::Phone.eq(phone.as_str()))
                    .one(&self.db)
                    .await?
            }
            None => None,
        };
        let stored = found.as_ref().and_then(|u| u.password_hash.clone());
        if !password::verify(request.password, stored).await? {
            return Err(IdentityError::InvalidCredentials);
        }
        let user = found.ok_or(IdentityError::InvalidCredentials)?;
        self.start_session(user).await
    }

    pub(crate) async fn start_session(
        &self,
        user: user::Model,
    ) -> Result<TokenResponse, IdentityError> {
        let family = new_id();
        let refresh_token = self.store_refresh_token(user.id, family).await?;
        self.token_response(user, refresh_token, family)
    }

    fn token_response(
        &self,
        user: user::Model,
        refresh_token: String,
        session: Uuid,
    ) -> Result<TokenResponse, IdentityError> {
        let role = parse_role(&user.role)?;
        Ok(TokenResponse {
            access_token: self.tokens.issue_for(user.id, role, Some(session))?,
            token_type: "Bearer",
            expires_in: self.tokens.ttl().num_seconds(),
            refresh_token,
            user: self.view(&user, true)?,
        })
    }

    async fn store_refresh_token(
        &self,
        user_id: Uuid,
        family_id: Uuid,
    ) -> Result<String, IdentityError> {
        let (token, hash) = new_refresh_token()?;
        let at = now();
        refresh_token::ActiveModel {
            id: Set(new_id()),
            user_id: Set(user_id),
            family_id: Set(family_id),
            token_hash: Set(hash),
            expires_at: Set(at + self.refresh_ttl),
            used_at: Set(None),
            revoked_at: Set(None),
            created_at: Set(at),
        }
        .insert(&self.db)
        .await?;
        Ok(token)
    }

    /// Exchanges a refresh token for a new pair. Each token works once: presenting a
    /// spent token means it was stolen or replayed, so its whole family is revoked.
    pub async fn refresh(&self, token: &str) -> Result<TokenResponse, IdentityError> {
        let hash = hash_refresh_token(token);
        let at = now();
        let txn = self.db.begin().await?;
        let stored = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(hash))
            .one(&txn)
            .await?
            .ok_or(IdentityError::InvalidToken)?;
        if stored.revoked_at.is_some() || stored.expires_at <= at {
            return Err(IdentityError::InvalidToken);
        }
        // However often it is refreshed, a session ends some time after it began.
        let began = refresh_token::Entity::find()
            .filter(refresh_token::Column::FamilyId.eq(stored.family_id))
            .order_by_asc(refresh_token::Column::CreatedAt)
            .one(&txn)
            .await?
            .map_or(stored.created_at, |first| first.created_at);
        if began + self.session_lifetime <= at {
            txn.rollback().await?;
            self.revoke_family(stored.family_id).await?;
            return Err(IdentityError::InvalidToken);
        }
        // Claim the token atomically: of two concurrent uses, exactly one wins.
        let claimed = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::UsedAt, Expr::value(at))
            .filter(refresh_token::Column::Id.eq(stored.id))
            .filter(refresh_token::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 0 {
            txn.rollback().await?;
            self.revoke_family(stored.family_id).await?;
            tracing::warn!(user_id = %stored.user_id, "refresh token reused; family revoked");
            return Err(IdentityError::RefreshTokenReused);
        }
        txn.commit().await?;
        let user = user::Entity::find_by_id(stored.user_id)
            .one(&self.db)
            .await?
            .ok_or(IdentityError::InvalidToken)?;
        let next = self.store_refresh_token(user.id, stored.family_id).await?;
        self.token_response(user, next, stored.family_id)
    }

    /// Signs out: the refresh token's whole family stops working.
    pub async fn logout(&self, token: &str) -> Result<(), IdentityError> {
        let stored = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(hash_refresh_token(token)))
            .one(&self.db)
            .await?
            .ok_or(IdentityError::InvalidToken)?;
        self.revoke_family(stored.family_id).await
    }

    async fn revoke_family(&self, family_id: Uuid) -> Result<(), IdentityError> {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(now()))
            .filter(refresh_token::Column::FamilyId.eq(family_id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await?;
        self.ended_sessions.insert(family_id, true).await;
        Ok(())
    }

    /// Whether the session `family_id` was ended (signed out, or its refresh token
    /// replayed). Asked for every authenticated request: the answer is kept for a few
    /// seconds, so a sign-out on another server takes effect here within that time.
    pub async fn session_ended(&self, family_id: Uuid) -> Result<bool, IdentityError> {
        if let Some(ended) = self.ended_sessions.get(&family_id).await {
            return Ok(ended);
        }
        let ended = refresh_token::Entity::find()
            .filter(refresh_token::Column::FamilyId.eq(family_id))
            .filter(refresh_token::Column::RevokedAt.is_not_null())
            .one(&self.db)
            .await?
            .is_some();
        self.ended_sessions.insert(family_id, ended).await;
        Ok(ended)
    }

    pub fn refresh_ttl(&self) -> Duration {
        self.refresh_ttl
    }
}

/// A target group a person may give themselves without a unit that vouches for it:
/// civil servants and enterprise workers are set by their agency's or enterprise's
/// administrator (or its import), since the plan counts them against those units.
pub(crate) fn self_declarable(
    group: hocvuso_kernel::TargetGroup,
) -> Result<hocvuso_kernel::TargetGroup, IdentityError> {
    use hocvuso_kernel::TargetGroup as G;
    match group {
        G::Citizen | G::Student => Ok(group),
        G::PublicSector | G::EnterpriseWorker => Err(IdentityError::InvalidField {
            field: "target_group",
            code: "target_group_needs_unit",
            vi: "Nhóm cán bộ, công chức và nhóm người lao động doanh nghiệp do cơ quan, doanh nghiệp của bạn xác nhận.",
            en: "Civil servants and enterprise workers are confirmed by their agency or enterprise.",
        }),
    }
}

pub(crate) fn parse_role(value: &str) -> Result<Role, IdentityError> {
    Role::parse(value)
        .ok_or_else(|| IdentityError::Internal(format!("unknown stored role {value}")))
}

pub(crate) fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "vi",
        Lang::En => "en",
    }
}
