//! Administrative writes, each with its audit entry: units and people (identity),
//! resident imports, targets, classes and mentorships (administration). The entry is
//! filed under the unit the write concerns, which decides who may read it.

use hocvuso_administration::classes::{
    ClassView, CreateClassRequest, CreateSessionRequest, PersonOutcome, SessionView,
};
use hocvuso_administration::mentors::MentorshipView;
use hocvuso_administration::people::ImportSummary;
use hocvuso_administration::sheet::FileFormat;
use hocvuso_administration::targets::{SetTargetRequest, TargetView};
use hocvuso_identity::dto::{
    CreateUnitRequest, CreateUserRequest, UnitView, UpdateProfileRequest, UserView,
};
use hocvuso_kernel::{Principal, TargetGroup};
use uuid::Uuid;

use crate::audit::Audited;
use crate::{JourneyResult, Platform};

/// A resident list as uploaded.
pub struct Upload {
    pub bytes: Vec<u8>,
    pub format: FileFormat,
    pub file_name: Option<String>,
}

impl Platform {
    /// The highest of the administrator's units: where a write spanning their units
    /// is filed in the audit log.
    async fn top_unit(&self, admin: &Principal) -> JourneyResult<Option<Uuid>> {
        let units = self.identity.units(admin).await?;
        let ids: std::collections::HashSet<Uuid> = units.iter().map(|u| u.id).collect();
        Ok(units
            .iter()
            .find(|u| !u.parent_id.is_some_and(|p| ids.contains(&p)))
            .map(|u| u.id))
    }

    /// The unit of a person in the administrator's scope.
    async fn unit_of(&self, admin: &Principal, person: Uuid) -> JourneyResult<Option<Uuid>> {
        Ok(self.identity.user(admin, person).await?.unit_id)
    }

    pub async fn create_unit(
        &self,
        admin: &Principal,
        request: CreateUnitRequest,
    ) -> JourneyResult<UnitView> {
        let unit = self.identity.create_unit(admin, request).await?;
        let what = Audited {
            action: "unit.create",
            subject_kind: "unit",
            subject_id: Some(unit.id),
            unit_id: Some(unit.id),
        };
        self.audit(admin, what, None::<()>, Some(&unit)).await?;
        Ok(unit)
    }

    pub async fn create_user(
        &self,
        admin: &Principal,
        request: CreateUserRequest,
    ) -> JourneyResult<UserView> {
        let user = self.identity.create_user(admin, request).await?;
        let what = Audited {
            action: "user.create",
            subject_kind: "user",
            subject_id: Some(user.id),
            unit_id: user.unit_id,
        };
        self.audit(admin, what, None::<()>, Some(&user)).await?;
        Ok(user)
    }

