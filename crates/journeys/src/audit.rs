//! Recording administrative writes in the audit log, with the citizen ID masked: the
//! log keeps what changed, not a second, unencrypted copy of anyone's ID number.

use hocvuso_administration::audit::AuditRecord;
use hocvuso_identity::cccd::mask_id_number;
use hocvuso_kernel::Principal;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::{JourneyError, JourneyResult, Platform};

/// What a write did, and to what.
pub struct Audited {
    pub action: &'static str,
    pub subject_kind: &'static str,
    pub subject_id: Option<Uuid>,
    /// The unit the write concerns: who may read the entry.
    pub unit_id: Option<Uuid>,
}

fn snapshot(value: impl Serialize) -> JourneyResult<Value> {
    let mut value = serde_json::to_value(value).map_err(JourneyError::Snapshot)?;
    if let Some(Value::String(cccd)) = value.get_mut("cccd") {
        *cccd = mask_id_number(cccd);
    }
    Ok(value)
}

impl Platform {
    /// Writes one audit entry: who did what to which subject, before and after.
    pub async fn audit<B: Serialize, A: Serialize>(
        &self,
        actor: &Principal,
        what: Audited,
        before: Option<B>,
        after: Option<A>,
    ) -> JourneyResult<()> {
        let record = AuditRecord {
            actor_id: actor.user_id,
            action: what.action,
            subject_kind: what.subject_kind,
            subject_id: what.subject_id,
            unit_id: what.unit_id,
            before: before.map(snapshot).transpose()?,
            after: after.map(snapshot).transpose()?,
        };
        self.administration.record(record).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_mask_the_citizen_id() {
        let value = snapshot(serde_json::json!({"cccd": "001090012345", "full_name": "An"}))
            .expect("serialisable");
        assert_eq!(value["cccd"], "**********45");
        assert_eq!(value["full_name"], "An");
    }
}
