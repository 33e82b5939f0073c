//! What a subtree held on a date: its counts (the organisation page's figures) and its tree
//! with the members under each organisation.

use super::{OrgNode, Summary};
use crate::rows::{iso, opt_date};
use crate::scope::{MEMBER_IN_SCOPE, ORG_IN_SCOPE, SUBTREE_AS_OF};
use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use dangbo_core::org::OrgKind;
use sqlx::Row;
use std::collections::HashMap;

impl Store {
    /// Counts for `code`'s subtree as it stood on `as_of`.
    #[tracing::instrument(skip_all)]
    pub async fn summary(&self, caller: &Caller, code: &str, as_of: NaiveDate) -> Result<Summary, DbError> {
        let org = self.org(caller, code).await?;
        let s = caller.scope();
        let d = iso(as_of);
        let sql = format!(
            "{SUBTREE_AS_OF} SELECT COUNT(*) FROM sub CROSS JOIN org o
             WHERE o.id = sub.id AND sub.kind IN ('grassroots_branch', 'grassroots_committee') AND ($3 = $3) AND {ORG_IN_SCOPE}"
        );
        let grassroots_orgs: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(&s.self_id).bind(&org.id).bind(&d).fetch_one(&self.pool).await?;
        let sub = self.subtree_sql(as_of, &org.path, 6).await?;
        let sql = format!(
            "{with} SELECT ms.status, COUNT(*) AS n FROM member_span ms JOIN org o ON o.id = ms.org_id JOIN member m ON m.id = ms.member_id
             WHERE {cond} AND ms.valid_from <= $5 AND (ms.valid_to IS NULL OR ms.valid_to > $5) AND {MEMBER_IN_SCOPE} GROUP BY ms.status",
            with = sub.with,
            cond = sub.cond
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(&s.self_id)
            .bind(&org.id)
            .bind(&d)
            .bind(&sub.from)
            .bind(&sub.to)
            .fetch_all(&self.pool)
            .await?;
        let mut by: HashMap<String, i64> = HashMap::new();
        for r in &rows {
            by.insert(r.try_get("status")?, r.try_get("n")?);
        }
        let get = |k: &str| by.get(k).copied().unwrap_or(0);
        Ok(Summary {
            name: self.org_name_on(&org.id, as_of).await?.unwrap_or(org.name.clone()),
            code: org.code,
            as_of,
            grassroots_orgs,
            probationary: get("probationary"),
            full: get("full") + get("exempt"),
            exempt: get("exempt"),
        })
    }

    /// The name an organisation had on a date, if it existed then.
    #[tracing::instrument(skip_all)]
    pub async fn org_name_on(&self, org_id: &str, on: NaiveDate) -> Result<Option<String>, DbError> {
        let name = sqlx::query_scalar("SELECT name FROM org_span WHERE org_id = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)")
            .bind(org_id)
            .bind(iso(on))
            .fetch_optional(&self.pool)
            .await?;
        Ok(name)
    }

    /// The subtree of `code` as it stood on `as_of`, depth-first, with member counts per subtree.
    #[tracing::instrument(skip_all)]
    pub async fn org_tree(&self, caller: &Caller, code: &str, as_of: NaiveDate) -> Result<Vec<OrgNode>, DbError> {
        let root = self.org(caller, code).await?;
        let s = caller.scope();
        let d = iso(as_of);
        let count =
            "(SELECT COUNT(*) FROM member_span ms WHERE ms.org_id = o.id AND ms.valid_from <= $5 AND (ms.valid_to IS NULL OR ms.valid_to > $5)) AS members";
        let sub = self.subtree_sql(as_of, &root.path, 6).await?;
        // When no organisation changed after the date, the tree then is today's: the range of
        // paths under the root, each organisation's state on the date from its span. The
        // recursive walk is kept for earlier dates (on PostgreSQL it hashed every span of the
        // province against each level: 20–31 ms of every organisation page under load).
        let sql = match sub.with {
            "" => format!(
                "SELECT o.id, o.parent_id, s.name, s.kind, o.code, o.ended_on, {count}
                 FROM org o CROSS JOIN org_span s
                 WHERE s.org_id = o.id AND o.path >= $6 AND o.path < $7 AND s.valid_from <= $5 AND (s.valid_to IS NULL OR s.valid_to > $5)
                   AND ($3 = $3 AND $4 = $4) AND {ORG_IN_SCOPE} ORDER BY o.sort_key"
            ),
            _ => format!(
                "{SUBTREE_AS_OF} SELECT sub.id, sub.parent_id, sub.name, sub.kind, o.code, o.ended_on, {count}
                 FROM sub CROSS JOIN org o WHERE o.id = sub.id AND ($3 = $3 AND $6 = $6 AND $7 = $7) AND {ORG_IN_SCOPE} ORDER BY o.sort_key"
            ),
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(&s.self_id)
            .bind(&root.id)
            .bind(&d)
            .bind(&sub.from)
            .bind(&sub.to)
            .fetch_all(&self.pool)
            .await?;
        let mut nodes = Vec::with_capacity(rows.len());
        for r in &rows {
            let kind: String = r.try_get("kind")?;
            let node = OrgNode {
                name: r.try_get("name")?,
                kind: crate::rows::decoded(&kind, OrgKind::parse, "OrgKind")?,
                code: r.try_get("code")?,
                ended_on: opt_date(r.try_get("ended_on")?)?,
                members: r.try_get("members")?,
                depth: 0,
            };
            nodes.push((r.try_get("id")?, r.try_get("parent_id")?, node));
        }
        Ok(flatten_tree(&root.id, nodes))
    }
}

fn flatten_tree(root: &str, nodes: Vec<(String, Option<String>, OrgNode)>) -> Vec<OrgNode> {
    let mut children: HashMap<Option<String>, Vec<usize>> = HashMap::new();
    let mut root_idx = None;
    for (i, (id, parent, _)) in nodes.iter().enumerate() {
        if id == root {
            root_idx = Some(i);
        } else {
            children.entry(parent.clone()).or_default().push(i);
        }
    }
    let ids: Vec<String> = nodes.iter().map(|n| n.0.clone()).collect();
    // Subtree totals, bottom-up.
    fn total(i: usize, ids: &[String], nodes: &mut [(String, Option<String>, OrgNode)], children: &HashMap<Option<String>, Vec<usize>>) -> i64 {
        let kids = children.get(&Some(ids[i].clone())).cloned().unwrap_or_default();
        let sum: i64 = kids.iter().map(|&k| total(k, ids, nodes, children)).sum();
        nodes[i].2.members += sum;
        nodes[i].2.members
    }
    let mut nodes = nodes;
    let mut out = Vec::with_capacity(nodes.len());
    let Some(r) = root_idx else { return out };
    total(r, &ids, &mut nodes, &children);
    let mut stack = vec![(r, 0usize)];
    while let Some((i, depth)) = stack.pop() {
        let mut node = nodes[i].2.clone();
        node.depth = depth;
        out.push(node);
        if let Some(kids) = children.get(&Some(ids[i].clone())) {
            for &k in kids.iter().rev() {
                stack.push((k, depth + 1));
            }
        }
    }
    out
}
