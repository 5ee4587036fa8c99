//! Sign-up windows of a class: a trainer in the community hall opens one (a short code,
//! valid for some hours, for so many people), and a whole class registers from the
//! hall's one Wi-Fi address without meeting the per-address limit meant for strangers.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, string_len, timestamp_with_time_zone, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ClassSignups {
    Table,
    Code,
    ClassId,
    OpenedBy,
    ExpiresAt,
    MaxSignups,
    Used,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Classes {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ClassSignups::Table)
                    .col(string_len(ClassSignups::Code, 16).primary_key())
                    .col(uuid(ClassSignups::ClassId))
                    .col(uuid(ClassSignups::OpenedBy))
                    .col(timestamp_with_time_zone(ClassSignups::ExpiresAt))
                    .col(integer(ClassSignups::MaxSignups))
                    .col(integer(ClassSignups::Used).default(0))
                    .col(timestamp_with_time_zone(ClassSignups::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClassSignups::Table, ClassSignups::ClassId)
                            .to(Classes::Table, Classes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ClassSignups::Table).to_owned())
            .await
    }
}
