//! The published lessons as text, for domains that read them (the learning assistant),
//! and the version that tells when they changed.

use std::collections::HashMap;

use hocvuso_kernel::db::Db;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entity::{course, lesson};
use crate::markdown::{Section, sections};
use crate::{Courses, CoursesError};

/// Changes whenever a course is published, edited or withdrawn: the number of published
/// courses and their latest change.
pub type ContentVersion = (i64, Option<chrono::DateTime<chrono::Utc>>);

/// A lesson of a published course, as plain text.
#[derive(Debug, Clone)]
pub struct PublishedLesson {
    pub course_code: String,
    pub course_title: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub sections: Vec<Section>,
    pub has_easy_read: bool,
    /// The groups the lesson's course is open to.
    pub target_groups: Vec<hocvuso_kernel::TargetGroup>,
}

pub(crate) async fn content_version(db: &Db) -> Result<ContentVersion, CoursesError> {
    let version = course::Entity::find()
        .select_only()
        .column_as(course::Column::Id.count(), "n")
        .column_as(course::Column::UpdatedAt.max(), "latest")
        .filter(course::Column::Status.eq("published"))
        .into_tuple::<ContentVersion>()
        .one(db)
        .await?;
    Ok(version.unwrap_or((0, None)))
}

/// Published courses and their lessons, in course order.
pub(crate) async fn published(
    db: &Db,
) -> Result<(Vec<course::Model>, Vec<lesson::Model>), CoursesError> {
    let courses = course::Entity::find()
        .filter(course::Column::Status.eq("published"))
        .all(db)
        .await?;
    let ids: Vec<_> = courses.iter().map(|c| c.id).collect();
    let lessons = lesson::Entity::find()
        .filter(lesson::Column::CourseId.is_in(ids))
        .all(db)
        .await?;
    Ok((courses, lessons))
}

impl Courses {
    /// Every lesson of every published course, its text split under its headings (what
    /// an audio or video lesson says, from its transcript, is a section of its own).
    pub async fn published_lessons(&self) -> Result<Vec<PublishedLesson>, CoursesError> {
        let (courses, lessons) = published(&self.db).await?;
        let groups_of: HashMap<_, _> = self
            .summaries(courses.clone())
            .await?
            .into_iter()
            .map(|s| (s.id, s.target_groups))
            .collect();
        let course_of: HashMap<_, _> = courses.iter().map(|c| (c.id, c)).collect();
        let mut texts = Vec::with_capacity(lessons.len());
        for l in lessons {
            let Some(course) = course_of.get(&l.course_id) else {
                continue;
            };
            let mut parts = sections(&l.body);
            if let Some(transcript) = l.transcript.as_deref() {
                parts.extend(sections(transcript));
            }
            texts.push(PublishedLesson {
                course_code: course.code.clone(),
                course_title: course.title.clone(),
                slug: l.slug,
                title: l.title,
                summary: l.summary,
                sections: parts,
                has_easy_read: l.easy_read.is_some(),
                target_groups: groups_of.get(&l.course_id).cloned().unwrap_or_default(),
            });
        }
        Ok(texts)
    }
}

/// How often a server asks whether published content changed.
const FRESHNESS_CHECK: std::time::Duration = std::time::Duration::from_secs(5);

struct Stamped<T> {
    version: ContentVersion,
    checked: std::time::Instant,
    value: std::sync::Arc<T>,
}

/// Something built from the published content (an index), kept in memory and rebuilt
/// when the content changes. Every server of a deployment keeps its own, so none needs
/// shared disk; a server notices a change within a few seconds.
pub struct Fresh<T> {
    built: tokio::sync::RwLock<Option<Stamped<T>>>,
    rebuilding: tokio::sync::Mutex<()>,
}

impl<T> Default for Fresh<T> {
    fn default() -> Self {
        Self {
            built: tokio::sync::RwLock::new(None),
            rebuilding: tokio::sync::Mutex::new(()),
        }
    }
}

impl<T> Fresh<T> {
    /// The current value, built by `build` when there is none or the content changed.
    pub async fn get<E, F, Fut>(&self, courses: &Courses, build: F) -> Result<std::sync::Arc<T>, E>
    where
        E: From<CoursesError>,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        self.get_with(&courses.db, build).await
    }

    pub(crate) async fn get_with<E, F, Fut>(
        &self,
        db: &Db,
        build: F,
    ) -> Result<std::sync::Arc<T>, E>
    where
        E: From<CoursesError>,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(built) = self.built.read().await.as_ref()
            && built.checked.elapsed() < FRESHNESS_CHECK
        {
            return Ok(built.value.clone());
        }
        let _one_at_a_time = self.rebuilding.lock().await;
        let current = content_version(db).await?;
        {
            let mut guard = self.built.write().await;
            if let Some(built) = guard.as_mut()
                && built.version == current
            {
                built.checked = std::time::Instant::now();
                return Ok(built.value.clone());
            }
        }
        let value = std::sync::Arc::new(build().await?);
        *self.built.write().await = Some(Stamped {
            version: current,
            checked: std::time::Instant::now(),
            value: value.clone(),
        });
        Ok(value)
    }
}
