//! Successors and their predecessors (issue 23 §8). When an organisation ends by merging into
//! another (or dissolving with its members sent to one), the receiving organisation's users
//! read its history — members, meetings, counts as of dates before the change — but write
//! nothing there. The store keeps, on each ended organisation, the path of the living
//! organisation that takes it over (`org.heir_path`), which the read scope matches
//! ([`crate::scope::ORG_IN_SCOPE`]); nobody sees into a subtree that was never theirs.
//! Below the tree's changes (`org_changes`), which call [`refresh`] after each.

use crate::orgs::{ORG_COLS, org_row};
use crate::scope::ORG_IN_SCOPE;
use crate::{Caller, DbError, Store};
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// How far a chain of heirs is followed (a cycle cannot arise from the tree's changes, which
/// only end living organisations into living ones; the bound keeps a damaged database finite).
const MAX_CHAIN: usize = 64;

struct Node {
    path: String,
    heir_id: Option<String>,
    heir_path: Option<String>,
    ended: bool,
}

/// Recomputes every ended organisation's `heir_path` from the heirs the events named and
/// today's paths, in the caller's transaction. Reads only the ended organisations and their
/// heirs (a few thousand at most, after the 2025 reorganisation of the nation).
pub(crate) async fn refresh(tx: &mut Transaction<'static, Any>) -> Result<(), DbError> {
    let rows = sqlx::query(
        "SELECT id, path, heir_id, heir_path, ended_on FROM org
          WHERE ended_on IS NOT NULL OR id IN (SELECT heir_id FROM org WHERE heir_id IS NOT NULL)",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut nodes = HashMap::new();
    for r in &rows {
        let ended: Option<String> = r.try_get("ended_on")?;
        let node = Node { path: r.try_get("path")?, heir_id: r.try_get("heir_id")?, heir_path: r.try_get("heir_path")?, ended: ended.is_some() };
        nodes.insert(r.try_get::<String, _>("id")?, node);
    }
    for (id, node) in &nodes {
        if !node.ended {
            continue;
        }
        let wanted = inheritor(&nodes, id).map(|h| nodes[h].path.clone());
        if wanted != node.heir_path {
            sqlx::query("UPDATE org SET heir_path = $1 WHERE id = $2").bind(&wanted).bind(id).execute(&mut **tx).await?;
        }
    }
    Ok(())
}

/// The organisation an ended one's history goes to: the heir its event named, else the heir of
/// the nearest ended organisation above it (the path's segments are the ancestors' ids); then
/// on while that one has ended and has an heir of its own.
fn inheritor<'a>(nodes: &'a HashMap<String, Node>, id: &'a str) -> Option<&'a str> {
    let mut found = None;
    let mut cur = id;
    for _ in 0..MAX_CHAIN {
        match direct_heir(nodes, cur) {
            Some(next) if nodes.contains_key(next) => {
                found = Some(next);
                if !nodes[next].ended {
                    break;
                }
                cur = next;
            }
            _ => break,
        }
    }
    found
}

fn direct_heir<'a>(nodes: &'a HashMap<String, Node>, id: &str) -> Option<&'a str> {
    let node = nodes.get(id)?;
    if let Some(h) = &node.heir_id {
        return Some(h);
    }
    node.path.trim_matches('/').rsplit('/').skip(1).filter_map(|a| nodes.get_key_value(a)).find_map(|(_, n)| n.ended.then_some(n.heir_id.as_deref()).flatten())
}

