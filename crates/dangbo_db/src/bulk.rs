//! The bulk path: rows written many at a time in one transaction — `COPY … FROM STDIN` on
//! PostgreSQL, multi-row `INSERT` on SQLite. Rows are buffered per table and flushed in
//! foreign-key order (organisations before their spans, members before their events), so a
//! flush never points at a row not yet written.

use crate::{Backend, DbError, Store};
use sqlx::{Any, Connection, Executor, Transaction};

/// One value of a row. The schema only has text, integers and bytes.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Null,
    Text(String),
    Int(i64),
    Bytes(Vec<u8>),
}

impl From<String> for Val {
    fn from(s: String) -> Val {
        Val::Text(s)
    }
}
impl From<&str> for Val {
    fn from(s: &str) -> Val {
        Val::Text(s.to_string())
    }
}
impl From<&String> for Val {
    fn from(s: &String) -> Val {
        Val::Text(s.clone())
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Val {
        v.map_or(Val::Null, Into::into)
    }
}
impl From<i64> for Val {
    fn from(i: i64) -> Val {
        Val::Int(i)
    }
}
impl From<Vec<u8>> for Val {
    fn from(b: Vec<u8>) -> Val {
        Val::Bytes(b)
    }
}

/// Binds values in order to a query.
pub(crate) fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    vals: impl IntoIterator<Item = Val>,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    for v in vals {
        q = match v {
            Val::Null => q.bind(None::<String>),
            Val::Text(s) => q.bind(s),
            Val::Int(i) => q.bind(i),
            Val::Bytes(b) => q.bind(b),
        };
    }
    q
}

/// A table of the bulk path and its columns, in the order rows give their values.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Table {
    pub name: &'static str,
    pub columns: &'static [&'static str],
}

pub(crate) const ORG: Table =
    Table { name: "org", columns: &["id", "code", "name", "kind", "field", "parent_id", "path", "founded_on", "ended_on", "sort_key"] };
pub(crate) const ORG_SPAN: Table = Table { name: "org_span", columns: &["org_id", "parent_id", "name", "kind", "valid_from", "valid_to"] };
pub(crate) const ORG_EVENT: Table = Table {
    name: "org_event",
    columns: &["id", "org_id", "kind", "effective_on", "decision_no", "decision_date", "issuer", "data", "recorded_at", "recorded_by"],
};
pub(crate) const MEMBER: Table = Table {
    name: "member",
    columns: &[
        "org_id",
        "host_org_id",
        "status",
        "episode",
        "family_name",
        "middle_name",
        "given_name",
        "full_name",
        "sex",
        "birth_date",
        "ethnicity",
        "religion",
        "birth_place",
        "home_town",
        "residence",
        "phone",
        "education",
        "professional",
        "theory",
        "occupation",
        "cccd",
        "card_no",
        "bio_no",
        "admission_decision_no",
        "admission_decision_date",
        "ceremony_date",
        "full_date",
        "exit_date",
        "search_text",
        "sort_key",
        "updated_at",
        "id",
    ],
};
pub(crate) const MEMBER_EVENT: Table = Table {
    name: "member_event",
    columns: &["id", "member_id", "seq", "kind", "effective_on", "decision_no", "decision_date", "issuer", "data", "recorded_at", "recorded_by"],
};
pub(crate) const MEMBER_SPAN: Table = Table {
    name: "member_span",
    columns: &["member_id", "org_id", "status", "episode", "valid_from", "valid_to", "education", "professional", "theory", "occupation"],
};
pub(crate) const MEMBER_WORD: Table = Table { name: "member_word", columns: &["word", "path", "member_id"] };
pub(crate) const SEARCH_WORD: Table = Table { name: "search_word", columns: &["word"] };
pub(crate) const MEMBER_EPISODE: Table = Table {
    name: "member_episode",
    columns: &["member_id", "episode", "org_id", "admitted_here", "admission_decision_date", "ceremony_date", "age_at_admission"],
};

pub(crate) const ORG_TALLY: Table = Table { name: "org_tally", columns: &["org_id", "on_date", "counts"] };
pub(crate) const ORG_TALLY_YEAR: Table = Table { name: "org_tally_year", columns: &["org_id", "year", "counts"] };
pub(crate) const AUDIT_LOG: Table = Table { name: "audit_log", columns: &["id", "at", "actor", "action", "entity", "entity_id", "before_json", "after_json"] };

/// The tables in foreign-key order: a flush writes them in this order.
const ORDER: [Table; 12] =
    [ORG, ORG_SPAN, ORG_EVENT, MEMBER, MEMBER_EVENT, MEMBER_SPAN, MEMBER_EPISODE, MEMBER_WORD, SEARCH_WORD, ORG_TALLY, ORG_TALLY_YEAR, AUDIT_LOG];
