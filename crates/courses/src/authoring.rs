//! Trainers author courses on the platform: a draft course, its modules and lessons,
//! their order, then publishing (only when complete) and archiving.
//!
//! Who may edit is decided by the caller (the server's policy): these functions take
//! the editor's id and check ownership only through [`Courses::authored_course`].

use hocvuso_kernel::{TargetGroup, ids::new_id, text::fold, time::now};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::content::AUDIENCES;
use crate::entity::{competency, course, course_module, course_tag, lesson, reserved_course_code};
use crate::markdown::to_safe_html;
use crate::{Courses, CoursesError};

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewCourse {
    /// Stable code: lowercase ASCII letters, digits and dashes.
    #[validate(length(min = 3, max = 100))]
    #[schema(min_length = 3, max_length = 100, pattern = "^[a-z0-9-]+$")]
    pub code: String,
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    #[validate(length(max = 300))]
    #[schema(max_length = 300)]
    pub title_en: Option<String>,
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub summary: String,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub summary_en: Option<String>,
    #[validate(length(min = 1, max = 4))]
    #[schema(min_items = 1, max_items = 4)]
    pub target_groups: Vec<TargetGroup>,
    #[serde(default)]
    pub audiences: Vec<String>,
    #[validate(range(min = 1, max = 8))]
    #[schema(minimum = 1, maximum = 8)]
    pub level: i32,
    #[validate(length(min = 1, max = 24))]
    #[schema(min_items = 1, max_items = 24)]
    pub competencies: Vec<String>,
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub estimated_minutes: i32,
    #[serde(default = "yes")]
    pub sequential: bool,
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub pass_mark: i32,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct NewModule {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, pattern = "^[a-z0-9-]+$")]
    pub code: String,
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct LessonDraft {
    /// Unique within the course: lowercase ASCII letters, digits and dashes.
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120, pattern = "^[a-z0-9-]+$")]
    pub slug: String,
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub summary: String,
    /// Markdown. A lesson may be saved empty; publishing needs every lesson filled.
    #[validate(length(max = 200000))]
    #[schema(max_length = 200000)]
    #[serde(default)]
    pub body: String,
    #[validate(length(max = 200000))]
    #[schema(max_length = 200000)]
    pub easy_read: Option<String>,
    /// What an audio or video lesson says; publishing needs it, or WebVTT captions.
    #[validate(length(max = 200000))]
    #[schema(max_length = 200000)]
    pub transcript: Option<String>,
    /// What an image lesson shows; publishing an image lesson needs it.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub alt_text: Option<String>,
    #[validate(range(min = 1, max = 8))]
    #[schema(minimum = 1, maximum = 8)]
    pub level: i32,
    #[validate(length(min = 1, max = 24))]
    #[schema(min_items = 1, max_items = 24)]
    pub competencies: Vec<String>,
    #[validate(range(min = 1, max = 600))]
    #[schema(minimum = 1, maximum = 600)]
    pub estimated_minutes: i32,
}

/// The new order of a course: modules, each with its lessons, first to last.
#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct CourseOrder {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_items = 1, max_items = 200)]
    pub modules: Vec<ModuleOrder>,
}

#[derive(Debug, Deserialize, serde::Serialize, ToSchema)]
pub struct ModuleOrder {
    pub module_id: Uuid,
    pub lesson_ids: Vec<Uuid>,
}

fn invalid(
    field: &'static str,
    code: &'static str,
    vi: &'static str,
    en: &'static str,
) -> CoursesError {
    CoursesError::Invalid {
        field,
        code,
        vi,
        en,
    }
}

fn check_code(value: &str, field: &'static str) -> Result<(), CoursesError> {
    if value
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        Ok(())
    } else {
        Err(invalid(
            field,
            "invalid_code",
            "Chỉ dùng chữ thường không dấu, chữ số và dấu gạch ngang.",
            "Use lowercase ASCII letters, digits and dashes only.",
        ))
    }
}

impl Courses {
    async fn check_competencies(&self, codes: &[String]) -> Result<(), CoursesError> {
        let known = competency::Entity::find()
            .filter(competency::Column::Code.is_in(codes.to_vec()))
            .all(&self.db)
            .await?
            .len();
        if known == codes.iter().collect::<std::collections::HashSet<_>>().len() {
            Ok(())
        } else {
            Err(invalid(
                "competencies",
                "unknown_competency",
                "Có mã năng lực không thuộc khung năng lực số.",
                "A competency code is not in the framework.",
            ))
        }
    }