    /// An administrator corrects the profile of someone in their scope, or places
    /// someone who asked to join a unit of it (whose earlier profile, outside the scope,
    /// is then not the log's to keep).
    pub async fn update_user(
        &self,
        admin: &Principal,
        id: Uuid,
        changes: UpdateProfileRequest,
    ) -> JourneyResult<UserView> {
        let before = match self.identity.user(admin, id).await {
            Ok(view) => Some(view),
            Err(hocvuso_identity::IdentityError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let after = self.identity.update_user(admin, id, changes).await?;
        let what = Audited {
            action: "user.update",
            subject_kind: "user",
            subject_id: Some(id),
            unit_id: after.unit_id,
        };
        self.audit(admin, what, before.as_ref(), Some(&after))
            .await?;
        Ok(after)
    }

    /// Imports a resident list; the summary is audited, not the rows.
    pub async fn import_people(
        &self,
        admin: &Principal,
        upload: Upload,
    ) -> JourneyResult<ImportSummary> {
        let summary = self
            .administration
            .import_people(admin, upload.bytes, upload.format, upload.file_name)
            .await?;
        let what = Audited {
            action: "people.import",
            subject_kind: "people_import",
            subject_id: Some(summary.id),
            unit_id: self.top_unit(admin).await?,
        };
        let after = serde_json::json!({
            "file_name": summary.file_name,
            "total_rows": summary.total_rows,
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "rejected": summary.rejected,
        });
        self.audit(admin, what, None::<()>, Some(&after)).await?;
        Ok(summary)
    }

    pub async fn set_target(
        &self,
        admin: &Principal,
        year: i32,
        group: TargetGroup,
        request: SetTargetRequest,
    ) -> JourneyResult<TargetView> {
        let (before, after) = self
            .administration
            .set_target(admin, year, group, request)
            .await?;
        let what = Audited {
            action: "target.set",
            subject_kind: "target",
            subject_id: None,
            unit_id: None,
        };
        self.audit(admin, what, before.as_ref(), Some(&after))
            .await?;
        Ok(after)
    }

    pub async fn create_class(
        &self,
        manager: &Principal,
        request: CreateClassRequest,
    ) -> JourneyResult<ClassView> {
        let class = self.administration.create_class(manager, request).await?;
        let what = Audited {
            action: "class.create",
            subject_kind: "class",
            subject_id: Some(class.id),
            unit_id: Some(class.unit_id),
        };
        self.audit(manager, what, None::<()>, Some(&class)).await?;
        Ok(class)
    }

    pub async fn add_members(
        &self,
        manager: &Principal,
        class_id: Uuid,
        people: &[Uuid],
    ) -> JourneyResult<Vec<PersonOutcome>> {
        let outcomes = self
            .administration
            .add_members(manager, class_id, people)
            .await?;
        self.audit_class(manager, "class.members_add", class_id, &outcomes)
            .await?;
        Ok(outcomes)
    }

    pub async fn remove_member(
        &self,
        manager: &Principal,
        class_id: Uuid,
        person: Uuid,
    ) -> JourneyResult<()> {
        self.administration
            .remove_member(manager, class_id, person)
            .await?;
        self.audit_class(manager, "class.member_remove", class_id, &person)
            .await
    }

    pub async fn create_session(
        &self,
        manager: &Principal,
        class_id: Uuid,
        request: CreateSessionRequest,
    ) -> JourneyResult<SessionView> {
        let session = self
            .administration
            .create_session(manager, class_id, request)
            .await?;
        self.audit_class(manager, "class.session_create", class_id, &session)
            .await?;
        Ok(session)
    }

    pub async fn record_attendance(
        &self,
        manager: &Principal,
        class_id: Uuid,
        session: Uuid,
        present: &[Uuid],
    ) -> JourneyResult<SessionView> {
        let recorded = self
            .administration
            .record_attendance(manager, class_id, session, present)
            .await?;
        self.audit_class(manager, "class.attendance", class_id, &recorded)
            .await?;
        Ok(recorded)
    }

    /// Assigns a mentee to a mentor, replacing an earlier mentor.
    pub async fn assign_mentee(
        &self,
        admin: &Principal,
        mentor: Uuid,
        mentee: Uuid,
    ) -> JourneyResult<MentorshipView> {
        let (before, after) = self
            .administration
            .assign_mentee(admin, mentor, mentee)
            .await?;
        let what = Audited {
            action: "mentorship.assign",
            subject_kind: "user",
            subject_id: Some(mentee),
            unit_id: self.unit_of(admin, mentee).await?,
        };
        self.audit(admin, what, before.as_ref(), Some(&after))
            .await?;
        Ok(after)
    }

    /// Ends a mentorship.
    pub async fn unassign_mentee(
        &self,
        admin: &Principal,
        mentor: Uuid,
        mentee: Uuid,
    ) -> JourneyResult<()> {
        let before = self
            .administration
            .unassign_mentee(admin, mentor, mentee)
            .await?;
        let what = Audited {
            action: "mentorship.end",
            subject_kind: "user",
            subject_id: Some(mentee),
            unit_id: self.unit_of(admin, mentee).await?,
        };
        self.audit(admin, what, Some(&before), None::<()>).await
    }
}
