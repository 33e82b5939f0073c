//! Member assignments to an area or topic, reviewed at meetings; the library of documents a
//! committee passes down; and who has studied a document (attended a meeting that studied it).

use super::{held, meeting_in_tx};
use crate::command::Right;
use crate::orgs::org_in_tx;
use crate::rows::{date, iso, opt_date};
use crate::scope::{MEMBER_IN_SCOPE, ORG_IN_SCOPE};
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::meeting::{AssignmentKind, DocumentKind, NewAssignment, NewDocument};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentRow {
    pub id: String,
    pub member_id: String,
    pub full_name: String,
    pub kind: AssignmentKind,
    pub subject: String,
    pub from_on: NaiveDate,
    pub to_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentRow {
    pub id: String,
    pub org: String,
    pub kind: DocumentKind,
    pub number: String,
    pub issued_on: NaiveDate,
    pub issuer: String,
    pub title: String,
}

/// Who in a subtree has studied a document: members now in the register, and those of them
/// present at a meeting that studied it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudyReport {
    pub document: DocumentRow,
    pub members: i64,
    pub studied: i64,
    /// (member id, name, branch name) of those who have not, by branch.
    /// A tuple: an array of its values in order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<serde_json::Value>>))]
    pub not_studied: Vec<(String, String, String)>,
}

const DOC_COLS: &str = "d.id, o.code AS org, d.kind, d.number, d.issued_on, d.issuer, d.title";
/// A document is visible inside the keeping committee's subtree and to those above it.
const DOC_VISIBLE: &str = "($1 = 1 OR o.path LIKE $2 OR $2 LIKE o.path || '%')";

fn document_row(r: &sqlx::any::AnyRow) -> Result<DocumentRow, DbError> {
    Ok(DocumentRow {
        id: r.try_get("id")?,
        org: r.try_get("org")?,
        kind: crate::rows::decoded(&r.try_get::<String, _>("kind")?, DocumentKind::parse, "DocumentKind")?,
        number: r.try_get("number")?,
        issued_on: date(&r.try_get::<String, _>("issued_on")?)?,
        issuer: r.try_get("issuer")?,
        title: r.try_get("title")?,
    })
}

fn assignment_row(r: &sqlx::any::AnyRow) -> Result<AssignmentRow, DbError> {
    Ok(AssignmentRow {
        id: r.try_get("id")?,
        member_id: r.try_get("member_id")?,
        full_name: r.try_get("full_name")?,
        kind: crate::rows::decoded(&r.try_get::<String, _>("kind")?, AssignmentKind::parse, "AssignmentKind")?,
        subject: r.try_get("subject")?,
        from_on: date(&r.try_get::<String, _>("from_on")?)?,
        to_on: opt_date(r.try_get("to_on")?)?,
    })
}

const ASSIGNMENT_COLS: &str = "a.id, a.member_id, m.full_name, a.kind, a.subject, a.from_on, a.to_on";

pub(crate) async fn document_in_tx(tx: &mut Transaction<'static, Any>, caller: &Caller, id: &str) -> Result<DocumentRow, DbError> {
    let s = caller.scope();
    let sql = format!("SELECT {DOC_COLS} FROM party_document d JOIN org o ON o.id = d.org_id WHERE d.id = $3 AND {DOC_VISIBLE}");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(id).fetch_optional(&mut **tx).await?.ok_or(DbError::NotFound)?;
    document_row(&r)
}

