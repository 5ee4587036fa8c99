//! Administration: the plan's targets as editable rows (seeded with the plan's own
//! figures), the audit log of administrative writes, people imports with every
//! rejected row kept for the downloadable report, and the reports' read model.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Targets {
    Table,
    Year,
    TargetGroup,
    Percent,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorId,
    Action,
    SubjectKind,
    SubjectId,
    UnitId,
    Before,
    After,
    At,
}

#[derive(DeriveIden)]
enum PeopleImports {
    Table,
    Id,
    AdminId,
    FileName,
    TotalRows,
    Created,
    Updated,
    Unchanged,
    Rejected,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ImportRejections {
    Table,
    ImportId,
    Ordinal,
    RowNumber,
    ColumnName,
    Code,
    MessageVi,
    MessageEn,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    UnitId,
    TargetGroup,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Enrollments {
    Table,
    UserId,
    EnrolledAt,
    CompletedAt,
    WithdrawnAt,
    LastActivityAt,
}

#[derive(DeriveIden)]
enum Credentials {
    Table,
    Id,
    CourseId,
    UserId,
    IssuedAt,
    RevokedAt,
    ValidUntil,
}

#[derive(DeriveIden)]
enum ReportCensus {
    Table,
    UserId,
    UnitId,
    TargetGroup,
    Household,
    RegisteredAt,
    IdentityVerified,
    EnrolledAt,
    CompletedAt,
    CertifiedFrom,
    CertifiedUntil,
}

#[derive(DeriveIden)]
enum Mentorships {
    Table,
    MenteeId,
    MentorId,
    AssignedBy,
    AssignedAt,
}

#[derive(DeriveIden)]
enum Classes {
    Table,
    Id,
    Name,
    UnitId,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ClassMembers {
    Table,
    ClassId,
    UserId,
    AddedAt,
}

#[derive(DeriveIden)]
enum ClassCourses {
    Table,
    ClassId,
    CourseId,
    AddedAt,
}

#[derive(DeriveIden)]
enum ClassSessions {
    Table,
    Id,
    ClassId,
    HeldAt,
    Topic,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Attendance {
    Table,
    SessionId,
    UserId,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CensusState {
    Table,
    Id,
    RefreshedTo,
}

/// The plan's targets (seed III): 80 % of each group in 2025 (100 % of pupils and
/// students), 100 % of every group in 2026.
const PLAN_TARGETS: [(i32, &str, i32); 8] = [
    (2025, "public_sector", 80),
    (2025, "student", 100),
    (2025, "enterprise_worker", 80),
    (2025, "citizen", 80),
    (2026, "public_sector", 100),
    (2026, "student", 100),
    (2026, "enterprise_worker", 100),
    (2026, "citizen", 100),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Targets::Table)
                    .col(integer(Targets::Year))
                    .col(string_len(Targets::TargetGroup, 32))
                    .col(integer(Targets::Percent))
                    .col(uuid_null(Targets::UpdatedBy))
                    .col(timestamp_with_time_zone_null(Targets::UpdatedAt))
                    .primary_key(Index::create().col(Targets::Year).col(Targets::TargetGroup))
                    .to_owned(),
            )
            .await?;
        let mut seed = Query::insert();
        seed.into_table(Targets::Table).columns([
            Targets::Year,
            Targets::TargetGroup,
            Targets::Percent,
        ]);
        // No editor and no edit time: the row is the plan's own figure.
        for (year, group, percent) in PLAN_TARGETS {
            seed.values_panic([year.into(), group.into(), percent.into()]);
        }
        manager.exec_stmt(seed).await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(uuid(AuditLog::Id).primary_key())
                    .col(uuid(AuditLog::ActorId))
                    .col(string_len(AuditLog::Action, 48))
                    .col(string_len(AuditLog::SubjectKind, 32))
                    .col(uuid_null(AuditLog::SubjectId))
                    // The unit the write concerns: what scopes who may read the entry.
                    .col(uuid_null(AuditLog::UnitId))
                    .col(text_null(AuditLog::Before))
                    .col(text_null(AuditLog::After))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_unit_at")
                    .table(AuditLog::Table)
                    .col(AuditLog::UnitId)
                    .col(AuditLog::At)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PeopleImports::Table)
                    .col(uuid(PeopleImports::Id).primary_key())
                    .col(uuid(PeopleImports::AdminId))
                    .col(text_null(PeopleImports::FileName))
                    .col(integer(PeopleImports::TotalRows))
                    .col(integer(PeopleImports::Created))
                    .col(integer(PeopleImports::Updated))
                    .col(integer(PeopleImports::Unchanged))
                    .col(integer(PeopleImports::Rejected))
                    .col(timestamp_with_time_zone(PeopleImports::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ImportRejections::Table)
                    .col(uuid(ImportRejections::ImportId))
                    .col(integer(ImportRejections::Ordinal))
                    .col(integer(ImportRejections::RowNumber))
                    .col(string_len(ImportRejections::ColumnName, 32))
                    .col(string_len(ImportRejections::Code, 48))
                    .col(text(ImportRejections::MessageVi))
                    .col(text(ImportRejections::MessageEn))
                    .primary_key(
                        Index::create()
                            .col(ImportRejections::ImportId)
                            .col(ImportRejections::Ordinal),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ImportRejections::Table, ImportRejections::ImportId)
                            .to(PeopleImports::Table, PeopleImports::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        // "Đại sứ số": each mentee has one mentor at a time.
        manager
            .create_table(
                Table::create()
                    .table(Mentorships::Table)
                    .col(uuid(Mentorships::MenteeId).primary_key())
                    .col(uuid(Mentorships::MentorId))
                    .col(uuid(Mentorships::AssignedBy))
                    .col(timestamp_with_time_zone(Mentorships::AssignedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Mentorships::Table, Mentorships::MenteeId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Mentorships::Table, Mentorships::MentorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mentorships_mentor")
                    .table(Mentorships::Table)
                    .col(Mentorships::MentorId)
                    .to_owned(),
            )
            .await?;

        // Classes: members, the courses they were enrolled in together, in-person
        // sessions and who attended them.
        manager
            .create_table(
                Table::create()
                    .table(Classes::Table)
                    .col(uuid(Classes::Id).primary_key())
                    .col(string_len(Classes::Name, 200))
                    .col(uuid(Classes::UnitId))
                    .col(uuid(Classes::CreatedBy))
                    .col(timestamp_with_time_zone(Classes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Classes::Table, Classes::UnitId)
                            .to(Units::Table, Units::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_classes_unit")
                    .table(Classes::Table)
                    .col(Classes::UnitId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ClassMembers::Table)
                    .col(uuid(ClassMembers::ClassId))
                    .col(uuid(ClassMembers::UserId))
                    .col(timestamp_with_time_zone(ClassMembers::AddedAt))
                    .primary_key(
                        Index::create()
                            .col(ClassMembers::ClassId)
                            .col(ClassMembers::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClassMembers::Table, ClassMembers::ClassId)
                            .to(Classes::Table, Classes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClassMembers::Table, ClassMembers::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ClassCourses::Table)
                    .col(uuid(ClassCourses::ClassId))
                    .col(uuid(ClassCourses::CourseId))
                    .col(timestamp_with_time_zone(ClassCourses::AddedAt))
                    .primary_key(
                        Index::create()
                            .col(ClassCourses::ClassId)
                            .col(ClassCourses::CourseId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClassCourses::Table, ClassCourses::ClassId)
                            .to(Classes::Table, Classes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClassCourses::Table, ClassCourses::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ClassSessions::Table)
                    .col(uuid(ClassSessions::Id).primary_key())
                    .col(uuid(ClassSessions::ClassId))
                    .col(timestamp_with_time_zone(ClassSessions::HeldAt))
                    .col(string_len(ClassSessions::Topic, 200))
                    .col(timestamp_with_time_zone(ClassSessions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClassSessions::Table, ClassSessions::ClassId)
                            .to(Classes::Table, Classes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_class_sessions_class")
                    .table(ClassSessions::Table)
                    .col(ClassSessions::ClassId)
                    .col(ClassSessions::HeldAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Attendance::Table)
                    .col(uuid(Attendance::SessionId))
                    .col(uuid(Attendance::UserId))
                    .primary_key(
                        Index::create()
                            .col(Attendance::SessionId)
                            .col(Attendance::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attendance::Table, Attendance::SessionId)
                            .to(ClassSessions::Table, ClassSessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attendance::Table, Attendance::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        // The reports' read model: a row per person with their unit, group and
        // milestones, refreshed from the domains; a report reads only its index.
        manager
            .create_table(
                Table::create()
                    .table(ReportCensus::Table)
                    .col(uuid(ReportCensus::UserId).primary_key())
                    .col(uuid_null(ReportCensus::UnitId))
                    .col(string_len_null(ReportCensus::TargetGroup, 32))
                    .col(string_len_null(ReportCensus::Household, 100))
                    .col(timestamp_with_time_zone(ReportCensus::RegisteredAt))
                    .col(boolean(ReportCensus::IdentityVerified))
                    .col(timestamp_with_time_zone_null(ReportCensus::EnrolledAt))
                    .col(timestamp_with_time_zone_null(ReportCensus::CompletedAt))
                    .col(timestamp_with_time_zone_null(ReportCensus::CertifiedFrom))
                    .col(timestamp_with_time_zone_null(ReportCensus::CertifiedUntil))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReportCensus::Table, ReportCensus::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CensusState::Table)
                    .col(integer(CensusState::Id).primary_key())
                    .col(timestamp_with_time_zone(CensusState::RefreshedTo))
                    .to_owned(),
            )
            .await?;
        for index in [
            Index::create()
                .name("idx_report_census_report")
                .table(ReportCensus::Table)
                .col(ReportCensus::UnitId)
                .col(ReportCensus::TargetGroup)
                .col(ReportCensus::RegisteredAt)
                .col(ReportCensus::IdentityVerified)
                .col(ReportCensus::EnrolledAt)
                .col(ReportCensus::CompletedAt)
                .col(ReportCensus::CertifiedFrom)
                .col(ReportCensus::CertifiedUntil)
                .col(ReportCensus::Household)
                .to_owned(),
            // What a refresh asks: who changed since, and each person's milestones.
            Index::create()
                .name("idx_users_updated_at")
                .table(Users::Table)
                .col(Users::UpdatedAt)
                .to_owned(),
            Index::create()
                .name("idx_enrollments_activity")
                .table(Enrollments::Table)
                .col(Enrollments::LastActivityAt)
                .to_owned(),
            Index::create()
                .name("idx_enrollments_census")
                .table(Enrollments::Table)
                .col(Enrollments::UserId)
                .col(Enrollments::EnrolledAt)
                .col(Enrollments::CompletedAt)
                .col(Enrollments::WithdrawnAt)
                .to_owned(),
            Index::create()
                .name("idx_credentials_issued_at")
                .table(Credentials::Table)
                .col(Credentials::IssuedAt)
                .to_owned(),
            Index::create()
                .name("idx_credentials_revoked_at")
                .table(Credentials::Table)
                .col(Credentials::RevokedAt)
                .to_owned(),
            Index::create()
                .name("idx_credentials_census")
                .table(Credentials::Table)
                .col(Credentials::UserId)
                .col(Credentials::IssuedAt)
                .col(Credentials::RevokedAt)
                .col(Credentials::ValidUntil)
                .to_owned(),
            // Exports check each holder's unit and group from the index alone.
            Index::create()
                .name("idx_users_id_unit_group")
                .table(Users::Table)
                .col(Users::Id)
                .col(Users::UnitId)
                .col(Users::TargetGroup)
                .to_owned(),
            // Exports read one course's records in id order, a page at a time.
            Index::create()
                .name("idx_credentials_course_id")
                .table(Credentials::Table)
                .col(Credentials::CourseId)
                .col(Credentials::Id)
                .to_owned(),
        ] {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("idx_users_updated_at", Users::Table.into_iden()),
            ("idx_users_id_unit_group", Users::Table.into_iden()),
            ("idx_enrollments_activity", Enrollments::Table.into_iden()),
            ("idx_enrollments_census", Enrollments::Table.into_iden()),
            ("idx_credentials_issued_at", Credentials::Table.into_iden()),
            ("idx_credentials_revoked_at", Credentials::Table.into_iden()),
            ("idx_credentials_census", Credentials::Table.into_iden()),
            ("idx_credentials_course_id", Credentials::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for table in [
            CensusState::Table.into_iden(),
            Mentorships::Table.into_iden(),
            Attendance::Table.into_iden(),
            ClassSessions::Table.into_iden(),
            ClassCourses::Table.into_iden(),
            ClassMembers::Table.into_iden(),
            Classes::Table.into_iden(),
            ReportCensus::Table.into_iden(),
            ImportRejections::Table.into_iden(),
            PeopleImports::Table.into_iden(),
            AuditLog::Table.into_iden(),
            Targets::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
