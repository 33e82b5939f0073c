//! The demo's annual reviews: Đầm Hà's members rated for 2015–2019, the branch's proposal and
//! the grassroots committee's decision of every member counted at each year's end, with a
//! realistic spread — most HTTNV, a few HTXSNV within the quota of each grassroots organisation,
//! a few HTNV — and one member of DH-TT-01 rated KHTNV in 2018 and 2019 (on the to-do list since).

use crate::rows::iso;
use crate::{DbError, new_id, now};
use chrono::NaiveDate;
use dangbo_core::rating::{Level, quota};
use dangbo_core::rules::RuleId;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;

/// The years rated.
const YEARS: std::ops::RangeInclusive<i32> = 2015..=2019;

/// A stable spread: a number from the member's id and the year.
fn roll(id: &str, year: i32) -> u64 {
    id.bytes().fold(u64::from(year.unsigned_abs()) * 2_654_435_761, |h, b| h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 33
}

/// (member, branch, grassroots organisation) of every member rated at `on`, by grassroots
/// organisation.
async fn rated_on(tx: &mut Transaction<'static, Any>, on: NaiveDate) -> Result<BTreeMap<String, Vec<(String, String)>>, DbError> {
    let rows = sqlx::query(
        "SELECT ms.member_id, ms.org_id, o.kind, sp.parent_id FROM member_span ms JOIN org o ON o.id = ms.org_id
           JOIN org_span sp ON sp.org_id = ms.org_id AND sp.valid_from <= $1 AND (sp.valid_to IS NULL OR sp.valid_to > $1)
         WHERE ms.status IN ('probationary', 'full') AND ms.valid_from <= $1 AND (ms.valid_to IS NULL OR ms.valid_to > $1)
         ORDER BY ms.member_id",
    )
    .bind(iso(on))
    .fetch_all(&mut **tx)
    .await?;
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for r in &rows {
        let branch: String = r.try_get("org_id")?;
        let kind: String = r.try_get("kind")?;
        let grassroots =
            if kind.starts_with("grassroots") { branch.clone() } else { r.try_get::<Option<String>, _>("parent_id")?.unwrap_or_else(|| branch.clone()) };
        out.entry(grassroots).or_default().push((r.try_get("member_id")?, branch));
    }
    Ok(out)
}

/// The member of DH-TT-01 rated KHTNV in 2018 and 2019: the first (by id) counted there at both
/// years' ends and still counted today.
async fn not_done(tx: &mut Transaction<'static, Any>) -> Result<Option<String>, DbError> {
    let id = sqlx::query_scalar(
        "SELECT m.id FROM member m JOIN org o ON o.id = m.org_id WHERE o.code = 'DH-TT-01' AND m.status IN ('probationary', 'full')
           AND EXISTS (SELECT 1 FROM member_span s WHERE s.member_id = m.id AND s.org_id = o.id AND s.status = 'full' AND s.valid_from <= '2018-12-31')
         ORDER BY m.id LIMIT 1",
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(id)
}

/// Writes the demo's ratings (in the demo's load).
pub(crate) async fn load(tx: &mut Transaction<'static, Any>) -> Result<(), DbError> {
    let special = not_done(tx).await?;
    let book = crate::rules::load_rules(tx).await?;
    let stamp = now();
    // member, year, stage, level, organisation, decision number, decision date.
    let mut rows: Vec<[Option<String>; 7]> = Vec::new();
    for year in YEARS {
        let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("a date");
        for (n, (grassroots, members)) in rated_on(tx, end).await?.into_iter().enumerate() {
            let mut levels: Vec<(String, String, Level)> = members
                .into_iter()
                .map(|(id, branch)| {
                    let r = roll(&id, year) % 100;
                    let level = if special.as_deref() == Some(id.as_str()) && year >= 2018 {
                        Level::NotDone
                    } else if r < 6 {
                        Level::Done
                    } else {
                        Level::Good
                    };
                    (id, branch, level)
                })
                .collect();
            // HTXSNV: within the quota of the organisation, by the roll.
            let good = levels.iter().filter(|l| l.2 == Level::Good).count() as i64;
            let mut best: Vec<usize> = (0..levels.len()).filter(|i| levels[*i].2 == Level::Good).collect();
            best.sort_by_key(|i| roll(&levels[*i].0, year + 1));
            let share = book.number(RuleId::RatingExcellentQuota, end);
            let excellent = (quota(good, share) as usize).min(best.len()) * 3 / 4;
            for i in best.into_iter().take(excellent) {
                levels[i].2 = Level::Excellent;
            }
            let decision_no = format!("{}-QĐ/ĐU", 100 + n);
            let decided_on = iso(NaiveDate::from_ymd_opt(year, 12, 26).expect("a date"));
            for (id, branch, level) in levels {
                rows.push([Some(id.clone()), Some(year.to_string()), Some("branch".into()), Some(level.as_str().into()), Some(branch), None, None]);
                rows.push([
                    Some(id),
                    Some(year.to_string()),
                    Some("decision".into()),
                    Some(level.as_str().into()),
                    Some(grassroots.clone()),
                    Some(decision_no.clone()),
                    Some(decided_on.clone()),
                ]);
            }
        }
    }
    for chunk in rows.chunks(200) {
        let marks: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 9;
                format!(
                    "(${}, ${}, CAST(${} AS BIGINT), ${}, ${}, NULL, ${}, ${}, ${}, 'demo', ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 8,
                    b + 9
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO member_rating (id, member_id, year, stage, level, score, org_id, decision_no, decision_date, recorded_by, recorded_at) VALUES {}",
            marks.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in chunk {
            q = q.bind(new_id());
            for v in r {
                q = q.bind(v.clone());
            }
            q = q.bind(stamp.clone());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}
