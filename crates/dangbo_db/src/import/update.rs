//! A row that matches a member of the register: what it changes, checked before anything is
//! written, then written through the bulk path in the import's one transaction.
//!
//! The row changes the person's items it gives (an info change dated the day of the import);
//! what it leaves empty stays. The name, sex, birth date and the Party record change only by a
//! committee's decision on the member's page: a row that differs there is refused, naming the
//! field, and so is a row that would leave the member invalid.

use super::Checks;
use crate::bulk::{AUDIT_LOG, Bulk, MEMBER_EPISODE, MEMBER_EVENT, MEMBER_SPAN, MEMBER_WORD, SEARCH_WORD, Val};
use crate::members::{
    MEMBER_UPDATE, episode_values, event_values, is_name_word, load_events, member_values, member_visible, span_values, word_values, words_of,
};
use crate::{Caller, DbError, new_id, now};
use dangbo_core::FieldErrors;
use dangbo_core::event::{Derived, EventData, EventRecord, merged_person, replay_by};
use dangbo_core::member::{MemberInput, NewMember};
use dangbo_core::org::Basis;
use serde::Serialize;
use std::collections::HashSet;

/// The items only a decision changes.
const CORE: [&str; 5] = ["family_name", "middle_name", "given_name", "sex", "birth_date"];

/// What an import changes for one member: the items, before and after.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportChange {
    /// The row's number in the file.
    pub row: usize,
    pub member_id: String,
    pub name: String,
    /// (item, before, after), items as `field-…` names, dates dd/mm/yyyy.
    pub fields: Vec<(String, String, String)>,
}

/// A member to update: the new event and the state before and after it.
pub(super) struct Update {
    row: usize,
    id: String,
    record: EventRecord,
    pub before: Derived,
    pub after: Derived,
    /// The current path of the member's home branch (for the search words).
    path: String,
}

impl Update {
    pub fn change(&self) -> ImportChange {
        ImportChange {
            row: self.row,
            member_id: self.id.clone(),
            name: self.after.person.full_name(),
            fields: self.before.person.differences(&self.after.person).into_iter().map(|(f, a, b)| (f.to_string(), a, b)).collect(),
        }
    }
}

/// What row `row` does to member `id`: nothing (the member is outside the caller's scope, or
/// the row holds what the register holds), an update, or the problems that refuse it.
pub(super) async fn plan(
    c: &mut Checks<'_>,
    row: usize,
    id: &str,
    input: &MemberInput,
    new: &NewMember,
) -> Result<Result<Option<Update>, FieldErrors>, DbError> {
    // Another committee's member: the row is known (as before updates existed) and left alone.
    if !member_visible(&mut c.tx, c.caller, id).await? {
        return Ok(Ok(None));
    }
    let mut events = load_events(&mut c.tx, id).await?;
    let before = replay_by(&events, &c.book)?;
    let merged = match merged_person(input, &before.person, c.today) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let mut e = FieldErrors::new();
    for (field, _, _) in before.person.differences(&merged).into_iter().filter(|(f, _, _)| CORE.contains(f)) {
        e.add(field, "err-import-differs");
    }
    party_differences(&before, new, input, &mut e);
    for (kind, code) in [("ethnicity", &merged.ethnicity), ("religion", &merged.religion)] {
        if !c.refs.contains(&(kind.to_string(), code.clone())) {
            e.add(kind, "err-choice");
        }
    }
    if !e.is_empty() {
        return Ok(Err(e));
    }
    if merged == before.person {
        return Ok(Ok(None));
    }
    let seq = events.iter().map(|e| e.seq).max().unwrap_or(0) + 1;
    let record = EventRecord { id: new_id(), seq, effective_on: c.today, data: EventData::InfoChanged { person: merged, correction: false } };
    events.push(record.clone());
    let after = match replay_by(&events, &c.book) {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let path: String = sqlx::query_scalar("SELECT path FROM org WHERE id = $1").bind(&after.org_id).fetch_one(&mut *c.tx).await?;
    Ok(Ok(Some(Update { row, id: id.to_string(), record, before, after, path })))
}

/// The Party record the row gives, where it differs from the register's.
fn party_differences(before: &Derived, new: &NewMember, input: &MemberInput, e: &mut FieldErrors) {
    let (was, now) = (&before.party, &new.party);
    let given = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
    if now.ceremony_date != was.ceremony_date {
        e.add("ceremony_date", "err-import-differs");
    }
    // A list without the decision's date repeats the ceremony's: not a difference.
    if input.admission_decision_date != input.ceremony_date && now.admission_decision_date != was.admission_decision_date {
        e.add("admission_decision_date", "err-import-differs");
    }
    if given(&input.full_date) && new.full_date != before.full_date {
        e.add("full_date", "err-import-differs");
    }
    for (field, row, register) in [
        ("admission_decision_no", &now.admission_decision_no, &was.admission_decision_no),
        ("card_no", &now.card_no, &was.card_no),
        ("bio_no", &now.bio_no, &was.bio_no),
    ] {
        if row.is_some() && row != register {
            e.add(field, "err-import-differs");
        }
    }
}

/// Writes the updates of a batch: the derived rows of their members replaced, the member rows
/// rewritten, each new event and its audit entry added.
pub(super) async fn write(bulk: &mut Bulk<'_>, caller: &Caller, updates: &[Update], dictionary: &mut HashSet<Vec<u8>>) -> Result<(), DbError> {
    if updates.is_empty() {
        return Ok(());
    }
    // What is buffered goes first: the deletes below must not meet rows written after them.
    bulk.flush().await?;
    let ids: Vec<Val> = updates.iter().map(|u| u.id.as_str().into()).collect();
    let list = (1..=ids.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    // The fee sums kept where they were filed (where they are filed now: the bulk's commit).
    bulk.run(&crate::fee_stale::touch_members_sql(ids.len()), ids.clone()).await?;
    for table in ["member_span", "member_episode", "member_word"] {
        bulk.run(&format!("DELETE FROM {table} WHERE member_id IN ({list})"), ids.clone()).await?;
    }
    let summary = |d: &Derived| serde_json::json!({"status": d.status.as_str(), "org_id": d.org_id, "person": d.person, "party": d.party});
    for u in updates {
        let (id, d, at) = (u.id.as_str(), &u.after, now());
        bulk.run(MEMBER_UPDATE, member_values(id, d, at.clone())).await?;
        bulk.push(MEMBER_EVENT, event_values(id, &u.record, &Basis::default(), at.clone(), &caller.username)?).await?;
        for row in span_values(id, d) {
            bulk.push(MEMBER_SPAN, row).await?;
        }
        for row in episode_values(id, d) {
            bulk.push(MEMBER_EPISODE, row).await?;
        }
        for row in word_values(id, d, &u.path) {
            bulk.push(MEMBER_WORD, row).await?;
        }
        for w in words_of(&d.person.search_text(d.party.card_no.as_deref())).into_iter().filter(|w| is_name_word(w)) {
            let w = w.into_bytes();
            if dictionary.insert(w.clone()) {
                bulk.push(SEARCH_WORD, vec![w.into()]).await?;
            }
        }
        let (before, after) = (summary(&u.before).to_string(), summary(d).to_string());
        let audit = vec![
            new_id().into(),
            at.into(),
            caller.username.as_str().into(),
            "member.info_changed".into(),
            "member".into(),
            id.into(),
            before.into(),
            after.into(),
        ];
        bulk.push(AUDIT_LOG, audit).await?;
    }
    Ok(())
}
