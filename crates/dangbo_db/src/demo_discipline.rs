//! The demo's inspection and discipline (issue 27 §10): Đầm Hà's inspection commission in
//! 2015–2019 — its yearly programme (a thematic supervision of Đảng bộ thị trấn Đầm Hà, a
//! financial inspection of the fee collection), regular supervisions closed without penalty, a
//! member of DH-TT-01 reprimanded by the branch in 2018 (the member rated KHTNV that year), a
//! member warned by the standing committee in 2017 whose complaint the province upheld, the
//! case behind each expulsion the register holds before 2025 (the demo has none today), and a
//! case closed as time-barred.
//! Written in the demo's load, as the commands would have written them.

use crate::rows::iso;
use crate::{DbError, new_id, now};
use chrono::NaiveDate;
use sqlx::{Any, Row, Transaction};

const BY: &str = "demo";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a demo date")
}

async fn org_id(tx: &mut Transaction<'static, Any>, code: &str) -> Result<String, DbError> {
    sqlx::query_scalar("SELECT id FROM org WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| DbError::Internal(anyhow::anyhow!("demo org {code} missing")))
}

/// A full member counted in `code` on `on` (the `skip`-th by id), if any.
async fn member_in(tx: &mut Transaction<'static, Any>, code: &str, on: NaiveDate, skip: i64) -> Result<Option<String>, DbError> {
    let id = sqlx::query_scalar(
        "SELECT ms.member_id FROM member_span ms JOIN org o ON o.id = ms.org_id
         WHERE o.code = $1 AND ms.status = 'full' AND ms.valid_from <= $2 AND (ms.valid_to IS NULL OR ms.valid_to > $2)
         ORDER BY ms.member_id LIMIT 1 OFFSET $3",
    )
    .bind(code)
    .bind(iso(on))
    .bind(skip)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(id)
}

/// A case: (org, member, kind, matter, violation_to, opened_on, closed: (on, outcome)).
#[allow(clippy::too_many_arguments)]
async fn case(
    tx: &mut Transaction<'static, Any>,
    org: &str,
    member: &str,
    plan_item: Option<&str>,
    kind: &str,
    matter: &str,
    violation_to: NaiveDate,
    opened: NaiveDate,
    closed: Option<(NaiveDate, &str)>,
) -> Result<String, DbError> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO discipline_case (id, org_id, member_id, plan_item_id, kind, subject, violation_to, deferred_days, opened_on, closed_on, outcome, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10, $11, $12)",
    )
    .bind(&id)
    .bind(org)
    .bind(member)
    .bind(plan_item)
    .bind(kind)
    .bind(matter)
    .bind(iso(violation_to))
    .bind(iso(opened))
    .bind(closed.map(|c| iso(c.0)))
    .bind(closed.map(|c| c.1))
    .bind(BY)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

async fn step(tx: &mut Transaction<'static, Any>, case: &str, kind: &str, on: NaiveDate, vote: Option<(i64, i64)>) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO discipline_step (id, case_id, kind, on_date, document_no, note, vote_yes, vote_no, vote_abstain, vote_base, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, NULL, '', $5, $6, $7, $8, $9, $10)",
    )
    .bind(new_id())
    .bind(case)
    .bind(kind)
    .bind(iso(on))
    .bind(vote.map(|v| v.0))
    .bind(vote.map(|v| v.1 - v.0))
    .bind(vote.map(|_| 0i64))
    .bind(vote.map(|v| v.1))
    .bind(BY)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The steps of an inspection on signs of violation, from its opening.
