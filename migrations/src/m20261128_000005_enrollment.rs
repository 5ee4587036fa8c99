//! Learning: enrolments, progress per lesson, and the progress events clients send
//! (kept by their client-generated id, which makes replays harmless).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Enrollments {
    Table,
    Id,
    UserId,
    CourseId,
    Status,
    EnrolledAt,
    WithdrawnAt,
    CompletedAt,
    FinalScore,
    AssessmentPassedAt,
    ResumeLessonId,
    LastActivityAt,
}

#[derive(DeriveIden)]
enum LessonProgress {
    Table,
    UserId,
    LessonId,
    CourseId,
    StartedAt,
    CompletedAt,
    PositionSeconds,
    PositionAt,
    TimeSpentSeconds,
    Skippable,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProgressEvents {
    Table,
    UserId,
    EventId,
    CourseId,
    LessonId,
    Kind,
    ClientAt,
    ReceivedAt,
    PositionSeconds,
    TimeSpentSeconds,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Lessons {
    Table,
    Id,
}

fn cascade_to(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Enrollments::Table)
                    .col(uuid(Enrollments::Id).primary_key())
                    .col(uuid(Enrollments::UserId))
                    .col(uuid(Enrollments::CourseId))
                    .col(string_len(Enrollments::Status, 16))
                    .col(timestamp_with_time_zone(Enrollments::EnrolledAt))
                    .col(timestamp_with_time_zone_null(Enrollments::WithdrawnAt))
                    .col(timestamp_with_time_zone_null(Enrollments::CompletedAt))
                    .col(integer_null(Enrollments::FinalScore))
                    .col(timestamp_with_time_zone_null(
                        Enrollments::AssessmentPassedAt,
                    ))
                    .col(uuid_null(Enrollments::ResumeLessonId))
                    .col(timestamp_with_time_zone(Enrollments::LastActivityAt))
                    .foreign_key(&mut cascade_to(
                        (Enrollments::Table, Enrollments::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut cascade_to(
                        (Enrollments::Table, Enrollments::CourseId),
                        (Courses::Table, Courses::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_enrollments_user_course")
                    .table(Enrollments::Table)
                    .col(Enrollments::UserId)
                    .col(Enrollments::CourseId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_enrollments_course")
                    .table(Enrollments::Table)
                    .col(Enrollments::CourseId)
                    .col(Enrollments::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LessonProgress::Table)
                    .col(uuid(LessonProgress::UserId))
                    .col(uuid(LessonProgress::LessonId))
                    .col(uuid(LessonProgress::CourseId))
                    .col(timestamp_with_time_zone_null(LessonProgress::StartedAt))
                    .col(timestamp_with_time_zone_null(LessonProgress::CompletedAt))
                    .col(integer(LessonProgress::PositionSeconds).default(0))
                    .col(timestamp_with_time_zone_null(LessonProgress::PositionAt))
                    .col(big_integer(LessonProgress::TimeSpentSeconds).default(0))
                    .col(boolean(LessonProgress::Skippable).default(false))
                    .col(timestamp_with_time_zone(LessonProgress::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(LessonProgress::UserId)
                            .col(LessonProgress::LessonId),
                    )
                    .foreign_key(&mut cascade_to(
                        (LessonProgress::Table, LessonProgress::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut cascade_to(
                        (LessonProgress::Table, LessonProgress::LessonId),
                        (Lessons::Table, Lessons::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_lesson_progress_user_course")
                    .table(LessonProgress::Table)
                    .col(LessonProgress::UserId)
                    .col(LessonProgress::CourseId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProgressEvents::Table)
                    .col(uuid(ProgressEvents::UserId))
                    .col(uuid(ProgressEvents::EventId))
                    .col(uuid(ProgressEvents::CourseId))
                    .col(uuid(ProgressEvents::LessonId))
                    .col(string_len(ProgressEvents::Kind, 16))
                    .col(timestamp_with_time_zone(ProgressEvents::ClientAt))
                    .col(timestamp_with_time_zone(ProgressEvents::ReceivedAt))
                    .col(integer_null(ProgressEvents::PositionSeconds))
                    .col(integer_null(ProgressEvents::TimeSpentSeconds))
                    .primary_key(
                        Index::create()
                            .col(ProgressEvents::UserId)
                            .col(ProgressEvents::EventId),
                    )
                    .foreign_key(&mut cascade_to(
                        (ProgressEvents::Table, ProgressEvents::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ProgressEvents::Table.into_iden(),
            LessonProgress::Table.into_iden(),
            Enrollments::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