impl Store {
    /// Assigns a member of a branch in scope to an area or a topic.
    #[tracing::instrument(skip_all)]
    pub async fn create_assignment(&self, caller: &Caller, a: NewAssignment) -> Result<String, DbError> {
        self.command(caller, Right::Write, async |c| {
        let s = c.caller.scope();
        let sql = format!(
            "SELECT m.org_id FROM member m JOIN org o ON o.id = m.org_id WHERE m.id = $4 AND m.status IN ('probationary', 'full', 'exempt') AND {MEMBER_IN_SCOPE}"
        );
        let org: Option<String> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(&s.self_id).bind(&a.member_id).fetch_optional(&mut *c.tx).await?;
        let org = org.ok_or_else(|| DbError::field("member", "err-member-unknown"))?;
        let id = new_id();
        sqlx::query("INSERT INTO member_assignment (id, member_id, org_id, kind, subject, from_on, to_on, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(&id)
            .bind(&a.member_id)
            .bind(&org)
            .bind(a.kind.as_str())
            .bind(&a.subject)
            .bind(iso(a.from_on))
            .bind(a.to_on.map(iso))
            .bind(&caller.username)
            .bind(now())
            .execute(&mut *c.tx)
            .await?;
        c.audit("assignment.create", "member", &a.member_id, None, Some(serde_json::to_value(&a)?)).await?;
        Ok(id)
        }).await
    }

    /// A member's assignments, newest first.
    /// A member out of the caller's sight, or none at all, is `NotFound` (never an empty list).
    #[tracing::instrument(skip_all)]
    pub async fn member_assignments(&self, caller: &Caller, member_id: &str) -> Result<Vec<AssignmentRow>, DbError> {
        let mut tx = self.read().await?;
        if !crate::members::member_visible(&mut tx, caller, member_id).await? {
            return Err(DbError::NotFound);
        }
        let found = member_assignments_in(&mut tx, caller, member_id).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// Assignments of a branch's members in force on `on` (reviewed at its meetings).
    #[tracing::instrument(skip_all)]
    pub async fn branch_assignments(&self, caller: &Caller, code: &str, on: NaiveDate) -> Result<Vec<AssignmentRow>, DbError> {
        let org = self.org(caller, code).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ASSIGNMENT_COLS} FROM member_assignment a JOIN member m ON m.id = a.member_id
             WHERE a.org_id = $1 AND a.from_on <= $2 AND (a.to_on IS NULL OR a.to_on > $2) ORDER BY m.sort_key, a.id"
        )))
        .bind(&org.id)
        .bind(iso(on))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(assignment_row).collect()
    }

    /// Adds a document to a committee's library.
    #[tracing::instrument(skip_all)]
    pub async fn create_document(&self, caller: &Caller, d: NewDocument) -> Result<String, DbError> {
        self.command(caller, Right::Committee, async |c| {
            let org = org_in_tx(&mut c.tx, c.caller, d.org.as_str()).await?.ok_or_else(|| DbError::field("org", "err-org-unknown"))?;
            let id = new_id();
            insert_document(&mut c.tx, &caller.username, &id, &org.id, &d).await?;
            c.audit("document.create", "party_document", &id, None, Some(serde_json::to_value(&d)?)).await?;
            Ok(id)
        })
        .await
    }

    /// Documents kept in the caller's subtree or above it, newest first.
    /// One document the caller may read.
    #[tracing::instrument(skip_all)]
    pub async fn document(&self, caller: &Caller, id: &str) -> Result<DocumentRow, DbError> {
        let mut tx = self.read().await?;
        let d = document_in_tx(&mut tx, caller, id).await?;
        tx.commit().await?;
        Ok(d)
    }

    #[tracing::instrument(skip_all)]
    pub async fn documents(&self, caller: &Caller) -> Result<Vec<DocumentRow>, DbError> {
        let s = caller.scope();
        let sql =
            format!("SELECT {DOC_COLS} FROM party_document d JOIN org o ON o.id = d.org_id WHERE {DOC_VISIBLE} ORDER BY d.issued_on DESC, d.id LIMIT 500");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).fetch_all(&self.pool).await?;
        rows.iter().map(document_row).collect()
    }

    /// Records that a held meeting studied a document.
    #[tracing::instrument(skip_all)]
    pub async fn study_document(&self, caller: &Caller, meeting_id: &str, document_id: &str) -> Result<(), DbError> {
        self.command(caller, Right::Write, async |c| {
            let m = meeting_in_tx(&mut c.tx, c.caller, meeting_id).await?;
            held(&m)?;
            document_in_tx(&mut c.tx, c.caller, document_id).await.map_err(|_| DbError::field("document", "err-document-unknown"))?;
            sqlx::query("DELETE FROM meeting_document WHERE meeting_id = $1 AND document_id = $2")
                .bind(meeting_id)
                .bind(document_id)
                .execute(&mut *c.tx)
                .await?;
            sqlx::query("INSERT INTO meeting_document (meeting_id, document_id) VALUES ($1, $2)")
                .bind(meeting_id)
                .bind(document_id)
                .execute(&mut *c.tx)
                .await?;
            c.audit("meeting.study", "meeting", meeting_id, None, Some(serde_json::json!({ "document": document_id }))).await?;
            Ok(())
        })
        .await
    }

    /// The documents a meeting studied.
    #[tracing::instrument(skip_all)]
    pub async fn meeting_documents(&self, caller: &Caller, meeting_id: &str) -> Result<Vec<DocumentRow>, DbError> {
        let mut tx = self.read().await?;
        meeting_in_tx(&mut tx, caller, meeting_id).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DOC_COLS} FROM meeting_document md JOIN party_document d ON d.id = md.document_id JOIN org o ON o.id = d.org_id
             WHERE md.meeting_id = $1 ORDER BY d.issued_on, d.id"
        )))
        .bind(meeting_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter().map(document_row).collect()
    }

    /// Who under `code` has studied the document: members in the register now, and whether each
    /// was present at a meeting that studied it.
    #[tracing::instrument(skip_all)]
    pub async fn study_report(&self, caller: &Caller, code: &str, document_id: &str) -> Result<StudyReport, DbError> {
        let root = self.org(caller, code).await?;
        let mut tx = self.read().await?;
        let document = document_in_tx(&mut tx, caller, document_id).await?;
        let s = caller.scope();
        let sql = format!(
            "SELECT m.id, m.full_name, o.name, CAST(CASE WHEN EXISTS (SELECT 1 FROM meeting_attendance a JOIN meeting_document md ON md.meeting_id = a.meeting_id
                 WHERE md.document_id = $5 AND a.member_id = m.id AND a.presence = 'present') THEN 1 ELSE 0 END AS BIGINT) AS studied
             FROM member m JOIN org o ON o.id = m.org_id
             WHERE o.path LIKE $4 AND m.status IN ('probationary', 'full', 'exempt') AND ({ORG_IN_SCOPE} OR m.id = $3)
             ORDER BY o.code, m.sort_key, m.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(&s.self_id)
            .bind(format!("{}%", root.path))
            .bind(document_id)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let mut report = StudyReport { document, members: rows.len() as i64, studied: 0, not_studied: Vec::new() };
        for r in &rows {
            if r.try_get::<i64, _>("studied")? == 1 {
                report.studied += 1;
            } else {
                report.not_studied.push((r.try_get("id")?, r.try_get("full_name")?, r.try_get("name")?));
            }
        }
        Ok(report)
    }
}

pub(crate) async fn insert_document(tx: &mut Transaction<'static, Any>, by: &str, id: &str, org_id: &str, d: &NewDocument) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO party_document (id, org_id, kind, number, issued_on, issuer, title, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(org_id)
    .bind(d.kind.as_str())
    .bind(&d.number)
    .bind(iso(d.issued_on))
    .bind(&d.issuer)
    .bind(&d.title)
    .bind(by)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A member's assignments, newest first, within the caller's scope.
pub(crate) async fn member_assignments_in(tx: &mut Transaction<'static, Any>, caller: &Caller, member_id: &str) -> Result<Vec<AssignmentRow>, DbError> {
    let s = caller.scope();
    let sql = format!(
        "SELECT {ASSIGNMENT_COLS} FROM member_assignment a JOIN member m ON m.id = a.member_id JOIN org o ON o.id = a.org_id
         WHERE a.member_id = $4 AND {MEMBER_IN_SCOPE} ORDER BY a.from_on DESC, a.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(&s.self_id).bind(member_id).fetch_all(&mut **tx).await?;
    rows.iter().map(assignment_row).collect()
}
