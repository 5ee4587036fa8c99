//! Learner profiles: viewing (with the citizen ID masked unless the viewer may see it)
//! and updating (with the citizen ID checked against date of birth and sex).

use chrono::{Datelike, NaiveDate};
use hocvuso_kernel::{Lang, Principal, Role, TargetGroup, time::now};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use uuid::Uuid;

use crate::accounts::{duplicate_or, lang_code, parse_role};
use crate::cccd::{Cccd, Sex};
use crate::dto::{Disability, UpdateProfileRequest, UserView};
use crate::entity::user;
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
                let cccd = self.vault.decrypt(sealed)?;
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
    /// domain (which keeps only a keyed hash of the ID).
    pub async fn credential_subject(
        &self,
        user_id: Uuid,
    ) -> Result<(String, Option<Cccd>), IdentityError> {
        let user = self.find_user(user_id).await?;
        let cccd = match user.cccd_encrypted.as_deref() {
            Some(sealed) => Some(self.vault.decrypt(sealed)?),
            None => None,
        };
        Ok((user.full_name, cccd))
    }

    pub async fn me(&self, principal: &Principal) -> Result<UserView, IdentityError> {
        let user = self.find_user(principal.user_id).await?;
        self.view(&user, true)
    }

    /// Someone's profile: learners see only themselves; trainers see learners (citizen ID
    /// masked); administrators see everyone in their scope, whole.
    pub async fn user(&self, principal: &Principal, id: Uuid) -> Result<UserView, IdentityError> {
        let user = self.find_user(id).await?;
        if user.id == principal.user_id || self.admin_covers(principal, user.unit_id).await? {
            return self.view(&user, true);
        }
        if principal.is(Role::Trainer) && user.role == Role::Learner.as_str() {
            return self.view(&user, false);
        }
        // Outside one's reach, a person does not exist.
        Err(IdentityError::NotFound)
    }

    pub async fn update_me(
        &self,
        principal: &Principal,
        changes: UpdateProfileRequest,
    ) -> Result<UserView, IdentityError> {
        let user = self.find_user(principal.user_id).await?;
        let updated = self.apply_profile(user, changes, false).await?;
        self.groups.invalidate(&updated.id).await;
        self.view(&updated, true)
    }

    pub async fn update_user(
        &self,
        principal: &Principal,
        id: Uuid,
        changes: UpdateProfileRequest,
    ) -> Result<UserView, IdentityError> {
        let user = self.find_user(id).await?;
        // One walk of the unit tree answers both questions.
        let scope = self.scope_of(principal).await?;
        if !user.unit_id.is_some_and(|u| scope.contains(&u)) {
            return Err(IdentityError::NotFound);
        }
        if changes.unit_id.is_some_and(|u| !scope.contains(&u)) {
            return Err(IdentityError::UnknownUnit);
        }
        let updated = self.apply_profile(user, changes, true).await?;
        self.groups.invalidate(&updated.id).await;
        self.view(&updated, true)
    }

    async fn apply_profile(
        &self,
        user: user::Model,
        changes: UpdateProfileRequest,
        by_admin: bool,
    ) -> Result<user::Model, IdentityError> {
        let today = now().date_naive();
        let birth_date = changes.birth_date.or(user.birth_date);
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
        let sex = changes.sex.or(user.sex.as_deref().and_then(Sex::parse));
        // A stored citizen ID must stay consistent with a corrected birth date or sex.
        let cccd = match (&changes.cccd, &user.cccd_encrypted) {
            (Some(raw), _) => Some(Cccd::parse(raw).map_err(IdentityError::Cccd)?),
            (None, Some(sealed)) if changes.birth_date.is_some() || changes.sex.is_some() => {
                Some(self.vault.decrypt(sealed)?)
            }
            _ => None,
        };
        if let Some(cccd) = &cccd {
            cccd.check(birth_date, sex, today)
                .map_err(IdentityError::Cccd)?;
        }
        if let Some(unit) = changes.unit_id {
            self.ensure_unit_exists(unit).await?;
        }
        // Identity the national provider verified is not edited by its owner.
        if user.identity_verified
            && !by_admin
            && (changes.cccd.is_some() || changes.birth_date.is_some())
        {
            return Err(IdentityError::InvalidField {
                field: "cccd",
                code: "identity_locked",
                vi: "Thông tin định danh đã được xác thực qua VNeID, không thể tự sửa.",
                en: "Identity verified through VNeID cannot be edited by its owner.",
            });
        }

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
        if let Some(group) = changes.target_group {
            active.target_group = Set(Some(group.as_str().to_owned()));
        }
        if let Some(unit) = changes.unit_id {
            active.unit_id = Set(Some(unit));
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
            active.cccd_encrypted = Set(Some(self.vault.encrypt(cccd)?));
            active.cccd_hash = Set(Some(self.vault.lookup_hash(cccd)?));
        }
        active.updated_at = Set(now());
        active.update(&self.db).await.map_err(duplicate_or)
    }
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
