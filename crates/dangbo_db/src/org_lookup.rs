//! Looking organisations up for documents and previews: names above a branch (not
//! confidential), and what a reorganisation would touch.

use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;

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
        let rows = sqlx::query(
            "SELECT o.code, o.name FROM org o WHERE o.kind IN ('grassroots_branch', 'subordinate_branch') AND ($1 = 1 OR o.path LIKE $2)
               AND o.founded_on <= $3 AND (o.ended_on IS NULL OR o.ended_on > $3) ORDER BY o.sort_key, o.code LIMIT $4",
        )
        .bind(s.all)
        .bind(&prefix)
        .bind(crate::rows::iso(on))
        .bind(MAX_CHOICES as i64 + 1)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("code")?, r.try_get("name")?))).collect()
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
