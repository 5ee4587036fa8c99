//! Administrative units as a tree (ward → residential groups; agencies, schools,
//! enterprises) and administrators' scope over them.

use std::collections::{HashMap, HashSet};

use hocvuso_kernel::pagination::{Page, PageQuery};
use hocvuso_kernel::{Lang, Principal, Role, ids::new_id, time::now};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::accounts::{NewAccount, parse_contacts};
use crate::dto::{CreateUnitRequest, CreateUserRequest, PersonBrief, UnitKind, UnitView, UserView};
use crate::entity::{admin_scope, unit, user};
use crate::provenance::FactSource;
use crate::{Identity, IdentityError};

fn unit_view(model: unit::Model) -> UnitView {
    UnitView {
        id: model.id,
        parent_id: model.parent_id,
        kind: UnitKind::parse(&model.kind).unwrap_or(UnitKind::Ward),
        name: model.name,
        code: model.code,
    }
}

impl Identity {
    /// Every unit an administrator may act on: the units they are scoped to and all
    /// units below them. Empty for anyone who is not an administrator.
    pub async fn scope_of(&self, principal: &Principal) -> Result<HashSet<Uuid>, IdentityError> {
        if !principal.is(Role::Admin) {
            return Ok(HashSet::new());
        }
        let roots = self.scope_roots(principal.user_id).await?;
        self.descendants(roots).await
    }

