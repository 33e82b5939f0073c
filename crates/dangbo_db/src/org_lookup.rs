//! Looking organisations up for documents and previews: names above a branch (not
//! confidential), and what a reorganisation would touch.

use crate::scope::ORG_IN_SCOPE;
use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

/// The most branches a form offers as a list; beyond it the form takes a code or a name.
pub const MAX_CHOICES: usize = 300;

impl Store {
    /// An organisation's name by code, whatever the scope (names are not confidential): what a
    /// transfer letter is addressed to.
    #[tracing::instrument(skip_all)]
    pub async fn org_name_by_code(&self, code: &str) -> Result<Option<String>, DbError> {
        Ok(sqlx::query_scalar("SELECT name FROM org WHERE code = $1").bind(code).fetch_optional(&self.pool).await?)
    }

    /// An organisation's name by its internal id (what an event's data names), whatever the
    /// scope, like [`Store::org_name_by_code`].
    #[tracing::instrument(skip_all)]
    pub async fn org_name_by_id(&self, id: &str) -> Result<Option<String>, DbError> {
        Ok(sqlx::query_scalar("SELECT name FROM org WHERE id = $1").bind(id).fetch_optional(&self.pool).await?)
    }

    /// The branches alive on `on` that a caller may pick in a form, by name: those in their
    /// scope, or (`wider`) those under the committee directly above it — where a transfer
    /// letter or a temporary attachment usually goes (names and codes are not confidential).
    /// At most [`MAX_CHOICES`]; more means the form asks for a code or a name instead.
    #[tracing::instrument(skip_all)]
    pub async fn branch_choices(&self, caller: &Caller, on: NaiveDate, wider: bool) -> Result<Vec<(String, String)>, DbError> {
        let s = caller.scope();
        let prefix = match (&caller.scope_path, wider, s.all) {
            (_, _, 1) => String::new(),
            (Some(path), true, _) => {
                // "/a/b/c/" → "/a/b/%": the parent's subtree.
                let trimmed = path.trim_end_matches('/');
                match trimmed.rsplit_once('/') {
                    Some((parent, _)) if !parent.is_empty() => format!("{parent}/%"),
                    _ => s.prefix.clone(),
                }
            }
            _ => s.prefix.clone(),
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT o.code, o.name FROM org o WHERE o.kind IN ('grassroots_branch', 'subordinate_branch') AND {ORG_IN_SCOPE}
               AND o.founded_on <= $3 AND (o.ended_on IS NULL OR o.ended_on > $3) ORDER BY o.sort_key, o.code LIMIT $4"
        )))
        .bind(s.all)
        .bind(&prefix)
        .bind(crate::rows::iso(on))
        .bind(MAX_CHOICES as i64 + 1)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("code")?, r.try_get("name")?))).collect()
    }

    /// Every organisation alive on `on` in the caller's scope, as a list filter offers them: in
    /// the tree's order (each under its parent, siblings by name), each with its depth below the
    /// caller's top. At most [`MAX_CHOICES`] + 1, so the caller can tell the list is too long.
    #[tracing::instrument(skip_all)]
    pub async fn org_choices(&self, caller: &Caller, on: NaiveDate) -> Result<Vec<OrgChoice>, DbError> {
        let s = caller.scope();
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT o.id, o.code, o.name, o.path, o.sort_key FROM org o WHERE {ORG_IN_SCOPE}
               AND o.founded_on <= $3 AND (o.ended_on IS NULL OR o.ended_on > $3) ORDER BY length(o.path), o.sort_key LIMIT $4"
        )))
        .bind(s.all)
        .bind(&s.prefix)
        .bind(crate::rows::iso(on))
        .bind(MAX_CHOICES as i64 + 1)
        .fetch_all(&self.pool)
        .await?;
        let mut found = Vec::with_capacity(rows.len());
        for r in &rows {
            let (id, path, key): (String, String, Vec<u8>) = (r.try_get("id")?, r.try_get("path")?, r.try_get("sort_key")?);
            found.push((id, path, key, OrgChoice { code: r.try_get("code")?, name: r.try_get("name")?, depth: 0 }));
        }
        Ok(tree_order(found))
    }

    /// The organisations above `code` (which must be in scope), top first: their codes and names
    /// are not confidential and head the documents a branch prints.
    #[tracing::instrument(skip_all)]
    pub async fn org_ancestors(&self, caller: &Caller, code: &str) -> Result<Vec<(String, String)>, DbError> {
        let org = self.org(caller, code).await?;
        let rows = sqlx::query("SELECT code, name FROM org WHERE $1 LIKE path || '%' AND id <> $2 ORDER BY length(path)")
            .bind(&org.path)
            .bind(&org.id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get("code")?, r.try_get("name")?))).collect()
    }
}

/// An organisation a list filter offers, with its depth below the top of the caller's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgChoice {
    pub code: String,
    pub name: String,
    pub depth: usize,
}

/// The sort keys (and ids, to part namesakes) of an organisation's chain from the top.
type Chain<'a> = Vec<(&'a [u8], &'a str)>;

/// Orders (id, path, sort key, choice) as the tree reads: each organisation after its parent,
/// siblings by their sort key (the name's collation key); depth counted from the shallowest.
fn tree_order(found: Vec<(String, String, Vec<u8>, OrgChoice)>) -> Vec<OrgChoice> {
    let keys: HashMap<&str, &[u8]> = found.iter().map(|(id, _, key, _)| (id.as_str(), key.as_slice())).collect();
    let segments = |path: &str| path.split('/').filter(|p| !p.is_empty()).count();
    let top = found.iter().map(|(_, path, _, _)| segments(path)).min().unwrap_or(0);
    let mut keyed: Vec<(Chain, OrgChoice)> = found
        .iter()
        .map(|(_, path, _, choice)| {
            let chain = path.split('/').filter(|p| !p.is_empty()).map(|id| (keys.get(id).copied().unwrap_or(&[]), id));
            (chain.collect(), OrgChoice { depth: segments(path) - top, ..choice.clone() })
        })
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, c)| c).collect()
}

/// What a change to an organisation touches: its members now, the probationary ones among them
/// (their recognition is pending) and the candidates in the pipeline.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReorgPreview {
    pub members: i64,
    pub probationary: Vec<crate::MemberItem>,
    pub candidates: Vec<crate::CandidateItem>,
}

impl Store {
    /// The preview shown before a reorganisation is recorded.
    #[tracing::instrument(skip_all)]
    pub async fn reorg_preview(&self, caller: &Caller, code: &str, today: NaiveDate) -> Result<ReorgPreview, DbError> {
        let members = self.summary(caller, code, today).await?.total();
        let f = crate::MemberFilter { org: Some(code.to_string()), status: Some(dangbo_core::member::Status::Probationary), limit: 500, ..Default::default() };
        let probationary = self.list_members(caller, &f, today).await?.items;
        let candidates = self.list_candidates(caller, Some(code), None, true, "").await?;
        Ok(ReorgPreview { members, probationary, candidates })
    }
}
