//! Cadre work: positions (with locality), moves of leaders and competency exams, with the
//! reports the seed needs: the move matrix of a period, exam candidates by level, and units
//! whose secretary is not local, as of a date.

use crate::command::Right;
use crate::movements::SUBTREE_IN_PERIOD;
use crate::orgs::org_in_tx;
use crate::rows::{date, iso, opt_date};
use crate::scope::{MEMBER_IN_SCOPE, ORG_IN_SCOPE};
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::cadre::{MoveCategory, NewExam, NewMove, NewPosition, Title};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

/// Counts of moves in a period by category.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveMatrix {
    pub total: i64,
    pub upper_to_commune: i64,
    pub commune_to_upper: i64,
    pub commune_to_commune: i64,
    pub cross_sector: i64,
    pub other: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveRow {
    pub id: String,
    pub member_id: String,
    pub full_name: String,
    pub kind: String,
    pub category: String,
    pub from: String,
    pub to: String,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub decision_no: Option<String>,
}

/// Exam candidates in a period: distinct persons by level.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamStats {
    pub sessions: i64,
    pub commune: i64,
    pub district: i64,
    pub province: i64,
    pub passed: i64,
}

/// Units (commune-level committees) on a date and those whose secretary is not local.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocalityReport {
    pub as_of: Option<NaiveDate>,
    pub units_total: i64,
    pub units_with_nonlocal_secretary: i64,
    /// (unit code, unit name, secretary's name, local: Some(true/false) or unknown)
    /// A tuple: an array of its values in order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<serde_json::Value>>))]
    pub units: Vec<(String, String, Option<String>, Option<bool>)>,
}

pub(crate) async fn member_in_scope(tx: &mut Transaction<'static, Any>, caller: &Caller, member_id: &str, field: &str) -> Result<(), DbError> {
    let s = caller.scope();
    let sql = format!("SELECT COUNT(*) FROM member m JOIN org o ON o.id = m.org_id WHERE m.id = $4 AND {MEMBER_IN_SCOPE}");
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(&s.self_id).bind(member_id).fetch_one(&mut **tx).await?;
    if n == 0 {
        return Err(DbError::field(field, "err-member-unknown"));
    }
    Ok(())
}

