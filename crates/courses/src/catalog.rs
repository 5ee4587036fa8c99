//! The learners' catalog: the framework, published courses (filtered, a page at a
//! time), a course's outline, and a lesson.

use std::collections::HashMap;

use hocvuso_kernel::pagination::{Page, PageQuery};
use hocvuso_kernel::{TargetGroup, text::fold};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::dto::{
    CatalogQuery, CompetencyView, CourseDetail, CourseSummary, DomainView, EasyRead, FrameworkView,
    LessonOutline, LessonView, LevelView, ModuleOutline, Tagged,
};
use crate::entity::{
    competency, competency_domain, course, course_module, course_tag, lesson, proficiency_level,
};
use crate::{Courses, CoursesError};

pub(crate) const PUBLISHED: &str = "published";

pub(crate) fn split_codes(codes: &str) -> Vec<String> {
    codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Courses {
    pub async fn framework(&self) -> Result<FrameworkView, CoursesError> {
        let competencies = competency::Entity::find()
            .order_by_asc(competency::Column::Code)
            .all(&self.db)
            .await?;
        let domains = competency_domain::Entity::find()
            .order_by_asc(competency_domain::Column::Code)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|d| DomainView {
                competencies: competencies
                    .iter()
                    .filter(|c| c.domain_code == d.code)
                    .map(|c| CompetencyView {
                        code: c.code.clone(),
                        name: c.name.clone(),
                        name_en: c.name_en.clone(),
                    })
                    .collect(),
                code: d.code,
                name: d.name,
                name_en: d.name_en,
            })
            .collect();
        let levels = proficiency_level::Entity::find()
            .order_by_asc(proficiency_level::Column::Level)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|l| LevelView {
                level: l.level,
                tier: l.tier,
                tier_name: l.tier_name,
                description: l.description,
                description_en: l.description_en,
            })
            .collect();
        Ok(FrameworkView { domains, levels })
    }

    /// Published courses matching every given filter, ordered by code.
    pub async fn catalog(&self, query: &CatalogQuery) -> Result<Page<CourseSummary>, CoursesError> {
        let page = PageQuery {
            limit: query.limit,
            cursor: query.cursor.clone(),
        };
        let after: Option<String> = page.decode_cursor().map_err(CoursesError::Page)?;
        let mut select = course::Entity::find()
            .filter(course::Column::Status.eq(PUBLISHED))
            .order_by_asc(course::Column::Code)
            .limit(page.limit() + 1);
        let tagged = |kind: &str, value: &str| {
            course::Column::Id.in_subquery(
                Query::select()
                    .column(course_tag::Column::CourseId)
                    .from(course_tag::Entity)
                    .and_where(course_tag::Column::Kind.eq(kind))
                    .and_where(course_tag::Column::Value.eq(value))
                    .to_owned(),
            )
        };
        if let Some(group) = query.target_group {
            select = select.filter(tagged("target_group", group.as_str()));
        }
        if let Some(code) = &query.competency {
            select = select.filter(tagged("competency", code));
        }
        if let Some(level) = query.level {
            select = select.filter(course::Column::Level.eq(level));
        }
        if let Some(text) = &query.q {
            for word in fold(text).split_whitespace() {
                select = select.filter(course::Column::SearchText.contains(word));
            }
        }
        if let Some(after) = after {
            select = select.filter(course::Column::Code.gt(after));
        }
        let rows = select.all(&self.db).await?;
        let summaries = self.summaries(rows).await?;
        Ok(Page::from_rows(summaries, page.limit(), |c| c.code.clone()))
    }

    pub(crate) async fn summaries(
        &self,
        rows: Vec<course::Model>,
    ) -> Result<Vec<CourseSummary>, CoursesError> {
        let ids: Vec<Uuid> = rows.iter().map(|c| c.id).collect();
        let mut tags: HashMap<Uuid, Vec<course_tag::Model>> = HashMap::new();
        for tag in course_tag::Entity::find()
            .filter(course_tag::Column::CourseId.is_in(ids))
            .order_by_asc(course_tag::Column::Value)
            .all(&self.db)
            .await?
        {
            tags.entry(tag.course_id).or_default().push(tag);
        }
        Ok(rows
            .into_iter()
            .map(|c| {
                let of = |kind: &str| -> Vec<String> {
                    tags.get(&c.id)
                        .into_iter()
                        .flatten()
                        .filter(|t| t.kind == kind)
                        .map(|t| t.value.clone())
                        .collect()
                };
                CourseSummary {
                    target_groups: of("target_group")
                        .iter()
                        .filter_map(|g| TargetGroup::parse(g))
                        .collect(),
                    audiences: of("audience"),
                    competencies: of("competency"),
                    id: c.id,
                    code: c.code,
                    title: c.title,
                    title_en: c.title_en,
                    summary: c.summary,
                    summary_en: c.summary_en,
                    level: c.level,
                    estimated_minutes: c.estimated_minutes,
                    version: c.version,
                }
            })
            .collect())
    }

    async fn published(&self, code: &str) -> Result<course::Model, CoursesError> {
        course::Entity::find()
            .filter(course::Column::Code.eq(code))
            .filter(course::Column::Status.eq(PUBLISHED))
            .one(&self.db)
            .await?
            .ok_or(CoursesError::NotFound)
    }

    /// A published course and its outline.
    pub(crate) async fn load_course(
        &self,
        code: &str,
    ) -> Result<Tagged<CourseDetail>, CoursesError> {
        let found = self.published(code).await?;
        let etag = format!("\"c-{}-{}\"", found.id.simple(), found.version);
        let (sequential, pass_mark, course_id) = (found.sequential, found.pass_mark, found.id);
        let summary = self
            .summaries(vec![found])
            .await?
            .pop()
            .ok_or(CoursesError::NotFound)?;
        let modules = self.outline(course_id).await?;
        Ok(Tagged {
            value: CourseDetail {
                course: summary,
                sequential,
                pass_mark,
                modules,
            },
            etag,
        })
    }

    /// Modules in order, each with its lessons in order.
    pub(crate) async fn outline(
        &self,
        course_id: Uuid,
    ) -> Result<Vec<ModuleOutline>, CoursesError> {
        let modules = course_module::Entity::find()
            .filter(course_module::Column::CourseId.eq(course_id))
            .order_by_asc(course_module::Column::Position)
            .all(&self.db)
            .await?;
        let lessons = lesson::Entity::find()
            .filter(lesson::Column::CourseId.eq(course_id))
            .order_by_asc(lesson::Column::Position)
            .all(&self.db)
            .await?;
        Ok(modules
            .into_iter()
            .map(|m| ModuleOutline {
                lessons: lessons
                    .iter()
                    .filter(|l| l.module_id == m.id)
                    .map(|l| LessonOutline {
                        id: l.id,
                        slug: l.slug.clone(),
                        title: l.title.clone(),
                        summary: l.summary.clone(),
                        kind: l.kind.clone(),
                        level: l.level,
                        competencies: split_codes(&l.competencies),
                        estimated_minutes: l.estimated_minutes,
                        has_easy_read: l.easy_read.is_some(),
                        accessible: l.kind == "text"
                            || l.transcript.is_some()
                            || l.alt_text.is_some(),
                    })
                    .collect(),
                id: m.id,
                code: m.code,
                title: m.title,
            })
            .collect())
    }

    /// One lesson of a published course, with its neighbours for navigation.
    pub(crate) async fn load_lesson(
        &self,
        code: &str,
        slug: &str,
    ) -> Result<Tagged<LessonView>, CoursesError> {
        let found = self.published(code).await?;
        let item = lesson::Entity::find()
            .filter(lesson::Column::CourseId.eq(found.id))
            .filter(lesson::Column::Slug.eq(slug))
            .one(&self.db)
            .await?
            .ok_or(CoursesError::NotFound)?;
        let neighbour = |position: i32| {
            lesson::Entity::find()
                .select_only()
                .column(lesson::Column::Slug)
                .filter(lesson::Column::CourseId.eq(found.id))
                .filter(lesson::Column::Position.eq(position))
                .into_tuple::<String>()
                .one(&self.db)
        };
        let previous = neighbour(item.position - 1).await?;
        let next = neighbour(item.position + 1).await?;
        let module_code = course_module::Entity::find_by_id(item.module_id)
            .one(&self.db)
            .await?
            .map(|m| m.code)
            .unwrap_or_default();
        let etag = format!("\"l-{}-{}\"", item.id.simple(), found.version);
        let media = self.media_of(item.id).await?;
        Ok(Tagged {
            value: LessonView {
                id: item.id,
                course_code: found.code,
                module_code,
                competencies: split_codes(&item.competencies),
                easy_read: item
                    .easy_read
                    .zip(item.easy_read_html)
                    .map(|(markdown, html)| EasyRead { markdown, html }),
                transcript: item.transcript,
                alt_text: item.alt_text,
                slug: item.slug,
                title: item.title,
                kind: item.kind,
                summary: item.summary,
                level: item.level,
                estimated_minutes: item.estimated_minutes,
                markdown: item.body,
                html: item.body_html,
                media,
                previous,
                next,
            },
            etag,
        })
    }
}
