//! Cadre planning (quy hoạch): cycles per committee and term, planned cadres per title with the
//! limits of the rules in force checked inside the transaction, removals with their reason, and
//! the structure (young, women, ethnic minorities) against the target shares.

use crate::cadre::member_in_scope;
use crate::command::Right;
use crate::orgs::org_in_tx;
use crate::rows::{date, iso, opt_date};
use crate::rules::load_rules;
use crate::scope::ORG_IN_SCOPE;
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::cadre::Title;
use dangbo_core::cadre::planning::{NewCycle, NewPlanned, NewRemoval, Profile, RemovalReason, Structure, check_limits, structure};
use dangbo_core::member::Sex;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannedRow {
    pub id: String,
    pub member_id: String,
    pub full_name: String,
    pub title: Title,
    pub added_on: NaiveDate,
    pub removed_on: Option<NaiveDate>,
    pub removal_reason: Option<RemovalReason>,
    pub removal_note: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CycleDetail {
    pub id: String,
    pub org: String,
    pub org_name: String,
    pub term: String,
    pub approved_on: NaiveDate,
    pub decision_no: String,
    pub entries: Vec<PlannedRow>,
    /// Distinct persons planned on the date asked, against the target shares.
    pub structure: Structure,
}

/// A cycle whose committee is in scope: (org id, org kind).
async fn cycle_in_tx(tx: &mut Transaction<'static, Any>, caller: &Caller, id: &str) -> Result<(String, String), DbError> {
    let s = caller.scope();
    let sql = format!("SELECT o.id, o.kind FROM planning_cycle c JOIN org o ON o.id = c.org_id WHERE c.id = $3 AND {ORG_IN_SCOPE}");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(id).fetch_optional(&mut **tx).await?.ok_or(DbError::NotFound)?;
    Ok((r.try_get("id")?, r.try_get("kind")?))
}

/// Entries in force on `on`.
const ACTIVE: &str = "e.added_on <= $2 AND (e.removed_on IS NULL OR e.removed_on > $2)";

impl Store {
    #[tracing::instrument(skip_all)]
    pub async fn create_cycle(&self, caller: &Caller, new: NewCycle) -> Result<String, DbError> {
        self.command(caller, Right::Write, async |c| {
            let org = org_in_tx(&mut c.tx, c.caller, new.org.as_str()).await?.ok_or_else(|| DbError::field("org", "err-org-unknown"))?;
            if org.kind.holds_members() {
                return Err(DbError::field("org", "err-planning-not-committee"));
            }
            let id = new_id();
            sqlx::query(
                "INSERT INTO planning_cycle (id, org_id, term, approved_on, decision_no, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&id)
            .bind(&org.id)
            .bind(&new.term)
            .bind(iso(new.approved_on))
            .bind(&new.decision_no)
            .bind(&caller.username)
            .bind(now())
            .execute(&mut *c.tx)
            .await?;
            c.audit("planning.cycle", "planning_cycle", &id, None, Some(serde_json::to_value(&new)?)).await?;
            Ok(id)
        })
        .await
    }

    /// Plans a cadre for a title; refused beyond the limits of the rules in force on the date.
    #[tracing::instrument(skip_all)]
    pub async fn add_planned(&self, caller: &Caller, cycle: &str, p: NewPlanned) -> Result<String, DbError> {
        self.command(caller, Right::Write, async |c| {
        let (_, kind) = cycle_in_tx(&mut c.tx, c.caller, cycle).await?;
        member_in_scope(&mut c.tx, c.caller, &p.member_id, "member").await?;
        let on = iso(p.added_on);
        let sql = format!("SELECT e.member_id FROM planning_entry e WHERE e.cycle_id = $1 AND e.title = $3 AND {ACTIVE}");
        let for_title: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(cycle).bind(&on).bind(p.title.as_str()).fetch_all(&mut *c.tx).await?;
        if for_title.contains(&p.member_id) {
            return Err(DbError::field("member", "err-planning-duplicate"));
        }
        let sql = format!(
            "SELECT COUNT(DISTINCT e.title) FROM planning_entry e JOIN planning_cycle c ON c.id = e.cycle_id JOIN org o ON o.id = c.org_id
             WHERE e.member_id = $1 AND o.kind = $3 AND {ACTIVE}"
        );
        let titles: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(&p.member_id).bind(&on).bind(&kind).fetch_one(&mut *c.tx).await?;
        let rules = load_rules(&mut c.tx).await?;
        check_limits(for_title.len() as i64, titles, &rules, p.added_on)?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO planning_entry (id, cycle_id, member_id, title, added_on, removal_note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, '', $6, $7)",
        )
        .bind(&id)
        .bind(cycle)
        .bind(&p.member_id)
        .bind(p.title.as_str())
        .bind(&on)
        .bind(&caller.username)
        .bind(now())
        .execute(&mut *c.tx)
        .await?;
        c.audit("planning.add", "planning_entry", &id, None, Some(serde_json::to_value(&p)?)).await?;
        Ok(id)
        }).await
    }

    /// Takes a cadre out of the planning, with the reason.
    #[tracing::instrument(skip_all)]
    pub async fn remove_planned(&self, caller: &Caller, entry: &str, r: NewRemoval) -> Result<(), DbError> {
        self.command(caller, Right::Write, async |c| {
            let row = sqlx::query("SELECT cycle_id, added_on, removed_on FROM planning_entry WHERE id = $1")
                .bind(entry)
                .fetch_optional(&mut *c.tx)
                .await?
                .ok_or(DbError::NotFound)?;
            cycle_in_tx(&mut c.tx, c.caller, &row.try_get::<String, _>("cycle_id")?).await?;
            if row.try_get::<Option<String>, _>("removed_on")?.is_some() {
                return Err(DbError::field("removed_on", "err-planning-removed"));
            }
            if r.removed_on < date(&row.try_get::<String, _>("added_on")?)? {
                return Err(DbError::field("removed_on", "err-period"));
            }
            sqlx::query("UPDATE planning_entry SET removed_on = $2, removal_reason = $3, removal_note = $4 WHERE id = $1")
                .bind(entry)
                .bind(iso(r.removed_on))
                .bind(r.reason.as_str())
                .bind(&r.note)
                .execute(&mut *c.tx)
                .await?;
            c.audit("planning.remove", "planning_entry", entry, None, Some(serde_json::to_value(&r)?)).await?;
            Ok(())
        })
        .await
    }

    /// The planning cycles of a committee, each with its entries and its structure on `on`.
    #[tracing::instrument(skip_all)]
    pub async fn planning(&self, caller: &Caller, code: &str, on: NaiveDate) -> Result<Vec<CycleDetail>, DbError> {
        let org = self.org(caller, code).await?;
        let mut tx = self.read().await?;
        let rules = load_rules(&mut tx).await?;
        let cycles = sqlx::query("SELECT id, term, approved_on, decision_no FROM planning_cycle WHERE org_id = $1 ORDER BY approved_on DESC, id")
            .bind(&org.id)
            .fetch_all(&mut *tx)
            .await?;
        let mut out = Vec::with_capacity(cycles.len());
        for c in &cycles {
            let id: String = c.try_get("id")?;
            let rows = sqlx::query(
                "SELECT e.id, e.member_id, m.full_name, e.title, e.added_on, e.removed_on, e.removal_reason, e.removal_note, m.birth_date, m.sex, m.ethnicity
                 FROM planning_entry e JOIN member m ON m.id = e.member_id WHERE e.cycle_id = $1 ORDER BY e.title, m.sort_key, e.id",
            )
            .bind(&id)
            .fetch_all(&mut *tx)
            .await?;
            let mut entries = Vec::with_capacity(rows.len());
            let mut people: Vec<(String, Profile)> = Vec::new();
            for r in &rows {
                let e = PlannedRow {
                    id: r.try_get("id")?,
                    member_id: r.try_get("member_id")?,
                    full_name: r.try_get("full_name")?,
                    title: crate::rows::decoded(&r.try_get::<String, _>("title")?, Title::parse, "Title")?,
                    added_on: date(&r.try_get::<String, _>("added_on")?)?,
                    removed_on: opt_date(r.try_get("removed_on")?)?,
                    removal_reason: r
                        .try_get::<Option<String>, _>("removal_reason")?
                        .map(|s| crate::rows::decoded(&s, RemovalReason::parse, "RemovalReason"))
                        .transpose()?,
                    removal_note: r.try_get("removal_note")?,
                };
                let active = e.added_on <= on && e.removed_on.is_none_or(|x| x > on);
                if active && !people.iter().any(|(m, _)| *m == e.member_id) {
                    let sex = crate::rows::decoded(&r.try_get::<String, _>("sex")?, Sex::parse, "Sex")?;
                    people.push((
                        e.member_id.clone(),
                        Profile { birth_date: date(&r.try_get::<String, _>("birth_date")?)?, sex, ethnicity: r.try_get("ethnicity")? },
                    ));
                }
                entries.push(e);
            }
            let profiles: Vec<Profile> = people.into_iter().map(|(_, p)| p).collect();
            out.push(CycleDetail {
                id,
                org: org.code.clone(),
                org_name: org.name.clone(),
                term: c.try_get("term")?,
                approved_on: date(&c.try_get::<String, _>("approved_on")?)?,
                decision_no: c.try_get("decision_no")?,
                entries,
                structure: structure(&profiles, &rules, on),
            });
        }
        tx.commit().await?;
        Ok(out)
    }
}