impl Store {
    /// Records a position; overlapping terms of one title in one organisation are refused.
    #[tracing::instrument(skip_all)]
    pub async fn create_position(&self, caller: &Caller, p: NewPosition) -> Result<String, DbError> {
        self.command(caller, Right::Write, async |c| {
            let org = org_in_tx(&mut c.tx, c.caller, p.org.as_str()).await?.ok_or_else(|| DbError::field("org", "err-org-unknown"))?;
            if org.ended_on.is_some_and(|e| e <= p.from_on) || org.founded_on > p.from_on {
                return Err(DbError::field("org", "err-org-not-alive"));
            }
            member_in_scope(&mut c.tx, c.caller, &p.member_id, "member").await?;
            // Not stated: computed from the person's home town and residence against the unit.
            let mut p = p;
            if p.local.is_none() {
                let (home, residence): (String, String) =
                    sqlx::query_as("SELECT home_town, residence FROM member WHERE id = $1").bind(&p.member_id).fetch_one(&mut *c.tx).await?;
                p.local = dangbo_core::cadre::computed_local(&home, &residence, &org.name);
                if p.local.is_some() && p.local_reason.is_empty() {
                    p.local_reason = "computed".into();
                }
            }
            if matches!(p.title, Title::Secretary) {
                let overlap: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM position WHERE org_id = $1 AND title = $2 AND from_on < $4 AND (to_on IS NULL OR to_on > $3)")
                        .bind(&org.id)
                        .bind(p.title.as_str())
                        .bind(iso(p.from_on))
                        .bind(p.to_on.map(iso).unwrap_or_else(|| "9999-12-31".into()))
                        .fetch_one(&mut *c.tx)
                        .await?;
                if overlap > 0 {
                    return Err(DbError::field("from_on", "err-position-overlap"));
                }
            }
            let id = new_id();
            insert_position(&mut c.tx, &caller.username, &id, &p.member_id, &org.id, &p).await?;
            c.audit("position.create", "position", &id, None, Some(serde_json::to_value(&p)?)).await?;
            Ok(id)
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_move(&self, caller: &Caller, m: NewMove) -> Result<String, DbError> {
        self.command(caller, Right::Write, async |c| {
            let org = org_in_tx(&mut c.tx, c.caller, m.org.as_str()).await?.ok_or_else(|| DbError::field("org", "err-org-unknown"))?;
            member_in_scope(&mut c.tx, c.caller, &m.member_id, "member").await?;
            let id = new_id();
            insert_move(&mut c.tx, &caller.username, &id, &org.id, &m).await?;
            c.audit("move.create", "cadre_move", &id, None, Some(serde_json::to_value(&m)?)).await?;
            Ok(id)
        })
        .await
    }

    /// Records an exam session with its results, all or nothing.
    #[tracing::instrument(skip_all)]
    pub async fn create_exam(&self, caller: &Caller, x: NewExam) -> Result<String, DbError> {
        self.command(caller, Right::Write, async |c| {
            let org = org_in_tx(&mut c.tx, c.caller, x.org.as_str()).await?.ok_or_else(|| DbError::field("org", "err-org-unknown"))?;
            let id = new_id();
            insert_exam(&mut c.tx, &caller.username, &id, &org.id, &x).await?;
            c.audit("exam.create", "exam_session", &id, None, Some(serde_json::json!({ "name": x.name, "results": x.results.len() }))).await?;
            Ok(id)
        })
        .await
    }

    /// Moves decided under `code`'s subtree that started in [from, to], by category.
    #[tracing::instrument(skip_all)]
    pub async fn move_matrix(&self, caller: &Caller, code: &str, from: NaiveDate, to: NaiveDate) -> Result<MoveMatrix, DbError> {
        let rows = self.moves(caller, code, from, to, None).await?;
        let mut m = MoveMatrix { total: rows.len() as i64, ..Default::default() };
        for r in &rows {
            match crate::rows::decoded(&r.category, MoveCategory::parse, "MoveCategory")? {
                MoveCategory::UpperToCommune => m.upper_to_commune += 1,
                MoveCategory::CommuneToUpper => m.commune_to_upper += 1,
                MoveCategory::CommuneToCommune => m.commune_to_commune += 1,
                MoveCategory::CrossSector => m.cross_sector += 1,
                MoveCategory::Other => m.other += 1,
            }
        }
        Ok(m)
    }

    /// The moves behind a figure (optionally of one category), by start date.
    #[tracing::instrument(skip_all)]
    pub async fn moves(&self, caller: &Caller, code: &str, from: NaiveDate, to: NaiveDate, category: Option<MoveCategory>) -> Result<Vec<MoveRow>, DbError> {
        let root = self.org(caller, code).await?;
        let s = caller.scope();
        let sql = format!(
            "{SUBTREE_IN_PERIOD} SELECT {MOVE_COLS}
             FROM cadre_move v JOIN sub ON sub.id = v.org_id JOIN org o ON o.id = v.org_id JOIN member m ON m.id = v.member_id
             WHERE v.start_on >= $5 AND v.start_on <= $6 AND {ORG_IN_SCOPE} AND ($3 = '' OR v.category = $3)
             ORDER BY v.start_on, v.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(category.map(|c| c.as_str()).unwrap_or(""))
            .bind(&root.id)
            .bind(iso(from))
            .bind(iso(to))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(move_row).collect()
    }

    /// Exam candidates (distinct persons) of sessions held in [from, to] under `code`.
    #[tracing::instrument(skip_all)]
    pub async fn exam_stats(&self, caller: &Caller, code: &str, from: NaiveDate, to: NaiveDate) -> Result<ExamStats, DbError> {
        let root = self.org(caller, code).await?;
        let s = caller.scope();
        let sql = format!(
            "{SUBTREE_IN_PERIOD} SELECT x.level, COUNT(DISTINCT x.id) AS sessions, COUNT(DISTINCT COALESCE(r.member_id, r.full_name || '|' || r.unit)) AS people,
                CAST(COALESCE(SUM(CASE WHEN r.passed = 1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS passed
             FROM exam_session x JOIN sub ON sub.id = x.org_id JOIN org o ON o.id = x.org_id LEFT JOIN exam_result r ON r.session_id = x.id
             WHERE x.held_on >= $5 AND x.held_on <= $6 AND {ORG_IN_SCOPE} AND ($3 = $3)
             GROUP BY x.level"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(String::new())
            .bind(&root.id)
            .bind(iso(from))
            .bind(iso(to))
            .fetch_all(&self.pool)
            .await?;
        let mut st = ExamStats::default();
        for r in &rows {
            let level: String = r.try_get("level")?;
            let (sessions, people, passed): (i64, i64, i64) = (r.try_get("sessions")?, r.try_get("people")?, r.try_get("passed")?);
            st.sessions += sessions;
            st.passed += passed;
            match level.as_str() {
                "commune" => st.commune += people,
                "district" => st.district += people,
                _ => st.province += people,
            }
        }
        Ok(st)
    }

    /// The commune-level committees of `code`'s subtree on `as_of` and whether each one's
    /// secretary on that date is local.
    #[tracing::instrument(skip_all)]
    pub async fn locality_report(&self, caller: &Caller, code: &str, as_of: NaiveDate) -> Result<LocalityReport, DbError> {
        let root = self.org(caller, code).await?;
        let sql = format!(
            "{} SELECT o.code, sub.name,
                (SELECT m.full_name FROM position p JOIN member m ON m.id = p.member_id WHERE p.org_id = sub.id AND p.title = 'secretary' AND p.from_on <= $5 AND (p.to_on IS NULL OR p.to_on > $5) ORDER BY p.from_on DESC LIMIT 1) AS secretary,
                (SELECT p.local FROM position p WHERE p.org_id = sub.id AND p.title = 'secretary' AND p.from_on <= $5 AND (p.to_on IS NULL OR p.to_on > $5) ORDER BY p.from_on DESC LIMIT 1) AS local
             FROM sub CROSS JOIN org o
             WHERE o.id = sub.id AND sub.kind IN ('grassroots_committee', 'commune') AND o.field = 'commune' AND {ORG_IN_SCOPE} AND ($3 = $3)
             ORDER BY o.code",
            crate::scope::SUBTREE_AS_OF
        );
        let s = caller.scope();
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(String::new()).bind(&root.id).bind(iso(as_of)).fetch_all(&self.pool).await?;
        let mut rep = LocalityReport { as_of: Some(as_of), ..Default::default() };
        for r in &rows {
            let local: Option<i64> = r.try_get("local")?;
            rep.units_total += 1;
            if local == Some(0) {
                rep.units_with_nonlocal_secretary += 1;
            }
            rep.units.push((r.try_get("code")?, r.try_get("name")?, r.try_get("secretary")?, local.map(|l| l != 0)));
        }
        Ok(rep)
    }
}

pub(crate) async fn insert_move(tx: &mut Transaction<'static, Any>, by: &str, id: &str, org_id: &str, m: &NewMove) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO cadre_move (id, org_id, member_id, kind, category, from_unit, from_level, from_sector, to_unit, to_level, to_sector, decision_no, start_on, end_on, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(id)
    .bind(org_id)
    .bind(&m.member_id)
    .bind(m.kind.as_str())
    .bind(m.category.as_str())
    .bind(&m.from.1)
    .bind(m.from.0.as_str())
    .bind(&m.from.2)
    .bind(&m.to.1)
    .bind(m.to.0.as_str())
    .bind(&m.to.2)
    .bind(&m.decision_no)
    .bind(iso(m.start_on))
    .bind(m.end_on.map(iso))
    .bind(by)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(crate) async fn insert_exam(tx: &mut Transaction<'static, Any>, by: &str, id: &str, org_id: &str, x: &NewExam) -> Result<(), DbError> {
    sqlx::query("INSERT INTO exam_session (id, org_id, name, held_on, level, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id)
        .bind(org_id)
        .bind(&x.name)
        .bind(iso(x.held_on))
        .bind(x.level.as_str())
        .bind(by)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    for r in &x.results {
        sqlx::query("INSERT INTO exam_result (id, session_id, full_name, unit, member_id, score, passed) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(new_id())
            .bind(id)
            .bind(&r.full_name)
            .bind(&r.unit)
            .bind(&r.member)
            .bind(r.score)
            .bind(r.passed.map(|b| b as i64))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub(crate) async fn insert_position(
    tx: &mut Transaction<'static, Any>,
    by: &str,
    id: &str,
    member_id: &str,
    org_id: &str,
    p: &NewPosition,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO position (id, member_id, org_id, title, from_on, to_on, local, local_reason, decision_no, recorded_by, recorded_at, basis)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id)
    .bind(member_id)
    .bind(org_id)
    .bind(p.title.as_str())
    .bind(iso(p.from_on))
    .bind(p.to_on.map(iso))
    .bind(p.local.map(|b| b as i64))
    .bind(&p.local_reason)
    .bind(&p.decision_no)
    .bind(by)
    .bind(now())
    .bind(p.basis.map(|b| b.as_str()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A position as the profile shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PositionRow {
    pub org: String,
    pub org_name: String,
    pub title: String,
    pub from_on: NaiveDate,
    pub to_on: Option<NaiveDate>,
    pub local: Option<bool>,
}

/// One exam result with its session.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamResultRow {
    pub session: String,
    pub held_on: NaiveDate,
    pub level: String,
    pub full_name: String,
    pub unit: String,
    pub score: Option<i64>,
    pub passed: Option<bool>,
}

impl Store {
    /// A member's positions and moves (for the profile), if the member is visible.
    #[tracing::instrument(skip_all)]
    pub async fn member_cadre(&self, caller: &Caller, member_id: &str) -> Result<(Vec<PositionRow>, Vec<MoveRow>), DbError> {
        let mut tx = self.read().await?;
        if !crate::members::member_visible(&mut tx, caller, member_id).await? {
            return Err(DbError::NotFound);
        }
        let found = member_cadre_in(&mut tx, member_id).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// Every exam result of sessions held in [from, to] under `code` (for the export).
    #[tracing::instrument(skip_all)]
    pub async fn exam_results(&self, caller: &Caller, code: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<ExamResultRow>, DbError> {
        let root = self.org(caller, code).await?;
        let s = caller.scope();
        let sql = format!(
            "{SUBTREE_IN_PERIOD} SELECT x.name, x.held_on, x.level, r.full_name, r.unit, r.score, r.passed
             FROM exam_session x JOIN sub ON sub.id = x.org_id JOIN org o ON o.id = x.org_id JOIN exam_result r ON r.session_id = x.id
             WHERE x.held_on >= $5 AND x.held_on <= $6 AND {ORG_IN_SCOPE} AND ($3 = $3)
             ORDER BY x.held_on, x.id, r.full_name"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(String::new())
            .bind(&root.id)
            .bind(iso(from))
            .bind(iso(to))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let passed: Option<i64> = r.try_get("passed")?;
                Ok(ExamResultRow {
                    session: r.try_get("name")?,
                    held_on: date(&r.try_get::<String, _>("held_on")?)?,
                    level: r.try_get("level")?,
                    full_name: r.try_get("full_name")?,
                    unit: r.try_get("unit")?,
                    score: r.try_get("score")?,
                    passed: passed.map(|p| p != 0),
                })
            })
            .collect()
    }
}

/// A member's positions and moves, in a transaction whose caller has checked the member is visible.
pub(crate) async fn member_cadre_in(tx: &mut sqlx::Transaction<'static, sqlx::Any>, member_id: &str) -> Result<(Vec<PositionRow>, Vec<MoveRow>), DbError> {
    let rows = sqlx::query(
        "SELECT o.code AS org, o.name AS org_name, p.title, p.from_on, p.to_on, p.local FROM position p JOIN org o ON o.id = p.org_id WHERE p.member_id = $1 ORDER BY p.from_on",
    )
    .bind(member_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut positions = Vec::new();
    for r in &rows {
        let local: Option<i64> = r.try_get("local")?;
        positions.push(PositionRow {
            org: r.try_get("org")?,
            org_name: r.try_get("org_name")?,
            title: r.try_get("title")?,
            from_on: date(&r.try_get::<String, _>("from_on")?)?,
            to_on: opt_date(r.try_get("to_on")?)?,
            local: local.map(|l| l != 0),
        });
    }
    let sql = format!("SELECT {MOVE_COLS} FROM cadre_move v JOIN member m ON m.id = v.member_id WHERE v.member_id = $1 ORDER BY v.start_on");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(member_id).fetch_all(&mut **tx).await?;
    let moves = rows.iter().map(move_row).collect::<Result<_, _>>()?;
    Ok((positions, moves))
}

/// The columns [`move_row`] reads, over `cadre_move v` and `member m`.
const MOVE_COLS: &str = "v.id, v.member_id, m.full_name, v.kind, v.category, v.from_unit, v.to_unit, v.start_on, v.end_on, v.decision_no";

fn move_row(r: &sqlx::any::AnyRow) -> Result<MoveRow, DbError> {
    Ok(MoveRow {
        id: r.try_get("id")?,
        member_id: r.try_get("member_id")?,
        full_name: r.try_get("full_name")?,
        kind: r.try_get("kind")?,
        category: r.try_get("category")?,
        from: r.try_get("from_unit")?,
        to: r.try_get("to_unit")?,
        start_on: date(&r.try_get::<String, _>("start_on")?)?,
        end_on: opt_date(r.try_get("end_on")?)?,
        decision_no: r.try_get("decision_no")?,
    })
}
