//! Courses: the competence framework, courses with their target groups, audiences and
//! competencies, modules, and lessons.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CompetencyDomains {
    Table,
    Code,
    Name,
    NameEn,
}

#[derive(DeriveIden)]
enum Competencies {
    Table,
    Code,
    DomainCode,
    Name,
    NameEn,
}

#[derive(DeriveIden)]
enum ProficiencyLevels {
    Table,
    Level,
    Tier,
    TierName,
    Description,
    DescriptionEn,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
    Code,
    Title,
    TitleEn,
    Summary,
    SummaryEn,
    Level,
    EstimatedMinutes,
    Sequential,
    PassMark,
    Status,
    Version,
    OwnerId,
    SearchText,
    ContentHash,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum CourseTags {
    Table,
    CourseId,
    Kind,
    Value,
}

#[derive(DeriveIden)]
enum CourseModules {
    Table,
    Id,
    CourseId,
    Code,
    Title,
    Position,
}

#[derive(DeriveIden)]
enum Lessons {
    Table,
    Id,
    CourseId,
    ModuleId,
    Slug,
    Title,
    Kind,
    Summary,
    Body,
    BodyHtml,
    EasyRead,
    EasyReadHtml,
    Level,
    Competencies,
    EstimatedMinutes,
    Position,
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
                    .table(CompetencyDomains::Table)
                    .col(string_len(CompetencyDomains::Code, 8).primary_key())
                    .col(string_len(CompetencyDomains::Name, 200))
                    .col(string_len(CompetencyDomains::NameEn, 200))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Competencies::Table)
                    .col(string_len(Competencies::Code, 8).primary_key())
                    .col(string_len(Competencies::DomainCode, 8))
                    .col(string_len(Competencies::Name, 200))
                    .col(string_len(Competencies::NameEn, 200))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Competencies::Table, Competencies::DomainCode)
                            .to(CompetencyDomains::Table, CompetencyDomains::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProficiencyLevels::Table)
                    .col(integer(ProficiencyLevels::Level).primary_key())
                    .col(string_len(ProficiencyLevels::Tier, 32))
                    .col(string_len(ProficiencyLevels::TierName, 64))
                    .col(text(ProficiencyLevels::Description))
                    .col(text(ProficiencyLevels::DescriptionEn))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Courses::Table)
                    .col(uuid(Courses::Id).primary_key())
                    .col(string_len_uniq(Courses::Code, 100))
                    .col(string_len(Courses::Title, 300))
                    .col(string_len_null(Courses::TitleEn, 300))
                    .col(text(Courses::Summary))
                    .col(text_null(Courses::SummaryEn))
                    .col(integer(Courses::Level))
                    .col(integer(Courses::EstimatedMinutes))
                    .col(boolean(Courses::Sequential))
                    .col(integer(Courses::PassMark))
                    .col(string_len(Courses::Status, 16))
                    .col(integer(Courses::Version))
                    .col(uuid_null(Courses::OwnerId))
                    .col(text(Courses::SearchText))
                    .col(string_len_null(Courses::ContentHash, 64))
                    .col(timestamp_with_time_zone(Courses::CreatedAt))
                    .col(timestamp_with_time_zone(Courses::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Courses::PublishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Courses::Table, Courses::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_courses_status_code")
                    .table(Courses::Table)
                    .col(Courses::Status)
                    .col(Courses::Code)
                    .to_owned(),
            )
            .await?;

        // Target groups, audiences and competencies of a course: one row per tag.
        manager
            .create_table(
                Table::create()
                    .table(CourseTags::Table)
                    .col(uuid(CourseTags::CourseId))
                    .col(string_len(CourseTags::Kind, 16))
                    .col(string_len(CourseTags::Value, 32))
                    .primary_key(
                        Index::create()
                            .col(CourseTags::CourseId)
                            .col(CourseTags::Kind)
                            .col(CourseTags::Value),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CourseTags::Table, CourseTags::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_course_tags_lookup")
                    .table(CourseTags::Table)
                    .col(CourseTags::Kind)
                    .col(CourseTags::Value)
                    .col(CourseTags::CourseId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CourseModules::Table)
                    .col(uuid(CourseModules::Id).primary_key())
                    .col(uuid(CourseModules::CourseId))
                    .col(string_len(CourseModules::Code, 100))
                    .col(string_len(CourseModules::Title, 300))
                    .col(integer(CourseModules::Position))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CourseModules::Table, CourseModules::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .index(
                        Index::create()
                            .name("uq_course_modules_code")
                            .unique()
                            .col(CourseModules::CourseId)
                            .col(CourseModules::Code),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Lessons::Table)
                    .col(uuid(Lessons::Id).primary_key())
                    .col(uuid(Lessons::CourseId))
                    .col(uuid(Lessons::ModuleId))
                    .col(string_len(Lessons::Slug, 120))
                    .col(string_len(Lessons::Title, 300))
                    .col(string_len(Lessons::Kind, 16))
                    .col(text(Lessons::Summary))
                    .col(text(Lessons::Body))
                    .col(text(Lessons::BodyHtml))
                    .col(text_null(Lessons::EasyRead))
                    .col(text_null(Lessons::EasyReadHtml))
                    .col(integer(Lessons::Level))
                    .col(string_len(Lessons::Competencies, 200))
                    .col(integer(Lessons::EstimatedMinutes))
                    .col(integer(Lessons::Position))
                    .col(timestamp_with_time_zone(Lessons::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Lessons::Table, Lessons::CourseId)
                            .to(Courses::Table, Courses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Lessons::Table, Lessons::ModuleId)
                            .to(CourseModules::Table, CourseModules::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .index(
                        Index::create()
                            .name("uq_lessons_slug")
                            .unique()
                            .col(Lessons::CourseId)
                            .col(Lessons::Slug),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Lessons::Table.into_iden(),
            CourseModules::Table.into_iden(),
            CourseTags::Table.into_iden(),
            Courses::Table.into_iden(),
            ProficiencyLevels::Table.into_iden(),
            Competencies::Table.into_iden(),
            CompetencyDomains::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
