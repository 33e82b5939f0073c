//! The column mappings an import remembers: how a committee's headers are read next time.

use crate::command::Right;
use crate::{Caller, DbError, Store};

impl Store {
    /// The column mappings remembered from earlier imports for the caller's committee, then
    /// those an admin chose for everyone: (header key, field). Another committee's choices
    /// never apply.
    #[tracing::instrument(skip_all)]
    pub async fn import_mappings(&self, caller: &Caller) -> Result<Vec<(String, String)>, DbError> {
        let scope = mapping_scope(caller);
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT header, field, scope_org FROM import_mapping_scoped WHERE scope_org = $1 OR scope_org = '' ORDER BY header, scope_org DESC")
                .bind(scope)
                .fetch_all(&self.pool)
                .await?;
        let mut out: Vec<(String, String)> = Vec::with_capacity(rows.len());
        for (header, field, _) in rows {
            // The committee's own row sorts before the shared one of the same header.
            if out.last().is_none_or(|(h, _)| *h != header) {
                out.push((header, field));
            }
        }
        Ok(out)
    }

    /// Remembers, for the caller's committee, how columns with these headers are read (a later
    /// choice replaces an earlier one). At most [`MAX_MAPPINGS`] at once, headers of at most
    /// [`MAX_HEADER`] characters.
    #[tracing::instrument(skip_all)]
    pub async fn remember_mappings(&self, caller: &Caller, chosen: &[(String, String)]) -> Result<(), DbError> {
        if chosen.len() > MAX_MAPPINGS || chosen.iter().any(|(h, f)| h.chars().count() > MAX_HEADER || f.len() > MAX_HEADER) {
            return Err(DbError::field("mapping", "err-too-long"));
        }
        let scope = mapping_scope(caller);
        self.command(caller, Right::Write, async |c| {
            for (header, field) in chosen {
                sqlx::query("DELETE FROM import_mapping_scoped WHERE scope_org = $1 AND header = $2").bind(scope).bind(header).execute(&mut *c.tx).await?;
                sqlx::query("INSERT INTO import_mapping_scoped (scope_org, header, field, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(scope)
                    .bind(header)
                    .bind(field)
                    .bind(&caller.username)
                    .bind(crate::now())
                    .execute(&mut *c.tx)
                    .await?;
            }
            c.audit("import.mapping", "import_mapping", scope, None, Some(serde_json::json!(chosen))).await?;
            Ok(())
        })
        .await
    }
}

/// Mappings remembered in one choice.
pub const MAX_MAPPINGS: usize = 200;
/// The longest header or field name remembered.
pub const MAX_HEADER: usize = 200;

/// Whose list of remembered columns a caller reads and writes: their grant's organisation, or
/// '' (shared) for an admin.
fn mapping_scope(caller: &Caller) -> &str {
    if caller.is_admin() { "" } else { caller.org_code.as_deref().unwrap_or("") }
}
