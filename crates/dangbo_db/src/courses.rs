//! Training courses and enrolments. A course belongs to its organising committee; who sees the
//! committee sees the course. Recording a result replays the candidate's file, so a change that
//! would invalidate a recorded branch resolution is refused.

use crate::candidates::{Judge, load, refresh};
use crate::command::Right;
use crate::orgs::org_in_tx;
use crate::rows::{date, iso, opt_date};
use crate::scope::ORG_IN_SCOPE;
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::course::{CourseKind, CourseResult, NewCourse, NewEnrolment, NewParticipant};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseItem {
    pub id: String,
    pub org: String,
    pub org_name: String,
    pub kind: CourseKind,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub provider: String,
    pub enrolled: i64,
    pub passed: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentRow {
    pub id: String,
    pub candidate_id: String,
    pub full_name: String,
    pub org: String,
    pub result: CourseResult,
    pub certificate_no: Option<String>,
    pub certificate_date: Option<NaiveDate>,
}

/// A member in a course or contest.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParticipantRow {
    pub course_id: String,
    pub course: String,
    pub member_id: String,
    pub full_name: String,
    pub org: String,
    pub result: CourseResult,
    pub award: String,
    pub certificate_no: Option<String>,
    pub certificate_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseDetail {
    #[serde(flatten)]
    pub course: CourseItem,
    pub enrolments: Vec<EnrolmentRow>,
    pub participants: Vec<ParticipantRow>,
}

const PARTICIPANT_COLS: &str =
    "p.course_id, k.name AS course, m.id AS member_id, m.full_name, o.code AS org, p.result, p.award, p.certificate_no, p.certificate_date";

fn participant_row(r: &sqlx::any::AnyRow) -> Result<ParticipantRow, DbError> {
    Ok(ParticipantRow {
        course_id: r.try_get("course_id")?,
        course: r.try_get("course")?,
        member_id: r.try_get("member_id")?,
        full_name: r.try_get("full_name")?,
        org: r.try_get("org")?,
        result: crate::rows::decoded(&r.try_get::<String, _>("result")?, CourseResult::parse, "CourseResult")?,
        award: r.try_get("award")?,
        certificate_no: r.try_get("certificate_no")?,
        certificate_date: opt_date(r.try_get("certificate_date")?)?,
    })
}

const COURSE_COLS: &str = "k.id, o.code AS org, o.name AS org_name, k.kind, k.name, k.start_date, k.end_date, k.provider,
    (SELECT COUNT(*) FROM course_enrolment e WHERE e.course_id = k.id) AS enrolled,
    (SELECT COUNT(*) FROM course_enrolment e WHERE e.course_id = k.id AND e.result = 'passed') AS passed";

fn course_item(r: &sqlx::any::AnyRow) -> Result<CourseItem, DbError> {
    Ok(CourseItem {
        id: r.try_get("id")?,
        org: r.try_get("org")?,
        org_name: r.try_get("org_name")?,
        kind: crate::rows::decoded(&r.try_get::<String, _>("kind")?, CourseKind::parse, "CourseKind")?,
        name: r.try_get("name")?,
        start_date: date(&r.try_get::<String, _>("start_date")?)?,
        end_date: date(&r.try_get::<String, _>("end_date")?)?,
        provider: r.try_get("provider")?,
        enrolled: r.try_get("enrolled")?,
        passed: r.try_get("passed")?,
    })
}

impl Store {
    #[tracing::instrument(skip_all)]
    pub async fn create_course(&self, caller: &Caller, new: NewCourse) -> Result<String, DbError> {
        self.command(caller, Right::Write, async |c| {
            let org = org_in_tx(&mut c.tx, c.caller, new.org.as_str()).await?.ok_or_else(|| DbError::field("org", "err-org-unknown"))?;
            let id = new_id();
            sqlx::query(
            "INSERT INTO course (id, org_id, kind, name, start_date, end_date, provider, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(&org.id)
        .bind(new.kind.as_str())
        .bind(&new.name)
        .bind(iso(new.start_date))
        .bind(iso(new.end_date))
        .bind(&new.provider)
        .bind(&caller.username)
        .bind(now())
        .execute(&mut *c.tx)
        .await?;
            let after = serde_json::json!({ "org": org.code, "kind": new.kind.as_str(), "name": new.name, "start_date": iso(new.start_date) });
            c.audit("course.create", "course", &id, None, Some(after)).await?;
            Ok(id)
        })
        .await
    }

    /// Courses organised in the caller's scope, newest first; optionally of one kind and year.
    #[tracing::instrument(skip_all)]
    pub async fn list_courses(&self, caller: &Caller, kind: Option<CourseKind>, year: Option<i32>) -> Result<Vec<CourseItem>, DbError> {
        let s = caller.scope();
        let (from, to) = match year {
            Some(y) => (format!("{y:04}-01-01"), format!("{y:04}-12-31")),
            None => ("0000-01-01".into(), "9999-12-31".into()),
        };
        let sql = format!(
            "SELECT {COURSE_COLS} FROM course k JOIN org o ON o.id = k.org_id
             WHERE {ORG_IN_SCOPE} AND ($3 = '' OR k.kind = $3) AND k.start_date >= $4 AND k.start_date <= $5
             ORDER BY k.start_date DESC, k.id LIMIT 500"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(kind.map(|k| k.as_str()).unwrap_or(""))
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(course_item).collect()
    }

    #[tracing::instrument(skip_all)]
    pub async fn course(&self, caller: &Caller, id: &str) -> Result<CourseDetail, DbError> {
        let s = caller.scope();
        let sql = format!("SELECT {COURSE_COLS} FROM course k JOIN org o ON o.id = k.org_id WHERE k.id = $3 AND {ORG_IN_SCOPE}");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(id).fetch_optional(&self.pool).await?.ok_or(DbError::NotFound)?;
        let course = course_item(&row)?;
        let rows = sqlx::query(
            "SELECT e.id, c.id AS candidate_id, c.full_name, o.code AS org, e.result, e.certificate_no, e.certificate_date
             FROM course_enrolment e JOIN candidate c ON c.id = e.candidate_id JOIN org o ON o.id = c.org_id
             WHERE e.course_id = $1 ORDER BY c.sort_key, c.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let enrolments = rows
            .iter()
            .map(|r| {
                Ok(EnrolmentRow {
                    id: r.try_get("id")?,
                    candidate_id: r.try_get("candidate_id")?,
                    full_name: r.try_get("full_name")?,
                    org: r.try_get("org")?,
                    result: crate::rows::decoded(&r.try_get::<String, _>("result")?, CourseResult::parse, "CourseResult")?,
                    certificate_no: r.try_get("certificate_no")?,
                    certificate_date: opt_date(r.try_get("certificate_date")?)?,
                })
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        let sql = format!(
            "SELECT {PARTICIPANT_COLS} FROM course_participant p JOIN course k ON k.id = p.course_id JOIN member m ON m.id = p.member_id JOIN org o ON o.id = m.org_id
             WHERE p.course_id = $1 ORDER BY m.sort_key, m.id"
        );
        let participants =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_all(&self.pool).await?.iter().map(participant_row).collect::<Result<Vec<_>, _>>()?;
        Ok(CourseDetail { course, enrolments, participants })
    }

    /// Records a member's part in a course or contest (again: the result replaces the last).
    #[tracing::instrument(skip_all)]
    pub async fn put_participant(&self, caller: &Caller, course_id: &str, p: NewParticipant) -> Result<(), DbError> {
        self.command(caller, Right::Write, async |c| {
            let s = c.caller.scope();
            let sql = format!("SELECT k.start_date FROM course k JOIN org o ON o.id = k.org_id WHERE k.id = $3 AND {ORG_IN_SCOPE}");
            let start: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(s.all)
                .bind(&s.prefix)
                .bind(course_id)
                .fetch_optional(&mut *c.tx)
                .await?
                .ok_or(DbError::NotFound)?;
            if p.certificate_date.is_some_and(|d| iso(d) < start) {
                return Err(DbError::field("certificate_date", "err-certificate-before-course"));
            }
            crate::cadre::member_in_scope(&mut c.tx, c.caller, &p.member_id, "member").await?;
            sqlx::query("DELETE FROM course_participant WHERE course_id = $1 AND member_id = $2")
                .bind(course_id)
                .bind(&p.member_id)
                .execute(&mut *c.tx)
                .await?;
            insert_participant(&mut c.tx, &caller.username, course_id, &p).await?;
            c.audit("course.participant", "course", course_id, None, Some(serde_json::to_value(&p)?)).await?;
            Ok(())
        })
        .await
    }

    /// The courses and contests a member took part in, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn member_courses(&self, caller: &Caller, member_id: &str) -> Result<Vec<ParticipantRow>, DbError> {
        let mut tx = self.read().await?;
        let found = member_courses_in(&mut tx, caller, member_id).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// Enrols a candidate in a course, or records their result. The candidate's file is
    /// replayed: a change that leaves a recorded step without its certificate is refused.
    #[tracing::instrument(skip_all)]
    pub async fn put_enrolment(&self, caller: &Caller, course_id: &str, new: NewEnrolment) -> Result<(), DbError> {
        self.command(caller, Right::Write, async |c| {
        let s = c.caller.scope();
        let sql = format!("SELECT k.start_date, k.end_date FROM course k JOIN org o ON o.id = k.org_id WHERE k.id = $3 AND {ORG_IN_SCOPE}");
        let row =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(course_id).fetch_optional(&mut *c.tx).await?.ok_or(DbError::NotFound)?;
        let start = date(&row.try_get::<String, _>("start_date")?)?;
        if new.certificate_date.is_some_and(|d| d < start) {
            return Err(DbError::field("certificate_date", "err-certificate-before-course"));
        }
        // The candidate must be visible to the caller too.
        load(&mut c.tx, c.caller, &new.candidate_id).await.map_err(|e| match e {
            DbError::NotFound => DbError::field("candidate", "err-candidate-unknown"),
            e => e,
        })?;
        let before: Option<String> = sqlx::query_scalar("SELECT result FROM course_enrolment WHERE course_id = $1 AND candidate_id = $2")
            .bind(course_id)
            .bind(&new.candidate_id)
            .fetch_optional(&mut *c.tx)
            .await?;
        sqlx::query("DELETE FROM course_enrolment WHERE course_id = $1 AND candidate_id = $2")
            .bind(course_id)
            .bind(&new.candidate_id)
            .execute(&mut *c.tx)
            .await?;
        sqlx::query(
            "INSERT INTO course_enrolment (id, course_id, candidate_id, result, certificate_no, certificate_date, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id())
        .bind(course_id)
        .bind(&new.candidate_id)
        .bind(new.result.as_str())
        .bind(&new.certificate_no)
        .bind(new.certificate_date.map(iso))
        .bind(&caller.username)
        .bind(now())
        .execute(&mut *c.tx)
        .await?;
        let l = load(&mut c.tx, c.caller, &new.candidate_id).await?;
        let judge = Judge::load(&mut c.tx).await?;
        refresh(&mut c.tx, &new.candidate_id, &l, None, &judge).await?;
        let after = serde_json::json!({ "candidate": new.candidate_id, "result": new.result.as_str(), "certificate_no": new.certificate_no, "certificate_date": new.certificate_date.map(iso) });
        c.audit("course.enrol", "course", course_id, before.map(|b| serde_json::json!({ "result": b })), Some(after)).await?;
        Ok(())
        }).await
    }
}

impl Store {
    /// Awareness classes (lớp bồi dưỡng nhận thức về Đảng) that started in [from, to] under
    /// `code`'s subtree of the period, and the distinct people trained in them.
    #[tracing::instrument(skip_all)]
    pub async fn awareness_figures(&self, caller: &Caller, code: &str, from: NaiveDate, to: NaiveDate) -> Result<(i64, i64), DbError> {
        let root = self.org(caller, code).await?;
        let s = caller.scope();
        let sql = format!(
            "{} SELECT COUNT(DISTINCT k.id) AS classes, COUNT(DISTINCT e.candidate_id) AS trainees FROM course k JOIN sub ON sub.id = k.org_id JOIN org o ON o.id = k.org_id
               LEFT JOIN course_enrolment e ON e.course_id = k.id
             WHERE k.kind = 'awareness' AND k.start_date >= $5 AND k.start_date <= $6 AND {ORG_IN_SCOPE} AND ($3 = $3)",
            crate::movements::SUBTREE_IN_PERIOD
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(String::new())
            .bind(&root.id)
            .bind(iso(from))
            .bind(iso(to))
            .fetch_one(&self.pool)
            .await?;
        Ok((row.try_get("classes")?, row.try_get("trainees")?))
    }
}

pub(crate) async fn insert_participant(tx: &mut sqlx::Transaction<'static, sqlx::Any>, by: &str, course_id: &str, p: &NewParticipant) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO course_participant (course_id, member_id, result, award, certificate_no, certificate_date, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(course_id)
    .bind(&p.member_id)
    .bind(p.result.as_str())
    .bind(&p.award)
    .bind(&p.certificate_no)
    .bind(p.certificate_date.map(iso))
    .bind(by)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The courses a member took part in, newest first, within the caller's scope.
pub(crate) async fn member_courses_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    caller: &Caller,
    member_id: &str,
) -> Result<Vec<ParticipantRow>, DbError> {
    let s = caller.scope();
    let sql = format!(
        "SELECT {PARTICIPANT_COLS} FROM course_participant p JOIN course k ON k.id = p.course_id JOIN member m ON m.id = p.member_id JOIN org o ON o.id = m.org_id
         WHERE p.member_id = $4 AND {} ORDER BY k.start_date DESC",
        crate::scope::MEMBER_IN_SCOPE
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(&s.self_id).bind(member_id).fetch_all(&mut **tx).await?;
    rows.iter().map(participant_row).collect()
}
