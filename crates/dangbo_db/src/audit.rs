//! The audit log: every write, in the same transaction as the change it describes, and every
//! opening of a member's full record, committed before the record is shown ([`OpeningLog`]).

use crate::{Caller, DbError, Store, new_id, now};
use sqlx::Row;

/// One audit entry.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Store {
    /// The newest audit entries, optionally for one entity. Admins only.
    #[tracing::instrument(skip_all)]
    pub async fn audit_log(&self, caller: &Caller, entity_id: Option<&str>, limit: i64) -> Result<Vec<AuditRow>, DbError> {
        self.audit_search(caller, &AuditFilter { entity_id: entity_id.map(str::to_string), limit, ..Default::default() }).await
    }

    /// Audit entries matching every given part of `f`, newest first, at most `f.limit`
    /// (1 to [`MAX_AUDIT_ROWS`]). Admins only.
    #[tracing::instrument(skip_all)]
    pub async fn audit_search(&self, caller: &Caller, f: &AuditFilter) -> Result<Vec<AuditRow>, DbError> {
        if !caller.is_admin() {
            return Err(DbError::Forbidden);
        }
        let rows = sqlx::query(
            "SELECT at, actor, action, entity, entity_id, before_json, after_json FROM audit_log
             WHERE ($1 = '' OR entity_id = $1) AND ($2 = '' OR actor = $2) AND ($3 = '' OR action = $3 OR action LIKE $4 ESCAPE '\\')
               AND ($5 = '' OR at >= $5) AND ($6 = '' OR at < $6)
             ORDER BY id DESC LIMIT $7",
        )
        .bind(f.entity_id.clone().unwrap_or_default())
        .bind(f.actor.clone().unwrap_or_default())
        .bind(f.action.clone().unwrap_or_default())
        // "member" also finds "member.open", "member.create"… (its text matched literally).
        .bind(format!("{}.%", crate::rows::like_escaped(f.action.as_deref().unwrap_or(""))))
        .bind(f.from.clone().unwrap_or_default())
        .bind(f.until.clone().unwrap_or_default())
        .bind(f.limit.clamp(1, MAX_AUDIT_ROWS))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRow {
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    entity: r.try_get("entity")?,
                    entity_id: r.try_get("entity_id")?,
                    before: r.try_get("before_json")?,
                    after: r.try_get("after_json")?,
                })
            })
            .collect()
    }
}

/// The most audit entries read at once (an export of the log included).
pub const MAX_AUDIT_ROWS: i64 = 100_000;

/// Which audit entries to read; an empty part matches all.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    /// An action ("login.failed") or its family ("login").
    pub action: Option<String>,
    /// From this instant (RFC 3339 UTC, inclusive).
    pub from: Option<String>,
    /// Before this instant (exclusive).
    pub until: Option<String>,
    pub limit: i64,
}

/// The log of reads (`member.open`, and the bulk reads, exports and refusals that are audited
/// like it), written by group commit: a reader
/// queues its row and waits for its turn; whoever gets the turn writes every row queued so far
/// in one transaction and tells their readers. A reader gets the file only after its row is
/// committed, so no opening shown goes unlogged, but 32 readers at once cost one commit (one
/// turn of SQLite's write lock, one WAL flush on PostgreSQL) instead of 32.
#[derive(Default)]
pub(crate) struct OpeningLog {
    queue: std::sync::Mutex<Vec<Queued>>,
    turn: tokio::sync::Mutex<()>,
}

struct Queued {
    at: String,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    /// What was read (how many rows, which filter), as JSON; none for an opening.
    detail: Option<String>,
    /// Told `true` once the row is committed, `false` when its transaction failed.
    done: tokio::sync::oneshot::Sender<bool>,
}

/// Rows per INSERT statement (7 parameters each; well under either database's limit).
const ROWS_PER_INSERT: usize = 100;

impl crate::Store {
    /// Logs that `actor` opened `entity` `entity_id`; returns once the row is committed.
    pub(crate) async fn log_opening(&self, actor: &Caller, action: &str, entity: &str, entity_id: &str) -> Result<(), DbError> {
        self.log_read_row(actor, action, entity, entity_id, None).await
    }

    /// Logs a read of many members' files at once (an export, a long list) or a refused or
    /// telling attempt, with what was read; returns once the row is committed, before the
    /// caller hands anything out.
    pub(crate) async fn log_read(&self, actor: &Caller, action: &str, entity: &str, entity_id: &str, detail: serde_json::Value) -> Result<(), DbError> {
        self.log_read_row(actor, action, entity, entity_id, Some(detail.to_string())).await
    }

    /// Logs a document or file handed out (`export.` and what: the meeting kit, a statistics
    /// table, an admission decision…) with the organisation or record it is about.
    #[tracing::instrument(skip_all)]
    pub async fn log_export(&self, caller: &Caller, what: &str, entity: &str, entity_id: &str, detail: serde_json::Value) -> Result<(), DbError> {
        self.log_read(caller, &format!("export.{what}"), entity, entity_id, detail).await
    }

    async fn log_read_row(&self, actor: &Caller, action: &str, entity: &str, entity_id: &str, detail: Option<String>) -> Result<(), DbError> {
        let (done, mut committed) = tokio::sync::oneshot::channel();
        let row = Queued {
            at: now(),
            actor: actor.username.clone(),
            action: action.to_string(),
            entity: entity.to_string(),
            entity_id: entity_id.to_string(),
            detail,
            done,
        };
        self.openings.queue.lock().map_err(|_| anyhow::anyhow!("opening log poisoned"))?.push(row);
        let _turn = self.openings.turn.lock().await;
        // The reader before us may have written our row while we waited for the turn.
        match committed.try_recv() {
            Ok(true) => return Ok(()),
            Ok(false) | Err(tokio::sync::oneshot::error::TryRecvError::Closed) => return Err(anyhow::anyhow!("opening not logged").into()),
            Err(tokio::sync::oneshot::error::TryRecvError::Empty) => {}
        }
        let batch = std::mem::take(&mut *self.openings.queue.lock().map_err(|_| anyhow::anyhow!("opening log poisoned"))?);
        // A task of its own: a reader that goes away mid-write cannot leave the others waiting.
        let store = self.clone();
        let written = tokio::spawn(async move {
            let result = store.write_openings(&batch).await;
            for q in batch {
                let _ = q.done.send(result.is_ok());
            }
            result
        })
        .await
        .map_err(|e| anyhow::anyhow!("opening log writer: {e}"))?;
        written?;
        match committed.await {
            Ok(true) => Ok(()),
            _ => Err(anyhow::anyhow!("opening not logged").into()),
        }
    }

    async fn write_openings(&self, batch: &[Queued]) -> Result<(), DbError> {
        let mut w = self.write().await?;
        for chunk in batch.chunks(ROWS_PER_INSERT) {
            let values = (0..chunk.len()).map(|i| format!("({})", (1..=7).map(|k| format!("${}", i * 7 + k)).collect::<Vec<_>>().join(", ")));
            let sql = format!("INSERT INTO audit_log (id, at, actor, action, entity, entity_id, after_json) VALUES {}", values.collect::<Vec<_>>().join(", "));
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(new_id())
                    .bind(r.at.clone())
                    .bind(r.actor.clone())
                    .bind(r.action.clone())
                    .bind(r.entity.clone())
                    .bind(r.entity_id.clone())
                    .bind(r.detail.clone());
            }
            q.execute(&mut *w.tx).await?;
        }
        w.commit().await
    }
}
