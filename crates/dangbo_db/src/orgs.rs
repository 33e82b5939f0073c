//! Organisations: the current tree, the tree as of a date, counts, and founding. The changes that
//! move members (rename, move, merge, dissolve) sit above the register, in `org_changes`.

use crate::command::Right;
use crate::rows::{date, iso, opt_date};
use crate::scope::ORG_IN_SCOPE;
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::org::{Basis, NewOrg, OrgKind};
use dangbo_core::text;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

mod counts;

/// An organisation as it stands now.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgRow {
    #[serde(skip)]
    pub id: String,
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: OrgKind,
    pub field: String,
    pub parent: Option<String>,
    pub founded_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    #[serde(skip)]
    pub(crate) path: String,
}

pub(crate) const ORG_COLS: &str = "o.id, o.code, o.name, o.kind, o.field, p.code AS parent_code, o.founded_on, o.ended_on, o.path";

/// An organisation from [`ORG_COLS`], read by name.
pub(crate) fn org_row(r: &AnyRow) -> Result<OrgRow, DbError> {
    Ok(OrgRow {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        kind: crate::rows::decoded(&r.try_get::<String, _>("kind")?, OrgKind::parse, "OrgKind")?,
        field: r.try_get("field")?,
        parent: r.try_get("parent_code")?,
        founded_on: date(&r.try_get::<String, _>("founded_on")?)?,
        ended_on: opt_date(r.try_get("ended_on")?)?,
        path: r.try_get("path")?,
    })
}

/// Counts for one organisation's subtree on one date.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    pub code: String,
    pub name: String,
    pub as_of: NaiveDate,
    /// Chi bộ cơ sở + đảng bộ cơ sở in the subtree on that date.
    pub grassroots_orgs: i64,
    pub probationary: i64,
    /// Full members, including those exempt from work and activities.
    pub full: i64,
    pub exempt: i64,
}

impl Summary {
    /// Đảng số: probationary + full members.
    pub fn total(&self) -> i64 {
        self.probationary + self.full
    }
}

/// One node of the tree as of a date, with its subtree's member count.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgNode {
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: OrgKind,
    pub depth: usize,
    pub members: i64,
    pub ended_on: Option<NaiveDate>,
}

/// One entry of an organisation's history.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgHistoryRow {
    pub kind: String,
    pub effective_on: NaiveDate,
    pub decision_no: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub issuer: Option<String>,
    pub data: serde_json::Value,
    pub recorded_at: String,
    pub recorded_by: String,
}

impl Store {
    /// One organisation in the caller's scope (out of scope is NotFound).
    #[tracing::instrument(skip_all)]
    pub async fn org(&self, caller: &Caller, code: &str) -> Result<OrgRow, DbError> {
        let s = caller.scope();
        let sql = format!("SELECT {ORG_COLS} FROM org o LEFT JOIN org p ON p.id = o.parent_id WHERE o.code = $3 AND {ORG_IN_SCOPE}");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(code.trim().to_ascii_uppercase()).fetch_optional(&self.pool).await?;
        row.as_ref().map(org_row).transpose()?.ok_or(DbError::NotFound)
    }

    /// The top of the caller's scope: roots of the whole tree for an admin, else the granted
    /// organisation.
    #[tracing::instrument(skip_all)]
    pub async fn org_roots(&self, caller: &Caller) -> Result<Vec<OrgRow>, DbError> {
        // A member sees their own record, no organisation.
        if caller.role == crate::Role::Member {
            return Ok(vec![]);
        }
        if let (false, Some(code)) = (caller.is_admin(), &caller.org_code) {
            return Ok(vec![self.org(caller, code).await?]);
        }
        if !caller.is_admin() {
            return Ok(vec![]);
        }
        let sql = format!("SELECT {ORG_COLS} FROM org o LEFT JOIN org p ON p.id = o.parent_id WHERE o.parent_id IS NULL ORDER BY o.sort_key");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(org_row).collect()
    }

