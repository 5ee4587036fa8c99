//! Conversations: each learner's questions and the answers given, kept so that a
//! learner can come back to them and a follow-up question can lean on the one before.

use std::collections::HashMap;

use hocvuso_kernel::ids::new_id;
use hocvuso_kernel::pagination::{Page, PageQuery};
use hocvuso_kernel::time::now;
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::dto::{AnswerMode, Citation, ConversationSummary, ConversationView, Turn};
use crate::entity::{conversation, turn};
use crate::{Assistant, AssistantError};

/// Characters of the first question a conversation is titled with.
const TITLE_CHARS: usize = 120;
/// Turns a conversation shows at most (the latest).
const SHOWN_TURNS: u64 = 200;

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

/// Where a question goes: an existing conversation of the learner's, or a new one.
pub(crate) enum Thread {
    Existing(Uuid),
    New,
}

impl Assistant {
    /// The caller's conversation `id`; someone else's does not exist for them.
    pub(crate) async fn own_conversation(
        &self,
        user: Uuid,
        id: Uuid,
    ) -> Result<conversation::Model, AssistantError> {
        conversation::Entity::find_by_id(id)
            .filter(conversation::Column::UserId.eq(user))
            .one(&self.db)
            .await?
            .ok_or(AssistantError::NotFound)
    }

    /// The question asked last in a conversation.
    pub(crate) async fn previous_question(
        &self,
        conversation: Uuid,
    ) -> Result<Option<String>, AssistantError> {
        Ok(turn::Entity::find()
            .select_only()
            .column(turn::Column::Question)
            .filter(turn::Column::ConversationId.eq(conversation))
            .order_by_desc(turn::Column::Id)
            .into_tuple::<String>()
            .one(&self.db)
            .await?)
    }

    /// Stores a turn, starting the conversation when it is new; returns its id.
    pub(crate) async fn store(
        &self,
        user: Uuid,
        thread: Thread,
        turn: &Turn,
    ) -> Result<Uuid, AssistantError> {
        let row = |conversation_id| turn::ActiveModel {
            id: Set(turn.id),
            conversation_id: Set(conversation_id),
            question: Set(turn.question.clone()),
            answer: Set(turn.answer.clone()),
            covered: Set(turn.covered),
            mode: Set(turn.mode.as_str().to_owned()),
            citations: Set(serde_json::to_string(&turn.citations).unwrap_or_default()),
            created_at: Set(turn.asked_at),
        };
        match thread {
            Thread::Existing(id) => {
                turn::Entity::insert(row(id))
                    .exec_without_returning(&self.db)
                    .await?;
                Ok(id)
            }
            Thread::New => {
                let id = new_id();
                let title: String = turn.question.chars().take(TITLE_CHARS).collect();
                let txn = self.db.begin().await?;
                conversation::Entity::insert(conversation::ActiveModel {
                    id: Set(id),
                    user_id: Set(user),
                    title: Set(title),
                    created_at: Set(turn.asked_at),
                })
                .exec_without_returning(&txn)
                .await?;
                turn::Entity::insert(row(id))
                    .exec_without_returning(&txn)
                    .await?;
                txn.commit().await?;
                Ok(id)
            }
        }
    }

    /// The caller's conversations, newest first.
    pub async fn conversations(
        &self,
        user: Uuid,
        page: &PageQuery,
    ) -> Result<Page<ConversationSummary>, AssistantError> {
        let mut query = conversation::Entity::find()
            .filter(conversation::Column::UserId.eq(user))
            .order_by_desc(conversation::Column::Id)
            .limit(page.limit() + 1);
        if let Some(before) = page.decode_cursor::<Uuid>().map_err(AssistantError::Page)? {
            query = query.filter(conversation::Column::Id.lt(before));
        }
        let rows = query.all(&self.db).await?;
        let ids: Vec<Uuid> = rows.iter().map(|c| c.id).collect();
        let tallies: HashMap<Uuid, (i64, Option<chrono::DateTime<chrono::Utc>>)> =
            turn::Entity::find()
                .select_only()
                .column(turn::Column::ConversationId)
                .column_as(turn::Column::Id.count(), "turns")
                .column_as(turn::Column::CreatedAt.max(), "last")
                .filter(turn::Column::ConversationId.is_in(ids))
                .group_by(turn::Column::ConversationId)
                .into_tuple::<(Uuid, i64, Option<chrono::DateTime<chrono::Utc>>)>()
                .all(&self.db)
                .await?
                .into_iter()
                .map(|(id, turns, last)| (id, (turns, last)))
                .collect();
        let summaries = rows
            .into_iter()
            .map(|c| {
                let (turns, last) = tallies.get(&c.id).copied().unwrap_or((0, None));
                ConversationSummary {
                    id: c.id,
                    title: c.title,
                    started_at: c.created_at,
                    last_asked_at: last,
                    turns: u64::try_from(turns).unwrap_or(0),
                }
            })
            .collect();
        Ok(Page::from_rows(summaries, page.limit(), |c| c.id))
    }

    /// One of the caller's conversations with its latest turns, oldest first.
    pub async fn conversation(
        &self,
        user: Uuid,
        id: Uuid,
    ) -> Result<ConversationView, AssistantError> {
        let found = self.own_conversation(user, id).await?;
        let mut rows = turn::Entity::find()
            .filter(turn::Column::ConversationId.eq(id))
            .order_by_desc(turn::Column::Id)
            .limit(SHOWN_TURNS)
            .all(&self.db)
            .await?;
        rows.reverse();
        Ok(ConversationView {
            id: found.id,
            title: found.title,
            started_at: found.created_at,
            turns: rows.into_iter().map(view).collect::<Result<_, _>>()?,
        })
    }

    /// Forgets one of the caller's conversations and everything asked in it.
    pub async fn delete_conversation(&self, user: Uuid, id: Uuid) -> Result<(), AssistantError> {
        self.own_conversation(user, id).await?;
        let txn = self.db.begin().await?;
        turn::Entity::delete_many()
            .filter(turn::Column::ConversationId.eq(id))
            .exec(&txn)
            .await?;
        conversation::Entity::delete_by_id(id).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
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

impl Assistant {
    /// The latest turns of a conversation, oldest first, for a model to read.
    pub(crate) async fn recent_turns(
        &self,
        conversation: Uuid,
    ) -> Result<Vec<Turn>, AssistantError> {
        let mut rows = turn::Entity::find()
            .filter(turn::Column::ConversationId.eq(conversation))
            .order_by_desc(turn::Column::Id)
            .limit(3)
            .all(&self.db)
            .await?;
        rows.reverse();
        rows.into_iter().map(view).collect()
    }
}
