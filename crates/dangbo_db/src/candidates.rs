//! Candidates (quần chúng ưu tú) and their admission steps. A step is appended, all steps are
//! replayed by dangbo_core::candidate under the rules in force on each date, and the derived
//! stage is rewritten, in one transaction. The ceremony step opens the member record.

use crate::command::Right;
use crate::members::insert_member;
use crate::orgs::org_in_tx;
use crate::rows::{date, iso, opt_date};
use crate::rules::{load_calendar, load_rules};
use crate::scope::ORG_IN_SCOPE;
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::FieldErrors;
use dangbo_core::calendar::WorkCalendar;
use dangbo_core::candidate::{Certificate, Context, NewCandidate, NewStep, Stage, State, Step, StepKind, Warning, replay};
use dangbo_core::event::EventData;
use dangbo_core::member::{PartyRecord, Person};
use dangbo_core::org::{Basis, OrgKind};
use dangbo_core::rules::RuleBook;
use dangbo_core::todo::{Due, candidate_due};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateItem {
    pub id: String,
    pub full_name: String,
    pub org: String,
    pub org_name: String,
    pub source: String,
    pub listed_on: NaiveDate,
    pub stage: Stage,
    pub stage_on: NaiveDate,
    pub birth_date: NaiveDate,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepRow {
    #[serde(flatten)]
    pub step: Step,
    pub recorded_by: String,
    pub recorded_at: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CertificateRow {
    pub course_id: String,
    pub course_name: String,
    pub certificate_no: Option<String>,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateDetail {
    pub id: String,
    pub full_name: String,
    pub person: Person,
    pub org: String,
    pub org_name: String,
    pub source: String,
    pub listed_on: NaiveDate,
    pub stage: Stage,
    pub stage_on: NaiveDate,
    pub member_id: Option<String>,
    pub failed_votes: i64,
    /// Dossier steps still missing.
    pub missing: Vec<StepKind>,
    pub steps: Vec<StepRow>,
    pub certificates: Vec<CertificateRow>,
    pub warnings: Vec<Warning>,
    /// The deadline that runs now, if any.
    pub due: Option<Due>,
    /// Full members of the branch today (the base of the branch vote).
    pub branch_full_members: i64,
    /// The branch is under a đảng bộ cơ sở (its resolution comes after the branch's).
    pub needs_committee: bool,
    pub next_steps: Vec<StepKind>,
}

/// The candidate's own row.
pub(crate) struct Loaded {
    pub org_id: String,
    pub org_kind: OrgKind,
    pub listed_on: NaiveDate,
    pub person: Person,
    pub steps: Vec<StepRow>,
    pub certificates: Vec<Certificate>,
}

const CANDIDATE_IN_SCOPE: &str = "FROM candidate c JOIN org o ON o.id = c.org_id WHERE c.id = $3 AND ";

pub(crate) async fn load(tx: &mut Transaction<'static, Any>, caller: &Caller, id: &str) -> Result<Loaded, DbError> {
    let s = caller.scope();
    let sql = format!("SELECT c.org_id, o.kind, c.listed_on, c.person {CANDIDATE_IN_SCOPE} {ORG_IN_SCOPE}");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(id).fetch_optional(&mut **tx).await?.ok_or(DbError::NotFound)?;
    let steps = sqlx::query(
        "SELECT id, seq, kind, effective_on, doc_no, data, recorded_by, recorded_at FROM candidate_step WHERE candidate_id = $1 ORDER BY effective_on, seq",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::with_capacity(steps.len());
    for r in &steps {
        let kind: String = r.try_get("kind")?;
        out.push(StepRow {
            step: Step {
                id: r.try_get("id")?,
                seq: r.try_get("seq")?,
                kind: crate::rows::decoded(&kind, StepKind::parse, "StepKind")?,
                effective_on: date(&r.try_get::<String, _>("effective_on")?)?,
                doc_no: r.try_get("doc_no")?,
                data: serde_json::from_str(&r.try_get::<String, _>("data")?)?,
            },
            recorded_by: r.try_get("recorded_by")?,
            recorded_at: r.try_get("recorded_at")?,
        });
    }
    let certs = sqlx::query("SELECT certificate_date FROM course_enrolment e JOIN course k ON k.id = e.course_id WHERE e.candidate_id = $1 AND e.result = 'passed' AND k.kind = 'awareness' AND e.certificate_date IS NOT NULL")
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
    let certificates =
        certs.iter().map(|r| Ok(Certificate { issued_on: date(&r.try_get::<String, _>("certificate_date")?)? })).collect::<Result<Vec<_>, DbError>>()?;
    let kind: String = row.try_get("kind")?;
    Ok(Loaded {
        org_id: row.try_get("org_id")?,
        org_kind: crate::rows::decoded(&kind, OrgKind::parse, "OrgKind")?,
        listed_on: date(&row.try_get::<String, _>("listed_on")?)?,
        person: serde_json::from_str(&row.try_get::<String, _>("person")?)?,
        steps: out,
        certificates,
    })
}

/// The rules and the working-day calendar, loaded once per command and used for every file
/// it judges.
pub(crate) struct Judge {
    pub rules: RuleBook,
    pub calendar: WorkCalendar,
}

impl Judge {
    pub async fn load(tx: &mut Transaction<'static, Any>) -> Result<Judge, DbError> {
        Ok(Judge { rules: load_rules(tx).await?, calendar: load_calendar(tx).await? })
    }
}

impl Loaded {
    /// What replay needs besides the steps.
    pub fn context<'a>(&'a self, judge: &'a Judge) -> Context<'a> {
        Context {
            listed_on: self.listed_on,
            birth_date: self.person.birth_date,
            needs_committee: self.org_kind == OrgKind::SubordinateBranch,
            certificates: &self.certificates,
            rules: &judge.rules,
            calendar: &judge.calendar,
        }
    }
}

/// Replays a candidate's steps (plus `extra`) and rewrites the derived columns.
pub(crate) async fn refresh(tx: &mut Transaction<'static, Any>, id: &str, l: &Loaded, extra: Option<&Step>, judge: &Judge) -> Result<State, DbError> {
    let mut steps: Vec<Step> = l.steps.iter().map(|s| s.step.clone()).collect();
    steps.extend(extra.cloned());
    let st = replay(&steps, &l.context(judge))?;
    sqlx::query("UPDATE candidate SET stage = $1, stage_on = $2, member_id = $3 WHERE id = $4")
        .bind(st.stage.as_str())
        .bind(iso(st.stage_on))
        .bind(&st.member_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(st)
}

impl Store {
    /// Puts a person on a branch's list of quần chúng ưu tú.
    #[tracing::instrument(skip_all)]
    pub async fn create_candidate(&self, caller: &Caller, new: NewCandidate) -> Result<String, DbError> {
        self.command(caller, Right::Write, async |c| {
        let org = org_in_tx(&mut c.tx, c.caller, new.org.as_str()).await?.ok_or_else(|| DbError::field("org", "err-org-unknown"))?;
        if !org.kind.holds_members() {
            return Err(DbError::field("org", "err-org-not-branch"));
        }
        if org.ended_on.is_some() {
            return Err(DbError::field("org", "err-org-not-alive"));
        }
        self.check_person_refs(&mut c.tx, &new.person.ethnicity, &new.person.religion).await?;
        let id = new_id();
        let p = &new.person;
        sqlx::query(
            "INSERT INTO candidate (id, org_id, source, listed_on, person, full_name, sex, birth_date, search_text, sort_key, stage, stage_on, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(&id)
        .bind(&org.id)
        .bind(new.source.as_str())
        .bind(iso(new.listed_on))
        .bind(serde_json::to_string(p)?)
        .bind(p.full_name())
        .bind(p.sex.as_str())
        .bind(iso(p.birth_date))
        .bind(p.search_text(None))
        .bind(p.sort_key())
        .bind(Stage::Listed.as_str())
        .bind(iso(new.listed_on))
        .bind(&caller.username)
        .bind(now())
        .execute(&mut *c.tx)
        .await?;
        c.audit("candidate.create", "candidate", &id, None, Some(serde_json::to_value(p)?)).await?;
        Ok(id)
        }).await
    }

    /// Candidates in the caller's scope (and `org`'s subtree), by given name; `open` keeps those
    /// still in the pipeline.
    #[tracing::instrument(skip_all)]
    pub async fn list_candidates(&self, caller: &Caller, org: Option<&str>, stage: Option<Stage>, open: bool, q: &str) -> Result<Vec<CandidateItem>, DbError> {
        let prefix = match org {
            Some(code) => format!("{}%", self.org(caller, code).await?.path),
            None => "%".to_string(),
        };
        let s = caller.scope();
        let sql = format!(
            "SELECT c.id, c.full_name, o.code, o.name, c.source, c.listed_on, c.stage, c.stage_on, c.birth_date
             FROM candidate c JOIN org o ON o.id = c.org_id
             WHERE {ORG_IN_SCOPE} AND o.path LIKE $3 AND ($4 = '' OR c.stage = $4)
               AND ($5 = 0 OR c.stage NOT IN ('admitted', 'rejected', 'withdrawn'))
               AND ($6 = '' OR c.search_text LIKE '%' || $6 || '%')
             ORDER BY c.sort_key, c.id LIMIT 1000"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(prefix)
            .bind(stage.map(|s| s.as_str()).unwrap_or(""))
            .bind(open as i64)
            .bind(dangbo_core::text::fold(q))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(CandidateItem {
                    id: r.try_get("id")?,
                    full_name: r.try_get("full_name")?,
                    org: r.try_get("code")?,
                    org_name: r.try_get("name")?,
                    source: r.try_get("source")?,
                    listed_on: date(&r.try_get::<String, _>("listed_on")?)?,
                    stage: crate::rows::decoded(&r.try_get::<String, _>("stage")?, Stage::parse, "Stage")?,
                    stage_on: date(&r.try_get::<String, _>("stage_on")?)?,
                    birth_date: date(&r.try_get::<String, _>("birth_date")?)?,
                })
            })
            .collect()
    }

    /// A candidate's file: person, steps, certificates, the stage and the deadline that runs.
    #[tracing::instrument(skip_all)]
    pub async fn candidate(&self, caller: &Caller, id: &str, today: NaiveDate) -> Result<CandidateDetail, DbError> {
        self.command(caller, Right::Any, async |c| {
            let l = load(&mut c.tx, c.caller, id).await?;
            let judge = Judge::load(&mut c.tx).await?;
            let st = refresh(&mut c.tx, id, &l, None, &judge).await?;
            let (rules, calendar) = (&judge.rules, &judge.calendar);
            let row =
                sqlx::query("SELECT o.code AS org, o.name AS org_name, c.source, c.listed_on FROM candidate c JOIN org o ON o.id = c.org_id WHERE c.id = $1")
                    .bind(id)
                    .fetch_one(&mut *c.tx)
                    .await?;
            let certs = sqlx::query(
                "SELECT k.id AS course_id, k.name AS course_name, e.certificate_no, e.certificate_date FROM course_enrolment e JOIN course k ON k.id = e.course_id
             WHERE e.candidate_id = $1 AND e.result = 'passed' AND e.certificate_date IS NOT NULL ORDER BY e.certificate_date",
            )
            .bind(id)
            .fetch_all(&mut *c.tx)
            .await?;
            let mut certificates = Vec::new();
            for r in &certs {
                let issued_on = date(&r.try_get::<String, _>("certificate_date")?)?;
                let months = rules.number(dangbo_core::rules::RuleId::CertificateValidityMonths, issued_on) as u32;
                certificates.push(CertificateRow {
                    course_id: r.try_get("course_id")?,
                    course_name: r.try_get("course_name")?,
                    certificate_no: r.try_get("certificate_no")?,
                    issued_on,
                    valid_until: dangbo_core::date::add_months(issued_on, months),
                });
            }
            let branch_full_members: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM member_span WHERE org_id = $1 AND status IN ('full', 'exempt') AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)",
        )
        .bind(&l.org_id)
        .bind(iso(today))
        .fetch_one(&mut *c.tx)
        .await?;
            c.audit("candidate.open", "candidate", id, None, None).await?;
            Ok(CandidateDetail {
                id: id.to_string(),
                full_name: l.person.full_name(),
                person: l.person.clone(),
                org: row.try_get("org")?,
                org_name: row.try_get("org_name")?,
                source: row.try_get("source")?,
                listed_on: date(&row.try_get::<String, _>("listed_on")?)?,
                stage: st.stage,
                stage_on: st.stage_on,
                member_id: st.member_id.clone(),
                failed_votes: st.failed_votes,
                missing: st.missing(),
                needs_committee: l.org_kind == OrgKind::SubordinateBranch,
                next_steps: st.next_steps(l.org_kind == OrgKind::SubordinateBranch),
                due: if st.stage.open() { candidate_due(&st, &l.certificates, rules, calendar, today) } else { None },
                warnings: st.warnings,
                steps: l.steps,
                certificates,
                branch_full_members,
            })
        })
        .await
    }

    /// Records one step. Refused (nothing written) when the rules say it cannot stand.
    #[tracing::instrument(skip_all)]
    pub async fn record_step(&self, caller: &Caller, id: &str, new: NewStep) -> Result<String, DbError> {
        let right = if new.kind.is_committee_decision() { Right::Committee } else { Right::Write };
        self.command(caller, right, async |c| {
            let step_id = record_step_tx(c, id, &new).await?;
            Ok(step_id)
        })
        .await
    }
}

/// Records one step inside the caller's transaction (a branch meeting's admission vote records
/// the branch resolution this way, in the same command).
pub(crate) async fn record_step_tx(c: &mut crate::command::Cmd<'_>, id: &str, new: &NewStep) -> Result<String, DbError> {
    let caller = c.caller;
    let l = load(&mut c.tx, c.caller, id).await?;
    let judge = Judge::load(&mut c.tx).await?;
    new.check_claim(&judge.rules)?;
    for m in &new.data.introducers {
        crate::members::check_full_member(&mut c.tx, c.caller, m, new.effective_on, "introducers").await?;
    }
    let seq = l.steps.iter().map(|s| s.step.seq).max().unwrap_or(0) + 1;
    let mut step = Step { id: new_id(), seq, kind: new.kind, effective_on: new.effective_on, doc_no: new.doc_no.clone(), data: new.data.clone() };
    // Judge the step before writing anything.
    let probe = refresh(&mut c.tx, id, &l, Some(&step), &judge).await?;
    if new.kind == StepKind::Ceremony {
        step.data.member_id = Some(open_member(c, &l, &probe, new.effective_on).await?);
    }
    sqlx::query("INSERT INTO candidate_step (id, candidate_id, seq, kind, effective_on, doc_no, data, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(&step.id)
            .bind(id)
            .bind(seq)
            .bind(step.kind.as_str())
            .bind(iso(step.effective_on))
            .bind(&step.doc_no)
            .bind(serde_json::to_string(&step.data)?)
            .bind(&caller.username)
            .bind(now())
            .execute(&mut *c.tx)
            .await?;
    // The same replay as the probe, now with the member record the ceremony opened.
    let st = refresh(&mut c.tx, id, &l, Some(&step), &judge).await?;
    let after = serde_json::json!({ "step": step.kind.as_str(), "effective_on": iso(step.effective_on), "doc_no": step.doc_no, "data": step.data, "stage": st.stage.as_str() });
    c.audit(&format!("candidate.{}", step.kind.as_str()), "candidate", id, None, Some(after)).await?;
    Ok(step.id)
}

/// The ceremony: the candidate becomes a probationary member of their branch.
async fn open_member(c: &mut crate::command::Cmd<'_>, l: &Loaded, st: &State, on: NaiveDate) -> Result<String, DbError> {
    let decision = st.decision_on.ok_or_else(|| DbError::field("type", "err-step-order"))?;
    let ended: Option<String> = sqlx::query_scalar("SELECT ended_on FROM org WHERE id = $1").bind(&l.org_id).fetch_one(&mut *c.tx).await?;
    if opt_date(ended)?.is_some_and(|e| e <= on) {
        return Err(DbError::field("type", "err-org-not-alive"));
    }
    let party =
        PartyRecord { admission_decision_no: st.decision_no.clone(), admission_decision_date: decision, ceremony_date: on, card_no: None, bio_no: None };
    let basis = Basis { decision_no: st.decision_no.clone(), decision_date: Some(decision), issuer: None };
    let id = new_id();
    let admitted = EventData::Admitted { person: l.person.clone(), party, org_id: l.org_id.clone() };
    insert_member(c, &id, vec![(on, admitted, basis)]).await.map_err(|e| match e {
        DbError::Invalid(f) => DbError::Invalid(rename_member_errors(f)),
        e => e,
    })?;
    Ok(id)
}

/// Member-record problems at the ceremony (a duplicate CCCD, say) reported on the step.
fn rename_member_errors(f: FieldErrors) -> FieldErrors {
    let mut out = FieldErrors::new();
    for (_, err) in f.0 {
        out.add_with("type", err.key, err.args);
    }
    out
}