    /// The units an administrator was scoped to (not those below them).
    async fn scope_roots(&self, admin: Uuid) -> Result<Vec<Uuid>, IdentityError> {
        Ok(admin_scope::Entity::find()
            .filter(admin_scope::Column::UserId.eq(admin))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| s.unit_id)
            .collect())
    }

    /// The units `roots` and every unit below them.
    async fn descendants(&self, roots: Vec<Uuid>) -> Result<HashSet<Uuid>, IdentityError> {
        // A ward has at most a few hundred units: walking the whole tree in memory is cheap.
        let edges: Vec<(Uuid, Option<Uuid>)> = unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .column(unit::Column::ParentId)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (id, parent) in edges {
            if let Some(parent) = parent {
                children.entry(parent).or_default().push(id);
            }
        }
        let mut scope = HashSet::new();
        let mut stack = roots;
        while let Some(id) = stack.pop() {
            if scope.insert(id) {
                stack.extend(children.get(&id).into_iter().flatten());
            }
        }
        Ok(scope)
    }

    /// Whether `principal` administers at the national level (a unit of kind `nation`):
    /// the plan's targets and the entries that belong to no unit are theirs alone.
    pub async fn is_national(&self, principal: &Principal) -> Result<bool, IdentityError> {
        if !principal.is(Role::Admin) {
            return Ok(false);
        }
        let roots = self.scope_roots(principal.user_id).await?;
        Ok(unit::Entity::find()
            .filter(unit::Column::Id.is_in(roots))
            .filter(unit::Column::Kind.eq(UnitKind::Nation.as_str()))
            .one(&self.db)
            .await?
            .is_some())
    }

    /// Whether `principal` administers `unit` (a person with no unit is nobody's).
    pub(crate) async fn admin_covers(
        &self,
        principal: &Principal,
        unit: Option<Uuid>,
    ) -> Result<bool, IdentityError> {
        match unit {
            Some(unit) if principal.is(Role::Admin) => {
                Ok(self.scope_of(principal).await?.contains(&unit))
            }
            _ => Ok(false),
        }
    }

    /// Whether `principal` administers the person `user_id` (their unit is in scope).
    pub async fn administers_user(
        &self,
        principal: &Principal,
        user_id: Uuid,
    ) -> Result<bool, IdentityError> {
        if !principal.is(Role::Admin) {
            return Ok(false);
        }
        let unit = user::Entity::find_by_id(user_id)
            .one(&self.db)
            .await?
            .and_then(|u| u.unit_id);
        self.admin_covers(principal, unit).await
    }

    /// Places a person who just registered with a class's sign-up code in the class's
    /// unit (the trainer who opened the window vouches for where they are), unless they
    /// already have one.
    pub async fn place_signed_up(&self, user_id: Uuid, unit_id: Uuid) -> Result<(), IdentityError> {
        user::Entity::update_many()
            .col_expr(
                user::Column::UnitId,
                sea_orm::sea_query::Expr::value(unit_id),
            )
            .filter(user::Column::Id.eq(user_id))
            .filter(user::Column::UnitId.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Creates a unit below one the administrator administers.
    pub async fn create_unit(
        &self,
        principal: &Principal,
        request: CreateUnitRequest,
    ) -> Result<UnitView, IdentityError> {
        let parent = request.parent_id.ok_or(IdentityError::InvalidField {
            field: "parent_id",
            code: "parent_required",
            vi: "Cần chọn đơn vị cấp trên thuộc phạm vi quản lý của bạn.",
            en: "Choose a parent unit within your scope.",
        })?;
        if !self.admin_covers(principal, Some(parent)).await? {
            return Err(IdentityError::UnknownUnit);
        }
        let created = self.insert_unit(&self.db, Some(parent), request).await?;
        Ok(unit_view(created))
    }

    async fn insert_unit(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        parent: Option<Uuid>,
        request: CreateUnitRequest,
    ) -> Result<unit::Model, IdentityError> {
        unit::ActiveModel {
            id: Set(new_id()),
            parent_id: Set(parent),
            kind: Set(request.kind.as_str().to_owned()),
            name: Set(request.name.trim().to_owned()),
            code: Set(request.code),
            created_at: Set(now()),
        }
        .insert(db)
        .await
        .map_err(|e| match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => IdentityError::InvalidField {
                field: "code",
                code: "unit_code_taken",
                vi: "Mã đơn vị đã được dùng.",
                en: "This unit code is already used.",
            },
            _ => IdentityError::Db(e),
        })
    }

    pub async fn units(&self, principal: &Principal) -> Result<Vec<UnitView>, IdentityError> {
        let scope = self.scope_of(principal).await?;
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let units = unit::Entity::find()
            .filter(unit::Column::Id.is_in(scope))
            .order_by_asc(unit::Column::Name)
            .all(&self.db)
            .await?;
        Ok(units.into_iter().map(unit_view).collect())
    }

    /// An administrator creates an account in their scope; an administrator created this
    /// way administers only units within the creator's own scope.
    pub async fn create_user(
        &self,
        principal: &Principal,
        request: CreateUserRequest,
    ) -> Result<UserView, IdentityError> {
        let scope = self.scope_of(principal).await?;
        if request.unit_id.is_some_and(|u| !scope.contains(&u)) {
            return Err(IdentityError::UnknownUnit);
        }
        if request.scope_unit_ids.iter().any(|u| !scope.contains(u)) {
            return Err(IdentityError::InvalidField {
                field: "scope_unit_ids",
                code: "scope_outside_yours",
                vi: "Chỉ giao phạm vi quản lý trong phạm vi của bạn.",
                en: "Scopes must lie within your own scope.",
            });
        }
        if request.role == Role::Admin && request.scope_unit_ids.is_empty() {
            return Err(IdentityError::InvalidField {
                field: "scope_unit_ids",
                code: "scope_required",
                vi: "Quản trị viên cần ít nhất một đơn vị quản lý.",
                en: "An administrator needs at least one unit to administer.",
            });
        }
        let contacts = parse_contacts(request.phone.as_deref(), request.email.as_deref(), false)?;
        let txn = self.db.begin().await?;
        let created = self
            .insert_account(
                &txn,
                NewAccount {
                    role: request.role,
                    full_name: request.full_name,
                    contacts,
                    password: request.password,
                    unit_id: request.unit_id,
                    target_group: request.target_group,
                    target_group_source: FactSource::Administrator,
                    preferred_language: Lang::Vi,
                },
            )
            .await?;
        if request.role == Role::Admin {
            for unit_id in request.scope_unit_ids {
                admin_scope::ActiveModel {
                    user_id: Set(created.id),
                    unit_id: Set(unit_id),
                }
                .insert(&txn)
                .await?;
            }
        }
        txn.commit().await?;
        tracing::info!(user_id = %created.id, by = %principal.user_id, "account created by an administrator");
        self.view(&created, true)
    }

    /// People in the administrator's scope, optionally in one unit (and those below it).
    pub async fn users(
        &self,
        principal: &Principal,
        unit: Option<Uuid>,
        page: &PageQuery,
    ) -> Result<Page<UserView>, IdentityError> {
        let scope = self.scope_of(principal).await?;
        let units: Vec<Uuid> = match unit {
            Some(u) if !scope.contains(&u) => return Err(IdentityError::UnknownUnit),
            Some(u) => self.subtree(u).await?.into_iter().collect(),
            None => scope.into_iter().collect(),
        };
        let after: Option<Uuid> = page.decode_cursor().map_err(IdentityError::Page)?;
        let mut query = user::Entity::find()
            .filter(user::Column::UnitId.is_in(units))
            .order_by_asc(user::Column::Id)
            .limit(page.limit() + 1);
        if let Some(after) = after {
            query = query.filter(user::Column::Id.gt(after));
        }
        let rows = query.all(&self.db).await?;
        let views = rows
            .iter()
            .map(|u| self.view(u, true))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(views, page.limit(), |u| u.id))
    }

    /// Everyone `principal` administers (their unit is in scope).
    pub async fn administered_users(
        &self,
        principal: &Principal,
    ) -> Result<HashSet<Uuid>, IdentityError> {
        let scope: Vec<Uuid> = self.scope_of(principal).await?.into_iter().collect();
        if scope.is_empty() {
            return Ok(HashSet::new());
        }
        Ok(user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .filter(user::Column::UnitId.is_in(scope))
            .into_tuple::<Uuid>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect())
    }

    /// Name, unit and target group of each of `ids`: what a mentor or a report shows
    /// of a person (no contact details, no citizen ID).
    pub async fn people_brief(&self, ids: &[Uuid]) -> Result<Vec<PersonBrief>, IdentityError> {
        Ok(user::Entity::find()
            .filter(user::Column::Id.is_in(ids.iter().copied()))
            .order_by_asc(user::Column::FullName)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|u| PersonBrief {
                id: u.id,
                full_name: u.full_name,
                unit_id: u.unit_id,
                target_group: u
                    .target_group
                    .as_deref()
                    .and_then(hocvuso_kernel::TargetGroup::parse),
            })
            .collect())
    }

    /// The unit and target group of each of `ids` (for exports; at most a page at a time).
    pub async fn units_of(
        &self,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, (Option<Uuid>, Option<hocvuso_kernel::TargetGroup>)>, IdentityError>
    {
        Ok(user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .column(user::Column::UnitId)
            .column(user::Column::TargetGroup)
            .filter(user::Column::Id.is_in(ids.iter().copied()))
            .into_tuple::<(Uuid, Option<Uuid>, Option<String>)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, unit, group)| {
                let group = group
                    .as_deref()
                    .and_then(hocvuso_kernel::TargetGroup::parse);
                (id, (unit, group))
            })
            .collect())
    }

    /// The unit `root` and every unit below it.
    pub async fn subtree(&self, root: Uuid) -> Result<HashSet<Uuid>, IdentityError> {
        self.descendants(vec![root]).await
    }

    /// Bootstraps an administrator (the `hocvuso admin create` command): a root unit if
    /// none is named, the account, and its scope.
    pub async fn bootstrap_admin(
        &self,
        full_name: String,
        email: &str,
        password: String,
        unit_name: &str,
        unit_kind: UnitKind,
    ) -> Result<(UserView, UnitView), IdentityError> {
        let contacts = parse_contacts(None, Some(email), true)?;
        let txn = self.db.begin().await?;
        let unit = self
            .insert_unit(
                &txn,
                None,
                CreateUnitRequest {
                    name: unit_name.to_owned(),
                    kind: unit_kind,
                    parent_id: None,
                    code: None,
                },
            )
            .await?;
        let admin = self
            .insert_account(
                &txn,
                NewAccount {
                    role: Role::Admin,
                    full_name,
                    contacts,
                    password: Some(password),
                    unit_id: Some(unit.id),
                    target_group: None,
                    target_group_source: FactSource::Administrator,
                    preferred_language: Lang::Vi,
                },
            )
            .await?;
        admin_scope::ActiveModel {
            user_id: Set(admin.id),
            unit_id: Set(unit.id),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok((self.view(&admin, true)?, unit_view(unit)))
    }
}
