//! Where a person's identity facts came from, so that only trusted ones carry weight.
//!
//! A citizen ID typed by its holder is a *claim*: it is shown back to them and to an
//! administrator who may confirm it, but it links no VNeID sign-in, enters no record and
//! holds no uniqueness (its keyed hash stays empty, so typing it reveals nothing about
//! who else holds it). A ward's import, an administrator's confirmation and a VNeID
//! sign-in are trusted sources. The target group likewise remembers who set it (a
//! learner declares it once), and a learner's wish to join a unit waits for an
//! administrator. A pending VNeID sign-in remembers the client that started it (a hash
//! of a secret only that client holds) and, when a signed-in owner links VNeID to their
//! account, whose account that is.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string_len_null, uuid_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    CccdSource,
    TargetGroupSource,
    RequestedUnitId,
}

#[derive(DeriveIden)]
enum OidcLogins {
    Table,
    BindingHash,
    LinkUserId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        let columns = [
            (
                Users::Table.into_iden(),
                string_len_null(Users::CccdSource, 16),
            ),
            (
                Users::Table.into_iden(),
                string_len_null(Users::TargetGroupSource, 16),
            ),
            (Users::Table.into_iden(), uuid_null(Users::RequestedUnitId)),
            (
                OidcLogins::Table.into_iden(),
                string_len_null(OidcLogins::BindingHash, 64),
            ),
            (
                OidcLogins::Table.into_iden(),
                uuid_null(OidcLogins::LinkUserId),
            ),
        ];
        for (table, mut column) in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // Facts stored before provenance was kept: a VNeID sign-in's are trusted; an
        // account with no password holding a citizen ID came from a ward's import; any
        // other citizen ID was typed by its holder and becomes a claim.
        let db = manager.get_connection();
        for statement in [
            "UPDATE users SET cccd_source = 'vneid' WHERE identity_verified AND cccd_hash IS NOT NULL",
            "UPDATE users SET cccd_source = 'import' WHERE cccd_source IS NULL AND cccd_hash IS NOT NULL AND password_hash IS NULL",
            "UPDATE users SET cccd_source = 'self', cccd_hash = NULL WHERE cccd_source IS NULL AND cccd_encrypted IS NOT NULL",
            "UPDATE users SET target_group_source = 'self' WHERE target_group IS NOT NULL",
        ] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            (Users::Table.into_iden(), Users::CccdSource.into_iden()),
            (
                Users::Table.into_iden(),
                Users::TargetGroupSource.into_iden(),
            ),
            (Users::Table.into_iden(), Users::RequestedUnitId.into_iden()),
            (
                OidcLogins::Table.into_iden(),
                OidcLogins::BindingHash.into_iden(),
            ),
            (
                OidcLogins::Table.into_iden(),
                OidcLogins::LinkUserId.into_iden(),
            ),
        ];
        for (table, column) in columns {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