    /// A course authored on the platform. Who may change it is the caller's policy to
    /// decide from its `owner_id`.
    pub async fn authored_course(&self, id: Uuid) -> Result<course::Model, CoursesError> {
        let found = course::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(CoursesError::NotFound)?;
        if found.owner_id.is_none() {
            // The shipped curriculum is edited in its files, not here.
            return Err(CoursesError::Forbidden);
        }
        Ok(found)
    }

    /// A course as its author sees it: any status, with module and lesson ids.
    pub async fn authored_view(
        &self,
        course: course::Model,
    ) -> Result<crate::dto::AuthoredCourse, CoursesError> {
        let status = course.status.clone();
        let (sequential, pass_mark) = (course.sequential, course.pass_mark);
        let modules = self.outline(course.id).await?;
        let summary = self
            .summaries(vec![course])
            .await?
            .pop()
            .ok_or(CoursesError::NotFound)?;
        Ok(crate::dto::AuthoredCourse {
            course: summary,
            status,
            sequential,
            pass_mark,
            modules,
        })
    }

    pub async fn create_course(
        &self,
        owner: Uuid,
        new: NewCourse,
    ) -> Result<course::Model, CoursesError> {
        check_code(&new.code, "code")?;
        if reserved_course_code::Entity::find_by_id(new.code.clone())
            .one(&self.db)
            .await?
            .is_some()
        {
            return Err(invalid(
                "code",
                "course_code_reserved",
                "Mã khoá học này dành cho chương trình học chung của Bình dân học vụ số; hãy chọn mã khác.",
                "This course code is kept for the shared curriculum; choose another.",
            ));
        }
        if let Some(bad) = new
            .audiences
            .iter()
            .find(|a| !AUDIENCES.contains(&a.as_str()))
        {
            tracing::debug!(audience = %bad, "unknown audience");
            return Err(invalid(
                "audiences",
                "unknown_audience",
                "Đối tượng đặc thù không hợp lệ.",
                "Unknown audience.",
            ));
        }
        self.check_competencies(&new.competencies).await?;
        let at = now();
        let txn = self.db.begin().await?;
        let created = course::ActiveModel {
            id: Set(new_id()),
            code: Set(new.code.clone()),
            search_text: Set(fold(&format!("{} {}", new.title, new.summary))),
            title: Set(new.title),
            title_en: Set(new.title_en),
            summary: Set(new.summary),
            summary_en: Set(new.summary_en),
            level: Set(new.level),
            estimated_minutes: Set(new.estimated_minutes),
            sequential: Set(new.sequential),
            pass_mark: Set(new.pass_mark),
            status: Set("draft".into()),
            version: Set(1),
            owner_id: Set(Some(owner)),
            content_hash: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            published_at: Set(None),
        }
        .insert(&txn)
        .await
        .map_err(|e| match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => invalid(
                "code",
                "course_code_taken",
                "Mã khoá học đã được dùng.",
                "This course code is already used.",
            ),
            _ => CoursesError::Db(e),
        })?;
        let tags = new
            .target_groups
            .iter()
            .map(|g| ("target_group", g.as_str().to_owned()))
            .chain(new.audiences.into_iter().map(|a| ("audience", a)))
            .chain(new.competencies.into_iter().map(|c| ("competency", c)))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|(kind, value)| course_tag::ActiveModel {
                course_id: Set(created.id),
                kind: Set(kind.to_owned()),
                value: Set(value),
            });
        course_tag::Entity::insert_many(tags).exec(&txn).await?;
        txn.commit().await?;
        Ok(created)
    }

    pub async fn add_module(
        &self,
        course: &course::Model,
        new: NewModule,
    ) -> Result<course_module::Model, CoursesError> {
        check_code(&new.code, "code")?;
        let position = course_module::Entity::find()
            .filter(course_module::Column::CourseId.eq(course.id))
            .all(&self.db)
            .await?
            .len();
        let module = course_module::ActiveModel {
            id: Set(new_id()),
            course_id: Set(course.id),
            code: Set(new.code),
            title: Set(new.title),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
        }
        .insert(&self.db)
        .await
        .map_err(|e| match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => invalid(
                "code",
                "module_code_taken",
                "Mã học phần đã có trong khoá học.",
                "This module code is already in the course.",
            ),
            _ => CoursesError::Db(e),
        })?;
        self.touch(course.id).await?;
        Ok(module)
    }

    /// Adds a lesson at the end of a module of `course`.
    pub async fn add_lesson(
        &self,
        course: &course::Model,
        module_id: Uuid,
        draft: LessonDraft,
    ) -> Result<lesson::Model, CoursesError> {
        check_code(&draft.slug, "slug")?;
        self.check_competencies(&draft.competencies).await?;
        let module = course_module::Entity::find_by_id(module_id)
            .one(&self.db)
            .await?
            .filter(|m| m.course_id == course.id)
            .ok_or(CoursesError::NotFound)?;
        let position = lesson::Entity::find()
            .filter(lesson::Column::CourseId.eq(course.id))
            .all(&self.db)
            .await?
            .len();
        let created = lesson::ActiveModel {
            id: Set(new_id()),
            course_id: Set(course.id),
            module_id: Set(module.id),
            slug: Set(draft.slug),
            title: Set(draft.title),
            kind: Set("text".into()),
            summary: Set(draft.summary),
            body_html: Set(to_safe_html(&draft.body)),
            body: Set(draft.body),
            easy_read_html: Set(draft.easy_read.as_deref().map(to_safe_html)),
            easy_read: Set(draft.easy_read),
            transcript: Set(draft.transcript),
            alt_text: Set(draft.alt_text),
            level: Set(draft.level),
            competencies: Set(draft.competencies.join(",")),
            estimated_minutes: Set(draft.estimated_minutes),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            updated_at: Set(now()),
        }
        .insert(&self.db)
        .await
        .map_err(|e| match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => invalid(
                "slug",
                "lesson_slug_taken",
                "Đường dẫn bài học đã có trong khoá học.",
                "This lesson slug is already in the course.",
            ),
            _ => CoursesError::Db(e),
        })?;
        self.touch(course.id).await?;
        Ok(created)
    }

    /// Replaces a lesson's content (its slug and place stay).
    pub async fn update_lesson(
        &self,
        course: &course::Model,
        lesson_id: Uuid,
        draft: LessonDraft,
    ) -> Result<lesson::Model, CoursesError> {
        self.check_competencies(&draft.competencies).await?;
        let found = lesson::Entity::find_by_id(lesson_id)
            .one(&self.db)
            .await?
            .filter(|l| l.course_id == course.id)
            .ok_or(CoursesError::NotFound)?;
        let mut active = found.into_active_model();
        active.title = Set(draft.title);
        active.summary = Set(draft.summary);
        active.body_html = Set(to_safe_html(&draft.body));
        active.body = Set(draft.body);
        active.easy_read_html = Set(draft.easy_read.as_deref().map(to_safe_html));
        active.easy_read = Set(draft.easy_read);
        active.transcript = Set(draft.transcript);
        active.alt_text = Set(draft.alt_text);
        active.level = Set(draft.level);
        active.competencies = Set(draft.competencies.join(","));
        active.estimated_minutes = Set(draft.estimated_minutes);
        active.updated_at = Set(now());
        let updated = active.update(&self.db).await?;
        self.touch(course.id).await?;
        Ok(updated)
    }

    /// Puts modules and lessons in the given order; every module and lesson of the course
    /// must appear exactly once (a lesson may move to another module).
    pub async fn reorder(
        &self,
        course: &course::Model,
        order: CourseOrder,
    ) -> Result<(), CoursesError> {
        let modules = course_module::Entity::find()
            .filter(course_module::Column::CourseId.eq(course.id))
            .all(&self.db)
            .await?;
        let lessons = lesson::Entity::find()
            .filter(lesson::Column::CourseId.eq(course.id))
            .all(&self.db)
            .await?;
        let given_modules: std::collections::HashSet<Uuid> =
            order.modules.iter().map(|m| m.module_id).collect();
        let given_lessons: Vec<Uuid> = order
            .modules
            .iter()
            .flat_map(|m| m.lesson_ids.iter().copied())
            .collect();
        let unique_lessons: std::collections::HashSet<Uuid> =
            given_lessons.iter().copied().collect();
        let complete = given_modules.len() == order.modules.len()
            && given_modules == modules.iter().map(|m| m.id).collect()
            && unique_lessons.len() == given_lessons.len()
            && unique_lessons == lessons.iter().map(|l| l.id).collect();
        if !complete {
            return Err(invalid(
                "modules",
                "order_incomplete",
                "Thứ tự mới phải liệt kê đúng một lần mọi học phần và bài học của khoá.",
                "The new order must list every module and lesson of the course exactly once.",
            ));
        }
        let txn = self.db.begin().await?;
        let mut lesson_position = 0;
        for (module_position, item) in order.modules.iter().enumerate() {
            course_module::Entity::update_many()
                .col_expr(
                    course_module::Column::Position,
                    sea_orm::sea_query::Expr::value(
                        i32::try_from(module_position).unwrap_or(i32::MAX),
                    ),
                )
                .filter(course_module::Column::Id.eq(item.module_id))
                .exec(&txn)
                .await?;
            for lesson_id in &item.lesson_ids {
                lesson::Entity::update_many()
                    .col_expr(
                        lesson::Column::Position,
                        sea_orm::sea_query::Expr::value(lesson_position),
                    )
                    .col_expr(
                        lesson::Column::ModuleId,
                        sea_orm::sea_query::Expr::value(item.module_id),
                    )
                    .filter(lesson::Column::Id.eq(*lesson_id))
                    .exec(&txn)
                    .await?;
                lesson_position += 1;
            }
        }
        txn.commit().await?;
        self.touch(course.id).await
    }

    /// Publishes a complete course: at least one lesson, every lesson with content, and
    /// every media lesson with its accessibility data (alt text, transcript or captions).
    pub async fn publish(&self, course: course::Model) -> Result<course::Model, CoursesError> {
        let lessons = lesson::Entity::find()
            .filter(lesson::Column::CourseId.eq(course.id))
            .order_by_asc(lesson::Column::Position)
            .all(&self.db)
            .await?;
        if lessons.is_empty() {
            return Err(invalid(
                "lessons",
                "course_empty",
                "Khoá học chưa có bài học nào.",
                "The course has no lessons yet.",
            ));
        }
        let media = crate::entity::lesson_media::Entity::find()
            .filter(
                crate::entity::lesson_media::Column::LessonId.is_in(lessons.iter().map(|l| l.id)),
            )
            .all(&self.db)
            .await?;
        let has = |lesson: Uuid, role: &str| {
            media
                .iter()
                .any(|m| m.lesson_id == lesson && m.role == role)
        };
        let complete = |l: &lesson::Model| {
            if l.kind == "text" {
                !l.body.trim().is_empty()
            } else {
                has(l.id, "main")
            }
        };
        if let Some(empty) = lessons.iter().find(|l| !complete(l)) {
            tracing::debug!(lesson = %empty.slug, "lesson without content");
            return Err(invalid(
                "lessons",
                "lesson_incomplete",
                "Có bài học chưa có nội dung.",
                "A lesson has no content yet.",
            ));
        }
        let accessible = |l: &lesson::Model| match l.kind.as_str() {
            "image" => l.alt_text.as_deref().is_some_and(|t| !t.trim().is_empty()),
            "audio" | "video" => {
                l.transcript
                    .as_deref()
                    .is_some_and(|t| !t.trim().is_empty())
                    || has(l.id, "captions")
            }
            _ => true,
        };
        if let Some(inaccessible) = lessons.iter().find(|l| !accessible(l)) {
            tracing::debug!(lesson = %inaccessible.slug, "lesson without accessibility data");
            return Err(invalid(
                "lessons",
                "lesson_inaccessible",
                "Có bài học chưa có dữ liệu trợ năng: bài ảnh cần mô tả ảnh (alt text); bài âm thanh hoặc video cần bản ghi lời (transcript) hoặc phụ đề WebVTT.",
                "A lesson lacks accessibility data: image lessons need alt text; audio and video lessons need a transcript or WebVTT captions.",
            ));
        }
        let version = course.version + 1;
        let at = now();
        let mut active = course.into_active_model();
        active.status = Set("published".into());
        active.version = Set(version);
        active.updated_at = Set(at);
        active.published_at = Set(Some(at));
        let published = active.update(&self.db).await?;
        self.forget_views();
        Ok(published)
    }

    pub async fn archive(&self, course: course::Model) -> Result<course::Model, CoursesError> {
        let version = course.version + 1;
        let mut active = course.into_active_model();
        active.status = Set("archived".into());
        active.version = Set(version);
        active.updated_at = Set(now());
        let archived = active.update(&self.db).await?;
        self.forget_views();
        Ok(archived)
    }

    /// Courses authored by `owner`, drafts included.
    pub async fn authored_by(&self, owner: Uuid) -> Result<Vec<course::Model>, CoursesError> {
        Ok(course::Entity::find()
            .filter(course::Column::OwnerId.eq(owner))
            .order_by_asc(course::Column::Code)
            .all(&self.db)
            .await?)
    }

    /// Records a change learners can see: a published course's ETag must change.
    pub(crate) async fn touch(&self, course_id: Uuid) -> Result<(), CoursesError> {
        self.forget_views();
        course::Entity::update_many()
            .col_expr(
                course::Column::Version,
                sea_orm::sea_query::Expr::col(course::Column::Version).add(1),
            )
            .col_expr(
                course::Column::UpdatedAt,
                sea_orm::sea_query::Expr::value(now()),
            )
            .filter(course::Column::Id.eq(course_id))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
