//! Identity: administrative units, users with their learner profile, administrator
//! scopes, refresh tokens, and OpenID Connect links and pending sign-ins.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
    ParentId,
    Kind,
    Name,
    Code,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Role,
    Phone,
    Email,
    PasswordHash,
    FullName,
    BirthDate,
    Sex,
    TargetGroup,
    UnitId,
    Household,
    Disability,
    PreferredLanguage,
    CccdEncrypted,
    CccdHash,
    IdentityVerified,
    IdentityAssurance,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AdminScopes {
    Table,
    UserId,
    UnitId,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    FamilyId,
    TokenHash,
    ExpiresAt,
    UsedAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ExternalIdentities {
    Table,
    Issuer,
    Subject,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OidcLogins {
    Table,
    State,
    Nonce,
    PkceVerifier,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Units::Table)
                    .col(uuid(Units::Id).primary_key())
                    .col(uuid_null(Units::ParentId))
                    .col(string_len(Units::Kind, 32))
                    .col(string_len(Units::Name, 200))
                    .col(string_len_uniq(Units::Code, 64).null())
                    .col(timestamp_with_time_zone(Units::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Units::Table, Units::ParentId)
                            .to(Units::Table, Units::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_units_parent")
                    .table(Units::Table)
                    .col(Units::ParentId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(uuid(Users::Id).primary_key())
                    .col(string_len(Users::Role, 16))
                    .col(string_len_uniq(Users::Phone, 16).null())
                    .col(string_len_uniq(Users::Email, 254).null())
                    .col(text_null(Users::PasswordHash))
                    .col(string_len(Users::FullName, 200))
                    .col(date_null(Users::BirthDate))
                    .col(string_len_null(Users::Sex, 8))
                    .col(string_len_null(Users::TargetGroup, 32))
                    .col(uuid_null(Users::UnitId))
                    .col(string_len_null(Users::Household, 100))
                    .col(string_len_null(Users::Disability, 32))
                    .col(string_len(Users::PreferredLanguage, 8).default("vi"))
                    .col(blob_null(Users::CccdEncrypted))
                    .col(string_len_uniq(Users::CccdHash, 64).null())
                    .col(boolean(Users::IdentityVerified).default(false))
                    .col(string_len_null(Users::IdentityAssurance, 32))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Users::Table, Users::UnitId)
                            .to(Units::Table, Units::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_users_unit")
                    .table(Users::Table)
                    .col(Users::UnitId)
                    .col(Users::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AdminScopes::Table)
                    .col(uuid(AdminScopes::UserId))
                    .col(uuid(AdminScopes::UnitId))
                    .primary_key(
                        Index::create()
                            .col(AdminScopes::UserId)
                            .col(AdminScopes::UnitId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AdminScopes::Table, AdminScopes::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AdminScopes::Table, AdminScopes::UnitId)
                            .to(Units::Table, Units::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(uuid(RefreshTokens::Id).primary_key())
                    .col(uuid(RefreshTokens::UserId))
                    .col(uuid(RefreshTokens::FamilyId))
                    .col(string_len_uniq(RefreshTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::UsedAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
                    .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RefreshTokens::Table, RefreshTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_refresh_tokens_family")
                    .table(RefreshTokens::Table)
                    .col(RefreshTokens::FamilyId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ExternalIdentities::Table)
                    .col(string_len(ExternalIdentities::Issuer, 255))
                    .col(string_len(ExternalIdentities::Subject, 255))
                    .col(uuid(ExternalIdentities::UserId))
                    .col(timestamp_with_time_zone(ExternalIdentities::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ExternalIdentities::Issuer)
                            .col(ExternalIdentities::Subject),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ExternalIdentities::Table, ExternalIdentities::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OidcLogins::Table)
                    .col(string_len(OidcLogins::State, 64).primary_key())
                    .col(string_len(OidcLogins::Nonce, 64))
                    .col(string_len(OidcLogins::PkceVerifier, 128))
                    .col(timestamp_with_time_zone(OidcLogins::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OidcLogins::Table.into_iden(),
            ExternalIdentities::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            AdminScopes::Table.into_iden(),
            Users::Table.into_iden(),
            Units::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
