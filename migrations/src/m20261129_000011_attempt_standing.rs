//! A learner's finished attempts at a course's quiz, readable from an index alone.
//! Limits, cool-downs and the attempt that counts are asked of every start and every
//! submission; the attempt rows themselves carry the drawn questions (kilobytes, past
//! SQLite's overflow pages), which those questions never need.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Attempts {
    Table,
    Id,
    UserId,
    CourseId,
    Kind,
    ClosedAt,
    ScorePercent,
    Passed,
}

const INDEX: &str = "idx_attempts_closed";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Attempts::Table)
                    .col(Attempts::UserId)
                    .col(Attempts::CourseId)
                    .col(Attempts::Kind)
                    .col(Attempts::ClosedAt)
                    .col(Attempts::Id)
                    .col(Attempts::ScorePercent)
                    .col(Attempts::Passed)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Attempts::Table).to_owned())
            .await
    }
}
