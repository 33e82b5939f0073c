//! The rows derived from a member's events: the `member` row, the dated spans and episodes,
//! and the transfers and attachments under way. Rewritten in the transaction of every event.

use crate::bulk::{Val, bind_all};
use crate::rows::iso;
use crate::{DbError, now};
use dangbo_core::event::Derived;
use sqlx::{Any, Transaction};

const MEMBER_INSERT: &str = "INSERT INTO member (org_id, host_org_id, status, episode, family_name, middle_name, given_name, full_name, sex, birth_date, ethnicity, religion, birth_place, home_town, residence, phone, education, professional, theory, occupation, cccd, card_no, bio_no, admission_decision_no, admission_decision_date, ceremony_date, full_date, exit_date, search_text, sort_key, updated_at, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32)";
pub(crate) const MEMBER_UPDATE: &str = "UPDATE member SET org_id = $1, host_org_id = $2, status = $3, episode = $4, family_name = $5, middle_name = $6, given_name = $7, full_name = $8, sex = $9, birth_date = $10, ethnicity = $11, religion = $12, birth_place = $13, home_town = $14, residence = $15, phone = $16, education = $17, professional = $18, theory = $19, occupation = $20, cccd = $21, card_no = $22, bio_no = $23, admission_decision_no = $24, admission_decision_date = $25, ceremony_date = $26, full_date = $27, exit_date = $28, search_text = $29, sort_key = $30, updated_at = $31 WHERE id = $32";

/// The `member` row of a derived state, in the column order of [`bulk::MEMBER`] (id last).
pub(crate) fn member_values(id: &str, d: &Derived, updated_at: String) -> Vec<Val> {
    let p = &d.person;
    vec![
        d.org_id.as_str().into(),
        d.host_org_id.as_ref().into(),
        d.status.as_str().into(),
        d.episode.into(),
        p.family_name.as_str().into(),
        p.middle_name.as_str().into(),
        p.given_name.as_str().into(),
        p.full_name().into(),
        p.sex.as_str().into(),
        iso(p.birth_date).into(),
        p.ethnicity.as_str().into(),
        p.religion.as_str().into(),
        p.birth_place.as_str().into(),
        p.home_town.as_str().into(),
        p.residence.as_str().into(),
        p.phone.as_str().into(),
        p.education.as_str().into(),
        p.professional.as_str().into(),
        p.theory.as_str().into(),
        p.occupation.as_str().into(),
        p.cccd.as_ref().into(),
        d.party.card_no.as_ref().into(),
        d.party.bio_no.as_ref().into(),
        d.party.admission_decision_no.as_ref().into(),
        iso(d.party.admission_decision_date).into(),
        iso(d.party.ceremony_date).into(),
        d.full_date.map(iso).into(),
        d.exit_date.map(iso).into(),
        p.search_text(d.party.card_no.as_deref()).into(),
        p.sort_key().into(),
        updated_at.into(),
        id.into(),
    ]
}

/// The `member_span` rows of a derived state ([`bulk::MEMBER_SPAN`]).
pub(crate) fn span_values<'a>(id: &'a str, d: &'a Derived) -> impl Iterator<Item = Vec<Val>> + 'a {
    d.spans.iter().map(move |s| {
        let l = &s.levels;
        vec![
            id.into(),
            s.org_id.as_str().into(),
            s.status.as_str().into(),
            s.episode.into(),
            iso(s.from).into(),
            s.to.map(iso).into(),
            l.education.as_str().into(),
            l.professional.as_str().into(),
            l.theory.as_str().into(),
            l.occupation.as_str().into(),
        ]
    })
}

/// The `member_episode` rows of a derived state ([`bulk::MEMBER_EPISODE`]).
pub(crate) fn episode_values<'a>(id: &'a str, d: &'a Derived) -> impl Iterator<Item = Vec<Val>> + 'a {
    d.episodes.iter().map(move |e| {
        vec![
            id.into(),
            e.episode.into(),
            e.org_id.as_str().into(),
            (e.admitted_here as i64).into(),
            iso(e.admission_decision_date).into(),
            iso(e.ceremony_date).into(),
            (dangbo_core::date::age_years(d.person.birth_date, e.admission_decision_date) as i64).into(),
        ]
    })
}

