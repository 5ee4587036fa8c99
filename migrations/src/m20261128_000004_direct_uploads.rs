//! Accessibility data on lessons (transcript, alt text) and direct uploads to an S3
//! store that the server has handed out but not yet seen completed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Lessons {
    Table,
    Id,
    Transcript,
    AltText,
}

#[derive(DeriveIden)]
enum MediaUploads {
    Table,
    Id,
    LessonId,
    Role,
    BlobKey,
    FileName,
    ExpiresAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table a column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Lessons::Table)
                    .add_column(text_null(Lessons::Transcript))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Lessons::Table)
                    .add_column(string_len_null(Lessons::AltText, 1000))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MediaUploads::Table)
                    .col(uuid(MediaUploads::Id).primary_key())
                    .col(uuid(MediaUploads::LessonId))
                    .col(string_len(MediaUploads::Role, 16))
                    .col(string_len(MediaUploads::BlobKey, 512))
                    .col(string_len(MediaUploads::FileName, 255))
                    .col(timestamp_with_time_zone(MediaUploads::ExpiresAt))
                    .col(timestamp_with_time_zone(MediaUploads::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MediaUploads::Table, MediaUploads::LessonId)
                            .to(Lessons::Table, Lessons::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MediaUploads::Table).to_owned())
            .await?;
        for column in [Lessons::AltText, Lessons::Transcript] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Lessons::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
