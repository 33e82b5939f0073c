//! What makes the kept fee sums (`fee_kept`, see `fees::kept`) stale: the version of every
//! organisation whose members' fees changed, and the epoch of all. Below every writer that
//! calls it (members, rules, the bulk writer, fees).

use crate::DbError;
use sqlx::{Any, Transaction};

/// The epoch's row in `fee_kept_version`.
pub(crate) const EPOCH: &str = "*";

const BUMP: &str = "ON CONFLICT (org_id) DO UPDATE SET version = fee_kept_version.version + 1";

/// Makes every kept row stale (a rule's change, fees written in bulk for a demo or a bench).
pub(crate) async fn touch_all(tx: &mut Transaction<'static, Any>) -> Result<(), DbError> {
    sqlx::query(sqlx::AssertSqlSafe(touch_all_sql())).execute(&mut **tx).await?;
    Ok(())
}

fn touch_all_sql() -> String {
    format!("INSERT INTO fee_kept_version (org_id, version) VALUES ('{EPOCH}', 1) {BUMP}")
}

/// The statement that makes stale the kept rows of organisations (at most a few hundred), for
/// writers with their own connection (a bulk write).
pub(crate) fn touch_orgs_sql(orgs: usize) -> String {
    let marks = (1..=orgs).map(|i| format!("(${i}, 1)")).collect::<Vec<_>>().join(", ");
    format!("INSERT INTO fee_kept_version (org_id, version) VALUES {marks} {BUMP}")
}

/// [`touch_members`]' statement for `n` members (at most a few hundred), for writers with
/// their own connection (a bulk write).
pub(crate) fn touch_members_sql(n: usize) -> String {
    // SQLite parses an upsert after a SELECT only when the SELECT has a WHERE clause. In the
    // organisations' order: two writers lock the rows they share in the same order (PostgreSQL).
    format!(
        "INSERT INTO fee_kept_version (org_id, version) SELECT DISTINCT org_id, 1 FROM member_span WHERE member_id IN ({}) ORDER BY org_id {BUMP}",
        (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
    )
}

/// Makes stale the kept rows of every organisation `members` were ever counted in: called with
/// their spans as they are before a change and again after it.
pub(crate) async fn touch_members(tx: &mut Transaction<'static, Any>, members: &[String]) -> Result<(), DbError> {
    for chunk in members.chunks(500) {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(touch_members_sql(chunk.len())));
        for id in chunk {
            q = q.bind(id);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}
