//! The demo's branch secretaries of residential branches (2017–2020 term), those who are also
//! village heads, the 2019 course for them and the 2019 skills contest with its awards.

use crate::courses::insert_participant;
use crate::meetings::roster_on;
use crate::rows::iso;
use crate::{DbError, new_id, now};
use chrono::NaiveDate;
use dangbo_core::cadre::Title;
use dangbo_core::course::{CourseResult, NewParticipant};
use dangbo_core::demo::{CONTEST_AWARDS, village_head};
use sqlx::{Any, Row, Transaction};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

async fn position(tx: &mut Transaction<'static, Any>, member: &str, org: &str, title: Title, from: NaiveDate, to: Option<NaiveDate>) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO position (id, member_id, org_id, title, from_on, to_on, local, local_reason, decision_no, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, 1, '', NULL, 'system', $7)",
    )
    .bind(new_id())
    .bind(member)
    .bind(org)
    .bind(title.as_str())
    .bind(iso(from))
    .bind(to.map(iso))
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn course_id(tx: &mut Transaction<'static, Any>, kind: &str, name_start: &str) -> Result<Option<(String, NaiveDate)>, DbError> {
    let r = sqlx::query("SELECT id, end_date FROM course WHERE kind = $1 AND name LIKE $2 AND start_date LIKE '2019-%'")
        .bind(kind)
        .bind(format!("{name_start}%"))
        .fetch_optional(&mut **tx)
        .await?;
    r.map(|r| Ok((r.try_get("id")?, crate::rows::date(&r.try_get::<String, _>("end_date")?)?))).transpose()
}

pub(crate) async fn load(tx: &mut Transaction<'static, Any>, seed: u64) -> Result<(), DbError> {
    let on = d(2019, 6, 1);
    let branches = sqlx::query(
        "SELECT o.id, o.code FROM org o WHERE o.kind IN ('grassroots_branch', 'subordinate_branch') AND o.field = 'residential'
           AND o.founded_on <= $1 AND (o.ended_on IS NULL OR o.ended_on > $1) ORDER BY o.code",
    )
    .bind(iso(on))
    .fetch_all(&mut **tx)
    .await?;
    let course = course_id(tx, "secretary", "Lớp bồi dưỡng bí thư chi bộ").await?;
    let contest = course_id(tx, "other", "Hội thi").await?;
    let mut heads = Vec::new();
    for b in &branches {
        let (org, code): (String, String) = (b.try_get("id")?, b.try_get("code")?);
        let Some((secretary, _, _)) = roster_on(tx, &org, on).await?.into_iter().find(|r| r.2 == "full") else { continue };
        position(tx, &secretary, &org, Title::Secretary, d(2017, 6, 1), Some(d(2020, 6, 1))).await?;
        if village_head(seed, &code) {
            position(tx, &secretary, &org, Title::VillageHead, d(2017, 6, 1), None).await?;
            heads.push(secretary);
        }
    }
    if let Some((id, end)) = &course {
        for (n, m) in heads.iter().enumerate() {
            let p = NewParticipant {
                member_id: m.clone(),
                result: if n % 25 == 24 { CourseResult::Failed } else { CourseResult::Passed },
                award: String::new(),
                certificate_no: (n % 25 != 24).then(|| format!("BT-2019-{:03}", n + 1)),
                certificate_date: (n % 25 != 24).then_some(*end),
            };
            insert_participant(tx, "system", id, &p).await?;
        }
    }
    if let Some((id, _)) = &contest {
        // Every other secretary-village head competes; the first ranked get the awards.
        for (n, m) in heads.iter().step_by(2).enumerate() {
            let award = CONTEST_AWARDS.get(n).copied().unwrap_or("");
            let p = NewParticipant { member_id: m.clone(), result: CourseResult::Passed, award: award.into(), certificate_no: None, certificate_date: None };
            insert_participant(tx, "system", id, &p).await?;
        }
    }
    Ok(())
}
