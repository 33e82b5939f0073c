//! How a caller's scope becomes SQL. Every query over organisations or members includes
//! [`ORG_IN_SCOPE`] (or [`MEMBER_IN_SCOPE`]) and binds [`ScopeArgs`] in the stated positions.

use crate::Caller;
use crate::auth::Role;

/// Binds $1 (all: 1/0) and $2 (path prefix pattern) against the organisation aliased `o`.
pub(crate) const ORG_IN_SCOPE: &str = "($1 = 1 OR o.path LIKE $2)";
/// As [`ORG_IN_SCOPE`], plus $3: a member may always see their own record (`m`).
pub(crate) const MEMBER_IN_SCOPE: &str = "($1 = 1 OR o.path LIKE $2 OR m.id = $3)";

pub(crate) struct ScopeArgs {
    pub all: i64,
    pub prefix: String,
    pub self_id: String,
}

impl Caller {
    pub(crate) fn scope(&self) -> ScopeArgs {
        let self_id = self.member_id.clone().unwrap_or_default();
        match (self.role, &self.scope_path) {
            (Role::Admin, _) => ScopeArgs { all: 1, prefix: String::new(), self_id },
            // A member sees no organisation subtree, only their own record.
            (Role::Member, _) | (_, None) => ScopeArgs { all: 0, prefix: "\u{1}".into(), self_id },
            (_, Some(path)) => ScopeArgs { all: 0, prefix: format!("{path}%"), self_id },
        }
    }
}

/// The organisations that make up `$4`'s subtree on date `$5`, rebuilt from the dated spans.
/// Columns: id, kind, parent_id, name.
pub(crate) const SUBTREE_AS_OF: &str = "WITH RECURSIVE sub(id, kind, parent_id, name) AS (
    SELECT s.org_id, s.kind, s.parent_id, s.name FROM org_span s
     WHERE s.org_id = $4 AND s.valid_from <= $5 AND (s.valid_to IS NULL OR s.valid_to > $5)
    UNION ALL
    SELECT s.org_id, s.kind, s.parent_id, s.name FROM org_span s JOIN sub ON s.parent_id = sub.id
     WHERE s.valid_from <= $5 AND (s.valid_to IS NULL OR s.valid_to > $5)
)";

/// `$4`'s subtree as the tree stands now, as a condition on the organisation `o`: the range of
/// paths under `$4`'s path (`/` is followed by `0`). Both planners estimate a range of an
/// index; they misjudge the recursive CTE, and PostgreSQL then scans every span of the register
/// (a branch's page in a province: 1.1–1.6 s). Valid for a date only when the tree has not
/// changed since ([`crate::Store::subtree_sql`] decides).
pub(crate) const ORG_IN_SUB_NOW: &str = "o.path >= (SELECT r.path FROM org r WHERE r.id = $4)
    AND o.path < (SELECT substr(r.path, 1, length(r.path) - 1) || '0' FROM org r WHERE r.id = $4)";

/// Spans (`ms`) of the organisations of [`SUBTREE_AS_OF`]'s `sub`, as a condition rather than a
/// join: both planners then read the subtree first and the spans by `member_span_org`, instead
/// of misjudging the recursive CTE's size and scanning every span (EXPLAIN in
/// docs/benchmarks.md: 193 ms → 11 ms on SQLite for a grassroots organisation of a province).
pub(crate) const SPAN_IN_SUB: &str = "ms.org_id IN (SELECT id FROM sub)";

impl crate::Store {
    /// How a query finds the spans (`ms`, their organisation `o`) of `$4`'s subtree on `$5`:
    /// `(WITH clause, condition)`. When no organisation has changed place, name or existence
    /// after `as_of` (the usual case: today, or the end of last year), the tree then is today's
    /// and its paths give the subtree; otherwise the tree is rebuilt from the dated spans.
    pub(crate) async fn subtree_sql(&self, as_of: chrono::NaiveDate) -> Result<(&'static str, &'static str), crate::DbError> {
        let last: Option<String> =
            sqlx::query_scalar("SELECT MAX(d) FROM (SELECT MAX(valid_from) AS d FROM org_span UNION ALL SELECT MAX(valid_to) AS d FROM org_span) t")
                .fetch_one(&self.pool)
                .await?;
        Ok(if last.is_none_or(|l| l <= crate::rows::iso(as_of)) { ("", ORG_IN_SUB_NOW) } else { (SUBTREE_AS_OF, SPAN_IN_SUB) })
    }
}
