//! Loads the Đầm Hà demo (dangbo_core::demo) into an empty database through the ordinary
//! write paths, in one transaction.

use crate::auth::{NewUser, Role};
use crate::candidates::{Judge, load, refresh};
use crate::command::Right;
use crate::members::insert_member;
use crate::org_changes::apply_org_event;
use crate::orgs::{create_org_tx, org_in_tx};
use crate::rows::iso;
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::candidate::StepKind;
use dangbo_core::demo::{self, DemoEvent};
use dangbo_core::event::EventData;
use dangbo_core::org::Basis;
use sqlx::{Any, Transaction};
use std::collections::HashMap;

/// The demo logins: (username, password, role, organisation).
pub const DEMO_USERS: &[(&str, &str, Role, Option<&str>)] = &[
    ("admin", "dangbo-admin", Role::Admin, None),
    ("quangninh", "dangbo-quangninh", Role::Staff, Some(demo::ROOT)),
    ("thitran", "dangbo-thitran", Role::Viewer, Some("DH-TT")),
    ("bithu", "dangbo-bithu", Role::Secretary, Some("DH-TT-01")),
    ("ubkt", "dangbo-ubkt", Role::Inspector, Some(demo::ROOT)),
];

impl Store {
    /// Loads the demo into an empty database. Returns false (and changes nothing) when the
    /// database already holds organisations.
    #[tracing::instrument(skip_all)]
    pub async fn load_demo(&self, seed: u64, today: NaiveDate) -> Result<bool, DbError> {
        if !self.is_empty().await? {
            return Ok(false);
        }
        let demo = demo::dam_ha(seed, today);
        let system = Caller::system();
        self.command(&system, Right::Admin, async |c| {
            // Counted once at the end, not member by member.
            crate::tally::pause(&mut c.tx).await?;
            let mut ids: HashMap<String, String> = HashMap::new();
            for o in &demo.orgs {
                let row = create_org_tx(c, o).await?;
                ids.insert(row.code.clone(), row.id.clone());
            }
            let id_of = |code: &str| ids.get(code).cloned().ok_or_else(|| DbError::Internal(anyhow::anyhow!("demo org {code} missing")));
            let mut member_ids = Vec::with_capacity(demo.members.len());
            for m in &demo.members {
                let mut events = Vec::with_capacity(m.events.len());
                for (on, ev) in &m.events {
                    let (data, basis) = match ev {
                        DemoEvent::Admitted { person, party, org } => {
                            let b = Basis {
                                decision_no: party.admission_decision_no.clone(),
                                decision_date: Some(party.admission_decision_date),
                                issuer: Some("Ban Thường vụ Huyện ủy Đầm Hà".into()),
                            };
                            (EventData::Admitted { person: person.clone(), party: party.clone(), org_id: id_of(org)? }, b)
                        }
                        DemoEvent::TransferredIn { person, party, org, full_date, from } => (
                            EventData::TransferredIn {
                                person: person.clone(),
                                party: party.clone(),
                                org_id: id_of(org)?,
                                status: demo::first_status(ev),
                                full_date: Some(*full_date),
                                from: from.clone(),
                            },
                            Basis::default(),
                        ),
                        DemoEvent::Recognised => (EventData::Recognised {}, Basis::default()),
                        DemoEvent::Transferred { org, basis } => (EventData::Transferred { org_id: id_of(org)? }, basis.clone()),
                        DemoEvent::TransferredOut { destination } => (EventData::TransferredOut { destination: destination.clone() }, Basis::default()),
                        DemoEvent::Exempted => (EventData::Exempted { ground: String::new() }, Basis::default()),
                        DemoEvent::StruckOff => (EventData::StruckOff { reason: String::new() }, Basis::default()),
                        DemoEvent::Deceased => (EventData::Deceased {}, Basis::default()),
                        DemoEvent::InfoChanged { person } => (EventData::InfoChanged { person: person.clone(), correction: false }, Basis::default()),
                    };
                    events.push((*on, data, basis));
                }
                let id = new_id();
                insert_member(c, &id, events).await?;
                member_ids.push(id);
            }
            for (code, ev) in &demo.org_events {
                let org = org_in_tx(&mut c.tx, &system, code).await?.ok_or_else(|| DbError::Internal(anyhow::anyhow!("demo org {code} missing")))?;
                apply_org_event(c, &org, ev).await?;
            }
            load_pipeline(&mut c.tx, &demo, &ids, &member_ids).await?;
            load_cadre(&mut c.tx, &demo.cadre, &ids, &member_ids).await?;
            if today >= NaiveDate::from_ymd_opt(dangbo_core::demo::meetings::MEETING_YEAR + 1, 1, 1).unwrap_or(today) {
                crate::meetings::load_demo_meetings(&mut c.tx, seed).await?;
                crate::demo_secretaries::load(&mut c.tx, seed).await?;
            }
            if today >= NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or(today) {
                pending_work(c, &ids, today).await?;
                crate::demo_fees::load(&mut c.tx, today).await?;
            }
            crate::demo_ratings::load(&mut c.tx).await?;
            crate::demo_discipline::load(&mut c.tx).await?;
            c.audit("demo.load", "database", "", None, Some(serde_json::json!({"seed": seed, "members": member_ids.len()}))).await?;
            Ok(())
        })
        .await?;
        crate::tally::rebuild(self).await?;
        // Statistics for the planner at once, not when autovacuum comes round.
        if self.backend == crate::Backend::Postgres {
            sqlx::query("ANALYZE").execute(&self.pool).await?;
        }
        for (username, password, role, org) in DEMO_USERS {
            self.add_user(&system, NewUser { username, password, role: *role, org_code: *org, member_id: None }).await?;
        }
        Ok(true)
    }
}

