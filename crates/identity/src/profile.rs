//! Learner profiles: viewing (with the citizen ID masked unless the viewer may see it)
//! and updating (with the citizen ID checked against date of birth and sex).

use chrono::{Datelike, NaiveDate};
use hocvuso_kernel::{Lang, Principal, Role, TargetGroup, time::now};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use uuid::Uuid;

use crate::accounts::{duplicate_or, lang_code, parse_role, self_declarable};
use crate::cccd::{Cccd, Sex};
use crate::dto::{Disability, UnitKind, UpdateProfileRequest, UserView};
use crate::entity::user;
use crate::provenance::{CccdSource, FactSource, IdentityEvidence};
use crate::{Identity, IdentityError};

pub const ELDERLY_AGE: i32 = 60;

/// Age in whole years on `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> i32 {
    let had_birthday = (today.month(), today.day()) >= (birth.month(), birth.day());
    today.year() - birth.year() - i32::from(!had_birthday)
}

impl Identity {
    /// `reveal`: whether the viewer may see the citizen ID whole.
    pub(crate) fn view(&self, user: &user::Model, reveal: bool) -> Result<UserView, IdentityError> {
        let cccd = match &user.cccd_encrypted {
            Some(sealed) => {
                let cccd = self.vault.decrypt(sealed, user.id)?;
                Some(if reveal {
                    cccd.as_str().to_owned()
                } else {
                    cccd.masked()
                })
            }
            None => None,
        };
        let today = now().date_naive();
        Ok(UserView {
            id: user.id,
            role: parse_role(&user.role)?,
            full_name: user.full_name.clone(),
            phone: user.phone.clone(),
            email: user.email.clone(),
            birth_date: user.birth_date,
            sex: user.sex.as_deref().and_then(Sex::parse),
            target_group: user.target_group.as_deref().and_then(TargetGroup::parse),
            unit_id: user.unit_id,
            requested_unit_id: user.requested_unit_id,
            household: user.household.clone(),
            disability: user.disability.as_deref().and_then(Disability::parse),
            preferred_language: if user.preferred_language == "en" {
                Lang::En
            } else {
                Lang::Vi
            },
            elderly: user
                .birth_date
                .is_some_and(|b| age_on(b, today) >= ELDERLY_AGE),
            cccd_source: cccd.as_ref().and(user.cccd_source.clone()),
            cccd,
            identity_verified: user.identity_verified,
            identity_assurance: user.identity_assurance.clone(),
            created_at: user.created_at,
        })
    }

    pub(crate) async fn find_user(&self, id: Uuid) -> Result<user::Model, IdentityError> {
        user::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(IdentityError::NotFound)
    }

    /// The name and citizen ID a completion record is issued in, for the certification
    /// domain (which keeps only a keyed hash of the ID), with how the holder was
    /// identified. A citizen ID its holder typed in is a claim and stays out of records.
    pub async fn credential_subject(
        &self,
        user_id: Uuid,
    ) -> Result<(String, Option<Cccd>, Option<IdentityEvidence>), IdentityError> {
        let user = self.find_user(user_id).await?;
        let evidence = match trusted_source(&user) {
            Some(CccdSource::Vneid) => Some(IdentityEvidence::Vneid {
                assurance: user.identity_assurance.clone(),
            }),
            Some(_) => Some(IdentityEvidence::WardRegister),
            None => None,
        };
        let cccd = match (user.cccd_encrypted.as_deref(), &evidence) {
            (Some(sealed), Some(_)) => Some(self.vault.decrypt(sealed, user.id)?),
            _ => None,
        };
        Ok((user.full_name, cccd, evidence))
    }

    pub async fn me(&self, principal: &Principal) -> Result<UserView, IdentityError> {
        let user = self.find_user(principal.user_id).await?;
        self.view(&user, true)
    }

