//! Conversations: each learner's questions and the answers given, kept so that a
//! learner can come back to them and a follow-up question can lean on the one before.
//! A question is one row: the conversation is the rows that share the id of its first.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use hocvuso_kernel::ids::new_id;
use hocvuso_kernel::pagination::{Page, PageQuery};
use hocvuso_kernel::time::now;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::dto::{AnswerMode, Citation, ConversationSummary, ConversationView, Turn};
use crate::entity::turn;
use crate::{Assistant, AssistantError};

/// Characters of the first question a conversation is titled with.
const TITLE_CHARS: usize = 120;
/// Turns a conversation shows at most (the latest).
const SHOWN_TURNS: u64 = 200;
/// Earlier turns a language model reads.
const RECENT_TURNS: u64 = 3;

fn title(question: &str) -> String {
    question.chars().take(TITLE_CHARS).collect()
}

fn view(row: turn::Model) -> Result<Turn, AssistantError> {
    Ok(Turn {
        id: row.id,
        question: row.question,
        answer: row.answer,
        covered: row.covered,
        mode: AnswerMode::parse(&row.mode),
        citations: serde_json::from_str::<Vec<Citation>>(&row.citations)?,
        asked_at: row.created_at,
    })
}

/// Where a question goes: a conversation of the learner's, or a new one.
#[derive(Clone, Copy)]
pub(crate) enum Thread {
    Existing(Uuid),
    New,
}

impl Assistant {
    fn turns_of(&self, user: Uuid, conversation: Uuid) -> sea_orm::Select<turn::Entity> {
        turn::Entity::find()
            .filter(turn::Column::ConversationId.eq(conversation))
            .filter(turn::Column::UserId.eq(user))
    }

    /// The question asked last in one of the caller's conversations; someone else's
    /// conversation does not exist for them.
    pub(crate) async fn last_question(
        &self,
        user: Uuid,
        conversation: Uuid,
    ) -> Result<String, AssistantError> {
        self.turns_of(user, conversation)
            .select_only()
            .column(turn::Column::Question)
            .order_by_desc(turn::Column::Id)
            .into_tuple::<String>()
            .one(&self.db)
            .await?
            .ok_or(AssistantError::NotFound)
    }

    /// Stores a turn (one insert); returns its conversation's id.
    pub(crate) async fn store(
        &self,
        user: Uuid,
        thread: Thread,
        turn: &Turn,
    ) -> Result<Uuid, AssistantError> {
        let conversation = match thread {
            Thread::Existing(id) => id,
            Thread::New => turn.id,
        };
        turn::Entity::insert(turn::ActiveModel {
            id: Set(turn.id),
            conversation_id: Set(conversation),
            user_id: Set(user),
            question: Set(turn.question.clone()),
            answer: Set(turn.answer.clone()),
            covered: Set(turn.covered),
            mode: Set(turn.mode.as_str().to_owned()),
            citations: Set(serde_json::to_string(&turn.citations)?),
            created_at: Set(turn.asked_at),
        })
        .exec_without_returning(&self.db)
        .await?;
        Ok(conversation)
    }

    /// The caller's conversations, newest first.
    pub async fn conversations(
        &self,
        user: Uuid,
        page: &PageQuery,
    ) -> Result<Page<ConversationSummary>, AssistantError> {
        let mut query = turn::Entity::find()
            .select_only()
            .column(turn::Column::ConversationId)
            .column_as(turn::Column::Id.count(), "turns")
            .column_as(turn::Column::CreatedAt.max(), "last")
            .filter(turn::Column::UserId.eq(user))
            .group_by(turn::Column::ConversationId)
            .order_by_desc(turn::Column::ConversationId)
            .limit(page.limit() + 1);
        if let Some(before) = page.decode_cursor::<Uuid>().map_err(AssistantError::Page)? {
            query = query.filter(turn::Column::ConversationId.lt(before));
        }
        let tallies = query
            .into_tuple::<(Uuid, i64, DateTime<Utc>)>()
            .all(&self.db)
            .await?;
        // A conversation's id is its first turn's: that turn titles and dates it.
        let firsts: HashMap<Uuid, (String, DateTime<Utc>)> = turn::Entity::find()
            .select_only()
            .column(turn::Column::Id)
            .column(turn::Column::Question)
            .column(turn::Column::CreatedAt)
            .filter(turn::Column::Id.is_in(tallies.iter().map(|t| t.0)))
            .into_tuple::<(Uuid, String, DateTime<Utc>)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, question, at)| (id, (question, at)))
            .collect();
        let summaries = tallies
            .into_iter()
            .map(|(id, turns, last)| {
                let (question, started) = firsts
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| (String::new(), last));
                ConversationSummary {
                    id,
                    title: title(&question),
                    started_at: started,
                    last_asked_at: last,
                    turns: u64::try_from(turns).unwrap_or(0),
                }
            })
            .collect();
        Ok(Page::from_rows(summaries, page.limit(), |c| c.id))
    }

    async fn latest_turns(
        &self,
        user: Uuid,
        conversation: Uuid,
        limit: u64,
    ) -> Result<Vec<Turn>, AssistantError> {
        let mut rows = self
            .turns_of(user, conversation)
            .order_by_desc(turn::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        rows.reverse();
        rows.into_iter().map(view).collect()
    }

    /// One of the caller's conversations with its latest turns, oldest first.
    pub async fn conversation(
        &self,
        user: Uuid,
        id: Uuid,
    ) -> Result<ConversationView, AssistantError> {
        let turns = self.latest_turns(user, id, SHOWN_TURNS).await?;
        let Some(latest) = turns.first() else {
            return Err(AssistantError::NotFound);
        };
        let first = if latest.id == id {
            Some((latest.question.clone(), latest.asked_at))
        } else {
            turn::Entity::find_by_id(id)
                .one(&self.db)
                .await?
                .map(|t| (t.question, t.created_at))
        };
        let (question, started_at) = first.unwrap_or_else(|| (String::new(), latest.asked_at));
        Ok(ConversationView {
            id,
            title: title(&question),
            started_at,
            turns,
        })
    }

    /// Forgets one of the caller's conversations and everything asked in it.
    pub async fn delete_conversation(&self, user: Uuid, id: Uuid) -> Result<(), AssistantError> {
        let deleted = turn::Entity::delete_many()
            .filter(turn::Column::ConversationId.eq(id))
            .filter(turn::Column::UserId.eq(user))
            .exec(&self.db)
            .await?;
        if deleted.rows_affected == 0 {
            return Err(AssistantError::NotFound);
        }
        Ok(())
    }

    /// The latest turns of a conversation, oldest first, for a model to read.
    pub(crate) async fn recent_turns(
        &self,
        user: Uuid,
        conversation: Uuid,
    ) -> Result<Vec<Turn>, AssistantError> {
        self.latest_turns(user, conversation, RECENT_TURNS).await
    }

    pub(crate) fn new_turn(&self, question: &str) -> Turn {
        Turn {
            id: new_id(),
            question: question.to_owned(),
            answer: String::new(),
            covered: false,
            mode: AnswerMode::Extractive,
            citations: Vec::new(),
            asked_at: now(),
        }
    }
}