/// Courses, candidates with their steps (each file replayed under the rules, as a user's would
/// be), enrolments and targets.
async fn load_pipeline(tx: &mut Transaction<'static, Any>, demo: &demo::Demo, orgs: &HashMap<String, String>, members: &[String]) -> Result<(), DbError> {
    let org = |code: &str| orgs.get(code).cloned().ok_or_else(|| DbError::Internal(anyhow::anyhow!("demo org {code} missing")));
    let at = now();
    let mut cand_ids = Vec::with_capacity(demo.candidates.len());
    for c in &demo.candidates {
        let id = new_id();
        let p = &c.person;
        sqlx::query(
            "INSERT INTO candidate (id, org_id, source, listed_on, person, full_name, sex, birth_date, search_text, sort_key, stage, stage_on, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'listed', $4, 'system', $11)",
        )
        .bind(&id)
        .bind(org(&c.org)?)
        .bind(c.source.as_str())
        .bind(iso(c.listed_on))
        .bind(serde_json::to_string(p)?)
        .bind(p.full_name())
        .bind(p.sex.as_str())
        .bind(iso(p.birth_date))
        .bind(p.search_text(None))
        .bind(p.sort_key())
        .bind(&at)
        .execute(&mut **tx)
        .await?;
        for (seq, (on, kind, doc_no, data)) in c.steps.iter().enumerate() {
            let mut data = data.clone();
            if *kind == StepKind::Ceremony {
                data.member_id = c.member.map(|i| members[i].clone());
            }
            sqlx::query("INSERT INTO candidate_step (id, candidate_id, seq, kind, effective_on, doc_no, data, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'system', $8)")
                .bind(new_id())
                .bind(&id)
                .bind(seq as i64 + 1)
                .bind(kind.as_str())
                .bind(iso(*on))
                .bind(doc_no)
                .bind(serde_json::to_string(&data)?)
                .bind(&at)
                .execute(&mut **tx)
                .await?;
        }
        cand_ids.push(id);
    }
    for k in &demo.courses {
        let id = new_id();
        sqlx::query("INSERT INTO course (id, org_id, kind, name, start_date, end_date, provider, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'system', $8)")
            .bind(&id)
            .bind(org(&k.org)?)
            .bind(k.kind.as_str())
            .bind(&k.name)
            .bind(iso(k.start))
            .bind(iso(k.end))
            .bind(&k.provider)
            .bind(&at)
            .execute(&mut **tx)
            .await?;
        for (i, result, cert) in &k.enrolled {
            sqlx::query(
                "INSERT INTO course_enrolment (id, course_id, candidate_id, result, certificate_no, certificate_date, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, 'system', $7)",
            )
            .bind(new_id())
            .bind(&id)
            .bind(&cand_ids[*i])
            .bind(result.as_str())
            .bind(cert.map(|_| format!("CN-{:05}", i + 1)))
            .bind(cert.map(iso))
            .bind(&at)
            .execute(&mut **tx)
            .await?;
        }
    }
    let system = Caller::system();
    let judge = Judge::load(tx).await?;
    for id in &cand_ids {
        let l = load(tx, &system, id).await?;
        refresh(tx, id, &l, None, &judge).await.map_err(|e| DbError::Internal(anyhow::anyhow!("demo candidate {id} does not replay: {e:?}")))?;
    }
    for (code, year, target) in &demo.targets {
        sqlx::query("INSERT INTO admission_target (org_id, year, target, recorded_by, recorded_at) VALUES ($1, $2, $3, 'system', $4)")
            .bind(org(code)?)
            .bind(*year as i64)
            .bind(*target)
            .bind(&at)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Positions, moves and exams of the demo, straight into their tables.
async fn load_cadre(tx: &mut Transaction<'static, Any>, c: &demo::DemoCadre, orgs: &HashMap<String, String>, members: &[String]) -> Result<(), DbError> {
    let org = |code: &str| orgs.get(code).cloned().ok_or_else(|| DbError::Internal(anyhow::anyhow!("demo org {code} missing")));
    for p in &c.positions {
        crate::cadre::insert_position(tx, "system", &new_id(), &members[p.member], &org(p.position.org.as_str())?, &p.position).await?;
    }
    for m in &c.moves {
        let mv = dangbo_core::cadre::NewMove { member_id: members[m.member].clone(), ..m.mv.clone() };
        crate::cadre::insert_move(tx, "system", &new_id(), &org(mv.org.as_str())?, &mv).await?;
    }
    for x in &c.exams {
        crate::cadre::insert_exam(tx, "system", &new_id(), &org(x.org.as_str())?, x).await?;
    }
    Ok(())
}

/// Work under way today in Chi bộ Khu phố 1: a transfer letter not yet presented (overdue) and
/// a temporary attachment ending within the month, recorded through the ordinary event path.
async fn pending_work(c: &mut crate::command::Cmd<'_>, orgs: &HashMap<String, String>, today: NaiveDate) -> Result<(), DbError> {
    let org = |code: &str| orgs.get(code).cloned().ok_or_else(|| DbError::Internal(anyhow::anyhow!("demo org {code} missing")));
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM member WHERE org_id = $1 AND status = 'full' ORDER BY sort_key, id LIMIT 2")
        .bind(org("DH-TT-01")?)
        .fetch_all(&mut *c.tx)
        .await?;
    let [first, second] = ids.as_slice() else { return Ok(()) };
    let letter = Basis { decision_no: Some("15/GGT".into()), decision_date: None, issuer: Some("Đảng ủy thị trấn Đầm Hà".into()) };
    let issued = EventData::TransferIssued { org_id: Some(org("DH-TT-02")?), destination: String::new() };
    crate::members::append_event(c, first, today - chrono::Duration::days(50), &letter, issued).await?;
    let attached = EventData::TempAttached { host_org_id: org("DH-XDH-01")?, until: Some(today + chrono::Duration::days(20)), purpose: "work".into() };
    crate::members::append_event(c, second, today - chrono::Duration::days(80), &Basis::default(), attached).await?;
    Ok(())
}
