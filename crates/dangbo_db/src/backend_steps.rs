//! Schema steps only one backend understands, run by [`Store::migrate`] after the portable
//! migrations (see migrations/README.md). Each step checks whether it is already done, so it
//! runs once on a new database and once on an upgraded one.

use crate::{Backend, DbError, Store};

/// The word index of member search as SQLite `WITHOUT ROWID`: its rows are nothing but their
/// key, and a rowid table stores that key twice (the table, then its primary-key index). The
/// table, its key and its member index are those of migration 0009; PostgreSQL keeps the
/// portable table.
const SQLITE_WORD_INDEX: [&str; 5] = [
    "CREATE TABLE member_word_packed (word BYTEA NOT NULL, path BYTEA NOT NULL, member_id TEXT NOT NULL REFERENCES member(id), PRIMARY KEY (word, path, member_id)) WITHOUT ROWID",
    "INSERT INTO member_word_packed (word, path, member_id) SELECT word, path, member_id FROM member_word",
    "DROP TABLE member_word",
    "ALTER TABLE member_word_packed RENAME TO member_word",
    "CREATE INDEX member_word_member ON member_word (member_id)",
];

pub(crate) async fn run(store: &Store) -> Result<(), DbError> {
    if store.backend == Backend::Sqlite {
        sqlite_word_index(store).await?;
    }
    Ok(())
}

async fn sqlite_word_index(store: &Store) -> Result<(), DbError> {
    let sql: Option<String> =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'member_word'").fetch_optional(&store.pool).await?;
    if sql.is_none_or(|s| s.to_uppercase().contains("WITHOUT ROWID")) {
        return Ok(());
    }
    store
        .upkeep("SQLite's word index packed", async |tx| {
            for stmt in SQLITE_WORD_INDEX {
                sqlx::query(stmt).execute(&mut **tx).await?;
            }
            Ok(())
        })
        .await
}

#[cfg(test)]
mod tests {
    use crate::test_support::TestDb;

    async fn word_table_sql(db: &TestDb) -> String {
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'member_word'").fetch_one(&db.store.pool).await.expect("table")
    }

    async fn count(db: &TestDb, sql: &'static str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&db.store.pool).await.expect("count")
    }

    #[tokio::test]
    async fn sqlite_word_index_is_packed_on_a_new_database_and_on_an_upgraded_one() {
        let db = TestDb::sqlite().await;
        assert!(word_table_sql(&db).await.contains("WITHOUT ROWID"));
        db.store.load_demo(1, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date")).await.expect("demo loads");
        let words = count(&db, "SELECT COUNT(*) FROM member_word").await;
        assert!(words > 2_000);
        // An older database: the demo's words in the portable table of migration 0009 (on one
        // connection, as a migration runs).
        let mut conn = db.store.pool.acquire().await.expect("connection");
        for stmt in [
            "CREATE TABLE member_word_old (word BYTEA NOT NULL, path BYTEA NOT NULL, member_id TEXT NOT NULL REFERENCES member(id), PRIMARY KEY (word, path, member_id))",
            "INSERT INTO member_word_old SELECT word, path, member_id FROM member_word",
            "DROP TABLE member_word",
            "ALTER TABLE member_word_old RENAME TO member_word",
            "CREATE INDEX member_word_member ON member_word (member_id)",
        ] {
            sqlx::query(stmt).execute(&mut *conn).await.unwrap_or_else(|e| panic!("{stmt}: {e}"));
        }
        drop(conn);
        assert!(!word_table_sql(&db).await.contains("WITHOUT ROWID"));
        db.store.migrate().await.expect("migrates again");
        assert!(word_table_sql(&db).await.contains("WITHOUT ROWID"));
        assert_eq!(count(&db, "SELECT COUNT(*) FROM member_word").await, words);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'member_word_member'").await, 1);
        db.finish().await;
    }
}
