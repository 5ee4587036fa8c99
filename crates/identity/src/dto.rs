//! What the identity API accepts and returns.

use chrono::{DateTime, NaiveDate, Utc};
use hocvuso_kernel::{Lang, Role, TargetGroup};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::cccd::Sex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Disability {
    Visual,
    Hearing,
    Mobility,
    Cognitive,
    Other,
}

impl Disability {
    pub fn as_str(self) -> &'static str {
        match self {
            Disability::Visual => "visual",
            Disability::Hearing => "hearing",
            Disability::Mobility => "mobility",
            Disability::Cognitive => "cognitive",
            Disability::Other => "other",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Disability::Visual,
            Disability::Hearing,
            Disability::Mobility,
            Disability::Cognitive,
            Disability::Other,
        ]
        .into_iter()
        .find(|d| d.as_str() == value)
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct RegisterRequest {
    /// Vietnamese mobile number (`0912345678` or `+84912345678`). Phone or email is required.
    #[validate(length(max = 32))]
    #[schema(max_length = 32)]
    pub phone: Option<String>,
    #[validate(length(max = 254))]
    #[schema(max_length = 254)]
    pub email: Option<String>,
    /// At least 8 characters, mixing letters with digits or symbols.
    #[validate(length(max = 1024))]
    #[schema(max_length = 1024)]
    pub password: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    pub target_group: Option<TargetGroup>,
    pub preferred_language: Option<Lang>,
    /// A class's sign-up code (`ABCD-EF23`), from the trainer in the hall: registers
    /// into the class and its unit, past the per-address limit.
    #[validate(length(max = 16))]
    #[schema(max_length = 16)]
    pub class_code: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct LoginRequest {
    /// The phone number or email the account was registered with.
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254)]
    pub identifier: String,
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 256))]
    #[schema(min_length = 1, max_length = 256)]
    pub refresh_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer …`.
    pub access_token: String,
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single use: exchange it at `/auth/refresh` for a new pair.
    pub refresh_token: String,
    pub user: UserView,
}

/// A person's account and learner profile.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub role: Role,
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub target_group: Option<TargetGroup>,
    pub unit_id: Option<Uuid>,
    /// A unit the person asked to join, waiting for an administrator of it.
    pub requested_unit_id: Option<Uuid>,
    pub household: Option<String>,
    pub disability: Option<Disability>,
    pub preferred_language: Lang,
    /// Aged 60 or more (from the date of birth).
    pub elderly: bool,
    /// The citizen ID: whole for its owner and administrators in scope, otherwise masked (`**********78`).
    pub cccd: Option<String>,
    /// Where the citizen ID came from: `vneid`, `import`, `administrator` (trusted), or
    /// `self` (typed by its owner: a claim, kept out of records until confirmed).
    pub cccd_source: Option<String>,
    /// Signed in through the national identity provider (VNeID) at least once.
    pub identity_verified: bool,
    /// The identity-assurance level the identity provider reported.
    pub identity_assurance: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Default, PartialEq, Deserialize, Validate, ToSchema)]
pub struct UpdateProfileRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    /// Declared once by its owner (`public_sector` and `enterprise_worker` only in an
    /// agency or enterprise); an administrator may change it.
    pub target_group: Option<TargetGroup>,
    /// The residential group, agency, school or enterprise the person belongs to. Set by
    /// an administrator in scope. A learner with no unit yet chooses their residential
    /// group once; any other unit (or a move) from its owner is a request that an
    /// administrator of that unit confirms (`requested_unit_id`).
    pub unit_id: Option<Uuid>,
    /// The household (hộ gia đình) label, e.g. the household book number. Set by an
    /// administrator or the ward's import only.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub household: Option<String>,
    pub disability: Option<Disability>,
    pub preferred_language: Option<Lang>,
    /// 12-digit citizen ID; checked against the date of birth and sex. Typed by its
    /// owner it is a claim (`cccd_source: self`) until an administrator confirms it.
    #[validate(length(max = 32))]
    #[schema(max_length = 32)]
    pub cccd: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// The whole country: its administrators set the plan's targets.
    Nation,
    Province,
    Ward,
    ResidentialGroup,
    Agency,
    School,
    Enterprise,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Nation => "nation",
            UnitKind::Province => "province",
            UnitKind::Ward => "ward",
            UnitKind::ResidentialGroup => "residential_group",
            UnitKind::Agency => "agency",
            UnitKind::School => "school",
            UnitKind::Enterprise => "enterprise",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            UnitKind::Nation,
            UnitKind::Province,
            UnitKind::Ward,
            UnitKind::ResidentialGroup,
            UnitKind::Agency,
            UnitKind::School,
            UnitKind::Enterprise,
        ]
        .into_iter()
        .find(|k| k.as_str() == value)
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CreateUnitRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub kind: UnitKind,
    /// The unit this one belongs to; must be within the administrator's scope.
    pub parent_id: Option<Uuid>,
    /// An optional stable code (e.g. the official ward code).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub code: Option<String>,
}

/// A person as a mentor or a report names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PersonBrief {
    pub id: Uuid,
    pub full_name: String,
    pub unit_id: Option<Uuid>,
    pub target_group: Option<TargetGroup>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitView {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub kind: UnitKind,
    pub name: String,
    pub code: Option<String>,
}

/// An administrator creates an account for someone in their scope.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CreateUserRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    pub role: Role,
    #[validate(length(max = 32))]
    #[schema(max_length = 32)]
    pub phone: Option<String>,
    #[validate(length(max = 254))]
    #[schema(max_length = 254)]
    pub email: Option<String>,
    /// Optional: without one the person signs in through VNeID only.
    #[validate(length(max = 1024))]
    #[schema(max_length = 1024)]
    pub password: Option<String>,
    pub unit_id: Option<Uuid>,
    pub target_group: Option<TargetGroup>,
    /// For administrators: the units they will administer (within the creator's scope).
    #[serde(default)]
    pub scope_unit_ids: Vec<Uuid>,
}
