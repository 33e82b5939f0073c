//! Hand-written reference queries for the benchmarks in `bench/`: the floor each measure is
//! compared with (the plainest SQL that gives the same answer on the current tree, with no
//! scope reconstruction, no HTTP and no rendering). Not used by the application.

use crate::rows::iso;
use crate::{Backend, DbError, Store};
use chrono::NaiveDate;
use dangbo_core::member::AgeBand;

impl Store {
    /// The current materialised path of an organisation (`/…/id/`).
    #[tracing::instrument(skip_all)]
    pub async fn floor_org_path(&self, code: &str) -> Result<String, DbError> {
        Ok(sqlx::query_scalar("SELECT path FROM org WHERE code = $1").bind(code).fetch_one(&self.pool).await?)
    }

    /// Member search as one SELECT through the same word index as the application: members of
    /// the subtree under `path` on `as_of` with a word starting with the last word of `folded`
    /// and whose text contains `folded`, the first `limit` by name. Returns the number of rows.
    #[tracing::instrument(skip_all)]
    pub async fn floor_search(&self, path: &str, folded: &str, as_of: NaiveDate, limit: i64) -> Result<usize, DbError> {
        let last = folded.split_whitespace().last().unwrap_or("");
        let rows = sqlx::query(
            "SELECT m.id, m.full_name, o.code, ms.status FROM member_word w JOIN member m ON m.id = w.member_id JOIN member_span ms ON ms.member_id = m.id JOIN org o ON o.id = ms.org_id
             WHERE w.word IN (SELECT d.word FROM search_word d WHERE d.word >= $1 AND d.word < $2) AND w.path >= $3 AND w.path < $4
               AND ms.valid_from <= $5 AND (ms.valid_to IS NULL OR ms.valid_to > $5) AND m.search_text LIKE '%' || $6 || '%'
             ORDER BY CASE WHEN m.id IN (SELECT w2.member_id FROM member_word w2 WHERE w2.word = $1 AND w2.path >= $3 AND w2.path < $4) THEN 0 ELSE 1 END, m.sort_key, m.id LIMIT $7",
        )
        .bind(last.as_bytes().to_vec())
        .bind([last.as_bytes(), &[0xff]].concat())
        .bind(path.as_bytes().to_vec())
        .bind([path.as_bytes(), &[0xff]].concat())
        .bind(iso(as_of))
        .bind(folded)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.len())
    }

    /// The member form as hand-written GROUP BYs (sex, age band, ethnicity, education, theory)
    /// over the members of the subtree under `path` on `as_of`. Returns the total counted.
    #[tracing::instrument(skip_all)]
    pub async fn floor_form(&self, path: &str, as_of: NaiveDate) -> Result<i64, DbError> {
        let d = iso(as_of);
        let bounds: Vec<String> = [AgeBand::UpTo30, AgeBand::From31To40, AgeBand::From41To50, AgeBand::From51To60]
            .iter()
            .map(|b| b.birth_bounds(as_of).0.map(iso).unwrap_or_default())
            .collect();
        let age = "CASE WHEN m.birth_date > $3 THEN 1 WHEN m.birth_date > $4 THEN 2 WHEN m.birth_date > $5 THEN 3 WHEN m.birth_date > $6 THEN 4 ELSE 5 END";
        let mut total = 0;
        for expr in ["m.sex", age, "m.ethnicity", "ms.education", "ms.theory"] {
            let sql = format!(
                "SELECT COUNT(*) FROM member_span ms JOIN member m ON m.id = ms.member_id JOIN org o ON o.id = ms.org_id
                 WHERE o.path LIKE $1 AND ms.valid_from <= $2 AND (ms.valid_to IS NULL OR ms.valid_to > $2) AND ($3 = $3 AND $4 = $4 AND $5 = $5 AND $6 = $6)
                 GROUP BY {expr}"
            );
            let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).bind(format!("{path}%")).bind(&d);
            for b in &bounds {
                q = q.bind(b);
            }
            total = q.fetch_all(&self.pool).await?.iter().sum();
        }
        Ok(total)
    }

    /// The database's own cost of an import's rows: every row of the tables an import writes
    /// copied by the database itself into twins with the same columns, keys and indexes
    /// (`INSERT … SELECT`: no client, no parsing, no checks), in one transaction rolled back.
    /// Returns the number of members copied; the caller times it.
    #[tracing::instrument(skip_all)]
    pub async fn floor_import(&self) -> Result<i64, DbError> {
        let mut tx = self.read().await?;
        if self.backend == Backend::Sqlite {
            // The import's own page cache (`Store::bulk(16)`).
            sqlx::query("PRAGMA cache_size = -16384").execute(&mut *tx).await?;
        }
        for table in IMPORT_TABLES {
            for stmt in self.twin(&mut tx, table).await? {
                sqlx::query(sqlx::AssertSqlSafe(stmt)).execute(&mut *tx).await?;
            }
            sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO floor_{table} SELECT * FROM {table}"))).execute(&mut *tx).await?;
        }
        let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM floor_member").fetch_one(&mut *tx).await?;
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA cache_size = -2000").execute(&mut *tx).await?;
        }
        tx.rollback().await?;
        Ok(members)
    }

    /// The statements creating `floor_<table>`, a twin of `table` with its keys and indexes.
    async fn twin(&self, tx: &mut sqlx::Transaction<'static, sqlx::Any>, table: &str) -> Result<Vec<String>, DbError> {
        Ok(match self.backend {
            Backend::Postgres => vec![format!("CREATE TABLE floor_{table} (LIKE {table} INCLUDING ALL)")],
            Backend::Sqlite => {
                let sql: Vec<(String, String)> =
                    sqlx::query_as("SELECT type, sql FROM sqlite_master WHERE tbl_name = $1 AND sql IS NOT NULL ORDER BY type DESC")
                        .bind(table)
                        .fetch_all(&mut **tx)
                        .await?;
                sql.into_iter()
                    .map(|(kind, sql)| match kind.as_str() {
                        // A table renamed by a migration has its name quoted.
                        "table" => sql.replacen(&format!("CREATE TABLE {table}"), &format!("CREATE TABLE floor_{table}"), 1).replacen(
                            &format!("CREATE TABLE \"{table}\""),
                            &format!("CREATE TABLE floor_{table}"),
                            1,
                        ),
                        _ => sql.replacen("INDEX ", "INDEX floor_", 1).replacen(&format!(" ON {table} "), &format!(" ON floor_{table} "), 1),
                    })
                    .collect()
            }
        })
    }
}

/// The tables an import of members writes (`import::write_new`), in foreign-key order.
const IMPORT_TABLES: [&str; 6] = ["member", "member_event", "member_span", "member_episode", "member_word", "audit_log"];
