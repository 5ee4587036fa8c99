//! Who is making a request, as established by a verified access token.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Learner,
    Trainer,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Trainer => "trainer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "learner" => Some(Role::Learner),
            "trainer" => Some(Role::Trainer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// An authenticated caller. Administrators act only within the administrative units
/// they are scoped to (and the units below those).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: Uuid,
    pub role: Role,
}

impl Principal {
    pub fn is(&self, role: Role) -> bool {
        self.role == role
    }
}