/// SQLite's default page cache (2 MB), restored when a bulk write ends.
const DEFAULT_CACHE: &str = "PRAGMA cache_size = -2000";
/// Rows buffered before a flush.
const FLUSH_ROWS: usize = 10_000;

enum Sink {
    /// The transaction, and the pool to checkpoint the write-ahead log through after it.
    Sqlite(Transaction<'static, Any>, sqlx::AnyPool),
    Postgres(sqlx::postgres::PgConnection),
}

/// A bulk write in progress: one transaction until [`Bulk::commit`].
pub(crate) struct Bulk<'a> {
    sink: Sink,
    rows: Vec<Vec<Vec<Val>>>,
    buffered: usize,
    /// Rows written so far (all tables).
    pub written: u64,
    /// The organisations members were filed in: their kept fee sums are stale at the commit.
    filed_in: std::collections::HashSet<String>,
    _guard: Option<tokio::sync::MutexGuard<'a, ()>>,
}

impl Store {
    /// Starts a bulk write (on SQLite it holds the write lock until committed). `cache_mib` is
    /// SQLite's page cache for it: large for a generated dataset (index pages stay in memory
    /// instead of being read back for every insert; the default is 2 MB), modest for an import
    /// (which must stay in bounded memory beside a serving process).
    pub(crate) async fn bulk(&self, cache_mib: u32) -> Result<Bulk<'_>, DbError> {
        let (sink, guard) = match self.backend {
            Backend::Sqlite => {
                let guard = self.write_lock.lock().await;
                let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                tx.execute(sqlx::AssertSqlSafe(format!("PRAGMA cache_size = -{}", cache_mib * 1024))).await?;
                (Sink::Sqlite(tx, self.pool.clone()), Some(guard))
            }
            Backend::Postgres => {
                let mut conn = sqlx::postgres::PgConnection::connect(&self.url).await?;
                conn.execute("BEGIN").await?;
                (Sink::Postgres(conn), None)
            }
        };
        Ok(Bulk { sink, rows: ORDER.iter().map(|_| Vec::new()).collect(), buffered: 0, written: 0, filed_in: Default::default(), _guard: guard })
    }
}

impl Bulk<'_> {
    /// Buffers a row of `table`, flushing every table when the buffers are full.
    pub async fn push(&mut self, table: Table, row: Vec<Val>) -> Result<(), DbError> {
        debug_assert_eq!(row.len(), table.columns.len(), "{}", table.name);
        let i = ORDER.iter().position(|t| t.name == table.name).expect("a bulk table");
        if table.name == MEMBER_SPAN.name
            && let Some(Val::Text(org)) = row.get(1)
            && !self.filed_in.contains(org)
        {
            self.filed_in.insert(org.clone());
        }
        self.rows[i].push(row);
        self.buffered += 1;
        if self.buffered >= FLUSH_ROWS {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes every buffered row, in foreign-key order.
    pub async fn flush(&mut self) -> Result<(), DbError> {
        for (i, table) in ORDER.iter().enumerate() {
            let rows = std::mem::take(&mut self.rows[i]);
            if rows.is_empty() {
                continue;
            }
            self.written += rows.len() as u64;
            match &mut self.sink {
                Sink::Sqlite(tx, _) => insert_rows(tx, table, rows).await?,
                Sink::Postgres(conn) => copy_rows(conn, table, &rows).await?,
            }
        }
        self.buffered = 0;
        Ok(())
    }

    /// Runs a statement without parameters in the bulk write's transaction.
    pub async fn execute(&mut self, sql: &'static str) -> Result<(), DbError> {
        match &mut self.sink {
            Sink::Sqlite(tx, _) => {
                tx.execute(sql).await?;
            }
            Sink::Postgres(conn) => {
                conn.execute(sql).await?;
            }
        }
        Ok(())
    }

    /// Runs one statement with parameters in the bulk write's transaction (after a
    /// [`Bulk::flush`] when it must see the rows buffered so far).
    pub async fn run(&mut self, sql: &str, vals: Vec<Val>) -> Result<(), DbError> {
        match &mut self.sink {
            Sink::Sqlite(tx, _) => {
                bind_all(sqlx::query(sqlx::AssertSqlSafe(sql.to_string())), vals).execute(&mut **tx).await?;
            }
            Sink::Postgres(conn) => {
                let mut q = sqlx::query::<sqlx::Postgres>(sqlx::AssertSqlSafe(sql.to_string()));
                for v in vals {
                    q = match v {
                        Val::Null => q.bind(None::<String>),
                        Val::Text(s) => q.bind(s),
                        Val::Int(i) => q.bind(i),
                        Val::Bytes(b) => q.bind(b),
                    };
                }
                q.execute(&mut *conn).await?;
            }
        }
        Ok(())
    }

    /// Drops everything written (nothing of the bulk write stays).
    pub async fn rollback(self) -> Result<(), DbError> {
        self.end(false).await
    }

    /// Flushes and commits.
    pub async fn commit(mut self) -> Result<u64, DbError> {
        self.flush().await?;
        let mut filed_in: Vec<String> = std::mem::take(&mut self.filed_in).into_iter().collect();
        filed_in.sort_unstable();
        for chunk in filed_in.chunks(300) {
            self.run(&crate::fee_stale::touch_orgs_sql(chunk.len()), chunk.iter().map(|o| Val::from(o.as_str())).collect()).await?;
        }
        let written = self.written;
        self.end(true).await?;
        Ok(written)
    }

    async fn end(self, commit: bool) -> Result<(), DbError> {
        match self.sink {
            Sink::Sqlite(mut tx, pool) => {
                // The connection returns to the pool with SQLite's usual cache (its memory freed).
                tx.execute(DEFAULT_CACHE).await?;
                if commit {
                    tx.commit().await?
                } else {
                    tx.rollback().await?
                }
                // A bulk transaction leaves a write-ahead log as large as what it wrote (1 GB
                // for a generated province); copied back and truncated now, still under the
                // write lock, it does not stay on disk beside the database.
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&pool).await?;
            }
            Sink::Postgres(mut conn) => {
                conn.execute(if commit { "COMMIT" } else { "ROLLBACK" }).await?;
                conn.close().await?;
            }
        }
        Ok(())
    }
}

