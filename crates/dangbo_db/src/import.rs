//! Importing members in one transaction: every row is checked (scope, organisation, reference
//! lists, duplicates in the file and in the register); a dry run, or any problem, rolls back.
//! A row whose CCCD (else card number) is already in the register updates that member with what
//! it gives and the member lacks or holds otherwise (an info change dated the day of the import,
//! each listed in the report before anything is written), or leaves it unchanged; a row without
//! either matched by name, birth date and joining date is left unchanged. The same file imported
//! twice changes nothing.
//!
//! Rows stream through in batches: each batch is checked against the register with one lookup
//! per key kind (not one per row), replayed in memory, and written through the bulk path
//! (`COPY` on PostgreSQL) inside a single transaction, so memory stays flat and the whole file
//! lands or nothing does.

use crate::bulk::{AUDIT_LOG, Bulk, MEMBER, MEMBER_EPISODE, MEMBER_EVENT, MEMBER_SPAN, MEMBER_WORD, SEARCH_WORD, Val, bind_all};
use crate::members::{episode_values, event_values, is_name_word, member_values, span_values, word_values, words_of};
use crate::orgs::{OrgRow, org_in_tx};
use crate::rows::iso;
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::FieldErrors;
use dangbo_core::event::{Derived, EventRecord, replay_by};
use dangbo_core::member::{MemberInput, NewMember};
use dangbo_core::org::Basis;
use dangbo_core::register::data::{Extras, events_of};
use serde::Serialize;
use sqlx::{Any, Transaction};
use std::collections::{HashMap, HashSet};

mod mappings;
mod tree;
mod update;
pub use tree::TreeItem;
pub use update::ImportChange;
use update::Update;

/// The changes listed one by one in a report (the count is always whole).
pub const MAX_CHANGES_LISTED: usize = 1_000;

/// One row of a member list, parsed.
#[derive(Debug, Clone)]
pub struct ImportItem {
    /// The row's number in the file (1-based).
    pub row: usize,
    /// The row as given: an update keeps what the row leaves empty.
    pub input: MemberInput,
    pub new: Result<NewMember, FieldErrors>,
    /// The levels' history and an exemption, for a new member.
    pub extras: Extras,
}

impl ImportItem {
    /// A row without extras, parsed as of `today`.
    pub fn new(row: usize, input: MemberInput, today: NaiveDate) -> ImportItem {
        ImportItem { row, new: input.parse(today), input, extras: Extras::default() }
    }
}

/// Rows checked against the register together (one lookup per key kind and batch).
const BATCH: usize = 200;

/// One problem of one row.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportProblem {
    /// The row's number in the file (1-based).
    pub row: usize,
    pub field: String,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    /// The sheet of a row that is not a member's (the organisations' sheet of a data workbook).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<&'static str>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    /// Organisations the file founds (or, for a dry run, would found).
    pub orgs_created: usize,
    /// Members of the register the file changes (or, for a dry run, would change).
    pub updated: usize,
    pub unchanged: usize,
    /// What changes for each updated member (the first [`MAX_CHANGES_LISTED`]).
    pub changes: Vec<ImportChange>,
    pub problems: Vec<ImportProblem>,
    /// Whether the rows were written (false for a dry run or when any row has a problem).
    pub committed: bool,
}

impl ImportReport {
    fn push(&mut self, row: usize, e: FieldErrors) {
        for (field, err) in e.0 {
            self.problems.push(ImportProblem { row, field, key: err.key, args: err.args, sheet: None });
        }
    }

    fn push_tree(&mut self, row: usize, e: FieldErrors) {
        for (field, err) in e.0 {
            self.problems.push(ImportProblem { row, field, key: err.key, args: err.args, sheet: Some(dangbo_core::register::tree::TREE_SHEET) });
        }
    }
}

/// A new member ready to write: its events replayed.
struct Ready {
    id: String,
    records: Vec<EventRecord>,
    /// The decision behind each record, in the same order.
    bases: Vec<Basis>,
    derived: Derived,
    path: String,
}