async fn phases(tx: &mut Transaction<'static, Any>, case: &str, opened: NaiveDate) -> Result<(), DbError> {
    for (kind, days) in [("decision", 0), ("self_report", 14), ("verification", 30), ("conclusion", 45)] {
        step(tx, case, kind, opened + chrono::Duration::days(days), None).await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn penalty(
    tx: &mut Transaction<'static, Any>,
    case: &str,
    member: &str,
    penalty: &str,
    body: &str,
    body_org: &str,
    vote: (i64, i64),
    no: &str,
    on: NaiveDate,
) -> Result<String, DbError> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO discipline_penalty (id, case_id, member_id, penalty, body, body_org_id, vote_yes, vote_no, vote_abstain, vote_base,
             decision_no, decision_date, received_on, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&id)
    .bind(case)
    .bind(member)
    .bind(penalty)
    .bind(body)
    .bind(body_org)
    .bind(vote.0)
    .bind(vote.1 - vote.0)
    .bind(vote.1)
    .bind(no)
    .bind(iso(on))
    .bind(iso(on + chrono::Duration::days(3)))
    .bind(BY)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

async fn plan_item(
    tx: &mut Transaction<'static, Any>,
    org: &str,
    year: i32,
    kind: &str,
    target: &str,
    matter: &str,
    months: (u32, u32),
) -> Result<String, DbError> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO inspection_plan_item (id, org_id, year, kind, target_org_id, matter, from_month, to_month, team, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(org)
    .bind(i64::from(year))
    .bind(kind)
    .bind(target)
    .bind(matter)
    .bind(format!("{year:04}-{:02}", months.0))
    .bind(format!("{year:04}-{:02}", months.1))
    .bind("Đoàn kiểm tra của Ủy ban Kiểm tra Huyện ủy")
    .bind(BY)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Writes the demo's programmes, cases, penalties and complaint (in the demo's load).
pub(crate) async fn load(tx: &mut Transaction<'static, Any>) -> Result<(), DbError> {
    let dh = org_id(tx, dangbo_core::demo::DISTRICT).await?;
    let town = org_id(tx, "DH-TT").await?;
    let mut supervisions = Vec::new();
    for year in 2015..=2019 {
        supervisions
            .push(plan_item(tx, &dh, year, "thematic_supervision", &town, "Giám sát việc thực hiện quy chế làm việc và sinh hoạt chi bộ", (3, 6)).await?);
        plan_item(tx, &dh, year, "financial", &town, "Kiểm tra việc thu, nộp, quản lý và sử dụng đảng phí", (8, 10)).await?;
    }
    // Regular supervisions of two members of DH-TT-01, closed without penalty.
    for (n, year) in [(1i64, 2016), (2, 2019)] {
        if let Some(m) = member_in(tx, "DH-TT-01", d(year, 3, 1), n).await? {
            let item = supervisions[(year - 2015) as usize].clone();
            let c = case(
                tx,
                &dh,
                &m,
                Some(&item),
                "thematic_supervision",
                "Giám sát việc tu dưỡng, rèn luyện và giữ mối liên hệ với nơi cư trú",
                d(year, 3, 1),
                d(year, 4, 1),
                Some((d(year, 6, 20), "no_penalty")),
            )
            .await?;
            step(tx, &c, "conclusion", d(year, 6, 20), None).await?;
        }
    }
    // Reprimanded by the branch in 2018: the member the demo rates KHTNV for 2018.
    let khtnv: Option<String> =
        sqlx::query_scalar("SELECT member_id FROM member_rating WHERE year = 2018 AND stage = 'decision' AND level = 'khtnv' ORDER BY member_id LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?;
    if let Some(m) = khtnv {
        let c = case(
            tx,
            &dh,
            &m,
            None,
            "signs_of_violation",
            "Vi phạm quy định những điều đảng viên không được làm",
            d(2018, 2, 20),
            d(2018, 3, 12),
            Some((d(2018, 6, 15), "penalty")),
        )
        .await?;
        phases(tx, &c, d(2018, 3, 12)).await?;
        step(tx, &c, "branch_vote", d(2018, 6, 5), Some((14, 17))).await?;
        let branch = org_id(tx, "DH-TT-01").await?;
        penalty(tx, &c, &m, "khien_trach", "branch", &branch, (14, 17), "01-QĐ/CB", d(2018, 6, 15)).await?;
    }
    // Warned by the standing committee in 2017; the province upheld the decision.
    if let Some(m) = member_in(tx, "DH-TT-02", d(2017, 1, 1), 0).await? {
        let c = case(
            tx,
            &dh,
            &m,
            None,
            "denunciation",
            "Giải quyết đơn tố cáo về kê khai tài sản",
            d(2016, 12, 1),
            d(2017, 2, 6),
            Some((d(2017, 5, 22), "penalty")),
        )
        .await?;
        phases(tx, &c, d(2017, 2, 6)).await?;
        let province = org_id(tx, dangbo_core::demo::ROOT).await?;
        let p = penalty(tx, &c, &m, "canh_cao", "standing_committee", &dh, (11, 13), "215-QĐ/HU", d(2017, 5, 22)).await?;
        sqlx::query(
            "INSERT INTO discipline_complaint (id, penalty_id, filed_on, to_org_id, resolve_by, result, resolved_on, resolution_no, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, 'upheld', $6, '98-QĐ/UBKTTU', $7, $8)",
        )
        .bind(new_id())
        .bind(&p)
        .bind(iso(d(2017, 6, 12)))
        .bind(&province)
        .bind(iso(d(2017, 10, 20)))
        .bind(iso(d(2017, 9, 15)))
        .bind(BY)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    }
    // The case behind each expulsion already on the register.
    let expelled = sqlx::query(
        "SELECT member_id, effective_on, decision_no FROM member_event WHERE kind = 'expelled' AND effective_on < '2025-07-01' ORDER BY effective_on",
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in &expelled {
        let m: String = r.try_get("member_id")?;
        let on = crate::rows::date(&r.try_get::<String, _>("effective_on")?)?;
        let no: Option<String> = r.try_get("decision_no")?;
        let opened = on - chrono::Duration::days(90);
        let c = case(
            tx,
            &dh,
            &m,
            None,
            "signs_of_violation",
            "Vi phạm nghiêm trọng tư cách đảng viên",
            opened - chrono::Duration::days(30),
            opened,
            Some((on, "penalty")),
        )
        .await?;
        phases(tx, &c, opened).await?;
        step(tx, &c, "branch_vote", on - chrono::Duration::days(20), Some((15, 18))).await?;
        penalty(tx, &c, &m, "khai_tru", "standing_committee", &dh, (12, 13), no.as_deref().unwrap_or("QĐ khai trừ"), on).await?;
    }
    // A violation of 2012 found in 2019: warranting a reprimand, its five years long run out.
    if let Some(m) = member_in(tx, "DH-TT-03", d(2019, 1, 1), 0).await? {
        let c = case(
            tx,
            &dh,
            &m,
            None,
            "denunciation",
            "Đơn tố cáo về việc sử dụng đất năm 2012",
            d(2012, 8, 1),
            d(2019, 4, 8),
            Some((d(2019, 5, 10), "time_barred")),
        )
        .await?;
        step(tx, &c, "decision", d(2019, 4, 8), None).await?;
        step(tx, &c, "conclusion", d(2019, 5, 10), None).await?;
    }
    Ok(())
}
