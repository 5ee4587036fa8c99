//! Course codes kept for the shipped curriculum, so that no trainer takes a code a later
//! release needs (its import would otherwise find the code held by someone else's course).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string_len, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReservedCourseCodes {
    Table,
    Code,
    ReservedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReservedCourseCodes::Table)
                    .if_not_exists()
                    .col(string_len(ReservedCourseCodes::Code, 64).primary_key())
                    .col(timestamp_with_time_zone(ReservedCourseCodes::ReservedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReservedCourseCodes::Table).to_owned())
            .await
    }
}