impl Store {
    /// Imports parsed rows (`Err` rows carry their parse problems) all or nothing, reading them
    /// one batch at a time; updates take effect on `today`.
    #[tracing::instrument(skip_all)]
    pub async fn import_members<I>(&self, caller: &Caller, rows: I, dry_run: bool, today: NaiveDate) -> Result<ImportReport, DbError>
    where
        I: IntoIterator<Item = ImportItem>,
        I::IntoIter: Send,
    {
        self.import_register(caller, Vec::new(), rows, dry_run, today).await
    }

    /// As [`Store::import_members`], first founding the organisations of `tree` (a data
    /// workbook's sheet) the register does not hold, in the same transaction.
    #[tracing::instrument(skip_all)]
    pub async fn import_register<I>(&self, caller: &Caller, tree: Vec<TreeItem>, rows: I, dry_run: bool, today: NaiveDate) -> Result<ImportReport, DbError>
    where
        I: IntoIterator<Item = ImportItem>,
        I::IntoIter: Send,
    {
        if !caller.can_write() {
            return Err(DbError::Forbidden);
        }
        // What the import reads to decide is the caller's own subtree, as for any command: an
        // inherited predecessor's members are not changed from here.
        let writer = Caller { writing: true, ..caller.clone() };
        let mut checks = Checks::start(self, &writer, today).await?;
        // SQLite's page cache for the import: 16 MB imports a million rows as fast as 32 MB did
        // (4,204 against 3,975–4,164 rows/s) in 171 MB of memory instead of 206 MB.
        let mut bulk = if dry_run { None } else { Some(self.bulk(16).await?) };
        let mut report = ImportReport::default();
        let mut counts = crate::tally::Adder::default();
        let planned = checks.plan_tree(tree, &mut report).await?;
        report.orgs_created = planned.len();
        if let Some(b) = bulk.as_mut()
            && report.problems.is_empty()
        {
            tree::write(b, caller, &planned).await?;
            for p in &planned {
                counts.plan_org(p);
            }
        }
        let mut rows = rows.into_iter();
        loop {
            let batch: Vec<ImportItem> = rows.by_ref().take(BATCH).collect();
            if batch.is_empty() {
                break;
            }
            report.rows += batch.len();
            let (ready, updates) = checks.batch(batch, &mut report).await?;
            if !report.problems.is_empty()
                && let Some(b) = bulk.take()
            {
                // Nothing will be committed: stop writing, keep checking to report every row.
                b.rollback().await?;
            }
            if let Some(b) = bulk.as_mut() {
                for r in &ready {
                    write_new(b, caller, r, &mut checks.dictionary).await?;
                    counts.add(&mut checks.tx, &r.derived).await?;
                }
                update::write(b, caller, &updates, &mut checks.dictionary).await?;
                for u in &updates {
                    counts.remove(&mut checks.tx, &u.before).await?;
                    counts.add(&mut checks.tx, &u.after).await?;
                }
            }
        }
        checks.tx.rollback().await?;
        report.problems.sort_by_key(|p| (p.sheet.is_none(), p.row));
        if let Some(mut b) = bulk {
            counts.write(&mut b).await?;
            // Committed under the kept counts' lock: not between a writer's read of a row and
            // its rewrite (see tally::LOCK).
            b.execute(crate::tally::LOCK).await?;
            b.commit().await?;
            report.committed = true;
            // Who reads an ended organisation's history is derived from the tree (as after
            // any change of it), here after the organisations the file founded.
            if planned.iter().any(tree::Planned::ended) {
                self.command(&Caller::system(), crate::command::Right::Admin, async |c| {
                    crate::org_heirs::refresh(&mut c.tx).await?;
                    c.unaudited("successors derived from the tree the import founded");
                    Ok(())
                })
                .await?;
            }
        }
        // Which citizen IDs are already in the register (anywhere: one person, one record) is
        // what a dry run tells; every such answer is on the record with its author.
        if report.unchanged > 0 {
            let detail = serde_json::json!({"rows": report.rows, "already_in_register": report.unchanged, "dry_run": dry_run});
            self.log_read(caller, "import.known", "import", "", detail).await?;
        }
        Ok(report)
    }
}

