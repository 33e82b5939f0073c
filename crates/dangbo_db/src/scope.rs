//! How a caller's scope becomes SQL. Every query over organisations or members includes
//! [`ORG_IN_SCOPE`] (or [`MEMBER_IN_SCOPE`]) and binds [`ScopeArgs`] in the stated positions.

use crate::Caller;
use crate::auth::Role;

/// Binds $1 (all: 1; reading: 0; writing: 2) and $2 (path prefix pattern) against the
/// organisation aliased `o`. A reader also sees the ended organisations whose history their
/// subtree inherited (`heir_path`, `org_heirs`); a command never writes there.
pub(crate) const ORG_IN_SCOPE: &str = "($1 = 1 OR o.path LIKE $2 OR ($1 = 0 AND o.heir_path LIKE $2))";
/// As [`ORG_IN_SCOPE`], plus $3: a member may always see their own record (`m`).
pub(crate) const MEMBER_IN_SCOPE: &str = "($1 = 1 OR o.path LIKE $2 OR ($1 = 0 AND o.heir_path LIKE $2) OR m.id = $3)";

pub(crate) struct ScopeArgs {
    pub all: i64,
    pub prefix: String,
    pub self_id: String,
}

impl Caller {
    /// Whether the organisation at `path` is in the caller's own subtree, where they may write
    /// (not only read as an inherited predecessor, `org_heirs`).
    pub(crate) fn owns(&self, path: &str) -> bool {
        match (self.role, &self.scope_path) {
            (Role::Admin, _) => true,
            (Role::Member, _) | (_, None) => false,
            (_, Some(own)) => path.starts_with(own.as_str()),
        }
    }

    pub(crate) fn scope(&self) -> ScopeArgs {
        let self_id = self.member_id.clone().unwrap_or_default();
        match (self.role, &self.scope_path) {
            (Role::Admin, _) => ScopeArgs { all: 1, prefix: String::new(), self_id },
            // A member sees no organisation subtree, only their own record.
            (Role::Member, _) | (_, None) => ScopeArgs { all: 0, prefix: "\u{1}".into(), self_id },
            (_, Some(path)) => ScopeArgs { all: if self.writing { 2 } else { 0 }, prefix: format!("{path}%"), self_id },
        }
    }
}

/// The organisations that make up `$4`'s subtree on date `$5`, rebuilt from the dated spans.
/// Columns: id, kind, parent_id, name. Join it as `FROM sub CROSS JOIN t WHERE t.x = sub.id`:
/// SQLite keeps a cross join's order, and its newer planner (3.51) otherwise drives the join
/// from the other table — all 226,841 organisations of the nation for a branch's count
/// (1,013 ms against 8.8 ms; docs/benchmarks.md). PostgreSQL plans both forms alike.
pub(crate) const SUBTREE_AS_OF: &str = "WITH RECURSIVE sub(id, kind, parent_id, name) AS (
    SELECT s.org_id, s.kind, s.parent_id, s.name FROM org_span s
     WHERE s.org_id = $4 AND s.valid_from <= $5 AND (s.valid_to IS NULL OR s.valid_to > $5)
    UNION ALL
    SELECT s.org_id, s.kind, s.parent_id, s.name FROM org_span s JOIN sub ON s.parent_id = sub.id
     WHERE s.valid_from <= $5 AND (s.valid_to IS NULL OR s.valid_to > $5)
)";

/// Spans (`ms`) of the organisations of [`SUBTREE_AS_OF`]'s `sub`, as a condition rather than a
/// join: both planners then read the subtree first and the spans by `member_span_org`, instead
/// of misjudging the recursive CTE's size and scanning every span (EXPLAIN in
/// docs/benchmarks.md: 193 ms → 11 ms on SQLite for a grassroots organisation of a province).
pub(crate) const SPAN_IN_SUB: &str = "ms.org_id IN (SELECT id FROM sub)";

/// How a query finds the spans (`ms`, their organisation `o`) of a subtree on a date.
pub(crate) struct Subtree {
    /// The WITH clause the condition needs (empty for a path range).
    pub with: &'static str,
    /// A condition on `o` and `ms`, referring to two parameters that take [`Subtree::from`] and
    /// [`Subtree::to`].
    pub cond: String,
    pub from: String,
    pub to: String,
}

impl crate::Store {
    /// The spans of `root`'s subtree (`$4` is its id) on `$5`, with the path bounds as
    /// parameters `$n` and `$n+1`. When no organisation has changed place, name or existence
    /// after `as_of` (the usual case: today, or the end of last year), the tree then is today's
    /// and the subtree is the range of paths under the root's (`/` is followed by `0`), given as
    /// values: with values both planners estimate the range from their statistics (with
    /// subqueries for the bounds, PostgreSQL scanned all 226,841 organisations of the nation for
    /// a branch: 280 ms instead of 2.3 ms). Otherwise the tree is rebuilt from the dated spans.
    pub(crate) async fn subtree_sql(&self, as_of: chrono::NaiveDate, root_path: &str, n: usize) -> Result<Subtree, crate::DbError> {
        let last: Option<String> =
            sqlx::query_scalar("SELECT MAX(d) FROM (SELECT MAX(valid_from) AS d FROM org_span UNION ALL SELECT MAX(valid_to) AS d FROM org_span) t")
                .fetch_one(&self.pool)
                .await?;
        let from = root_path.to_string();
        let to = format!("{}0", root_path.strip_suffix('/').unwrap_or(root_path));
        let (with, cond) = if last.is_none_or(|l| l <= crate::rows::iso(as_of)) {
            ("", format!("o.path >= ${n} AND o.path < ${}", n + 1))
        } else {
            (SUBTREE_AS_OF, format!("{SPAN_IN_SUB} AND ${n} = ${n} AND ${m} = ${m}", m = n + 1))
        };
        Ok(Subtree { with, cond, from, to })
    }
}
