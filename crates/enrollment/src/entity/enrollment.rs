use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enrollments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub course_id: Uuid,
    /// `active`, `completed` or `withdrawn`.
    pub status: String,
    pub enrolled_at: DateTimeUtc,
    pub withdrawn_at: Option<DateTimeUtc>,
    /// Set once, when the completion rule is first met; never cleared.
    pub completed_at: Option<DateTimeUtc>,
    /// The final assessment's score (percent) as graded by the course's method.
    pub final_score: Option<i32>,
    pub assessment_passed_at: Option<DateTimeUtc>,
    /// The lesson to resume at.
    pub resume_lesson_id: Option<Uuid>,
    pub last_activity_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