/// What the checks of one import remember: a read transaction on the register, the reference
/// lists, the organisations seen, the keys of earlier rows and the dictionary of name words.
struct Checks<'a> {
    caller: &'a Caller,
    today: NaiveDate,
    tx: Transaction<'static, Any>,
    refs: HashSet<(String, String)>,
    orgs: HashMap<String, Result<OrgRow, &'static str>>,
    /// CCCDs of earlier rows (twelve digits, kept as a number: a million rows' keys in ~30 MB
    /// instead of ~95 MB of strings) → the first row holding it.
    seen_cccd: HashMap<u64, usize>,
    /// "card_no:…" (and any CCCD not of twelve digits, "cccd:…") → the first row holding it.
    seen_text: HashMap<String, usize>,
    /// Name + birth + joining date of earlier rows without CCCD or card.
    seen_names: HashSet<(String, String, String)>,
    /// Members an earlier row updates → that row.
    updated: HashMap<String, usize>,
    dictionary: HashSet<Vec<u8>>,
    /// The rules the new members' events are judged by (the store's versions).
    book: dangbo_core::rules::RuleBook,
}

impl<'a> Checks<'a> {
    async fn start(store: &Store, caller: &'a Caller, today: NaiveDate) -> Result<Checks<'a>, DbError> {
        let mut tx = store.read().await?;
        let refs: Vec<(String, String)> = sqlx::query_as("SELECT kind, code FROM ref_item WHERE kind IN ('ethnicity', 'religion')").fetch_all(&mut *tx).await?;
        let dictionary: Vec<Vec<u8>> = sqlx::query_scalar("SELECT word FROM search_word").fetch_all(&mut *tx).await?;
        let book = crate::rules::load_rules(&mut tx).await?;
        Ok(Checks {
            book,
            caller,
            today,
            tx,
            refs: refs.into_iter().collect(),
            orgs: HashMap::new(),
            seen_cccd: HashMap::new(),
            seen_text: HashMap::new(),
            seen_names: HashSet::new(),
            updated: HashMap::new(),
            dictionary: dictionary.into_iter().collect(),
        })
    }

    /// Checks a batch: problems go into the report; returns the members to create and those to
    /// update.
    async fn batch(&mut self, batch: Vec<ImportItem>, report: &mut ImportReport) -> Result<(Vec<Ready>, Vec<Update>), DbError> {
        let mut candidates = Vec::with_capacity(batch.len());
        for item in batch {
            match item.new {
                Err(e) => report.push(item.row, e),
                Ok(new) => match self.duplicate_in_file(item.row, &new) {
                    Some(e) => report.push(item.row, e),
                    None => candidates.push((item.row, new, item.input, item.extras)),
                },
            }
        }
        let cccds = self.existing("cccd", candidates.iter().filter_map(|(_, n, _, _)| n.person.cccd.clone()).collect()).await?;
        let cards = self.existing("card_no", candidates.iter().filter_map(|(_, n, _, _)| n.party.card_no.clone()).collect()).await?;
        let nameless: Vec<String> =
            candidates.iter().filter(|(_, n, _, _)| n.person.cccd.is_none() && n.party.card_no.is_none()).map(|(_, n, _, _)| n.person.full_name()).collect();
        let names = self.existing_names(nameless).await?;
        let (mut ready, mut updates) = (Vec::new(), Vec::new());
        for (row, new, input, extras) in candidates {
            let by_cccd = new.person.cccd.as_ref().and_then(|c| cccds.get(c));
            let by_card = new.party.card_no.as_ref().and_then(|c| cards.get(c));
            let matched = match (by_cccd, by_card) {
                (Some(a), Some(b)) if a != b => {
                    report.push(row, FieldErrors::single("cccd", "err-import-two-members"));
                    continue;
                }
                (Some(id), _) | (None, Some(id)) => Some(id.clone()),
                (None, None) => None,
            };
            if let Some(id) = matched {
                if let Some(first) = self.updated.get(&id) {
                    let mut e = FieldErrors::new();
                    e.add_with("cccd", "err-duplicate-in-file", vec![("row", first.to_string())]);
                    report.push(row, e);
                    continue;
                }
                match update::plan(self, row, &id, &input, &new).await? {
                    Err(e) => report.push(row, e),
                    Ok(None) => report.unchanged += 1,
                    Ok(Some(u)) => {
                        self.updated.insert(id, row);
                        report.updated += 1;
                        if report.changes.len() < MAX_CHANGES_LISTED {
                            report.changes.push(u.change());
                        }
                        updates.push(u);
                    }
                }
                continue;
            }
            if new.person.cccd.is_none() && new.party.card_no.is_none() {
                let key = (new.person.full_name(), iso(new.person.birth_date), iso(new.party.ceremony_date));
                if names.contains(&key) || !self.seen_names.insert(key) {
                    report.unchanged += 1;
                    continue;
                }
            }
            match self.prepare(new, &extras).await? {
                Ok(r) => {
                    report.created += 1;
                    ready.push(r);
                }
                Err(e) => report.push(row, e),
            }
        }
        Ok((ready, updates))
    }

    fn duplicate_in_file(&mut self, row: usize, new: &NewMember) -> Option<FieldErrors> {
        let mut dup = FieldErrors::new();
        let cccd = new.person.cccd.as_ref().and_then(|c| match c.len() == 12 && c.bytes().all(|b| b.is_ascii_digit()) {
            true => c.parse().ok().and_then(|n| self.seen_cccd.insert(n, row)),
            false => self.seen_text.insert(format!("cccd:{c}"), row),
        });
        let card = new.party.card_no.as_ref().and_then(|c| self.seen_text.insert(format!("card_no:{c}"), row));
        for (field, first) in [("cccd", cccd), ("card_no", card)] {
            if let Some(first) = first {
                dup.add_with(field, "err-duplicate-in-file", vec![("row", first.to_string())]);
            }
        }
        (!dup.is_empty()).then_some(dup)
    }

    /// Which of `keys` a member of the register already holds in `column`, and who (CCCD and
    /// card numbers are unique in the whole register, whatever the caller's scope).
    async fn existing(&mut self, column: &'static str, keys: Vec<String>) -> Result<HashMap<String, String>, DbError> {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!("SELECT {column} AS key_value, id FROM member WHERE {column} IN ({})", placeholders(keys.len()));
        let found: Vec<(String, String)> = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), keys.into_iter().map(Val::from))
            .fetch_all(&mut *self.tx)
            .await?
            .iter()
            .map(|r| Ok((sqlx::Row::try_get(r, "key_value")?, sqlx::Row::try_get(r, "id")?)))
            .collect::<Result<_, sqlx::Error>>()?;
        Ok(found.into_iter().collect())
    }

    /// The (name, birth date, joining date) of register members bearing one of `names`.
    async fn existing_names(&mut self, mut names: Vec<String>) -> Result<HashSet<(String, String, String)>, DbError> {
        names.sort();
        names.dedup();
        if names.is_empty() {
            return Ok(HashSet::new());
        }
        let sql = format!("SELECT full_name, birth_date, ceremony_date FROM member WHERE full_name IN ({})", placeholders(names.len()));
        let mut q = sqlx::query_as::<_, (String, String, String)>(sqlx::AssertSqlSafe(sql));
        for n in names {
            q = q.bind(n);
        }
        Ok(q.fetch_all(&mut *self.tx).await?.into_iter().collect())
    }

    /// The organisation (in the caller's scope, once per code), the reference lists and the
    /// replay of the new member's events.
    async fn prepare(&mut self, new: NewMember, extras: &Extras) -> Result<Result<Ready, FieldErrors>, DbError> {
        let org = match self.branch(new.org.as_str()).await? {
            Err(key) => return Ok(Err(FieldErrors::single("org", key))),
            Ok(o) => o,
        };
        let here_since = extras.places.last().map_or(new.party.ceremony_date, |(_, on)| *on);
        if org.ended_on.is_some() || org.founded_on > here_since {
            return Ok(Err(FieldErrors::single("org", "err-org-not-alive")));
        }
        let mut place_ids = Vec::with_capacity(extras.places.len());
        for (code, on) in &extras.places {
            match self.branch(code).await? {
                Err(key) => return Ok(Err(FieldErrors::single("places", key))),
                Ok(o) if o.founded_on > *on || o.ended_on.is_some_and(|end| end <= *on) => return Ok(Err(FieldErrors::single("places", "err-org-not-alive"))),
                Ok(o) => place_ids.push(o.id),
            }
        }
        let mut e = FieldErrors::new();
        for (kind, code) in [("ethnicity", &new.person.ethnicity), ("religion", &new.person.religion)] {
            if !self.refs.contains(&(kind.to_string(), code.clone())) {
                e.add(kind, "err-choice");
            }
        }
        if !e.is_empty() {
            return Ok(Err(e));
        }
        let (id, path) = (new_id(), org.path.clone());
        let events = match events_of(&new, &org.id, extras, &place_ids) {
            Ok(events) => events,
            Err(e) => return Ok(Err(e)),
        };
        let (records, bases): (Vec<EventRecord>, Vec<Basis>) = events
            .into_iter()
            .enumerate()
            .map(|(i, (on, data, basis))| (EventRecord { id: new_id(), seq: i as i64 + 1, effective_on: on, data }, basis))
            .unzip();
        Ok(replay_by(&records, &self.book).map(|derived| Ready { id, records, bases, derived, path }))
    }
}

