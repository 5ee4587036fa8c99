//! Classes: a trainer or an administrator gathers people of a unit (e.g. "lớp người cao
//! tuổi, tổ dân phố 12"), enrols them in courses together, holds in-person sessions
//! and records who attended, and follows the class's progress.
//!
//! Who may manage a class: the person who created it, and administrators of its unit.
//! Members are people of the class's unit or the units below it.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use hocvuso_identity::dto::PersonBrief;
use hocvuso_kernel::{Principal, Role, ids::new_id, time::now};
use sea_orm::sea_query::{ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::entity::{attendance, class, class_course, class_member, class_session};
use crate::{Administration, AdministrationError};

/// Most people added, or marked present, in one request.
pub const MAX_BATCH: usize = 1000;

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct CreateClassRequest {
    #[validate(length(min = 1, max = 200, code = "name_length"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub unit_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ClassView {
    pub id: Uuid,
    pub name: String,
    pub unit_id: Uuid,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub members: usize,
    /// Courses the class was enrolled in together.
    pub course_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct PeopleRequest {
    #[validate(length(min = 1, max = 1000, code = "batch_size"))]
    #[schema(min_items = 1, max_items = 1000)]
    pub user_ids: Vec<Uuid>,
}

/// What happened to one person of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PersonOutcome {
    pub user_id: Uuid,
    /// `added`, `already_member`, `rejected` (for additions); `enrolled`, `rejected` (for
    /// enrolments).
    pub result: &'static str,
    /// Why it was rejected.
    pub code: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct CreateSessionRequest {
    pub held_at: DateTime<Utc>,
    #[validate(length(min = 1, max = 200, code = "topic_length"))]
    #[schema(min_length = 1, max_length = 200)]
    pub topic: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SessionView {
    pub id: Uuid,
    pub held_at: DateTime<Utc>,
    pub topic: String,
    pub present: Vec<Uuid>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct AttendanceRequest {
    /// Everyone present; the list replaces an earlier one.
    #[validate(length(max = 1000, code = "batch_size"))]
    #[schema(max_items = 1000)]
    pub present: Vec<Uuid>,
}

/// A member with how many sessions they attended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MemberAttendance {
    #[serde(flatten)]
    pub person: PersonBrief,
    pub sessions_attended: usize,
}

fn outcome(user_id: Uuid, result: &'static str, code: Option<&str>) -> PersonOutcome {
    PersonOutcome {
        user_id,
        result,
        code: code.map(str::to_owned),
    }
}

impl Administration {
    pub async fn create_class(
        &self,
        principal: &Principal,
        request: CreateClassRequest,
    ) -> Result<ClassView, AdministrationError> {
        let allowed = match principal.role {
            Role::Admin => self
                .identity
                .scope_of(principal)
                .await?
                .contains(&request.unit_id),
            // A trainer teaches in their own unit and the units below it.
            Role::Trainer => match self
                .identity
                .units_of(&[principal.user_id])
                .await?
                .get(&principal.user_id)
            {
                Some((Some(own), _)) => self
                    .identity
                    .subtree(*own)
                    .await?
                    .contains(&request.unit_id),
                _ => false,
            },
            Role::Learner => return Err(AdministrationError::Forbidden),
        };
        if !allowed {
            return Err(AdministrationError::Identity(
                hocvuso_identity::IdentityError::UnknownUnit,
            ));
        }
        let created = class::ActiveModel {
            id: Set(new_id()),
            name: Set(request.name.trim().to_owned()),
            unit_id: Set(request.unit_id),
            created_by: Set(principal.user_id),
            created_at: Set(now()),
        }
        .insert(&self.db)
        .await?;
        self.class_view(created).await
    }

    async fn class_view(&self, model: class::Model) -> Result<ClassView, AdministrationError> {
        let members = class_member::Entity::find()
            .filter(class_member::Column::ClassId.eq(model.id))
            .count(&self.db)
            .await? as usize;
        let course_ids = class_course::Entity::find()
            .filter(class_course::Column::ClassId.eq(model.id))
            .order_by_asc(class_course::Column::AddedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|c| c.course_id)
            .collect();
        Ok(ClassView {
            id: model.id,
            name: model.name,
            unit_id: model.unit_id,
            created_by: model.created_by,
            created_at: model.created_at,
            members,
            course_ids,
        })
    }

    /// The class, if `principal` may manage it (anyone else is told it does not exist).
    pub(crate) async fn managed_class(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<class::Model, AdministrationError> {
        let found = class::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(AdministrationError::NotFound)?;
        let manages = found.created_by == principal.user_id
            || (principal.is(Role::Admin)
                && self
                    .identity
                    .scope_of(principal)
                    .await?
                    .contains(&found.unit_id));
        if manages {
            Ok(found)
        } else {
            Err(AdministrationError::NotFound)
        }
    }

    /// Whether `person` is a member of a class `trainer` runs (created).
    pub async fn teaches(&self, trainer: Uuid, person: Uuid) -> Result<bool, AdministrationError> {
        let runs: Vec<Uuid> = class::Entity::find()
            .select_only()
            .column(class::Column::Id)
            .filter(class::Column::CreatedBy.eq(trainer))
            .into_tuple()
            .all(&self.db)
            .await?;
        if runs.is_empty() {
            return Ok(false);
        }
        Ok(class_member::Entity::find()
            .filter(class_member::Column::ClassId.is_in(runs))
            .filter(class_member::Column::UserId.eq(person))
            .count(&self.db)
            .await?
            > 0)
    }

    /// The unit of a class its caller manages: where its changes are audited.
    pub async fn class_unit(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<Uuid, AdministrationError> {
        Ok(self.managed_class(principal, id).await?.unit_id)
    }

    pub async fn class(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<ClassView, AdministrationError> {
        let found = self.managed_class(principal, id).await?;
        self.class_view(found).await
    }

    /// The classes a person manages: those they created, and for administrators every
    /// class of their units.
    pub async fn classes(
        &self,
        principal: &Principal,
    ) -> Result<Vec<ClassView>, AdministrationError> {
        let scope: Vec<Uuid> = self
            .identity
            .scope_of(principal)
            .await?
            .into_iter()
            .collect();
        let found = class::Entity::find()
            .filter(
                class::Column::CreatedBy
                    .eq(principal.user_id)
                    .or(class::Column::UnitId.is_in(scope)),
            )
            .order_by_asc(class::Column::Name)
            .all(&self.db)
            .await?;
        let mut views = Vec::with_capacity(found.len());
        for model in found {
            views.push(self.class_view(model).await?);
        }
        Ok(views)
    }

    /// Adds people of the class's unit (or below it); each gets its own outcome.
    pub async fn add_members(
        &self,
        principal: &Principal,
        id: Uuid,
        people: &[Uuid],
    ) -> Result<Vec<PersonOutcome>, AdministrationError> {
        let found = self.managed_class(principal, id).await?;
        let units = self.identity.subtree(found.unit_id).await?;
        let where_they_are = self.identity.units_of(people).await?;
        let already: HashSet<Uuid> = self.member_ids(id).await?.into_iter().collect();
        let mut outcomes = Vec::with_capacity(people.len());
        let txn = self.db.begin().await?;
        let mut seen = HashSet::new();
        for person in people {
            if already.contains(person) || !seen.insert(*person) {
                outcomes.push(outcome(*person, "already_member", None));
                continue;
            }
            let in_unit = where_they_are
                .get(person)
                .and_then(|(unit, _)| *unit)
                .is_some_and(|u| units.contains(&u));
            if !in_unit {
                outcomes.push(outcome(*person, "rejected", Some("not_in_class_unit")));
                continue;
            }
            class_member::ActiveModel {
                class_id: Set(id),
                user_id: Set(*person),
                added_at: Set(now()),
            }
            .insert(&txn)
            .await?;
            outcomes.push(outcome(*person, "added", None));
        }
        txn.commit().await?;
        Ok(outcomes)
    }

    pub async fn remove_member(
        &self,
        principal: &Principal,
        id: Uuid,
        person: Uuid,
    ) -> Result<(), AdministrationError> {
        self.managed_class(principal, id).await?;
        let removed = class_member::Entity::delete_by_id((id, person))
            .exec(&self.db)
            .await?;
        if removed.rows_affected == 0 {
            return Err(AdministrationError::NotFound);
        }
        Ok(())
    }

    async fn member_ids(&self, id: Uuid) -> Result<Vec<Uuid>, AdministrationError> {
        Ok(class_member::Entity::find()
            .filter(class_member::Column::ClassId.eq(id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.user_id)
            .collect())
    }

    /// The class's members, for a manager about to enrol them.
    pub async fn class_members(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<Vec<PersonBrief>, AdministrationError> {
        self.managed_class(principal, id).await?;
        let ids = self.member_ids(id).await?;
        Ok(self.identity.people_brief(&ids).await?)
    }

    /// Records that the class was enrolled in a course together (the enrolments
    /// themselves belong to the learning domain, which the caller asks).
    pub async fn record_class_course(
        &self,
        principal: &Principal,
        id: Uuid,
        course_id: Uuid,
    ) -> Result<(), AdministrationError> {
        self.managed_class(principal, id).await?;
        class_course::Entity::insert(class_course::ActiveModel {
            class_id: Set(id),
            course_id: Set(course_id),
            added_at: Set(now()),
        })
        .on_conflict(
            OnConflict::columns([
                class_course::Column::ClassId,
                class_course::Column::CourseId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await?;
        Ok(())
    }

    pub async fn create_session(
        &self,
        principal: &Principal,
        id: Uuid,
        request: CreateSessionRequest,
    ) -> Result<SessionView, AdministrationError> {
        self.managed_class(principal, id).await?;
        let session = class_session::ActiveModel {
            id: Set(new_id()),
            class_id: Set(id),
            held_at: Set(request.held_at),
            topic: Set(request.topic.trim().to_owned()),
            created_at: Set(now()),
        }
        .insert(&self.db)
        .await?;
        Ok(SessionView {
            id: session.id,
            held_at: session.held_at,
            topic: session.topic,
            present: Vec::new(),
        })
    }

    /// Replaces who was present at a session; everyone listed must be a member.
    pub async fn record_attendance(
        &self,
        principal: &Principal,
        id: Uuid,
        session: Uuid,
        present: &[Uuid],
    ) -> Result<SessionView, AdministrationError> {
        self.managed_class(principal, id).await?;
        let found = class_session::Entity::find_by_id(session)
            .filter(class_session::Column::ClassId.eq(id))
            .one(&self.db)
            .await?
            .ok_or(AdministrationError::NotFound)?;
        let members: HashSet<Uuid> = self.member_ids(id).await?.into_iter().collect();
        if present.iter().any(|p| !members.contains(p)) {
            return Err(AdministrationError::InvalidField {
                field: "present",
                code: "not_a_member",
                vi: "Danh sách có người không thuộc lớp.",
                en: "The list includes someone who is not a member of the class.",
            });
        }
        let present: Vec<Uuid> = present
            .iter()
            .copied()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let txn = self.db.begin().await?;
        attendance::Entity::delete_many()
            .filter(attendance::Column::SessionId.eq(session))
            .exec(&txn)
            .await?;
        if !present.is_empty() {
            attendance::Entity::insert_many(present.iter().map(|p| attendance::ActiveModel {
                session_id: Set(session),
                user_id: Set(*p),
            }))
            .exec(&txn)
            .await?;
        }
        txn.commit().await?;
        let mut present = present;
        present.sort();
        Ok(SessionView {
            id: found.id,
            held_at: found.held_at,
            topic: found.topic,
            present,
        })
    }

    /// Sessions, oldest first, with who was present.
    pub async fn sessions(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<Vec<SessionView>, AdministrationError> {
        self.managed_class(principal, id).await?;
        self.sessions_of(id).await
    }

    async fn sessions_of(&self, id: Uuid) -> Result<Vec<SessionView>, AdministrationError> {
        let sessions = class_session::Entity::find()
            .filter(class_session::Column::ClassId.eq(id))
            .order_by_asc(class_session::Column::HeldAt)
            .all(&self.db)
            .await?;
        let ids: Vec<Uuid> = sessions.iter().map(|s| s.id).collect();
        let mut present: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for row in attendance::Entity::find()
            .filter(attendance::Column::SessionId.is_in(ids))
            .all(&self.db)
            .await?
        {
            present.entry(row.session_id).or_default().push(row.user_id);
        }
        Ok(sessions
            .into_iter()
            .map(|s| {
                let mut who = present.remove(&s.id).unwrap_or_default();
                who.sort();
                SessionView {
                    id: s.id,
                    held_at: s.held_at,
                    topic: s.topic,
                    present: who,
                }
            })
            .collect())
    }

    /// Members with how many sessions each attended (course progress is the learning
    /// domain's, which the caller adds).
    pub async fn class_attendance(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<(ClassView, usize, Vec<MemberAttendance>), AdministrationError> {
        let found = self.managed_class(principal, id).await?;
        let view = self.class_view(found).await?;
        let sessions = self.sessions_of(id).await?;
        let mut attended: HashMap<Uuid, usize> = HashMap::new();
        for session in &sessions {
            for person in &session.present {
                *attended.entry(*person).or_default() += 1;
            }
        }
        let members = self
            .identity
            .people_brief(&self.member_ids(id).await?)
            .await?;
        let rows = members
            .into_iter()
            .map(|person| MemberAttendance {
                sessions_attended: attended.get(&person.id).copied().unwrap_or(0),
                person,
            })
            .collect();
        Ok((view, sessions.len(), rows))
    }
}
