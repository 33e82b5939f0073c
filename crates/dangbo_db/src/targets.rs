//! Annual admission targets (chỉ tiêu kết nạp) per grassroots organisation, and the actual
//! admissions against them.

use crate::command::Right;
use crate::orgs::org_in_tx;
use crate::rows::iso;
use crate::scope::{ORG_IN_SCOPE, SUBTREE_AS_OF};
use crate::{Caller, DbError, Store, now};
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetRow {
    pub code: String,
    pub name: String,
    pub year: i32,
    /// None when no target was set.
    pub target: Option<i64>,
    pub actual: i64,
}

fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate), DbError> {
    match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(DbError::field("year", "err-choice")),
    }
}

impl Store {
    /// The grassroots organisations of `code`'s subtree at the end of `year`, each with its
    /// target and the admissions decided in that year under it.
    #[tracing::instrument(skip_all)]
    pub async fn admission_targets(&self, caller: &Caller, code: &str, year: i32) -> Result<Vec<TargetRow>, DbError> {
        let root = self.org(caller, code).await?;
        let (from, to) = year_bounds(year)?;
        let sql = format!(
            "{SUBTREE_AS_OF} SELECT o.code, sub.name, t.target FROM sub CROSS JOIN org o
             LEFT JOIN admission_target t ON t.org_id = sub.id AND t.year = $6
             WHERE o.id = sub.id AND sub.kind IN ('grassroots_committee', 'grassroots_branch') AND {ORG_IN_SCOPE} AND ($3 = $3)
             ORDER BY o.code"
        );
        let s = caller.scope();
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(String::new())
            .bind(&root.id)
            .bind(iso(to))
            .bind(year as i64)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let code: String = r.try_get("code")?;
            let actual = self.admissions(caller, &code, from, to).await?;
            out.push(TargetRow { code, name: r.try_get("name")?, year, target: r.try_get("target")?, actual });
        }
        Ok(out)
    }

    /// Sets (or with None clears) a grassroots organisation's target for a year. Committee
    /// staff and admins only.
    #[tracing::instrument(skip_all)]
    pub async fn put_admission_target(&self, caller: &Caller, code: &str, year: i32, target: Option<i64>) -> Result<(), DbError> {
        if !matches!(caller.role, crate::Role::Admin | crate::Role::Staff) {
            return Err(DbError::Forbidden);
        }
        year_bounds(year)?;
        if target.is_some_and(|t| !(0..=100_000).contains(&t)) {
            return Err(DbError::field("admission_target", "err-number"));
        }
        self.command(caller, Right::Any, async |c| {
            let org = org_in_tx(&mut c.tx, c.caller, code).await?.ok_or(DbError::NotFound)?;
            if !org.kind.is_grassroots() {
                return Err(DbError::field("org", "err-org-not-grassroots"));
            }
            let before: Option<i64> = sqlx::query_scalar("SELECT target FROM admission_target WHERE org_id = $1 AND year = $2")
                .bind(&org.id)
                .bind(year as i64)
                .fetch_optional(&mut *c.tx)
                .await?;
            sqlx::query("DELETE FROM admission_target WHERE org_id = $1 AND year = $2").bind(&org.id).bind(year as i64).execute(&mut *c.tx).await?;
            if let Some(t) = target {
                sqlx::query("INSERT INTO admission_target (org_id, year, target, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&org.id)
                    .bind(year as i64)
                    .bind(t)
                    .bind(&caller.username)
                    .bind(now())
                    .execute(&mut *c.tx)
                    .await?;
            }
            let id = format!("{}@{year}", org.code);
            c.audit("target.put", "admission_target", &id, before.map(|b| serde_json::json!(b)), target.map(|t| serde_json::json!(t))).await?;
            Ok(())
        })
        .await
    }
}
