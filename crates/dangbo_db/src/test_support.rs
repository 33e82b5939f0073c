//! A fresh database per test, on each backend: a temporary SQLite file, and a new PostgreSQL
//! database on the server named by `DANGBO_TEST_POSTGRES_URL` (default: the local server).
//! Used by the contract suite here and by the web crate's tests.

use crate::Store;
use sqlx::{Connection, Executor};

/// The admin URL of the PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("DANGBO_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A database that lives as long as the test.
pub struct TestDb {
    pub store: Store,
    pub name: &'static str,
    /// The database's URL.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_db: Option<String>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/test.sqlite3", dir.path().display());
        let store = Store::connect(&url).await.expect("sqlite connects");
        store.migrate().await.expect("sqlite migrates");
        TestDb { store, name: "sqlite", url, _dir: Some(dir), pg_db: None }
    }

    /// A fresh PostgreSQL database, or None when no server answers and the run does not
    /// require one (`CI` or `DANGBO_TEST_REQUIRE_POSTGRES` set makes that a failure).
    pub async fn postgres() -> Option<TestDb> {
        sqlx::any::install_default_drivers();
        let admin = postgres_admin_url();
        let mut conn = match sqlx::PgConnection::connect(&admin).await {
            Ok(c) => c,
            Err(e) => {
                if std::env::var_os("CI").is_some() || std::env::var_os("DANGBO_TEST_REQUIRE_POSTGRES").is_some() {
                    panic!("PostgreSQL is required for this run but {admin} does not answer: {e}");
                }
                eprintln!("note: PostgreSQL at {admin} does not answer ({e}); running this test on SQLite only");
                return None;
            }
        };
        let db = format!("dangbo_test_{}", uuid::Uuid::now_v7().simple());
        conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}"))).await.expect("create test database");
        let (base, _) = admin.rsplit_once('/').expect("URL has a database");
        let url = format!("{base}/{db}");
        let store = Store::connect(&url).await.expect("postgres connects");
        store.migrate().await.expect("postgres migrates");
        Some(TestDb { store, name: "postgres", url, _dir: None, pg_db: Some(db) })
    }

    /// Both backends (PostgreSQL when available).
    pub async fn all() -> Vec<TestDb> {
        let mut v = vec![TestDb::sqlite().await];
        if let Some(pg) = TestDb::postgres().await {
            v.push(pg);
        }
        v
    }

    /// Closes the pool and drops the PostgreSQL database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Some(db) = self.pg_db
            && let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_admin_url()).await
        {
            let _ = conn.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))).await;
        }
    }
}

/// Another process's write transaction on a SQLite file (as a command-line import holds one):
/// the database's write lock is taken until the returned connection is dropped or closed.
pub async fn hold_sqlite_write_lock(url: &str) -> sqlx::SqliteConnection {
    let mut conn = sqlx::SqliteConnection::connect(url).await.expect("second connection");
    conn.execute("BEGIN IMMEDIATE").await.expect("write lock taken");
    conn
}

/// Makes sure database `name` exists on the PostgreSQL server at `server` (a URL without a
/// database), dropping it first when `fresh`; returns its URL. Used by `bench/`.
pub async fn postgres_database(server: &str, name: &str, fresh: bool) -> Result<String, crate::DbError> {
    let server = server.trim_end_matches('/');
    let mut conn = sqlx::PgConnection::connect(&format!("{server}/postgres")).await?;
    if fresh {
        conn.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await?;
    }
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_database WHERE datname = $1").bind(name).fetch_one(&mut conn).await?;
    if exists == 0 {
        conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await?;
    }
    Ok(format!("{server}/{name}"))
}