    /// The organisations directly under `code` on `as_of`, in the caller's scope.
    #[tracing::instrument(skip_all)]
    pub async fn org_children(&self, caller: &Caller, code: &str, as_of: NaiveDate) -> Result<Vec<OrgRow>, DbError> {
        let parent = self.org(caller, code).await?;
        let s = caller.scope();
        let sql = format!(
            "SELECT {ORG_COLS} FROM org_span sp JOIN org o ON o.id = sp.org_id LEFT JOIN org p ON p.id = sp.parent_id
             WHERE sp.parent_id = $3 AND sp.valid_from <= $4 AND (sp.valid_to IS NULL OR sp.valid_to > $4) AND {ORG_IN_SCOPE}
             ORDER BY o.sort_key"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(&parent.id).bind(iso(as_of)).fetch_all(&self.pool).await?;
        rows.iter().map(org_row).collect()
    }

    /// What happened to an organisation, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn org_history(&self, caller: &Caller, code: &str) -> Result<Vec<OrgHistoryRow>, DbError> {
        let org = self.org(caller, code).await?;
        let rows = sqlx::query("SELECT kind, effective_on, decision_no, decision_date, issuer, data, recorded_at, recorded_by FROM org_event WHERE org_id = $1 ORDER BY effective_on, recorded_at")
            .bind(&org.id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let data: String = r.try_get("data")?;
                Ok(OrgHistoryRow {
                    kind: r.try_get("kind")?,
                    effective_on: date(&r.try_get::<String, _>("effective_on")?)?,
                    decision_no: r.try_get("decision_no")?,
                    decision_date: opt_date(r.try_get("decision_date")?)?,
                    issuer: r.try_get("issuer")?,
                    data: serde_json::from_str(&data)?,
                    recorded_at: r.try_get("recorded_at")?,
                    recorded_by: r.try_get("recorded_by")?,
                })
            })
            .collect()
    }

    /// Founds an organisation under a parent in the caller's scope (admins may found roots).
    #[tracing::instrument(skip_all)]
    pub async fn create_org(&self, caller: &Caller, new: NewOrg) -> Result<OrgRow, DbError> {
        self.command(caller, Right::Committee, async |c| {
            let row = create_org_tx(c, &new).await?;
            Ok(row)
        })
        .await
    }
}

/// Finds an organisation by code inside a transaction, limited to the caller's scope.
pub(crate) async fn org_in_tx(tx: &mut Transaction<'static, Any>, caller: &Caller, code: &str) -> Result<Option<OrgRow>, DbError> {
    let s = caller.scope();
    let sql = format!("SELECT {ORG_COLS} FROM org o LEFT JOIN org p ON p.id = o.parent_id WHERE o.code = $3 AND {ORG_IN_SCOPE}");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(code).fetch_optional(&mut **tx).await?;
    row.as_ref().map(org_row).transpose()
}

