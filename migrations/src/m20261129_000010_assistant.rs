//! The learning assistant: each question a learner asked, with the answer and
//! citations given. A conversation is the questions that share the id of its first;
//! a learner's conversations go with them.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AssistantTurns {
    Table,
    Id,
    ConversationId,
    UserId,
    Question,
    Answer,
    Covered,
    Mode,
    Citations,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AssistantTurns::Table)
                    .col(uuid(AssistantTurns::Id).primary_key())
                    .col(uuid(AssistantTurns::ConversationId))
                    .col(uuid(AssistantTurns::UserId))
                    .col(text(AssistantTurns::Question))
                    .col(text(AssistantTurns::Answer))
                    .col(boolean(AssistantTurns::Covered))
                    .col(string_len(AssistantTurns::Mode, 16))
                    .col(text(AssistantTurns::Citations))
                    .col(timestamp_with_time_zone(AssistantTurns::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AssistantTurns::Table, AssistantTurns::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A learner's conversations, newest first, and each one's turns in order (ids
        // are time-ordered).
        manager
            .create_index(
                Index::create()
                    .name("idx_assistant_turns_learner")
                    .table(AssistantTurns::Table)
                    .col(AssistantTurns::UserId)
                    .col(AssistantTurns::ConversationId)
                    .col(AssistantTurns::Id)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AssistantTurns::Table).to_owned())
            .await
    }
}
