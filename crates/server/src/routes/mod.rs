//! Thin handlers, one module per domain: parse and validate, call the domain, map errors.

pub mod administration;
pub mod assessment;
pub mod authoring;
pub mod certification;
pub mod classes;
pub mod courses;
pub mod identity;
pub mod learning;
pub mod media;
