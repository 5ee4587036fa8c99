//! The schema, as one ordered list of migrations that run unchanged on SQLite and
//! PostgreSQL. Each domain's tables come with the migration that introduced them.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_identity;
mod m20261128_000002_courses;
mod m20261128_000003_lesson_media;
mod m20261128_000004_direct_uploads;
mod m20261128_000005_enrollment;
mod m20261128_000006_assessment;
mod m20261129_000007_mastery_tallies;
mod m20261129_000008_certification;
mod m20261129_000009_administration;
mod m20261129_000010_assistant;
mod m20261129_000011_attempt_standing;
mod m20261207_000012_identity_provenance;
mod m20261207_000013_reserved_course_codes;
mod m20261207_000014_quiz_reveal;
mod m20261207_000015_class_signups;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_identity::Migration),
            Box::new(m20261128_000002_courses::Migration),
            Box::new(m20261128_000003_lesson_media::Migration),
            Box::new(m20261128_000004_direct_uploads::Migration),
            Box::new(m20261128_000005_enrollment::Migration),
            Box::new(m20261128_000006_assessment::Migration),
            Box::new(m20261129_000007_mastery_tallies::Migration),
            Box::new(m20261129_000008_certification::Migration),
            Box::new(m20261129_000009_administration::Migration),
            Box::new(m20261129_000010_assistant::Migration),
            Box::new(m20261129_000011_attempt_standing::Migration),
            Box::new(m20261207_000012_identity_provenance::Migration),
            Box::new(m20261207_000013_reserved_course_codes::Migration),
            Box::new(m20261207_000014_quiz_reveal::Migration),
            Box::new(m20261207_000015_class_signups::Migration),
        ]
    }
}
