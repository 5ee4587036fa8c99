//! End-to-end tests of the HTTP API: each test spawns the real application on a free
//! port with a database of its own (SQLite, or PostgreSQL when
//! `HOCVUSO_TEST_DATABASE_URL` is set).

mod access;
mod administration;
mod assessment;
mod assistant;
mod authoring;
mod catalog;
mod certification;
mod crash;
mod foundation;
mod identity;
mod learning;
mod media;
mod media_direct;
mod oidc;
mod openapi;
mod security;
mod support;