/// An organisation by code, whatever the caller's scope (for naming the receiver of a transfer).
pub(crate) async fn org_any(tx: &mut Transaction<'static, Any>, code: &str) -> Result<Option<OrgRow>, DbError> {
    let sql = format!("SELECT {ORG_COLS} FROM org o LEFT JOIN org p ON p.id = o.parent_id WHERE o.code = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(code).fetch_optional(&mut **tx).await?;
    row.as_ref().map(org_row).transpose()
}

/// Whether the organisation existed (had a span) on `on`.
pub(crate) async fn alive_on(tx: &mut Transaction<'static, Any>, org_id: &str, on: NaiveDate) -> Result<bool, DbError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_span WHERE org_id = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)")
        .bind(org_id)
        .bind(iso(on))
        .fetch_one(&mut **tx)
        .await?;
    Ok(n > 0)
}

pub(crate) fn parent_allowed(parent: OrgKind, child: OrgKind) -> bool {
    match child {
        _ if parent.holds_members() => false,
        OrgKind::SubordinateBranch => matches!(parent, OrgKind::GrassrootsCommittee | OrgKind::PartialCommittee | OrgKind::Commune),
        OrgKind::PartialCommittee => parent == OrgKind::GrassrootsCommittee,
        _ => true,
    }
}

pub(crate) async fn create_org_tx(c: &mut crate::command::Cmd<'_>, new: &NewOrg) -> Result<OrgRow, DbError> {
    let caller = c.caller;
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org WHERE code = $1").bind(new.code.as_str()).fetch_one(&mut *c.tx).await?;
    if taken > 0 {
        return Err(DbError::field("code", "err-org-code-taken"));
    }
    let parent = match &new.parent {
        None if caller.is_admin() => None,
        None => return Err(DbError::field("parent", "err-required")),
        Some(code) => {
            let p = org_in_tx(&mut c.tx, c.caller, code.as_str()).await?.ok_or_else(|| DbError::field("parent", "err-org-unknown"))?;
            if p.ended_on.is_some() || !alive_on(&mut c.tx, &p.id, new.founded_on).await? {
                return Err(DbError::field("parent", "err-org-not-alive"));
            }
            if !parent_allowed(p.kind, new.kind) {
                return Err(DbError::field("parent", "err-org-parent-kind"));
            }
            Some(p)
        }
    };
    let id = new_id();
    let path = format!("{}{id}/", parent.as_ref().map(|p| p.path.as_str()).unwrap_or("/"));
    let parent_id = parent.as_ref().map(|p| p.id.clone());
    sqlx::query(
        "INSERT INTO org (id, code, name, kind, field, parent_id, path, founded_on, ended_on, sort_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9)",
    )
    .bind(&id)
    .bind(new.code.as_str())
    .bind(&new.name)
    .bind(new.kind.as_str())
    .bind(new.field.as_str())
    .bind(&parent_id)
    .bind(&path)
    .bind(iso(new.founded_on))
    .bind(text::name_sort_key("", "", &new.name))
    .execute(&mut *c.tx)
    .await?;
    sqlx::query("INSERT INTO org_span (org_id, parent_id, name, kind, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5, NULL)")
        .bind(&id)
        .bind(&parent_id)
        .bind(&new.name)
        .bind(new.kind.as_str())
        .bind(iso(new.founded_on))
        .execute(&mut *c.tx)
        .await?;
    let source = match &new.split_from {
        None => None,
        Some(code) => {
            let s = org_in_tx(&mut c.tx, c.caller, code.as_str()).await?.ok_or_else(|| DbError::field("split_from", "err-org-unknown"))?;
            if s.ended_on.is_some() || !alive_on(&mut c.tx, &s.id, new.founded_on).await? {
                return Err(DbError::field("split_from", "err-org-not-alive"));
            }
            Some(s)
        }
    };
    let data = serde_json::json!({"code": new.code.as_str(), "name": new.name, "type": new.kind.as_str(), "field": new.field.as_str(), "parent": new.parent.as_ref().map(|c| c.as_str()), "split_from": source.as_ref().map(|s| s.code.clone())});
    insert_org_event(&mut c.tx, c.caller, &id, "founded", new.founded_on, &new.basis, &data).await?;
    if let Some(s) = &source {
        // Chia tách: the source records the new organisation; its members move by their own
        // transfer events (or when the source is dissolved into the new one).
        insert_org_event(&mut c.tx, c.caller, &s.id, "split", new.founded_on, &new.basis, &serde_json::json!({"into": new.code.as_str()})).await?;
        c.audit("org.split", "org", &s.id, None, Some(serde_json::json!({"into": new.code.as_str()}))).await?;
    }
    c.audit("org.found", "org", &id, None, Some(data)).await?;
    let row = OrgRow {
        id,
        code: new.code.as_str().to_string(),
        name: new.name.clone(),
        kind: new.kind,
        field: new.field.as_str().to_string(),
        parent: new.parent.as_ref().map(|c| c.as_str().to_string()),
        founded_on: new.founded_on,
        ended_on: None,
        path,
    };
    Ok(row)
}

pub(crate) async fn insert_org_event(
    tx: &mut Transaction<'static, Any>,
    caller: &Caller,
    org_id: &str,
    kind: &str,
    on: NaiveDate,
    basis: &Basis,
    data: &serde_json::Value,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO org_event (id, org_id, kind, effective_on, decision_no, decision_date, issuer, data, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(new_id())
        .bind(org_id)
        .bind(kind)
        .bind(iso(on))
        .bind(&basis.decision_no)
        .bind(basis.decision_date.map(iso))
        .bind(&basis.issuer)
        .bind(data.to_string())
        .bind(now())
        .bind(&caller.username)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
