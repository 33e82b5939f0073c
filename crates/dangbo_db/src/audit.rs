//! The audit log: every write and every opening of a member's full record, written in the same
//! transaction as the change it describes.

use crate::{Caller, DbError, Store, new_id, now};
use sqlx::{Any, Row, Transaction};

pub(crate) async fn record(
    tx: &mut Transaction<'static, Any>,
    actor: &Caller,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO audit_log (id, at, actor, action, entity, entity_id, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(new_id())
        .bind(now())
        .bind(&actor.username)
        .bind(action)
        .bind(entity)
        .bind(entity_id)
        .bind(before.map(|v| v.to_string()))
        .bind(after.map(|v| v.to_string()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One audit entry.
#[derive(Debug, Clone, serde::Serialize)]
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
    pub async fn audit_log(&self, caller: &Caller, entity_id: Option<&str>, limit: i64) -> Result<Vec<AuditRow>, DbError> {
        if !caller.is_admin() {
            return Err(DbError::Forbidden);
        }
        let rows = sqlx::query(
            "SELECT at, actor, action, entity, entity_id, before_json, after_json FROM audit_log WHERE ($1 = '' OR entity_id = $1) ORDER BY id DESC LIMIT $2",
        )
        .bind(entity_id.unwrap_or(""))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRow {
                    at: r.try_get(0)?,
                    actor: r.try_get(1)?,
                    action: r.try_get(2)?,
                    entity: r.try_get(3)?,
                    entity_id: r.try_get(4)?,
                    before: r.try_get(5)?,
                    after: r.try_get(6)?,
                })
            })
            .collect()
    }
}