    /// Someone's profile: learners see only themselves; administrators see everyone in
    /// their scope, whole. Trainers see the members of their classes through
    /// [`Identity::class_member`], which the caller asks once it has checked the class.
    pub async fn user(&self, principal: &Principal, id: Uuid) -> Result<UserView, IdentityError> {
        let user = self.find_user(id).await?;
        if user.id == principal.user_id || self.admin_covers(principal, user.unit_id).await? {
            return self.view(&user, true);
        }
        // Outside one's reach, a person does not exist.
        Err(IdentityError::NotFound)
    }

    /// A learner as a trainer of their class sees them: what running a class needs (name,
    /// unit, group, whether elderly) and nothing that identifies or describes them beyond
    /// it (no contacts, citizen ID, birth date, sex, household or disability).
    pub async fn class_member(&self, id: Uuid) -> Result<UserView, IdentityError> {
        let user = self.find_user(id).await?;
        let mut view = self.view(&user, false)?;
        view.phone = None;
        view.email = None;
        view.birth_date = None;
        view.sex = None;
        view.household = None;
        view.disability = None;
        view.cccd = None;
        view.cccd_source = None;
        view.identity_assurance = None;
        Ok(view)
    }

    /// The person changes their own profile. Identity facts from a trusted source (VNeID,
    /// the ward's list, an administrator) are not theirs to change; a citizen ID they type
    /// is kept as a claim; a learner with no unit chooses their residential group once,
    /// and any other unit they name becomes a request an administrator of it confirms;
    /// the household is the ward's to set; the target group is declared once.
    pub async fn update_me(
        &self,
        principal: &Principal,
        changes: UpdateProfileRequest,
    ) -> Result<UserView, IdentityError> {
        let user = self.find_user(principal.user_id).await?;
        let updated = self.apply_profile(user, changes, Editor::Owner).await?;
        self.groups.invalidate(&updated.id).await;
        self.view(&updated, true)
    }

    /// An administrator corrects someone in their scope — or, for a person who asked to
    /// join a unit in that scope, places them (a change of `unit_id` alone).
    pub async fn update_user(
        &self,
        principal: &Principal,
        id: Uuid,
        changes: UpdateProfileRequest,
    ) -> Result<UserView, IdentityError> {
        let user = self.find_user(id).await?;
        // One walk of the unit tree answers every question.
        let scope = self.scope_of(principal).await?;
        let in_scope = user.unit_id.is_some_and(|u| scope.contains(&u));
        let asked_to_join = user.requested_unit_id.is_some_and(|u| scope.contains(&u));
        let placing_only = changes
            == UpdateProfileRequest {
                unit_id: changes.unit_id,
                ..Default::default()
            };
        if !(in_scope || (asked_to_join && placing_only && changes.unit_id.is_some())) {
            return Err(IdentityError::NotFound);
        }
        if changes.unit_id.is_some_and(|u| !scope.contains(&u)) {
            return Err(IdentityError::UnknownUnit);
        }
        let updated = self
            .apply_profile(user, changes, Editor::Administrator)
            .await?;
        self.groups.invalidate(&updated.id).await;
        self.view(&updated, true)
    }

    /// People who asked to join a unit in the administrator's scope, oldest first.
    pub async fn unit_requests(
        &self,
        principal: &Principal,
    ) -> Result<Vec<UserView>, IdentityError> {
        use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
        let scope: Vec<Uuid> = self.scope_of(principal).await?.into_iter().collect();
        let asking = user::Entity::find()
            .filter(user::Column::RequestedUnitId.is_in(scope))
            .order_by_asc(user::Column::UpdatedAt)
            .limit(500)
            .all(&self.db)
            .await?;
        asking
            .iter()
            .map(|u| {
                // The administrator of the unit asked for sees the person, not yet whole.
                let mut view = self.view(u, false)?;
                view.household = None;
                view.disability = None;
                Ok(view)
            })
            .collect()
    }

