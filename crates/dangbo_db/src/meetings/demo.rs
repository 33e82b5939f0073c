//! The demo's 2019 branch meetings (dangbo_core::demo::meetings), written after the register so
//! each meeting's attendance is the branch's đảng số on its date. Committee members of each
//! grassroots committee are recorded as positions and assigned to supervise its branches.

use super::{insert_supervisor, roster_on};
use crate::rows::iso;
use crate::{DbError, new_id, now};
use chrono::{Datelike, NaiveDate};
use dangbo_core::demo::meetings::{AGENDA, DOCUMENTS, MEETING_YEAR, PROPOSALS, branch_year, presences};
use dangbo_core::meeting::{AssignmentKind, Attendance, NewDocument, NewSupervisor, Presence, Tally, VoteKind, judge_vote};
use dangbo_core::org::OrgCode;
use dangbo_core::rules::RuleBook;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(MEETING_YEAR, m, day).expect("valid date")
}

/// Up to three full members of the committee's branches on 1 January: its committee members.
async fn committee(tx: &mut Transaction<'static, Any>, parent: &str) -> Result<Vec<String>, DbError> {
    let on = iso(d(1, 1));
    Ok(sqlx::query_scalar(
        "SELECT ms.member_id FROM member_span ms JOIN org_span s ON s.org_id = ms.org_id JOIN member m ON m.id = ms.member_id
         WHERE s.parent_id = $1 AND s.valid_from <= $2 AND (s.valid_to IS NULL OR s.valid_to > $2)
           AND ms.status = 'full' AND ms.valid_from <= $2 AND (ms.valid_to IS NULL OR ms.valid_to > $2)
         ORDER BY m.sort_key, m.id LIMIT 3",
    )
    .bind(parent)
    .bind(&on)
    .fetch_all(&mut **tx)
    .await?)
}

/// The district's library of documents studied at thematic meetings; their ids in order.
async fn library(tx: &mut Transaction<'static, Any>) -> Result<Vec<String>, DbError> {
    let district: String = sqlx::query_scalar("SELECT id FROM org WHERE code = $1").bind(dangbo_core::demo::DISTRICT).fetch_one(&mut **tx).await?;
    let mut ids = Vec::new();
    for (kind, number, (y, m, day), issuer, title) in DOCUMENTS {
        let doc = NewDocument {
            org: OrgCode::parse(dangbo_core::demo::DISTRICT).expect("demo code"),
            kind: *kind,
            number: number.to_string(),
            issued_on: NaiveDate::from_ymd_opt(*y, *m, *day).expect("valid date"),
            issuer: issuer.to_string(),
            title: title.to_string(),
        };
        let id = new_id();
        super::study::insert_document(tx, "system", &id, &district, &doc).await?;
        ids.push(id);
    }
    Ok(ids)
}

