use sea_orm::entity::prelude::*;

/// One graded question of a closed attempt; written once, never changed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attempt_answers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub attempt_id: Uuid,
    /// The question's place in the attempt (the `item` the learner saw).
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    pub question_id: Uuid,
    pub competency: String,
    pub level: i32,
    /// JSON of the learner's response, in the positions they saw; none when unanswered.
    pub response: Option<String>,
    pub correct: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
