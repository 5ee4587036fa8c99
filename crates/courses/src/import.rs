//! Loading a curriculum into the database, idempotently: the framework is upserted, a
//! course is matched by its code, updated only when its files changed, and its modules
//! and lessons are matched by code and slug — a re-import never duplicates anything.

use std::collections::HashMap;

use hocvuso_kernel::db::Db;
use hocvuso_kernel::{ids::new_id, text::fold, time::now};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use uuid::Uuid;

use crate::CoursesError;
use crate::content::{CourseSource, Curriculum};
use crate::entity::{
    competency, competency_domain, course, course_module, course_tag, lesson, proficiency_level,
    reserved_course_code,
};
use crate::markdown::to_safe_html;

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub lessons: usize,
    /// Shipped courses whose code a trainer's course already holds: left out (and
    /// reported), so that one clash never stops a server from starting.
    pub clashes: Vec<String>,
}

pub async fn import(db: &Db, curriculum: &Curriculum) -> Result<ImportReport, CoursesError> {
    let txn = db.begin().await?;
    import_framework(&txn, curriculum).await?;
    reserve_codes(&txn, curriculum).await?;
    let mut report = ImportReport::default();
    for source in &curriculum.courses {
        report.lessons += source.lessons.len();
        let existing = course::Entity::find()
            .filter(course::Column::Code.eq(&source.manifest.code))
            .one(&txn)
            .await?;
        match existing {
            Some(found) if found.owner_id.is_some() => {
                tracing::warn!(
                    code = %found.code,
                    "a trainer's course holds the code of a shipped course; the shipped one is left out"
                );
                report.clashes.push(found.code);
            }
            Some(found) if found.content_hash.as_deref() == Some(source.hash.as_str()) => {
                report.unchanged += 1;
            }
            Some(found) => {
                write_course(&txn, Some(found), source).await?;
                report.updated += 1;
            }
            None => {
                write_course(&txn, None, source).await?;
                report.created += 1;
            }
        }
    }
    txn.commit().await?;
    Ok(report)
}

