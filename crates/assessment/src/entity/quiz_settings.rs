use sea_orm::entity::prelude::*;

/// A course's final-quiz settings, when a trainer changed the defaults.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quiz_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub course_id: Uuid,
    pub question_count: i32,
    pub time_limit_minutes: i32,
    pub max_attempts: i32,
    pub cooldown_minutes: i32,
    /// `highest` or `last`.
    pub grading: String,
    /// `never`, `after_pass` or `after_last_attempt`.
    pub reveal: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
