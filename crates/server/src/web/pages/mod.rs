//! One module a part of the web app; none imports another.

pub mod account;
pub mod assistant;
pub mod course;
pub mod home;
pub mod learning;
pub mod lesson;
pub mod profile;
pub mod quiz;
pub mod records;
pub mod settings;
