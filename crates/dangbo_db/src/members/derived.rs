//! The rows derived from a member's events: the `member` row, the dated spans and episodes,
//! and the transfers and attachments under way. Rewritten in the transaction of every event.

use crate::rows::iso;
use crate::{DbError, now};
use dangbo_core::event::Derived;
use sqlx::{Any, Transaction};

const MEMBER_INSERT: &str = "INSERT INTO member (org_id, host_org_id, status, episode, family_name, middle_name, given_name, full_name, sex, birth_date, ethnicity, religion, birth_place, home_town, residence, phone, education, professional, theory, occupation, cccd, card_no, bio_no, admission_decision_no, admission_decision_date, ceremony_date, full_date, exit_date, search_text, sort_key, updated_at, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32)";
const MEMBER_UPDATE: &str = "UPDATE member SET org_id = $1, host_org_id = $2, status = $3, episode = $4, family_name = $5, middle_name = $6, given_name = $7, full_name = $8, sex = $9, birth_date = $10, ethnicity = $11, religion = $12, birth_place = $13, home_town = $14, residence = $15, phone = $16, education = $17, professional = $18, theory = $19, occupation = $20, cccd = $21, card_no = $22, bio_no = $23, admission_decision_no = $24, admission_decision_date = $25, ceremony_date = $26, full_date = $27, exit_date = $28, search_text = $29, sort_key = $30, updated_at = $31 WHERE id = $32";

pub(crate) async fn write_member(tx: &mut Transaction<'static, Any>, id: &str, d: &Derived, insert: bool) -> Result<(), DbError> {
    let p = &d.person;
    sqlx::query(if insert { MEMBER_INSERT } else { MEMBER_UPDATE })
        .bind(&d.org_id)
        .bind(&d.host_org_id)
        .bind(d.status.as_str())
        .bind(d.episode)
        .bind(&p.family_name)
        .bind(&p.middle_name)
        .bind(&p.given_name)
        .bind(p.full_name())
        .bind(p.sex.as_str())
        .bind(iso(p.birth_date))
        .bind(&p.ethnicity)
        .bind(&p.religion)
        .bind(&p.birth_place)
        .bind(&p.home_town)
        .bind(&p.residence)
        .bind(&p.phone)
        .bind(&p.education)
        .bind(&p.professional)
        .bind(&p.theory)
        .bind(&p.occupation)
        .bind(&p.cccd)
        .bind(&d.party.card_no)
        .bind(&d.party.bio_no)
        .bind(&d.party.admission_decision_no)
        .bind(iso(d.party.admission_decision_date))
        .bind(iso(d.party.ceremony_date))
        .bind(d.full_date.map(iso))
        .bind(d.exit_date.map(iso))
        .bind(p.search_text(d.party.card_no.as_deref()))
        .bind(p.sort_key())
        .bind(now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn write_spans(tx: &mut Transaction<'static, Any>, id: &str, d: &Derived) -> Result<(), DbError> {
    sqlx::query("DELETE FROM member_span WHERE member_id = $1").bind(id).execute(&mut **tx).await?;
    for s in &d.spans {
        sqlx::query("INSERT INTO member_span (member_id, org_id, status, episode, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(&s.org_id)
            .bind(s.status.as_str())
            .bind(s.episode)
            .bind(iso(s.from))
            .bind(s.to.map(iso))
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("DELETE FROM member_attachment WHERE member_id = $1").bind(id).execute(&mut **tx).await?;
    if let Some(host) = &d.host_org_id {
        sqlx::query("INSERT INTO member_attachment (member_id, host_org_id, until_on) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(host)
            .bind(d.host_until.map(iso))
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("DELETE FROM member_transfer WHERE member_id = $1").bind(id).execute(&mut **tx).await?;
    if let Some(t) = &d.pending_transfer {
        sqlx::query("INSERT INTO member_transfer (member_id, to_org_id, destination, issued_on) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(&t.org_id)
            .bind(&t.destination)
            .bind(iso(t.issued_on))
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("DELETE FROM member_episode WHERE member_id = $1").bind(id).execute(&mut **tx).await?;
    for e in &d.episodes {
        sqlx::query("INSERT INTO member_episode (member_id, episode, org_id, admitted_here, admission_decision_date, ceremony_date, age_at_admission) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id)
            .bind(e.episode)
            .bind(&e.org_id)
            .bind(e.admitted_here as i64)
            .bind(iso(e.admission_decision_date))
            .bind(iso(e.ceremony_date))
            .bind(dangbo_core::date::age_years(d.person.birth_date, e.admission_decision_date) as i64)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
