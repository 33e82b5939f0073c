//! The yearly inspection and supervision programme of an organisation: its items, each with
//! the cases opened under it and how many are closed (the progress). The programme is not
//! confidential — anyone of the scope reads it; the inspection commission, the committee's
//! office and a branch's secretary write their own.

use crate::command::Right;
use crate::orgs::org_in_tx;
use crate::rows::decoded;
use crate::{Action, Caller, DbError, Store, new_id, now};
use dangbo_core::discipline::{CaseKind, PlanItem};
use dangbo_core::fee::Month;
use serde::Serialize;
use sqlx::Row;

/// An item of the programme with its progress.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanItemRow {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: CaseKind,
    /// The organisation inspected or supervised (code, name), if not the plan's own.
    pub target: Option<(String, String)>,
    pub matter: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-03"))]
    pub from_month: Month,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-05"))]
    pub to_month: Month,
    pub team: String,
    /// Cases opened under the item, and those closed.
    pub cases: i64,
    pub closed: i64,
}

/// An organisation's programme for a year.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionPlan {
    pub org: String,
    pub org_name: String,
    pub year: i32,
    pub items: Vec<PlanItemRow>,
}

fn year_ok(year: i32) -> Result<(), DbError> {
    if (1930..=2100).contains(&year) { Ok(()) } else { Err(DbError::field("year", "err-number")) }
}

impl Store {
    /// The programme of `code` for `year`, items by their first month.
    #[tracing::instrument(skip_all)]
    pub async fn inspection_plan(&self, caller: &Caller, code: &str, year: i32) -> Result<InspectionPlan, DbError> {
        year_ok(year)?;
        let org = self.org(caller, code).await?;
        let mut tx = self.read().await?;
        let rows = sqlx::query(
            "SELECT i.id, i.kind, t.code AS target, t.name AS target_name, i.matter, i.from_month, i.to_month, i.team,
                    (SELECT COUNT(*) FROM discipline_case c WHERE c.plan_item_id = i.id) AS cases,
                    (SELECT COUNT(*) FROM discipline_case c WHERE c.plan_item_id = i.id AND c.closed_on IS NOT NULL) AS closed
             FROM inspection_plan_item i JOIN org o ON o.id = i.org_id LEFT JOIN org t ON t.id = i.target_org_id
             WHERE o.code = $1 AND i.year = $2 ORDER BY i.from_month, i.recorded_at",
        )
        .bind(&org.code)
        .bind(i64::from(year))
        .fetch_all(&mut *tx)
        .await?;
        tx.rollback().await?;
        let month = |s: String| Month::parse(&s).ok_or_else(|| DbError::Internal(anyhow::anyhow!("stored plan month {s}")));
        let items = rows
            .iter()
            .map(|r| {
                let target: Option<String> = r.try_get("target")?;
                Ok(PlanItemRow {
                    id: r.try_get("id")?,
                    kind: decoded(&r.try_get::<String, _>("kind")?, CaseKind::parse, "CaseKind")?,
                    target: match target {
                        Some(code) => Some((code, r.try_get("target_name")?)),
                        None => None,
                    },
                    matter: r.try_get("matter")?,
                    from_month: month(r.try_get("from_month")?)?,
                    to_month: month(r.try_get("to_month")?)?,
                    team: r.try_get("team")?,
                    cases: r.try_get("cases")?,
                    closed: r.try_get("closed")?,
                })
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        Ok(InspectionPlan { org: org.code, org_name: org.name, year, items })
    }

    /// Adds an item to the programme of `code` for `year`; its target is `code` itself or an
    /// organisation under it.
    #[tracing::instrument(skip_all)]
    pub async fn add_plan_item(&self, caller: &Caller, code: &str, year: i32, item: &PlanItem) -> Result<String, DbError> {
        year_ok(year)?;
        if !(caller.may(Action::Inspect) || caller.can_write()) {
            return Err(DbError::Forbidden);
        }
        self.command(caller, Right::Any, async |c| {
            let org = org_in_tx(&mut c.tx, c.caller, code).await?.ok_or(DbError::NotFound)?;
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inspection_plan_item WHERE org_id = $1 AND year = $2")
                .bind(&org.id)
                .bind(i64::from(year))
                .fetch_one(&mut *c.tx)
                .await?;
            if n as usize >= dangbo_core::discipline::MAX_PLAN_ITEMS {
                return Err(DbError::field("matter", "err-too-many"));
            }
            let target = match &item.target {
                None => None,
                Some(t) => {
                    let o = org_in_tx(&mut c.tx, c.caller, t).await?.filter(|o| o.path.starts_with(&org.path));
                    Some(o.ok_or_else(|| DbError::field("target_org", "err-org-unknown"))?.id)
                }
            };
            let id = new_id();
            sqlx::query(
                "INSERT INTO inspection_plan_item (id, org_id, year, kind, target_org_id, matter, from_month, to_month, team, recorded_by, recorded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&id)
            .bind(&org.id)
            .bind(i64::from(year))
            .bind(item.kind.as_str())
            .bind(&target)
            .bind(&item.matter)
            .bind(item.from.iso())
            .bind(item.to.iso())
            .bind(&item.team)
            .bind(&c.caller.username)
            .bind(now())
            .execute(&mut *c.tx)
            .await?;
            c.audit("inspection_plan.add", "org", &org.code, None, Some(serde_json::json!({"year": year, "kind": item.kind.as_str(), "matter": item.matter})))
                .await?;
            Ok(id)
        })
        .await
    }
}
