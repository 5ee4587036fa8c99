//! A course's final-quiz settings: stored when a trainer changes them, the defaults
//! ([`QuizSettingsUpdate::default`]) otherwise. The pass mark is the course's own and is
//! passed in by the caller.

use hocvuso_kernel::time::now;
use sea_orm::sea_query::OnConflict;
use sea_orm::{EntityTrait, Set, SqlErr};
use uuid::Uuid;
use validator::Validate;

use crate::dto::{Grading, QuizSettings, QuizSettingsUpdate, RevealPolicy};
use crate::entity::quiz_settings;
use crate::{Assessment, AssessmentError};

fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

fn to_u32(value: i32) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

impl Assessment {
    /// The settings a course's final quiz runs with.
    pub async fn quiz_settings(
        &self,
        course_id: Uuid,
        pass_mark: u32,
    ) -> Result<QuizSettings, AssessmentError> {
        Ok(QuizSettings::new(
            self.stored_settings(course_id).await?,
            pass_mark.min(100),
        ))
    }

    pub(crate) async fn stored_settings(
        &self,
        course_id: Uuid,
    ) -> Result<QuizSettingsUpdate, AssessmentError> {
        if let Some(hit) = self.cache.settings.get(&course_id).await {
            return Ok(hit);
        }
        let settings = self.read_settings(course_id).await?;
        self.cache
            .settings
            .insert(course_id, settings.clone())
            .await;
        Ok(settings)
    }

    async fn read_settings(&self, course_id: Uuid) -> Result<QuizSettingsUpdate, AssessmentError> {
        let Some(row) = quiz_settings::Entity::find_by_id(course_id)
            .one(&self.db)
            .await?
        else {
            return Ok(QuizSettingsUpdate::default());
        };
        Ok(QuizSettingsUpdate {
            question_count: to_u32(row.question_count),
            time_limit_minutes: to_u32(row.time_limit_minutes),
            max_attempts: to_u32(row.max_attempts),
            cooldown_minutes: to_u32(row.cooldown_minutes),
            grading: Grading::parse(&row.grading).unwrap_or_default(),
            reveal: RevealPolicy::parse(&row.reveal).unwrap_or_default(),
        })
    }

    /// Changes a course's settings; attempts already started keep theirs.
    pub async fn set_quiz_settings(
        &self,
        course_id: Uuid,
        update: &QuizSettingsUpdate,
    ) -> Result<QuizSettingsUpdate, AssessmentError> {
        update.validate()?;
        quiz_settings::Entity::insert(quiz_settings::ActiveModel {
            course_id: Set(course_id),
            question_count: Set(to_i32(update.question_count)),
            time_limit_minutes: Set(to_i32(update.time_limit_minutes)),
            max_attempts: Set(to_i32(update.max_attempts)),
            cooldown_minutes: Set(to_i32(update.cooldown_minutes)),
            grading: Set(update.grading.as_str().to_owned()),
            reveal: Set(update.reveal.as_str().to_owned()),
            updated_at: Set(now()),
        })
        .on_conflict(
            OnConflict::column(quiz_settings::Column::CourseId)
                .update_columns([
                    quiz_settings::Column::QuestionCount,
                    quiz_settings::Column::TimeLimitMinutes,
                    quiz_settings::Column::MaxAttempts,
                    quiz_settings::Column::CooldownMinutes,
                    quiz_settings::Column::Grading,
                    quiz_settings::Column::Reveal,
                    quiz_settings::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => AssessmentError::NotFound,
            _ => AssessmentError::Db(e),
        })?;
        self.cache.forget();
        self.read_settings(course_id).await
    }
}