/// Fills `heir_id` from the recorded merges and dissolutions that name where the members went
/// (for a database from before the column), then the paths. Run at the start after a migration.
pub(crate) async fn backfill(store: &Store) -> Result<(), DbError> {
    store
        .upkeep("heirs of ended organisations filled from their events", async |tx| {
            let rows =
                sqlx::query("SELECT org_id, data FROM org_event WHERE kind IN ('merged', 'dissolved') ORDER BY effective_on").fetch_all(&mut **tx).await?;
            for r in &rows {
                let data: serde_json::Value = serde_json::from_str(&r.try_get::<String, _>("data")?)?;
                let Some(code) = data.get("into").or_else(|| data.get("members_to")).and_then(|v| v.as_str()) else {
                    continue;
                };
                sqlx::query("UPDATE org SET heir_id = (SELECT t.id FROM org t WHERE t.code = $1) WHERE id = $2 AND heir_id IS NULL")
                    .bind(code)
                    .bind(r.try_get::<String, _>("org_id")?)
                    .execute(&mut **tx)
                    .await?;
            }
            refresh(tx).await
        })
        .await
}

impl Store {
    /// The organisations that ended into `code` (merged into it, or dissolved with their members
    /// sent to it), whose history its users read: oldest ending first.
    #[tracing::instrument(skip_all)]
    pub async fn org_predecessors(&self, caller: &Caller, code: &str) -> Result<Vec<crate::OrgRow>, DbError> {
        let org = self.org(caller, code).await?;
        let s = caller.scope();
        let sql = format!(
            "SELECT {ORG_COLS} FROM org o LEFT JOIN org p ON p.id = o.parent_id WHERE o.heir_id = $3 AND {ORG_IN_SCOPE} ORDER BY o.ended_on, o.sort_key"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(&org.id).fetch_all(&self.pool).await?;
        rows.iter().map(org_row).collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::TestDb;
    use crate::{Caller, Store};
    use dangbo_core::org::{NewOrgInput, OrgEventInput};

    async fn org(s: &Store, code: &str, kind: &str, parent: Option<&str>) {
        let input = NewOrgInput {
            code: code.into(),
            name: code.into(),
            kind: kind.into(),
            field: "residential".into(),
            parent: parent.map(Into::into),
            founded_on: "2000-01-01".into(),
            ..Default::default()
        };
        s.create_org(&Caller::system(), input.parse(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).unwrap()).await.unwrap();
    }

    async fn heirs(s: &Store) -> Vec<(String, Option<String>, Option<String>)> {
        let sql = "SELECT o.code, h.code AS heir, o.heir_path FROM org o LEFT JOIN org h ON h.id = o.heir_id ORDER BY o.code";
        sqlx::query_as(sql).fetch_all(&s.pool).await.unwrap()
    }

    /// A database from before the heirs gets them from its recorded events, as the tree's
    /// changes would have set them.
    #[tokio::test]
    async fn the_heirs_of_an_older_database_come_from_its_events() {
        for db in TestDb::all().await {
            let s = &db.store;
            org(s, "P", "province", None).await;
            for (c, b) in [("C", "B"), ("D", "E")] {
                org(s, c, "grassroots_committee", Some("P")).await;
                org(s, b, "subordinate_branch", Some(c)).await;
            }
            let ev = |kind: &str, target: &str| OrgEventInput {
                kind: kind.into(),
                effective_on: "2020-01-01".into(),
                target: Some(target.into()),
                ..Default::default()
            };
            let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
            s.org_event(&Caller::system(), "B", ev("merged", "E").parse(today).unwrap()).await.unwrap();
            s.org_event(&Caller::system(), "C", ev("dissolved", "D").parse(today).unwrap()).await.unwrap();
            let set = heirs(s).await;
            let e_path: String = sqlx::query_scalar("SELECT path FROM org WHERE code = 'E'").fetch_one(&s.pool).await.unwrap();
            assert_eq!(set[0], ("B".into(), Some("E".into()), Some(e_path)), "{}", db.name);
            assert_eq!(set[1].1.as_deref(), Some("D"), "{}", db.name);
            sqlx::query("UPDATE org SET heir_id = NULL, heir_path = NULL").execute(&s.pool).await.unwrap();
            super::backfill(s).await.unwrap();
            assert_eq!(heirs(s).await, set, "{}", db.name);
            db.finish().await;
        }
    }
}
