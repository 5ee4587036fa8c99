//! The four target groups of the movement (seed plan II.3, IV.2.1).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetGroup {
    /// Cán bộ, công chức, viên chức, người lao động trong cơ quan nhà nước.
    PublicSector,
    /// Học sinh, sinh viên.
    Student,
    /// Người lao động trong các doanh nghiệp.
    EnterpriseWorker,
    /// Người dân.
    Citizen,
}

impl TargetGroup {
    pub const ALL: [TargetGroup; 4] = [
        TargetGroup::PublicSector,
        TargetGroup::Student,
        TargetGroup::EnterpriseWorker,
        TargetGroup::Citizen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TargetGroup::PublicSector => "public_sector",
            TargetGroup::Student => "student",
            TargetGroup::EnterpriseWorker => "enterprise_worker",
            TargetGroup::Citizen => "citizen",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == value)
    }
}
