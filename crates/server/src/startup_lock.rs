//! One server at a time migrates the schema and imports the curriculum. Servers started
//! together on a fresh PostgreSQL database would otherwise race to create the same
//! tables and types (and die on `pg_type_typname_nsp_index`). A session-level advisory
//! lock, held on a connection of its own for the length of those steps, makes the
//! others wait; each then finds the work done. SQLite is one server's file: no lock.

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};

/// The advisory lock's key: "hocvuso\0" as a big-endian integer.
const LOCK_KEY: i64 = 0x686f_6376_7573_6f00;

/// Held while a server prepares the database; released when dropped or on release.
pub struct StartupLock {
    connection: Option<DatabaseConnection>,
}

impl StartupLock {
    /// Waits for the lock on PostgreSQL; takes nothing on SQLite.
    pub async fn acquire(url: &str) -> Result<Self, DbErr> {
        if !url.starts_with("postgres") {
            return Ok(Self { connection: None });
        }
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(1)
            .min_connections(1)
            .sqlx_logging(false);
        let connection = Database::connect(options).await?;
        connection
            .execute_unprepared(&format!("SELECT pg_advisory_lock({LOCK_KEY})"))
            .await?;
        Ok(Self {
            connection: Some(connection),
        })
    }

    /// Lets the next server go on. Closing the session would release it too; this says
    /// so at once instead of when the pool gets round to it.
    pub async fn release(mut self) -> Result<(), DbErr> {
        if let Some(connection) = self.connection.take() {
            connection
                .execute_unprepared(&format!("SELECT pg_advisory_unlock({LOCK_KEY})"))
                .await?;
            connection.close().await?;
        }
        Ok(())
    }
}
