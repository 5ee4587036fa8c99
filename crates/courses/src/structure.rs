//! A course's structure as other domains need it to run learning on it (enrolment,
//! progress, locks, assessment): target groups, order and alignment of its lessons.
//! Read on every progress batch, so cached briefly like the published views.

use std::sync::Arc;

use hocvuso_kernel::TargetGroup;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::catalog::{PUBLISHED, split_codes};
use crate::entity::{course, course_tag, lesson};
use crate::{Courses, CoursesError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseStructure {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub published: bool,
    pub target_groups: Vec<TargetGroup>,
    pub competencies: Vec<String>,
    pub level: i32,
    pub sequential: bool,
    pub pass_mark: i32,
    /// In course order.
    pub lessons: Vec<LessonStructure>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonStructure {
    pub id: Uuid,
    pub slug: String,
    pub level: i32,
    pub competencies: Vec<String>,
}

impl Courses {
    /// The structure of the course with this id, if it exists.
    pub async fn structure(&self, id: Uuid) -> Result<Option<Arc<CourseStructure>>, CoursesError> {
        if let Some(hit) = self.structures.get(&id).await {
            return Ok(Some(hit));
        }
        let Some(found) = course::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(None);
        };
        let loaded = Arc::new(self.load_structure(found).await?);
        self.structures.insert(id, loaded.clone()).await;
        Ok(Some(loaded))
    }

    /// The structure of the published course with this code.
    pub async fn published_structure(
        &self,
        code: &str,
    ) -> Result<Arc<CourseStructure>, CoursesError> {
        let id = match self.ids.get(code).await {
            Some(id) => id,
            None => {
                let id = course::Entity::find()
                    .filter(course::Column::Code.eq(code))
                    .one(&self.db)
                    .await?
                    .map(|c| c.id)
                    .ok_or(CoursesError::NotFound)?;
                self.ids.insert(code.to_owned(), id).await;
                id
            }
        };
        self.structure(id)
            .await?
            .filter(|s| s.published)
            .ok_or(CoursesError::NotFound)
    }

    /// Every course's id by its code.
    pub async fn course_ids(
        &self,
    ) -> Result<std::collections::HashMap<String, Uuid>, CoursesError> {
        Ok(course::Entity::find()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|c| (c.code, c.id))
            .collect())
    }

    /// Published courses open to `group`.
    pub async fn structures_for(
        &self,
        group: TargetGroup,
    ) -> Result<Vec<Arc<CourseStructure>>, CoursesError> {
        let ids: Vec<Uuid> = course_tag::Entity::find()
            .filter(course_tag::Column::Kind.eq("target_group"))
            .filter(course_tag::Column::Value.eq(group.as_str()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| t.course_id)
            .collect();
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(structure) = self.structure(id).await?.filter(|s| s.published) {
                found.push(structure);
            }
        }
        found.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(found)
    }

    async fn load_structure(&self, found: course::Model) -> Result<CourseStructure, CoursesError> {
        let tags = course_tag::Entity::find()
            .filter(course_tag::Column::CourseId.eq(found.id))
            .all(&self.db)
            .await?;
        let of = |kind: &str| {
            tags.iter()
                .filter(|t| t.kind == kind)
                .map(|t| t.value.clone())
                .collect::<Vec<_>>()
        };
        let lessons = lesson::Entity::find()
            .filter(lesson::Column::CourseId.eq(found.id))
            .order_by_asc(lesson::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|l| LessonStructure {
                id: l.id,
                competencies: split_codes(&l.competencies),
                slug: l.slug,
                level: l.level,
            })
            .collect();
        Ok(CourseStructure {
            id: found.id,
            target_groups: of("target_group")
                .iter()
                .filter_map(|g| TargetGroup::parse(g))
                .collect(),
            competencies: of("competency"),
            published: found.status == PUBLISHED,
            code: found.code,
            title: found.title,
            level: found.level,
            sequential: found.sequential,
            pass_mark: found.pass_mark,
            lessons,
        })
    }
}