/// Keeps every code the curriculum uses or will use out of trainers' reach.
async fn reserve_codes(
    txn: &impl ConnectionTrait,
    curriculum: &Curriculum,
) -> Result<(), CoursesError> {
    let at = now();
    let codes = curriculum
        .courses
        .iter()
        .map(|c| c.manifest.code.clone())
        .chain(curriculum.reserved.iter().cloned());
    for code in codes {
        reserved_course_code::Entity::insert(reserved_course_code::ActiveModel {
            code: Set(code),
            reserved_at: Set(at),
        })
        .on_conflict(
            OnConflict::column(reserved_course_code::Column::Code)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

async fn import_framework(
    txn: &impl ConnectionTrait,
    curriculum: &Curriculum,
) -> Result<(), CoursesError> {
    let framework = &curriculum.framework;
    for domain in &framework.domains {
        competency_domain::Entity::insert(competency_domain::ActiveModel {
            code: Set(domain.code.clone()),
            name: Set(domain.name.clone()),
            name_en: Set(domain.name_en.clone()),
        })
        .on_conflict(
            OnConflict::column(competency_domain::Column::Code)
                .update_columns([
                    competency_domain::Column::Name,
                    competency_domain::Column::NameEn,
                ])
                .to_owned(),
        )
        .exec(txn)
        .await?;
    }
    for item in &framework.competencies {
        competency::Entity::insert(competency::ActiveModel {
            code: Set(item.code.clone()),
            domain_code: Set(item.domain.clone()),
            name: Set(item.name.clone()),
            name_en: Set(item.name_en.clone()),
        })
        .on_conflict(
            OnConflict::column(competency::Column::Code)
                .update_columns([
                    competency::Column::DomainCode,
                    competency::Column::Name,
                    competency::Column::NameEn,
                ])
                .to_owned(),
        )
        .exec(txn)
        .await?;
    }
    for level in &framework.levels {
        proficiency_level::Entity::insert(proficiency_level::ActiveModel {
            level: Set(level.level),
            tier: Set(level.tier.clone()),
            tier_name: Set(level.tier_name.clone()),
            description: Set(level.description.clone()),
            description_en: Set(level.description_en.clone()),
        })
        .on_conflict(
            OnConflict::column(proficiency_level::Column::Level)
                .update_columns([
                    proficiency_level::Column::Tier,
                    proficiency_level::Column::TierName,
                    proficiency_level::Column::Description,
                    proficiency_level::Column::DescriptionEn,
                ])
                .to_owned(),
        )
        .exec(txn)
        .await?;
    }
    Ok(())
}

async fn write_course(
    txn: &impl ConnectionTrait,
    existing: Option<course::Model>,
    source: &CourseSource,
) -> Result<(), CoursesError> {
    let m = &source.manifest;
    let at = now();
    let search_text = fold(&format!("{} {}", m.title, m.summary));
    let model = match existing {
        Some(found) => {
            let version = found.version + 1;
            let mut active = found.into_active_model();
            active.title = Set(m.title.clone());
            active.title_en = Set(m.title_en.clone());
            active.summary = Set(m.summary.clone());
            active.summary_en = Set(m.summary_en.clone());
            active.level = Set(m.level);
            active.estimated_minutes = Set(m.estimated_minutes);
            active.sequential = Set(m.sequential);
            active.pass_mark = Set(m.pass_mark);
            active.status = Set("published".into());
            active.version = Set(version);
            active.search_text = Set(search_text);
            active.content_hash = Set(Some(source.hash.clone()));
            active.updated_at = Set(at);
            active.update(txn).await?
        }
        None => {
            course::ActiveModel {
                id: Set(new_id()),
                code: Set(m.code.clone()),
                title: Set(m.title.clone()),
                title_en: Set(m.title_en.clone()),
                summary: Set(m.summary.clone()),
                summary_en: Set(m.summary_en.clone()),
                level: Set(m.level),
                estimated_minutes: Set(m.estimated_minutes),
                sequential: Set(m.sequential),
                pass_mark: Set(m.pass_mark),
                status: Set("published".into()),
                version: Set(1),
                owner_id: Set(None),
                search_text: Set(search_text),
                content_hash: Set(Some(source.hash.clone())),
                created_at: Set(at),
                updated_at: Set(at),
                published_at: Set(Some(at)),
            }
            .insert(txn)
            .await?
        }
    };

    course_tag::Entity::delete_many()
        .filter(course_tag::Column::CourseId.eq(model.id))
        .exec(txn)
        .await?;
    let tags = m
        .target_groups
        .iter()
        .map(|v| ("target_group", v))
        .chain(m.audiences.iter().map(|v| ("audience", v)))
        .chain(m.competencies.iter().map(|v| ("competency", v)))
        .map(|(kind, value)| course_tag::ActiveModel {
            course_id: Set(model.id),
            kind: Set(kind.to_owned()),
            value: Set(value.clone()),
        });
    course_tag::Entity::insert_many(tags).exec(txn).await?;

    let modules = sync_modules(txn, model.id, source).await?;
    sync_lessons(txn, model.id, &modules, source).await
}

async fn sync_modules(
    txn: &impl ConnectionTrait,
    course_id: Uuid,
    source: &CourseSource,
) -> Result<HashMap<String, Uuid>, CoursesError> {
    let existing: HashMap<String, course_module::Model> = course_module::Entity::find()
        .filter(course_module::Column::CourseId.eq(course_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|m| (m.code.clone(), m))
        .collect();
    let mut ids = HashMap::new();
    for (position, module) in source.manifest.modules.iter().enumerate() {
        let position = i32::try_from(position).unwrap_or(i32::MAX);
        let id = match existing.get(&module.code) {
            Some(found) => {
                let mut active = found.clone().into_active_model();
                active.title = Set(module.title.clone());
                active.position = Set(position);
                active.update(txn).await?.id
            }
            None => {
                course_module::ActiveModel {
                    id: Set(new_id()),
                    course_id: Set(course_id),
                    code: Set(module.code.clone()),
                    title: Set(module.title.clone()),
                    position: Set(position),
                }
                .insert(txn)
                .await?
                .id
            }
        };
        ids.insert(module.code.clone(), id);
    }
    let gone: Vec<Uuid> = existing
        .values()
        .filter(|m| !ids.contains_key(&m.code))
        .map(|m| m.id)
        .collect();
    if !gone.is_empty() {
        course_module::Entity::delete_many()
            .filter(course_module::Column::Id.is_in(gone))
            .exec(txn)
            .await?;
    }
    Ok(ids)
}

async fn sync_lessons(
    txn: &impl ConnectionTrait,
    course_id: Uuid,
    modules: &HashMap<String, Uuid>,
    source: &CourseSource,
) -> Result<(), CoursesError> {
    let existing: HashMap<String, lesson::Model> = lesson::Entity::find()
        .filter(lesson::Column::CourseId.eq(course_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|l| (l.slug.clone(), l))
        .collect();
    let at = now();
    for (position, item) in source.lessons.iter().enumerate() {
        let module_id = modules
            .get(&item.module_code)
            .copied()
            .ok_or(CoursesError::NotFound)?;
        let mut active = match existing.get(&item.slug) {
            Some(found) => found.clone().into_active_model(),
            None => lesson::ActiveModel {
                id: Set(new_id()),
                course_id: Set(course_id),
                slug: Set(item.slug.clone()),
                ..Default::default()
            },
        };
        active.module_id = Set(module_id);
        active.title = Set(item.front.title.clone());
        active.kind = Set(item.front.kind.clone());
        active.summary = Set(item.front.summary.clone());
        active.body_html = Set(to_safe_html(&item.body));
        active.body = Set(item.body.clone());
        active.easy_read_html = Set(item.easy_read.as_deref().map(to_safe_html));
        active.easy_read = Set(item.easy_read.clone());
        active.level = Set(item.front.level);
        active.competencies = Set(item.front.competencies.join(","));
        active.estimated_minutes = Set(item.front.estimated_minutes);
        active.position = Set(i32::try_from(position).unwrap_or(i32::MAX));
        active.updated_at = Set(at);
        if existing.contains_key(&item.slug) {
            active.update(txn).await?;
        } else {
            active.insert(txn).await?;
        }
    }
    let kept: std::collections::HashSet<&str> =
        source.lessons.iter().map(|l| l.slug.as_str()).collect();
    let gone: Vec<Uuid> = existing
        .values()
        .filter(|l| !kept.contains(l.slug.as_str()))
        .map(|l| l.id)
        .collect();
    if !gone.is_empty() {
        lesson::Entity::delete_many()
            .filter(lesson::Column::Id.is_in(gone))
            .exec(txn)
            .await?;
    }
    Ok(())
}
