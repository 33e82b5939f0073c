//! The changes of an organisation after its founding — rename, move, merge, dissolve — with
//! the members and candidates they move, in the same command. Above the register (`members`,
//! `candidates`) and the tree (`orgs`), which do not call back up.

use crate::command::Right;
use crate::orgs::{OrgRow, alive_on, insert_org_event, org_in_tx, parent_allowed};
use crate::rows::{iso, opt_date};
use crate::{Caller, DbError, Store, members};
use chrono::NaiveDate;
use dangbo_core::org::{OrgChange, OrgEvent};
use dangbo_core::text;
use sqlx::{Any, Transaction};

impl Store {
    /// Records a rename, move, merge or dissolution, with its members moved in the same
    /// transaction where the change requires it.
    #[tracing::instrument(skip_all)]
    pub async fn org_event(&self, caller: &Caller, code: &str, ev: OrgEvent) -> Result<OrgRow, DbError> {
        let org = self.org(caller, code).await?;
        self.command(caller, Right::Committee, async |c| apply_org_event(c, &org, &ev).await).await?;
        self.org(caller, code).await
    }
}

/// The open span's start; a change may not be dated before it.
async fn open_span_from(tx: &mut Transaction<'static, Any>, org_id: &str) -> Result<Option<NaiveDate>, DbError> {
    let from: Option<String> =
        sqlx::query_scalar("SELECT valid_from FROM org_span WHERE org_id = $1 AND valid_to IS NULL").bind(org_id).fetch_optional(&mut **tx).await?;
    opt_date(from)
}

/// Closes the open span at `on` and opens a new one with the given parent and name (or none,
/// when the organisation ends). A change on the open span's first day edits it in place.
async fn change_span(tx: &mut Transaction<'static, Any>, org: &OrgRow, on: NaiveDate, next: Option<(Option<String>, String)>) -> Result<(), DbError> {
    let from = open_span_from(tx, &org.id).await?.ok_or_else(|| DbError::field("type", "err-org-ended"))?;
    if on < from {
        return Err(DbError::field("effective_on", "err-date-before-last-change"));
    }
    let counted = crate::tally::moving(tx, &org.id, &org.path, on).await?;
    if on == from {
        sqlx::query("DELETE FROM org_span WHERE org_id = $1 AND valid_from = $2").bind(&org.id).bind(iso(from)).execute(&mut **tx).await?;
    } else {
        sqlx::query("UPDATE org_span SET valid_to = $1 WHERE org_id = $2 AND valid_to IS NULL").bind(iso(on)).bind(&org.id).execute(&mut **tx).await?;
    }
    if let Some((parent_id, name)) = next {
        sqlx::query("INSERT INTO org_span (org_id, parent_id, name, kind, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5, NULL)")
            .bind(&org.id)
            .bind(parent_id)
            .bind(name)
            .bind(org.kind.as_str())
            .bind(iso(on))
            .execute(&mut **tx)
            .await?;
    }
    crate::tally::moved(tx, &org.id, &org.path, on, counted).await
}

pub(crate) async fn apply_org_event(c: &mut crate::command::Cmd<'_>, org: &OrgRow, ev: &OrgEvent) -> Result<(), DbError> {
    if org.ended_on.is_some() {
        return Err(DbError::field("type", "err-org-ended"));
    }
    let parent_id: Option<String> = sqlx::query_scalar("SELECT parent_id FROM org WHERE id = $1").bind(&org.id).fetch_one(&mut *c.tx).await?;
    let before = serde_json::to_value(org)?;
    let (kind, data) = match &ev.change {
        OrgChange::Rename(name) => {
            change_span(&mut c.tx, org, ev.effective_on, Some((parent_id, name.clone()))).await?;
            sqlx::query("UPDATE org SET name = $1, sort_key = $2 WHERE id = $3")
                .bind(name)
                .bind(text::name_sort_key("", "", name))
                .bind(&org.id)
                .execute(&mut *c.tx)
                .await?;
            ("renamed", serde_json::json!({"from": org.name, "to": name}))
        }
        OrgChange::Move(code) => {
            let p = org_in_tx(&mut c.tx, c.caller, code.as_str()).await?.ok_or_else(|| DbError::field("parent", "err-org-unknown"))?;
            if p.path.starts_with(&org.path) {
                return Err(DbError::field("parent", "err-org-cycle"));
            }
            if p.ended_on.is_some() || !alive_on(&mut c.tx, &p.id, ev.effective_on).await? {
                return Err(DbError::field("parent", "err-org-not-alive"));
            }
            if !parent_allowed(p.kind, org.kind) {
                return Err(DbError::field("parent", "err-org-parent-kind"));
            }
            change_span(&mut c.tx, org, ev.effective_on, Some((Some(p.id.clone()), org.name.clone()))).await?;
            let new_path = format!("{}{}/", p.path, org.id);
            sqlx::query("UPDATE org SET path = $1 || substr(path, CAST($2 AS INTEGER)) WHERE path LIKE $3")
                .bind(&new_path)
                .bind(org.path.len() as i64 + 1)
                .bind(format!("{}%", org.path))
                .execute(&mut *c.tx)
                .await?;
            sqlx::query("UPDATE org SET parent_id = $1 WHERE id = $2").bind(&p.id).bind(&org.id).execute(&mut *c.tx).await?;
            crate::members::repath_words(&mut c.tx, &new_path).await?;
            ("moved", serde_json::json!({"from": org.parent, "to": p.code}))
        }
        OrgChange::Merge(code) => {
            let target = end_org(c, org, ev, Some(code.as_str())).await?;
            ("merged", serde_json::json!({"into": target}))
        }
        OrgChange::Dissolve(code) => {
            let target = end_org(c, org, ev, code.as_ref().map(|c| c.as_str())).await?;
            ("dissolved", serde_json::json!({"members_to": target}))
        }
    };
    insert_org_event(&mut c.tx, c.caller, &org.id, kind, ev.effective_on, &ev.basis, &data).await?;
    // A move changes paths, an ending names an heir: who takes over what is recomputed.
    crate::org_heirs::refresh(&mut c.tx).await?;
    c.audit(&format!("org.{kind}"), "org", &org.id, Some(before), Some(data)).await?;
    Ok(())
}