    async fn apply_profile(
        &self,
        user: user::Model,
        changes: UpdateProfileRequest,
        editor: Editor,
    ) -> Result<user::Model, IdentityError> {
        let today = now().date_naive();
        let by_admin = editor == Editor::Administrator;
        let locked = identity_lock(&user, editor);
        let touches_identity = changes.cccd.is_some()
            || changes.birth_date.is_some()
            || changes.sex.is_some()
            || changes.full_name.is_some();
        if let Some(lock) = locked
            && touches_identity
        {
            return Err(lock);
        }
        if !by_admin && changes.household.is_some() {
            return Err(IdentityError::InvalidField {
                field: "household",
                code: "assigned_by_ward",
                vi: "Hộ gia đình do phường ghi nhận, không tự sửa được. Hãy liên hệ cán bộ phường.",
                en: "The household is recorded by the ward and cannot be changed by you. Ask the ward office.",
            });
        }
        let target_group = match changes.target_group {
            Some(group) if !by_admin => {
                if user.target_group.is_some() {
                    return Err(IdentityError::InvalidField {
                        field: "target_group",
                        code: "target_group_locked",
                        vi: "Nhóm đối tượng đã được khai báo. Muốn đổi, hãy liên hệ cán bộ quản lý.",
                        en: "Your target group is already declared. Ask an administrator to change it.",
                    });
                }
                Some((
                    self.declarable_in(user.unit_id, group).await?,
                    FactSource::SelfDeclared,
                ))
            }
            Some(group) => Some((group, FactSource::Administrator)),
            None => None,
        };
        if let Some(birth) = changes.birth_date
            && (birth > today || birth.year() < 1900)
        {
            return Err(IdentityError::InvalidField {
                field: "birth_date",
                code: "birth_date_out_of_range",
                vi: "Ngày sinh phải sau năm 1900 và không ở tương lai.",
                en: "The date of birth must be after 1900 and not in the future.",
            });
        }
        let birth_date = changes.birth_date.or(user.birth_date);
        let sex = changes.sex.or(user.sex.as_deref().and_then(Sex::parse));
        // A stored citizen ID must stay consistent with a corrected birth date or sex.
        let cccd = match (&changes.cccd, &user.cccd_encrypted) {
            (Some(raw), _) => Some(Cccd::parse(raw).map_err(IdentityError::Cccd)?),
            (None, Some(sealed)) if changes.birth_date.is_some() || changes.sex.is_some() => {
                Some(self.vault.decrypt(sealed, user.id)?)
            }
            _ => None,
        };
        if let Some(cccd) = &cccd {
            cccd.check(birth_date, sex, today)
                .map_err(IdentityError::Cccd)?;
        }
        // A learner without a unit chooses their residential group once; anything else
        // (another unit, a school, an agency, an enterprise, a move) waits for an
        // administrator of that unit.
        let joins_now = match changes.unit_id {
            Some(unit) => {
                let kind = self.unit_kind(unit).await?;
                by_admin
                    || (user.unit_id.is_none()
                        && user.role == Role::Learner.as_str()
                        && kind == UnitKind::ResidentialGroup)
            }
            None => false,
        };

        let owner = user.id;
        let mut active = user.into_active_model();
        if let Some(name) = changes.full_name {
            active.full_name = Set(name.trim().to_owned());
        }
        if let Some(birth) = changes.birth_date {
            active.birth_date = Set(Some(birth));
        }
        if let Some(sex) = changes.sex {
            active.sex = Set(Some(sex.as_str().to_owned()));
        }
        if let Some((group, source)) = target_group {
            active.target_group = Set(Some(group.as_str().to_owned()));
            active.target_group_source = Set(Some(source.as_str().to_owned()));
        }
        match changes.unit_id {
            Some(unit) if joins_now => {
                active.unit_id = Set(Some(unit));
                active.requested_unit_id = Set(None);
            }
            Some(unit) => active.requested_unit_id = Set(Some(unit)),
            None => {}
        }
        if let Some(household) = changes.household {
            active.household = Set(Some(household.trim().to_owned()));
        }
        if let Some(disability) = changes.disability {
            active.disability = Set(Some(disability.as_str().to_owned()));
        }
        if let Some(lang) = changes.preferred_language {
            active.preferred_language = Set(lang_code(lang).to_owned());
        }
        if changes.cccd.is_some()
            && let Some(cccd) = &cccd
        {
            active.cccd_encrypted = Set(Some(self.vault.encrypt(cccd, owner)?));
            if by_admin {
                active.cccd_hash = Set(Some(self.vault.lookup_hash(cccd)?));
                active.cccd_source = Set(Some(CccdSource::Administrator.as_str().to_owned()));
            } else {
                // A claim: no keyed hash, so it links nothing, enters no record and
                // collides with nobody — typing someone else's number tells nothing.
                active.cccd_hash = Set(None);
                active.cccd_source = Set(Some(CccdSource::SelfClaimed.as_str().to_owned()));
            }
        }
        active.updated_at = Set(now());
        active.update(&self.db).await.map_err(duplicate_or)
    }

