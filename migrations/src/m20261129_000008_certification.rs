//! Certification: issued completion records (signed credentials), the status lists
//! their revocation bits are published in, and the audit trail of every change.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StatusLists {
    Table,
    Id,
    Purpose,
    Size,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Credentials {
    Table,
    Id,
    Code,
    UserId,
    CourseId,
    CurrentKey,
    StatusList,
    StatusIndex,
    Token,
    Kid,
    HolderName,
    ScorePercent,
    IssuedAt,
    ValidUntil,
    RevokedAt,
    RevocationReason,
    RevokedBy,
    Replaces,
}

#[derive(DeriveIden)]
enum CredentialEvents {
    Table,
    Id,
    CredentialId,
    Action,
    ActorId,
    Reason,
    At,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StatusLists::Table)
                    .col(integer(StatusLists::Id).primary_key())
                    .col(string_len(StatusLists::Purpose, 16))
                    .col(integer(StatusLists::Size))
                    .col(timestamp_with_time_zone(StatusLists::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Credentials::Table)
                    .col(uuid(Credentials::Id).primary_key())
                    .col(string_len_uniq(Credentials::Code, 16))
                    .col(uuid(Credentials::UserId))
                    .col(uuid(Credentials::CourseId))
                    // Set while the record is the learner's current one for the course:
                    // unique, so a course completes into one record however many
                    // requests race; cleared when a re-issue replaces it.
                    .col(string_len_uniq(Credentials::CurrentKey, 100).null())
                    .col(integer(Credentials::StatusList))
                    .col(integer(Credentials::StatusIndex))
                    .col(text(Credentials::Token))
                    .col(string_len(Credentials::Kid, 64))
                    .col(text(Credentials::HolderName))
                    .col(integer(Credentials::ScorePercent))
                    .col(timestamp_with_time_zone(Credentials::IssuedAt))
                    .col(timestamp_with_time_zone_null(Credentials::ValidUntil))
                    .col(timestamp_with_time_zone_null(Credentials::RevokedAt))
                    .col(text_null(Credentials::RevocationReason))
                    .col(uuid_null(Credentials::RevokedBy))
                    .col(uuid_null(Credentials::Replaces))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Credentials::Table, Credentials::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Credentials::Table, Credentials::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Credentials::Table, Credentials::StatusList)
                            .to(StatusLists::Table, StatusLists::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_credentials_status_entry",
                vec![Credentials::StatusList, Credentials::StatusIndex],
            ),
            (
                "idx_credentials_user",
                vec![Credentials::UserId, Credentials::IssuedAt],
            ),
            (
                "idx_credentials_course",
                vec![Credentials::CourseId, Credentials::IssuedAt],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(Credentials::Table);
            for col in cols {
                index.col(col);
            }
            if name == "idx_credentials_status_entry" {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(CredentialEvents::Table)
                    .col(uuid(CredentialEvents::Id).primary_key())
                    .col(uuid(CredentialEvents::CredentialId))
                    .col(string_len(CredentialEvents::Action, 16))
                    .col(uuid_null(CredentialEvents::ActorId))
                    .col(text_null(CredentialEvents::Reason))
                    .col(timestamp_with_time_zone(CredentialEvents::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CredentialEvents::Table, CredentialEvents::CredentialId)
                            .to(Credentials::Table, Credentials::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_credential_events_credential")
                    .table(CredentialEvents::Table)
                    .col(CredentialEvents::CredentialId)
                    .col(CredentialEvents::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CredentialEvents::Table.into_iden(),
            Credentials::Table.into_iden(),
            StatusLists::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
