//! When a final quiz's result shows the right answers: by default only once passed, so
//! that a failed attempt does not hand out the answer list.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::string_len;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum QuizSettings {
    Table,
    Reveal,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(QuizSettings::Table)
                    .add_column(string_len(QuizSettings::Reveal, 24).default("after_pass"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(QuizSettings::Table)
                    .drop_column(QuizSettings::Reveal)
                    .to_owned(),
            )
            .await
    }
}
