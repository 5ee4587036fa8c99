//! The course tables, as sea-orm entities. Only this crate reads or writes them.

pub mod competency;
pub mod competency_domain;
pub mod course;
pub mod course_module;
pub mod course_tag;
pub mod lesson;
pub mod lesson_media;
pub mod media_upload;
pub mod proficiency_level;
pub mod reserved_course_code;