    async fn unit_kind(&self, unit: Uuid) -> Result<UnitKind, IdentityError> {
        crate::entity::unit::Entity::find_by_id(unit)
            .one(&self.db)
            .await?
            .and_then(|u| UnitKind::parse(&u.kind))
            .ok_or(IdentityError::UnknownUnit)
    }

    /// `group`, if the person may declare it themselves in `unit`: civil servants and
    /// enterprise workers only in an agency or an enterprise.
    async fn declarable_in(
        &self,
        unit: Option<Uuid>,
        group: TargetGroup,
    ) -> Result<TargetGroup, IdentityError> {
        let kind = match unit {
            Some(unit) => Some(self.unit_kind(unit).await?),
            None => None,
        };
        match (group, kind) {
            (TargetGroup::PublicSector, Some(UnitKind::Agency))
            | (TargetGroup::EnterpriseWorker, Some(UnitKind::Enterprise)) => Ok(group),
            _ => self_declarable(group),
        }
    }
}

/// Who is changing a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Editor {
    Owner,
    Administrator,
}

/// The citizen ID, when it came from a trusted source.
fn trusted_source(user: &user::Model) -> Option<CccdSource> {
    user.cccd_hash.as_ref()?;
    user.cccd_source
        .as_deref()
        .and_then(CccdSource::parse)
        .filter(|s| s.is_trusted())
}

/// Why `editor` may not change `user`'s identity (name, birth date, sex, citizen ID):
/// its owner once it came from a trusted source; an administrator once VNeID verified
/// it, or ever for a trainer or an administrator (whose identity is not a ward's to
/// rewrite).
fn identity_lock(user: &user::Model, editor: Editor) -> Option<IdentityError> {
    let locked = match editor {
        Editor::Owner => trusted_source(user).is_some() || user.identity_verified,
        Editor::Administrator => user.identity_verified || user.role != Role::Learner.as_str(),
    };
    locked.then_some(IdentityError::InvalidField {
        field: "cccd",
        code: "identity_locked",
        vi: "Họ tên, ngày sinh, giới tính và số CCCD đã được xác thực, không thể sửa tại đây.",
        en: "The name, date of birth, sex and citizen ID are verified and cannot be changed here.",
    })
}

impl Identity {
    /// A person's target group alone, for what tailors itself to it; may lag a change
    /// made through another server by up to 30 seconds.
    pub async fn target_group_of(
        &self,
        user_id: Uuid,
    ) -> Result<Option<TargetGroup>, IdentityError> {
        use sea_orm::QuerySelect;
        if let Some(group) = self.groups.get(&user_id).await {
            return Ok(group);
        }
        let group = user::Entity::find_by_id(user_id)
            .select_only()
            .column(user::Column::TargetGroup)
            .into_tuple::<Option<String>>()
            .one(&self.db)
            .await?
            .ok_or(IdentityError::NotFound)?;
        let group = group.as_deref().and_then(TargetGroup::parse);
        self.groups.insert(user_id, group).await;
        Ok(group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_counts_whole_years() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert_eq!(age_on(d(1966, 11, 28), d(2026, 11, 28)), 60);
        assert_eq!(age_on(d(1966, 11, 29), d(2026, 11, 28)), 59);
        assert_eq!(age_on(d(2000, 2, 29), d(2026, 3, 1)), 26);
    }
}
