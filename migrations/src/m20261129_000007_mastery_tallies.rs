//! Running tallies of a learner's graded answers per competency and question level, so
//! mastery is read from a handful of rows instead of every answer ever given. Filled
//! from the answers already stored; from then on the closing of an attempt adds to
//! them in the same transaction.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MasteryTallies {
    Table,
    UserId,
    Competency,
    Level,
    Answered,
    Correct,
    UpdatedAt,
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
                    .table(MasteryTallies::Table)
                    .col(uuid(MasteryTallies::UserId))
                    .col(string_len(MasteryTallies::Competency, 8))
                    .col(integer(MasteryTallies::Level))
                    .col(integer(MasteryTallies::Answered))
                    .col(integer(MasteryTallies::Correct))
                    .col(timestamp_with_time_zone(MasteryTallies::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(MasteryTallies::UserId)
                            .col(MasteryTallies::Competency)
                            .col(MasteryTallies::Level),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MasteryTallies::Table, MasteryTallies::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Plain SQL that both databases read the same way.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO mastery_tallies (user_id, competency, level, answered, correct, updated_at) \
                 SELECT a.user_id, aa.competency, aa.level, COUNT(*), \
                        SUM(CASE WHEN aa.correct THEN 1 ELSE 0 END), MAX(a.closed_at) \
                 FROM attempt_answers aa JOIN attempts a ON a.id = aa.attempt_id \
                 WHERE a.status = 'submitted' \
                 GROUP BY a.user_id, aa.competency, aa.level",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MasteryTallies::Table).to_owned())
            .await
    }
}
