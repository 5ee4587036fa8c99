//! The access policy: who may read or act on a course, a record, an attempt. Outside
//! an administrator's scope a thing does not exist (404), so scope cannot be probed;
//! a role that may never do something is told so (403).

use hocvuso_assessment::dto::ReplayReport;
use hocvuso_certification::entity::credential;
use hocvuso_courses::entity::course;
use hocvuso_identity::dto::UserView;
use hocvuso_kernel::{Principal, Role};
use uuid::Uuid;

use crate::{JourneyError, JourneyResult, Platform};

/// The roles that author courses.
pub const AUTHORS: &[Role] = &[Role::Trainer, Role::Admin];

/// Forbidden unless the caller has one of `roles`.
pub fn require(principal: &Principal, roles: &[Role]) -> JourneyResult<()> {
    if roles.contains(&principal.role) {
        Ok(())
    } else {
        Err(JourneyError::Forbidden)
    }
}

impl Platform {
    /// Authors edit their own courses; administrators, the courses of authors in their
    /// scope. Shipped courses (no owner) are edited in `content/`, not here.
    pub async fn may_edit_course(
        &self,
        principal: &Principal,
        owner: Option<Uuid>,
    ) -> JourneyResult<bool> {
        match owner {
            Some(owner) if owner == principal.user_id => Ok(true),
            Some(owner) if principal.is(Role::Admin) => {
                Ok(self.identity.administers_user(principal, owner).await?)
            }
            _ => Ok(false),
        }
    }

    /// The course `id`, if the caller may edit it (403 otherwise).
    pub async fn editable_course(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> JourneyResult<course::Model> {
        require(principal, AUTHORS)?;
        let found = self.courses.authored_course(id).await?;
        if self.may_edit_course(principal, found.owner_id).await? {
            Ok(found)
        } else {
            Err(JourneyError::Forbidden)
        }
    }

    /// Someone's profile: themselves and administrators in scope see it whole; a trainer
    /// sees a member of a class they run as the class needs them; anyone else is told
    /// the person does not exist.
    pub async fn person(&self, principal: &Principal, id: Uuid) -> JourneyResult<UserView> {
        match self.identity.user(principal, id).await {
            Err(hocvuso_identity::IdentityError::NotFound)
                if principal.is(Role::Trainer)
                    && self.administration.teaches(principal.user_id, id).await? =>
            {
                Ok(self.identity.class_member(id).await?)
            }
            other => Ok(other?),
        }
    }

    /// A record, for its holder or an administrator of the holder's unit.
    pub async fn readable_record(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> JourneyResult<credential::Model> {
        let record = self.certification.record(id).await?;
        if record.user_id == principal.user_id
            || (principal.is(Role::Admin)
                && self
                    .identity
                    .administers_user(principal, record.user_id)
                    .await?)
        {
            Ok(record)
        } else {
            Err(JourneyError::NotFound)
        }
    }

    /// A record, for an administrator of the holder's unit.
    pub async fn administered_record(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> JourneyResult<credential::Model> {
        require(principal, &[Role::Admin])?;
        let record = self.certification.record(id).await?;
        if self
            .identity
            .administers_user(principal, record.user_id)
            .await?
        {
            Ok(record)
        } else {
            Err(JourneyError::NotFound)
        }
    }

    /// Replays an attempt's draw from its seed, for an administrator of the learner's
    /// unit.
    pub async fn replay_attempt(
        &self,
        principal: &Principal,
        attempt: Uuid,
    ) -> JourneyResult<ReplayReport> {
        require(principal, &[Role::Admin])?;
        let report = self.assessment.replay(attempt).await?;
        if self
            .identity
            .administers_user(principal, report.user_id)
            .await?
        {
            Ok(report)
        } else {
            Err(JourneyError::NotFound)
        }
    }
}
