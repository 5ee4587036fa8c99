use sea_orm::entity::prelude::*;

/// One sitting of a final quiz or a placement test.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// `final` or `placement`.
    pub kind: String,
    /// The course of a final quiz; none for a placement test.
    pub course_id: Option<Uuid>,
    /// The learner's target group, for a placement test.
    pub target_group: Option<String>,
    /// `open`, `submitted` or `expired` (the time ran out without a submission).
    pub status: String,
    /// Set while open, unique per learner and quiz.
    pub open_key: Option<String>,
    /// The random seed of the draw (a `u64` stored bit for bit).
    pub seed: i64,
    /// JSON array of the ids of every question the draw chose from, in draw order.
    pub pool: String,
    /// JSON snapshot of the drawn questions with their option orders and answer keys:
    /// grading uses what the learner saw even if the bank changes meanwhile.
    pub items: String,
    pub pass_mark: Option<i32>,
    pub started_at: DateTimeUtc,
    pub deadline: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub correct_count: Option<i32>,
    pub score_percent: Option<i32>,
    pub passed: Option<bool>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
