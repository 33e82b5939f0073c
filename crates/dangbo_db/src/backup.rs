//! Backup and restore. SQLite: `VACUUM INTO`, a consistent copy taken while the server runs.
//! PostgreSQL: `pg_dump -Fc` / `pg_restore` (the client tools must be installed).

use crate::{Backend, DbError, Store, normalise_url};
use std::path::Path;

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://")?;
    Some(rest.split_once('?').map(|x| x.0).unwrap_or(rest))
}

fn run(cmd: &mut std::process::Command) -> Result<(), DbError> {
    let out = cmd.output().map_err(|e| DbError::Config(format!("cannot run {:?}: {e}", cmd.get_program())))?;
    if out.status.success() { Ok(()) } else { Err(DbError::Config(format!("{:?} failed: {}", cmd.get_program(), String::from_utf8_lossy(&out.stderr).trim()))) }
}

impl Store {
    /// Writes a consistent copy of the database to `file` (which must not exist yet).
    #[tracing::instrument(skip_all)]
    pub async fn backup(&self, file: &Path) -> Result<(), DbError> {
        if file.exists() {
            return Err(DbError::Config(format!("{} already exists; choose a new file", file.display())));
        }
        // The copy holds every member's file: readable by its owner only, from its first byte
        // (VACUUM INTO and pg_dump write into an existing empty file).
        crate::private_file(file)?;
        match self.backend {
            Backend::Sqlite => {
                let target = file.to_str().ok_or_else(|| DbError::Config("the backup path is not UTF-8".into()))?;
                sqlx::query("VACUUM INTO $1").bind(target).execute(&self.pool).await?;
                Ok(())
            }
            Backend::Postgres => run(std::process::Command::new("pg_dump").arg("--format=custom").arg("--no-owner").arg("--file").arg(file).arg(&self.url)),
        }
    }

    /// Restores `file` (made by [`Store::backup`]) into the database at `url`, which must hold
    /// no organisation yet. Returns the connected, migrated store.
    #[tracing::instrument(skip_all)]
    pub async fn restore(url: &str, file: &Path) -> Result<Store, DbError> {
        if !file.is_file() {
            return Err(DbError::Config(format!("{} is not a file", file.display())));
        }
        let (backend, normalised) = normalise_url(url)?;
        let existing = Store::connect(url).await?;
        existing.migrate().await?;
        if !existing.is_empty().await? {
            return Err(DbError::Config("the target database is not empty; restore goes into an empty database".into()));
        }
        match backend {
            Backend::Sqlite => {
                existing.close().await;
                let path = sqlite_path(&normalised).ok_or_else(|| DbError::Config("not a SQLite URL".into()))?;
                for suffix in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
                std::fs::copy(file, path).map_err(|e| DbError::Config(format!("cannot copy the backup: {e}")))?;
            }
            Backend::Postgres => {
                run(std::process::Command::new("pg_restore")
                    .arg("--clean")
                    .arg("--if-exists")
                    .arg("--no-owner")
                    .arg("--single-transaction")
                    .arg("--dbname")
                    .arg(&normalised)
                    .arg(file))?;
                existing.close().await;
            }
        }
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }
}