/// Members of the first branch assigned to follow its residential groups.
async fn assignments(tx: &mut Transaction<'static, Any>, org_id: &str) -> Result<(), DbError> {
    for (n, (member, _, _)) in roster_on(tx, org_id, d(1, 1)).await?.iter().take(3).enumerate() {
        sqlx::query("INSERT INTO member_assignment (id, member_id, org_id, kind, subject, from_on, to_on, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, 'system', $7)")
            .bind(new_id())
            .bind(member)
            .bind(org_id)
            .bind(AssignmentKind::Area.as_str())
            .bind(format!("Tổ dân phố {}", n + 1))
            .bind(iso(d(1, 1)))
            .bind(now())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub(crate) async fn load_demo_meetings(tx: &mut Transaction<'static, Any>, seed: u64) -> Result<(), DbError> {
    let start = iso(d(1, 1));
    let docs = library(tx).await?;
    let branches = sqlx::query(
        "SELECT o.id, o.code, s.parent_id FROM org o JOIN org_span s ON s.org_id = o.id
         WHERE o.kind IN ('grassroots_branch', 'subordinate_branch') AND o.founded_on <= $1 AND (o.ended_on IS NULL OR o.ended_on > $2)
           AND s.valid_from <= $2 AND (s.valid_to IS NULL OR s.valid_to > $2) ORDER BY o.code",
    )
    .bind(iso(d(1, 1)))
    .bind(&start)
    .fetch_all(&mut **tx)
    .await?;
    let mut committees: HashMap<String, Vec<String>> = HashMap::new();
    let mut served: HashMap<String, usize> = HashMap::new();
    for b in &branches {
        let (id, code, parent): (String, String, String) = (b.try_get("id")?, b.try_get("code")?, b.try_get("parent_id")?);
        if !committees.contains_key(&parent) {
            let members = committee(tx, &parent).await?;
            for m in &members {
                sqlx::query(
                    "INSERT INTO position (id, member_id, org_id, title, from_on, to_on, local, local_reason, decision_no, recorded_by, recorded_at)
                     VALUES ($1, $2, $3, 'committee_member', '2015-08-20', '2020-08-20', NULL, '', NULL, 'system', $4)",
                )
                .bind(new_id())
                .bind(m)
                .bind(&parent)
                .bind(now())
                .execute(&mut **tx)
                .await?;
            }
            committees.insert(parent.clone(), members);
        }
        let members = &committees[&parent];
        let supervisor = (!members.is_empty()).then(|| {
            let n = served.entry(parent.clone()).or_default();
            *n += 1;
            members[*n % members.len()].clone()
        });
        if let Some(s) = &supervisor {
            let a = NewSupervisor {
                org: OrgCode::parse(&code).expect("demo code"),
                member_id: s.clone(),
                from_on: d(1, 1),
                to_on: None,
                decision_no: "PC-01/2019".into(),
            };
            insert_supervisor(tx, "system", &new_id(), &id, &a).await?;
        }
        branch_meetings(tx, seed, &id, &code, &parent, supervisor.as_deref(), &docs).await?;
        if code == "DH-TT-01" {
            assignments(tx, &id).await?;
        }
    }
    Ok(())
}

async fn branch_meetings(
    tx: &mut Transaction<'static, Any>,
    seed: u64,
    org_id: &str,
    code: &str,
    parent: &str,
    supervisor: Option<&str>,
    docs: &[String],
) -> Result<(), DbError> {
    let rules = RuleBook::builtin_ref();
    let at = now();
    // Answered proposals waiting to be reported back: (id, answered on).
    let mut pending: Vec<(String, NaiveDate)> = Vec::new();
    for plan in branch_year(seed, code, MEETING_YEAR) {
        let on = plan.held_on;
        let roster = roster_on(tx, org_id, on).await?;
        if roster.is_empty() || !crate::orgs::alive_on(tx, org_id, on).await? {
            continue;
        }
        let statuses: Vec<&str> = roster.iter().map(|r| r.2.as_str()).collect();
        let att = presences(seed, on, &statuses);
        let present: Vec<&String> = roster.iter().zip(&att).filter(|(r, a)| a.0 == Presence::Present && r.2 == "full").map(|(r, _)| &r.0).collect();
        let id = new_id();
        sqlx::query(
            "INSERT INTO meeting (id, org_id, kind, state, planned_on, held_on, starts_at, place, topic, agenda, documents, chair_id, secretary_id, prepared_on,
                supervisor_id, guests, opinions, conclusions, closed_at, closed_by, recorded_by, recorded_at)
             VALUES ($1, $2, $3, 'closed', $4, $4, '19:30', 'Nhà văn hóa', $5, $6, '', $7, $8, $9, $10, '', $11, $12, $13, 'system', 'system', $13)",
        )
        .bind(&id)
        .bind(org_id)
        .bind(plan.kind.as_str())
        .bind(iso(on))
        .bind(plan.topic)
        .bind(AGENDA.join("\n"))
        .bind(present.first().copied())
        .bind(present.get(1).copied())
        .bind(plan.prepared.then(|| iso(on - chrono::Duration::days(3))))
        .bind(if plan.supervisor { supervisor } else { None })
        .bind("Các đồng chí đảng viên thảo luận, thống nhất với báo cáo.")
        .bind("Chi bộ thống nhất thực hiện các nhiệm vụ trọng tâm tháng tới.")
        .bind(&at)
        .execute(&mut **tx)
        .await?;
        if let Some(doc) = plan.document.and_then(|i| docs.get(i)) {
            sqlx::query("INSERT INTO meeting_document (meeting_id, document_id) VALUES ($1, $2)").bind(&id).bind(doc).execute(&mut **tx).await?;
        }
        let mut sql = String::from("INSERT INTO meeting_attendance (meeting_id, member_id, presence, reason, full_member) VALUES ");
        for i in 0..roster.len() {
            let b = i * 5;
            sql.push_str(&format!("{}(${}, ${}, ${}, ${}, ${})", if i > 0 { ", " } else { "" }, b + 1, b + 2, b + 3, b + 4, b + 5));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (r, (p, reason)) in roster.iter().zip(&att) {
            q = q.bind(&id).bind(&r.0).bind(p.as_str()).bind(*reason).bind((r.2 != "probationary") as i64);
        }
        q.execute(&mut **tx).await?;
        let counted = Attendance::count(att.iter().map(|a| &a.0));
        let full =
            roster.iter().zip(&att).filter(|(r, a)| r.2 != "probationary" && !matches!(a.0, Presence::Exempt | Presence::AttachedElsewhere)).count() as i64;
        let against = (on.day0() % 3 == 0) as i64;
        let tally = Tally { votes_for: counted.present - against, against, abstain: 0 };
        if let Ok(out) = judge_vote(VoteKind::Resolution, tally, &counted, full, rules, on) {
            sqlx::query(
                "INSERT INTO meeting_vote (id, meeting_id, seq, kind, subject, votes_for, against, abstain, base, passed, threshold, citation, doc_no, recorded_by, recorded_at)
                 VALUES ($1, $2, 1, 'resolution', $3, $4, $5, 0, $6, $7, $8, $9, '', 'system', $10)",
            )
            .bind(new_id())
            .bind(&id)
            .bind(format!("Kết luận sinh hoạt tháng {}", on.month()))
            .bind(tally.votes_for)
            .bind(tally.against)
            .bind(out.base)
            .bind(out.passed as i64)
            .bind(out.rule.value.text())
            .bind(&out.rule.citation)
            .bind(&at)
            .execute(&mut **tx)
            .await?;
        }
        if let Some(assignee) = present.last() {
            let due = on + chrono::Duration::days(20);
            let done = (on.month() < 12).then(|| iso(on + chrono::Duration::days(15)));
            sqlx::query("INSERT INTO meeting_task (id, meeting_id, org_id, title, assignee_id, due_on, done_on, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'system', $8)")
                .bind(new_id())
                .bind(&id)
                .bind(org_id)
                .bind("Vận động hộ gia đình thực hiện nhiệm vụ tháng")
                .bind(*assignee)
                .bind(iso(due))
                .bind(done)
                .bind(&at)
                .execute(&mut **tx)
                .await?;
        }
        for (p, answered_on) in std::mem::take(&mut pending) {
            if answered_on <= on {
                sqlx::query("UPDATE meeting_proposal SET state = 'reported', reported_meeting_id = $2 WHERE id = $1")
                    .bind(&p)
                    .bind(&id)
                    .execute(&mut **tx)
                    .await?;
            } else {
                pending.push((p, answered_on));
            }
        }
        if let Some((n, answered)) = plan.proposal {
            let (by, content, answer) = PROPOSALS[n];
            let pid = new_id();
            let answered_on = answered.then(|| on + chrono::Duration::days(18));
            sqlx::query(
                "INSERT INTO meeting_proposal (id, meeting_id, org_id, raised_by, content, state, holder_org_id, forwarded_on, answer, answered_on, recorded_by, recorded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'system', $11)",
            )
            .bind(&pid)
            .bind(&id)
            .bind(org_id)
            .bind(by)
            .bind(content)
            .bind(if answered { "answered" } else { "forwarded" })
            .bind(parent)
            .bind(iso(on))
            .bind(if answered { answer } else { "" })
            .bind(answered_on.map(iso))
            .bind(&at)
            .execute(&mut **tx)
            .await?;
            if let Some(a) = answered_on {
                pending.push((pid, a));
            }
        }
    }
    Ok(())
}