/// Ends an organisation on the event's date, moving its members to `target` first. Refuses
/// while it still has sub-organisations, or members and nowhere to move them.
async fn end_org(c: &mut crate::command::Cmd<'_>, org: &OrgRow, ev: &OrgEvent, target: Option<&str>) -> Result<Option<String>, DbError> {
    let kids: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org WHERE parent_id = $1 AND ended_on IS NULL").bind(&org.id).fetch_one(&mut *c.tx).await?;
    if kids > 0 {
        return Err(DbError::field("type", "err-org-has-children"));
    }
    let on = ev.effective_on;
    let members: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT member_id FROM member_span WHERE org_id = $1 AND (valid_to IS NULL OR valid_to > $2) ORDER BY member_id")
            .bind(&org.id)
            .bind(iso(on))
            .fetch_all(&mut *c.tx)
            .await?;
    let target_row = match target {
        None => None,
        Some(code) => {
            let t = org_in_tx(&mut c.tx, c.caller, code).await?.ok_or_else(|| DbError::field("target", "err-org-unknown"))?;
            if t.id == org.id {
                return Err(DbError::field("target", "err-same-org"));
            }
            if t.ended_on.is_some() || !alive_on(&mut c.tx, &t.id, on).await? {
                return Err(DbError::field("target", "err-org-not-alive"));
            }
            if !members.is_empty() && !t.kind.holds_members() {
                return Err(DbError::field("target", "err-org-not-branch"));
            }
            Some(t)
        }
    };
    if !members.is_empty() {
        let Some(t) = &target_row else {
            return Err(DbError::field("target", "err-org-has-members"));
        };
        for member_id in &members {
            members::append_event(c, member_id, on, &ev.basis, dangbo_core::event::EventData::Transferred { org_id: t.id.clone() }).await?;
        }
    }
    move_candidates(c, org, target_row.as_ref()).await?;
    change_span(&mut c.tx, org, on, None).await?;
    sqlx::query("UPDATE org SET ended_on = $1, heir_id = $2 WHERE id = $3")
        .bind(iso(on))
        .bind(target_row.as_ref().map(|t| t.id.clone()))
        .bind(&org.id)
        .execute(&mut *c.tx)
        .await?;
    Ok(target_row.map(|t| t.code))
}

/// Candidates still in the pipeline follow the members to the receiving branch; with nowhere to
/// go the organisation cannot end (their files would be lost).
async fn move_candidates(c: &mut crate::command::Cmd<'_>, org: &OrgRow, target: Option<&OrgRow>) -> Result<(), DbError> {
    let open: Vec<String> = sqlx::query_scalar("SELECT id FROM candidate WHERE org_id = $1 AND stage NOT IN ('admitted', 'rejected', 'withdrawn') ORDER BY id")
        .bind(&org.id)
        .fetch_all(&mut *c.tx)
        .await?;
    if open.is_empty() {
        return Ok(());
    }
    let Some(t) = target.filter(|t| t.kind.holds_members()) else {
        return Err(DbError::field("target", "err-org-has-candidates"));
    };
    for id in &open {
        sqlx::query("UPDATE candidate SET org_id = $1 WHERE id = $2").bind(&t.id).bind(id).execute(&mut *c.tx).await?;
        let (from, to) = (serde_json::json!({ "org": org.code }), serde_json::json!({ "org": t.code }));
        c.audit("candidate.moved", "candidate", id, Some(from), Some(to)).await?;
    }
    Ok(())
}
