//! Assessment: question banks, per-course quiz settings, attempts (final quizzes and
//! placement tests) and their graded answers.
//!
//! Structured values (option lists, an attempt's drawn questions) are JSON in `text`
//! columns: they are read and written whole, and `text` is the same on both databases.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Questions {
    Table,
    Id,
    CourseId,
    Code,
    Competency,
    Level,
    Kind,
    Prompt,
    Options,
    Answer,
    AnswerBool,
    Accepted,
    DiacriticsInsensitive,
    Explanation,
    Origin,
    ContentHash,
    Version,
    RetiredAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum QuizSettings {
    Table,
    CourseId,
    QuestionCount,
    TimeLimitMinutes,
    MaxAttempts,
    CooldownMinutes,
    Grading,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Attempts {
    Table,
    Id,
    UserId,
    Kind,
    CourseId,
    TargetGroup,
    Status,
    OpenKey,
    Seed,
    Pool,
    Items,
    PassMark,
    StartedAt,
    Deadline,
    ClosedAt,
    CorrectCount,
    ScorePercent,
    Passed,
}

#[derive(DeriveIden)]
enum AttemptAnswers {
    Table,
    AttemptId,
    Position,
    QuestionId,
    Competency,
    Level,
    Response,
    Correct,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Questions::Table)
                    .col(uuid(Questions::Id).primary_key())
                    .col(uuid(Questions::CourseId))
                    .col(string_len(Questions::Code, 64))
                    .col(string_len(Questions::Competency, 8))
                    .col(integer(Questions::Level))
                    .col(string_len(Questions::Kind, 16))
                    .col(text(Questions::Prompt))
                    .col(text(Questions::Options))
                    .col(text(Questions::Answer))
                    .col(boolean_null(Questions::AnswerBool))
                    .col(text(Questions::Accepted))
                    .col(boolean(Questions::DiacriticsInsensitive).default(false))
                    .col(text(Questions::Explanation))
                    .col(string_len(Questions::Origin, 16))
                    .col(string_len_null(Questions::ContentHash, 64))
                    .col(integer(Questions::Version))
                    .col(timestamp_with_time_zone_null(Questions::RetiredAt))
                    .col(timestamp_with_time_zone(Questions::CreatedAt))
                    .col(timestamp_with_time_zone(Questions::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Questions::Table, Questions::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_questions_course_code")
                    .table(Questions::Table)
                    .col(Questions::CourseId)
                    .col(Questions::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(QuizSettings::Table)
                    .col(uuid(QuizSettings::CourseId).primary_key())
                    .col(integer(QuizSettings::QuestionCount))
                    .col(integer(QuizSettings::TimeLimitMinutes))
                    .col(integer(QuizSettings::MaxAttempts))
                    .col(integer(QuizSettings::CooldownMinutes))
                    .col(string_len(QuizSettings::Grading, 16))
                    .col(timestamp_with_time_zone(QuizSettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(QuizSettings::Table, QuizSettings::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Attempts::Table)
                    .col(uuid(Attempts::Id).primary_key())
                    .col(uuid(Attempts::UserId))
                    .col(string_len(Attempts::Kind, 16))
                    .col(uuid_null(Attempts::CourseId))
                    .col(string_len_null(Attempts::TargetGroup, 32))
                    .col(string_len(Attempts::Status, 16))
                    // Set only while open: a unique value per learner and quiz, so two
                    // concurrent starts cannot both open an attempt (NULLs never clash).
                    .col(string_len_uniq(Attempts::OpenKey, 100).null())
                    .col(big_integer(Attempts::Seed))
                    .col(text(Attempts::Pool))
                    .col(text(Attempts::Items))
                    .col(integer_null(Attempts::PassMark))
                    .col(timestamp_with_time_zone(Attempts::StartedAt))
                    .col(timestamp_with_time_zone(Attempts::Deadline))
                    .col(timestamp_with_time_zone_null(Attempts::ClosedAt))
                    .col(integer_null(Attempts::CorrectCount))
                    .col(integer_null(Attempts::ScorePercent))
                    .col(boolean_null(Attempts::Passed))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attempts::Table, Attempts::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attempts::Table, Attempts::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attempts_user_course")
                    .table(Attempts::Table)
                    .col(Attempts::UserId)
                    .col(Attempts::CourseId)
                    .col(Attempts::StartedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AttemptAnswers::Table)
                    .col(uuid(AttemptAnswers::AttemptId))
                    .col(integer(AttemptAnswers::Position))
                    .col(uuid(AttemptAnswers::QuestionId))
                    .col(string_len(AttemptAnswers::Competency, 8))
                    .col(integer(AttemptAnswers::Level))
                    .col(text_null(AttemptAnswers::Response))
                    .col(boolean(AttemptAnswers::Correct))
                    .primary_key(
                        Index::create()
                            .col(AttemptAnswers::AttemptId)
                            .col(AttemptAnswers::Position),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AttemptAnswers::Table, AttemptAnswers::AttemptId)
                            .to(Attempts::Table, Attempts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AttemptAnswers::Table, AttemptAnswers::QuestionId)
                            .to(Questions::Table, Questions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attempt_answers_question")
                    .table(AttemptAnswers::Table)
                    .col(AttemptAnswers::QuestionId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AttemptAnswers::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Attempts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(QuizSettings::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Questions::Table).to_owned())
            .await?;
        Ok(())
    }
}