/// The words a member is found by: the folded name, CCCD and card number, each once.
pub(crate) fn words(d: &Derived) -> Vec<String> {
    words_of(&d.person.search_text(d.party.card_no.as_deref()))
}

/// Whether a word goes into the dictionary of name words (numbers do not: CCCD and card
/// numbers are searched as they are typed, from their first digit).
pub(crate) fn is_name_word(w: &str) -> bool {
    !w.chars().any(|c| c.is_ascii_digit())
}

/// The distinct words of a member's search text.
pub(crate) fn words_of(search_text: &str) -> Vec<String> {
    let mut w: Vec<String> = search_text.split_whitespace().map(str::to_string).collect();
    w.sort();
    w.dedup();
    w
}

/// The `member_word` rows of a derived state ([`bulk::MEMBER_WORD`]); `path` is the current
/// path of the member's home branch.
pub(crate) fn word_values(id: &str, d: &Derived, path: &str) -> Vec<Vec<Val>> {
    words(d).into_iter().map(|w| vec![w.into_bytes().into(), path.as_bytes().to_vec().into(), id.into()]).collect()
}

pub(crate) async fn write_member(tx: &mut Transaction<'static, Any>, id: &str, d: &Derived, insert: bool) -> Result<(), DbError> {
    bind_all(sqlx::query(if insert { MEMBER_INSERT } else { MEMBER_UPDATE }), member_values(id, d, now())).execute(&mut **tx).await?;
    Ok(())
}

pub(crate) async fn write_spans(tx: &mut Transaction<'static, Any>, id: &str, d: &Derived) -> Result<(), DbError> {
    write_words(tx, id, d).await?;
    // The fee sums kept for where the member was counted, and (below) where they now are.
    let who = [id.to_string()];
    crate::fee_stale::touch_members(tx, &who).await?;
    sqlx::query("DELETE FROM member_span WHERE member_id = $1").bind(id).execute(&mut **tx).await?;
    for row in span_values(id, d) {
        bind_all(sqlx::query("INSERT INTO member_span (member_id, org_id, status, episode, valid_from, valid_to, education, professional, theory, occupation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"), row)
            .execute(&mut **tx)
            .await?;
    }
    crate::fee_stale::touch_members(tx, &who).await?;
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
    for row in episode_values(id, d) {
        bind_all(sqlx::query("INSERT INTO member_episode (member_id, episode, org_id, admitted_here, admission_decision_date, ceremony_date, age_at_admission) VALUES ($1, $2, $3, $4, $5, $6, $7)"), row)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Rewrites a member's search words (after any event: the name, card or branch may change).
pub(crate) async fn write_words(tx: &mut Transaction<'static, Any>, id: &str, d: &Derived) -> Result<(), DbError> {
    sqlx::query("DELETE FROM member_word WHERE member_id = $1").bind(id).execute(&mut **tx).await?;
    let path: String = sqlx::query_scalar("SELECT path FROM org WHERE id = $1").bind(&d.org_id).fetch_one(&mut **tx).await?;
    for row in word_values(id, d, &path) {
        bind_all(sqlx::query("INSERT INTO member_word (word, path, member_id) VALUES ($1, $2, $3)"), row).execute(&mut **tx).await?;
    }
    for w in words(d).into_iter().filter(|w| is_name_word(w)) {
        sqlx::query("INSERT INTO search_word (word) VALUES ($1) ON CONFLICT (word) DO NOTHING").bind(w.into_bytes()).execute(&mut **tx).await?;
    }
    Ok(())
}

/// After organisations under `prefix` changed path (a move): the search words of their
/// members take the new path.
pub(crate) async fn repath_words(tx: &mut Transaction<'static, Any>, prefix: &str) -> Result<(), DbError> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT m.id, o.path FROM member m JOIN org o ON o.id = m.org_id WHERE o.path LIKE $1")
        .bind(format!("{prefix}%"))
        .fetch_all(&mut **tx)
        .await?;
    for (id, path) in rows {
        sqlx::query("UPDATE member_word SET path = $1 WHERE member_id = $2").bind(path.into_bytes()).bind(id).execute(&mut **tx).await?;
    }
    Ok(())
}