impl Checks<'_> {
    /// A branch by code in the caller's subtree (or founded by the same file), once per code.
    async fn branch(&mut self, code: &str) -> Result<Result<OrgRow, &'static str>, DbError> {
        if !self.orgs.contains_key(code) {
            let org = match org_in_tx(&mut self.tx, self.caller, code).await? {
                None => Err("err-org-unknown"),
                Some(o) if !o.kind.holds_members() => Err("err-org-not-branch"),
                Some(o) => Ok(o),
            };
            self.orgs.insert(code.to_string(), org);
        }
        Ok(self.orgs[code].clone())
    }
}

/// `$1, $2, … $n`.
fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// The rows of one new member, as the one-by-one path writes them, and its audit entry.
async fn write_new(bulk: &mut Bulk<'_>, caller: &Caller, r: &Ready, dictionary: &mut HashSet<Vec<u8>>) -> Result<(), DbError> {
    let (id, d, at) = (r.id.as_str(), &r.derived, now());
    // Admission and recognition neither attach a member elsewhere nor start a transfer.
    debug_assert!(d.host_org_id.is_none() && d.pending_transfer.is_none());
    bulk.push(MEMBER, member_values(id, d, at.clone())).await?;
    for (record, basis) in r.records.iter().zip(&r.bases) {
        bulk.push(MEMBER_EVENT, event_values(id, record, basis, at.clone(), &caller.username)?).await?;
    }
    for row in span_values(id, d) {
        bulk.push(MEMBER_SPAN, row).await?;
    }
    for row in episode_values(id, d) {
        bulk.push(MEMBER_EPISODE, row).await?;
    }
    for row in word_values(id, d, &r.path) {
        bulk.push(MEMBER_WORD, row).await?;
    }
    for w in words_of(&d.person.search_text(None)).into_iter().filter(|w| is_name_word(w)) {
        let w = w.into_bytes();
        if dictionary.insert(w.clone()) {
            bulk.push(SEARCH_WORD, vec![w.into()]).await?;
        }
    }
    let after = serde_json::to_value(&d.person)?.to_string();
    let audit = vec![new_id().into(), at.into(), caller.username.as_str().into(), "member.create".into(), "member".into(), id.into(), Val::Null, after.into()];
    bulk.push(AUDIT_LOG, audit).await
}
