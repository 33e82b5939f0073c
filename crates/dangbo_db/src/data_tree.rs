//! The organisations a data workbook carries: the exported organisation's living subtree and
//! its superiors, closed over history — every organisation any of them was ever under, every
//! successor named and every predecessor that handed its history to one of them — each with
//! its periods. Names, kinds, codes and dates of
//! organisations, no member's file.

use crate::rows::{date, opt_date};
use crate::{Caller, DbError, Store};
use dangbo_core::org::{Field, OrgKind};
use dangbo_core::register::tree::{OrgData, SpanData};
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// Organisations read in one query.
const CHUNK: usize = 500;

/// The organisations of a data workbook, and the code of each by id (which the members' places
/// name).
#[derive(Debug, Clone, Default)]
pub struct DataTree {
    /// Oldest first (by founding day, then code).
    pub orgs: Vec<OrgData>,
    pub(crate) codes: HashMap<String, String>,
}

impl Store {
    /// The organisations of `code`'s data workbook, read once for the sheet and the members.
    #[tracing::instrument(skip_all)]
    pub async fn data_tree(&self, caller: &Caller, code: &str) -> Result<DataTree, DbError> {
        let org = self.org(caller, code).await?;
        let mut tx = self.read().await?;
        let mut todo: Vec<String> =
            sqlx::query_scalar("SELECT id FROM org WHERE path LIKE $1 AND ended_on IS NULL").bind(format!("{}%", org.path)).fetch_all(&mut *tx).await?;
        // The subtree and what it took over (predecessors, and what ended inside them): only
        // these bring their predecessors in, not the superiors (a province's merged districts
        // are no commune's history).
        let mut inside: HashSet<String> = todo.iter().cloned().collect();
        todo.extend(org.path.split('/').filter(|id| !id.is_empty() && *id != org.id).map(str::to_string));
        let mut known: HashSet<String> = todo.iter().cloned().collect();
        let mut out = Vec::new();
        let mut codes = HashMap::new();
        while !todo.is_empty() {
            let chunk: Vec<String> = todo.drain(..todo.len().min(CHUNK)).collect();
            let marks = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
            let sql =
                format!("SELECT o.id, o.code, o.field, o.heir_id, h.code AS heir_code FROM org o LEFT JOIN org h ON h.id = o.heir_id WHERE o.id IN ({marks})");
            let orgs = chunk.iter().fold(sqlx::query(sqlx::AssertSqlSafe(sql)), |q, id| q.bind(id.clone())).fetch_all(&mut *tx).await?;
            let asked: Vec<&String> = chunk.iter().filter(|id| inside.contains(*id)).collect();
            if !asked.is_empty() {
                let marks = (1..=asked.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
                let sql = format!("SELECT d.id FROM org p JOIN org d ON d.path LIKE (p.path || '%') WHERE p.heir_id IN ({marks}) AND d.ended_on IS NOT NULL");
                let before: Vec<String> =
                    asked.iter().fold(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)), |q, id| q.bind((*id).clone())).fetch_all(&mut *tx).await?;
                for p in before {
                    inside.insert(p.clone());
                    if known.insert(p.clone()) {
                        todo.push(p);
                    }
                }
            }
            let sql = format!(
                "SELECT s.org_id, s.name, s.kind, s.parent_id, p.code AS parent_code, s.valid_from, s.valid_to FROM org_span s LEFT JOIN org p ON p.id = s.parent_id
                 WHERE s.org_id IN ({marks}) ORDER BY s.org_id, s.valid_from"
            );
            let mut spans: HashMap<String, Vec<SpanData>> = HashMap::new();
            for r in chunk.iter().fold(sqlx::query(sqlx::AssertSqlSafe(sql)), |q, id| q.bind(id.clone())).fetch_all(&mut *tx).await? {
                if let Some(p) = r.try_get::<Option<String>, _>("parent_id")?
                    && known.insert(p.clone())
                {
                    todo.push(p);
                }
                let kind: String = r.try_get("kind")?;
                spans.entry(r.try_get("org_id")?).or_default().push(SpanData {
                    name: r.try_get("name")?,
                    kind: crate::rows::decoded(&kind, OrgKind::parse, "OrgKind")?,
                    parent: r.try_get("parent_code")?,
                    from: date(&r.try_get::<String, _>("valid_from")?)?,
                    to: opt_date(r.try_get("valid_to")?)?,
                });
            }
            for r in orgs {
                if let Some(h) = r.try_get::<Option<String>, _>("heir_id")?
                    && known.insert(h.clone())
                {
                    todo.push(h);
                }
                let (id, field): (String, String) = (r.try_get("id")?, r.try_get("field")?);
                let Some(spans) = spans.remove(&id) else { continue };
                let code: String = r.try_get("code")?;
                codes.insert(id, code.clone());
                out.push(OrgData {
                    code: r.try_get("code")?,
                    field: crate::rows::decoded(&field, Field::parse, "Field")?,
                    spans,
                    heir: r.try_get("heir_code")?,
                });
            }
        }
        tx.rollback().await?;
        out.sort_by(|a, b| (a.founded_on(), &a.code).cmp(&(b.founded_on(), &b.code)));
        Ok(DataTree { orgs: out, codes })
    }
}
