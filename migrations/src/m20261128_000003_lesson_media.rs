//! Lesson media: the files trainers upload (video, audio, images, slides, captions).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LessonMedia {
    Table,
    Id,
    LessonId,
    Role,
    BlobKey,
    ContentType,
    Size,
    Sha256,
    FileName,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Lessons {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LessonMedia::Table)
                    .col(uuid(LessonMedia::Id).primary_key())
                    .col(uuid(LessonMedia::LessonId))
                    .col(string_len(LessonMedia::Role, 16))
                    .col(string_len(LessonMedia::BlobKey, 512))
                    .col(string_len(LessonMedia::ContentType, 100))
                    .col(big_integer(LessonMedia::Size))
                    .col(string_len(LessonMedia::Sha256, 64))
                    .col(string_len(LessonMedia::FileName, 255))
                    .col(timestamp_with_time_zone(LessonMedia::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LessonMedia::Table, LessonMedia::LessonId)
                            .to(Lessons::Table, Lessons::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_lesson_media_lesson")
                    .table(LessonMedia::Table)
                    .col(LessonMedia::LessonId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LessonMedia::Table).to_owned())
            .await
    }
}
