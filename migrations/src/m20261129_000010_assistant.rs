//! The learning assistant: each learner's conversations and the questions asked in
//! them, with the answers and citations given. A learner's conversations go with them.
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
enum AssistantConversations {
    Table,
    Id,
    UserId,
    Title,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AssistantTurns {
    Table,
    Id,
    ConversationId,
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
                    .table(AssistantConversations::Table)
                    .col(uuid(AssistantConversations::Id).primary_key())
                    .col(uuid(AssistantConversations::UserId))
                    .col(string_len(AssistantConversations::Title, 200))
                    .col(timestamp_with_time_zone(AssistantConversations::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                AssistantConversations::Table,
                                AssistantConversations::UserId,
                            )
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A learner's conversations, newest first.
        manager
            .create_index(
                Index::create()
                    .name("idx_assistant_conversations_user")
                    .table(AssistantConversations::Table)
                    .col(AssistantConversations::UserId)
                    .col(AssistantConversations::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssistantTurns::Table)
                    .col(uuid(AssistantTurns::Id).primary_key())
                    .col(uuid(AssistantTurns::ConversationId))
                    .col(text(AssistantTurns::Question))
                    .col(text(AssistantTurns::Answer))
                    .col(boolean(AssistantTurns::Covered))
                    .col(string_len(AssistantTurns::Mode, 16))
                    .col(text(AssistantTurns::Citations))
                    .col(timestamp_with_time_zone(AssistantTurns::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AssistantTurns::Table, AssistantTurns::ConversationId)
                            .to(AssistantConversations::Table, AssistantConversations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A conversation's turns in order (ids are time-ordered).
        manager
            .create_index(
                Index::create()
                    .name("idx_assistant_turns_conversation")
                    .table(AssistantTurns::Table)
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
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(AssistantConversations::Table)
                    .to_owned(),
            )
            .await
    }
}
