//! Exemptions and reductions by decision: recorded by the member's grassroots organisation (the
//! one that decides them; a chi bộ cơ sở decides itself), read with the member's months.

use crate::command::Right;
use crate::members::member_visible;
use crate::orgs::org_in_tx;
use crate::rows::{date, decoded, iso};
use crate::{Caller, DbError, Store, new_id, now};
use dangbo_core::fee::Month;
use dangbo_core::fee::relief::{Relief, ReliefKind};
use dangbo_core::org::OrgKind;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// The most reliefs one member may hold (a reduction lasts a year at most: decades of them).
pub const MAX_RELIEFS: i64 = 100;

/// A recorded relief with the organisation that decided it.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReliefRow {
    pub id: String,
    #[serde(flatten)]
    pub relief: Relief,
    pub decided_by: String,
}

/// The reliefs of members, oldest first.
pub(crate) async fn reliefs_of(tx: &mut Transaction<'static, Any>, ids: &[String]) -> Result<HashMap<String, Vec<ReliefRow>>, DbError> {
    let mut out: HashMap<String, Vec<ReliefRow>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT r.id, r.member_id, r.kind, r.percent, r.from_month, r.to_month, r.decision_no, r.decision_date, o.name AS decided_by
             FROM fee_relief r JOIN org o ON o.id = r.decided_by WHERE r.member_id IN ({}) ORDER BY r.member_id, r.from_month, r.id",
            super::placeholders(chunk.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(id);
        }
        for r in q.fetch_all(&mut **tx).await? {
            let to: Option<String> = r.try_get("to_month")?;
            let relief = Relief {
                kind: decoded(&r.try_get::<String, _>("kind")?, ReliefKind::parse, "ReliefKind")?,
                percent: r.try_get("percent")?,
                from: decoded(&r.try_get::<String, _>("from_month")?, Month::parse, "Month")?,
                to: to.map(|t| decoded(&t, Month::parse, "Month")).transpose()?,
                decision_no: r.try_get("decision_no")?,
                decision_date: date(&r.try_get::<String, _>("decision_date")?)?,
            };
            out.entry(r.try_get("member_id")?).or_default().push(ReliefRow { id: r.try_get("id")?, relief, decided_by: r.try_get("decided_by")? });
        }
    }
    Ok(out)
}

/// The plain reliefs of a member's rows.
pub(crate) fn plain(rows: &[ReliefRow]) -> Vec<Relief> {
    rows.iter().map(|r| r.relief.clone()).collect()
}

/// The code of the organisation deciding a member's reliefs: the grassroots organisation (or
/// the commune's committee) their home branch belongs to.
async fn decider(tx: &mut Transaction<'static, Any>, member_id: &str) -> Result<Option<(String, String)>, DbError> {
    let mut at: Option<String> = sqlx::query_scalar("SELECT org_id FROM member WHERE id = $1").bind(member_id).fetch_optional(&mut **tx).await?;
    while let Some(id) = at {
        let r = sqlx::query("SELECT id, code, kind, parent_id FROM org WHERE id = $1").bind(&id).fetch_one(&mut **tx).await?;
        let kind = decoded(&r.try_get::<String, _>("kind")?, OrgKind::parse, "OrgKind")?;
        if kind.is_grassroots() || kind == OrgKind::Commune {
            return Ok(Some((r.try_get("id")?, r.try_get("code")?)));
        }
        at = r.try_get("parent_id")?;
    }
    Ok(None)
}

impl Store {
    /// Records an exemption or a reduction decided by the member's grassroots organisation,
    /// which must be in the caller's scope (a subordinate branch's secretary proposes it; the
    /// committee's staff record the decision).
    #[tracing::instrument(skip_all)]
    pub async fn add_fee_relief(&self, caller: &Caller, member_id: &str, relief: Relief) -> Result<String, DbError> {
        self.command(caller, Right::Write, async |c| {
            if !member_visible(&mut c.tx, c.caller, member_id).await? {
                return Err(DbError::NotFound);
            }
            let (org_id, code) = decider(&mut c.tx, member_id).await?.ok_or_else(|| DbError::field("decision_no", "err-fee-relief-decider"))?;
            if org_in_tx(&mut c.tx, c.caller, &code).await?.is_none() {
                return Err(DbError::field("decision_no", "err-fee-relief-decider"));
            }
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM fee_relief WHERE member_id = $1").bind(member_id).fetch_one(&mut *c.tx).await?;
            if n >= MAX_RELIEFS {
                return Err(DbError::field("from_month", "err-too-many"));
            }
            let id = new_id();
            crate::fee_stale::touch_members(&mut c.tx, &[member_id.to_string()]).await?;
            sqlx::query(
                "INSERT INTO fee_relief (id, member_id, kind, percent, from_month, to_month, decision_no, decision_date, decided_by, recorded_by, recorded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&id)
            .bind(member_id)
            .bind(relief.kind.as_str())
            .bind(relief.percent)
            .bind(relief.from.iso())
            .bind(relief.to.map(|t| t.iso()))
            .bind(&relief.decision_no)
            .bind(iso(relief.decision_date))
            .bind(&org_id)
            .bind(&c.caller.username)
            .bind(now())
            .execute(&mut *c.tx)
            .await?;
            c.audit("fee.relief", "member", member_id, None, Some(serde_json::to_value(&relief)?)).await?;
            Ok(id)
        })
        .await
    }
}