/// SQLite: multi-row INSERTs of about 256 anonymous `?` parameters each (with numbered `$N`
/// sqlx looks each one up by name among all of the statement's: 10% of an import in `perf`).
async fn insert_rows(tx: &mut Transaction<'static, Any>, table: &Table, rows: Vec<Vec<Val>>) -> Result<(), DbError> {
    let per = (256 / table.columns.len()).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per).collect();
        let sql = insert_sql(table, chunk.len());
        bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), chunk.into_iter().flatten()).execute(&mut **tx).await?;
    }
    Ok(())
}

fn insert_sql(table: &Table, rows: usize) -> String {
    let n = table.columns.len();
    let mut sql = format!("INSERT INTO {} ({}) VALUES ", table.name, table.columns.join(", "));
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..n {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('?');
        }
        sql.push(')');
    }
    sql
}

/// PostgreSQL: one `COPY … FROM STDIN` (text format) per table and flush.
async fn copy_rows(conn: &mut sqlx::postgres::PgConnection, table: &Table, rows: &[Vec<Val>]) -> Result<(), DbError> {
    let mut buf = Vec::with_capacity(rows.len() * 128);
    for row in rows {
        copy_line(&mut buf, row);
    }
    let stmt = format!("COPY {} ({}) FROM STDIN", table.name, table.columns.join(", "));
    let mut copy = conn.copy_in_raw(&stmt).await?;
    copy.send(buf).await?;
    copy.finish().await?;
    Ok(())
}

/// One row in COPY's text format: tab-separated, `\N` for NULL, backslash escapes.
pub(crate) fn copy_line(buf: &mut Vec<u8>, row: &[Val]) {
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            buf.push(b'\t');
        }
        match v {
            Val::Null => buf.extend_from_slice(b"\\N"),
            Val::Int(n) => buf.extend_from_slice(n.to_string().as_bytes()),
            Val::Bytes(b) => {
                buf.extend_from_slice(b"\\\\x");
                buf.extend_from_slice(hex::encode(b).as_bytes());
            }
            Val::Text(s) => {
                for &byte in s.as_bytes() {
                    match byte {
                        b'\\' => buf.extend_from_slice(b"\\\\"),
                        b'\n' => buf.extend_from_slice(b"\\n"),
                        b'\r' => buf.extend_from_slice(b"\\r"),
                        b'\t' => buf.extend_from_slice(b"\\t"),
                        _ => buf.push(byte),
                    }
                }
            }
        }
    }
    buf.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_it_must() {
        let mut buf = Vec::new();
        copy_line(&mut buf, &[Val::Text("a\tb\\c\nd".into()), Val::Null, Val::Int(-3), Val::Bytes(vec![0, 255])]);
        assert_eq!(String::from_utf8(buf).unwrap(), "a\\tb\\\\c\\nd\t\\N\t-3\t\\\\x00ff\n");
        assert_eq!(insert_sql(&ORG_SPAN, 2).matches('?').count(), 12);
    }
}
