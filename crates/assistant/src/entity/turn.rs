use sea_orm::entity::prelude::*;

/// A question a learner asked and the answer given. A conversation is the turns that
/// share its id, which is the id of its first turn; ids are time-ordered.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assistant_turns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub user_id: Uuid,
    pub question: String,
    pub answer: String,
    pub covered: bool,
    /// `extractive` or `generative`.
    pub mode: String,
    /// The citations, as JSON.
    pub citations: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
