//! Kept counts of the member form (`org_tally`, see `dangbo_core::tally`): written in the
//! transaction of every change that moves a count (a member's event, an organisation's move),
//! rebuilt whole when a migration adds them, read by the form of an upper organisation.

use crate::bulk::{ORG_TALLY, ORG_TALLY_YEAR, Val};
use crate::rows::{date, iso, opt_date};
use crate::{DbError, Store};
use chrono::NaiveDate;
use dangbo_core::event::Derived;
use dangbo_core::org::OrgKind;
use dangbo_core::tally::{self, Changes, Presence, Traits, Tree, TreeSpan};
use futures_util::TryStreamExt;
use sqlx::{Any, AnyConnection, Row, Transaction};
use std::collections::HashSet;

const TRAIT_COLS: &str = "m.sex, m.ethnicity, m.religion, m.birth_date";
/// A presence and the levels in force over it ([`presence_of`]).
const SPAN_COLS: &str = "ms.org_id, ms.status, ms.valid_from, ms.valid_to, ms.education, ms.professional, ms.theory";
const TREE_COLS: &str = "SELECT s.org_id, o.kind, s.parent_id, s.valid_from, s.valid_to FROM org_span s JOIN org o ON o.id = s.org_id";

/// A member's traits from [`TRAIT_COLS`], by name.
fn traits_of(r: &sqlx::any::AnyRow) -> Result<Traits, DbError> {
    Ok(Traits {
        sex: r.try_get("sex")?,
        ethnicity: r.try_get("ethnicity")?,
        religion: r.try_get("religion")?,
        birth: date(&r.try_get::<String, _>("birth_date")?)?,
    })
}

/// A span of a member's presence ([`SPAN_COLS`]), by name.
fn presence_of(r: &sqlx::any::AnyRow) -> Result<Presence, DbError> {
    Ok(Presence {
        org_id: r.try_get("org_id")?,
        status: r.try_get("status")?,
        from: date(&r.try_get::<String, _>("valid_from")?)?,
        to: opt_date(r.try_get("valid_to")?)?,
        education: r.try_get("education")?,
        professional: r.try_get("professional")?,
        theory: r.try_get("theory")?,
    })
}

/// Adds tree rows (`TREE_COLS`) to `tree`, grouped by organisation.
fn add_tree_rows(tree: &mut Tree, rows: &[sqlx::any::AnyRow]) -> Result<(), DbError> {
    let mut orgs: std::collections::HashMap<String, (OrgKind, Vec<TreeSpan>)> = Default::default();
    for r in rows {
        let kind = crate::rows::decoded(&r.try_get::<String, _>("kind")?, OrgKind::parse, "OrgKind")?;
        let span = TreeSpan { parent: r.try_get("parent_id")?, from: date(&r.try_get::<String, _>("valid_from")?)?, to: opt_date(r.try_get("valid_to")?)? };
        orgs.entry(r.try_get("org_id")?).or_insert_with(|| (kind, Vec::new())).1.push(span);
    }
    for (id, (kind, spans)) in orgs {
        tree.insert(id, kind, spans);
    }
    Ok(())
}

/// Loads (again) the spans of `ids` and of every ancestor they name that `tree` lacks.
async fn load_tree(tx: &mut AnyConnection, tree: &mut Tree, mut ids: Vec<String>) -> Result<(), DbError> {
    while !ids.is_empty() {
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!("{TREE_COLS} WHERE s.org_id IN ({})", marks.join(", "));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in &ids {
            q = q.bind(id.clone());
        }
        let rows = q.fetch_all(&mut *tx).await?;
        add_tree_rows(tree, &rows)?;
        ids = tree.missing_parents();
    }
    Ok(())
}

/// Taken before the kept rows are read to be rewritten, held until the transaction ends: two
/// writers that both read a row before either rewrites it would count its old value twice
/// (PostgreSQL runs writers side by side; SQLite has one writer at a time anyway). A row lock,
/// which the distributed engines of `docs/scaling.md` also have, unlike advisory locks.
pub(crate) const LOCK: &str = "UPDATE derived_done SET done_at = done_at WHERE name LIKE 'org_tally%'";

/// Whether the kept counts are complete (a database migrated to them is rebuilt first).
pub(crate) async fn ready(store: &Store) -> Result<bool, DbError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM derived_done WHERE name = $1").bind(tally::done_name()).fetch_one(&store.pool).await?;
    Ok(n > 0)
}

/// Whether the kept counts are kept up to date in this transaction: not while they wait for a
/// rebuild (a migration, a demo load), which will count everything written before it.
async fn kept_now(tx: &mut Transaction<'static, Any>) -> Result<bool, DbError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM derived_done WHERE name = $1").bind(tally::done_name()).fetch_one(&mut **tx).await?;
    Ok(n > 0)
}

#[cfg(feature = "demo")]
/// Stops keeping the counts for the rest of the transaction (a demo load, which rebuilds them
/// once at its end: see [`rebuild`]).
pub(crate) async fn pause(tx: &mut Transaction<'static, Any>) -> Result<(), DbError> {
    sqlx::query("DELETE FROM derived_done WHERE name LIKE 'org_tally%'").execute(&mut **tx).await?;
    Ok(())
}

/// A member's traits and presences as stored, before a change rewrites them (`None` for a
/// new member), or `Skip` while the counts are not kept.
pub(crate) enum Before {
    Skip,
    Counted(Option<(Traits, Vec<Presence>)>),
}

pub(crate) async fn before(tx: &mut Transaction<'static, Any>, member_id: &str) -> Result<Before, DbError> {
    if !kept_now(tx).await? {
        return Ok(Before::Skip);
    }
    let sql = format!("SELECT {TRAIT_COLS} FROM member m WHERE m.id = $1");
    let Some(r) = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(member_id).fetch_optional(&mut **tx).await? else { return Ok(Before::Counted(None)) };
    let traits = traits_of(&r)?;
    let sql = format!("SELECT {SPAN_COLS} FROM member_span ms WHERE ms.member_id = $1");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(member_id).fetch_all(&mut **tx).await?;
    let presences = rows.iter().map(presence_of).collect::<Result<Vec<_>, _>>()?;
    Ok(Before::Counted(Some((traits, presences))))
}

/// Applies to the kept counts the difference between a member's state `before` and `after`.
fn counted(d: &Derived) -> (Traits, Vec<Presence>) {
    let p = &d.person;
    let traits = Traits { sex: p.sex.as_str().into(), ethnicity: p.ethnicity.as_str().into(), religion: p.religion.as_str().into(), birth: p.birth_date };
    let presences = d
        .spans
        .iter()
        .map(|s| Presence {
            org_id: s.org_id.clone(),
            status: s.status.as_str().into(),
            from: s.from,
            to: s.to,
            education: s.levels.education.clone(),
            professional: s.levels.professional.clone(),
            theory: s.levels.theory.clone(),
        })
        .collect();
    (traits, presences)
}

pub(crate) async fn after(tx: &mut Transaction<'static, Any>, before: Before, after: &Derived) -> Result<(), DbError> {
    let Before::Counted(before) = before else { return Ok(()) };
    let (traits, presences) = counted(after);
    if before.as_ref().is_some_and(|(t, p)| *t == traits && *p == presences) {
        return Ok(());
    }
    let mut orgs: Vec<String> = presences.iter().map(|p| p.org_id.clone()).collect();
    orgs.extend(before.iter().flat_map(|(_, p)| p.iter().map(|p| p.org_id.clone())));
    orgs.sort();
    orgs.dedup();
    let mut tree = Tree::default();
    load_tree(tx, &mut tree, orgs).await?;
    let mut changes = Changes::new();
    if let Some((t, p)) = &before {
        tally::member_changes(&mut tree, t, p, -1, &mut changes);
    }
    tally::member_changes(&mut tree, &traits, &presences, 1, &mut changes);
    apply(tx, &tree, changes).await
}

/// The members' presences in `path`'s subtree that last past `on`, with their traits: what an
/// organisation's move on `on` re-files.
async fn subtree_presences(tx: &mut Transaction<'static, Any>, path: &str, on: NaiveDate) -> Result<Vec<(Traits, Presence)>, DbError> {
    let sql = format!(
        "SELECT {SPAN_COLS}, {TRAIT_COLS} FROM org o JOIN member_span ms ON ms.org_id = o.id JOIN member m ON m.id = ms.member_id
         WHERE o.path LIKE $1 AND (ms.valid_to IS NULL OR ms.valid_to > $2)"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(format!("{path}%")).bind(iso(on)).fetch_all(&mut **tx).await?;
    rows.iter().map(|r| Ok((traits_of(r)?, presence_of(r)?))).collect()
}

/// An organisation's place in the tree is about to change from `on`: the counts of its
/// members as filed under the tree of now. [`moved`] files them under the new tree.
pub(crate) async fn moving(tx: &mut Transaction<'static, Any>, org_id: &str, path: &str, on: NaiveDate) -> Result<(Tree, Changes), DbError> {
    let mut tree = Tree::default();
    let mut changes = Changes::new();
    if !kept_now(tx).await? {
        return Ok((tree, changes));
    }
    let presences = subtree_presences(tx, path, on).await?;
    if presences.is_empty() {
        return Ok((tree, changes));
    }
    let mut orgs: Vec<String> = presences.iter().map(|p| p.1.org_id.clone()).collect();
    orgs.push(org_id.to_string());
    orgs.sort();
    orgs.dedup();
    load_tree(tx, &mut tree, orgs).await?;
    for (t, p) in &presences {
        tally::member_changes(&mut tree, t, std::slice::from_ref(p), -1, &mut changes);
    }
    Ok((tree, changes))
}

/// See [`moving`]: called after the organisation's spans changed.
pub(crate) async fn moved(
    tx: &mut Transaction<'static, Any>,
    org_id: &str,
    path: &str,
    on: NaiveDate,
    (mut tree, mut changes): (Tree, Changes),
) -> Result<(), DbError> {
    if changes.is_empty() {
        return Ok(());
    }
    load_tree(tx, &mut tree, vec![org_id.to_string()]).await?;
    for (t, p) in &subtree_presences(tx, path, on).await? {
        tally::member_changes(&mut tree, t, std::slice::from_ref(p), 1, &mut changes);
    }
    apply(tx, &tree, changes).await
}

/// Adds changes to the stored rows of days and years (a row whose counts all reach zero is
/// deleted): per organisation and table one read, one delete and one insert.
async fn apply(tx: &mut Transaction<'static, Any>, tree: &Tree, changes: Changes) -> Result<(), DbError> {
    sqlx::query(LOCK).execute(&mut **tx).await?;
    let (mut days, mut years) = (Vec::new(), Vec::new());
    for r in tally::rows(tree, &tally::sorted(changes)) {
        years.extend(r.years.into_iter().map(|(y, c)| (r.org.clone(), y.to_string(), Val::from(i64::from(y)), c)));
        days.extend(r.days.into_iter().map(|(day, c)| (r.org.clone(), iso(day), Val::from(iso(day)), c)));
    }
    add_to_rows(tx, "org_tally_year", "year", years).await?;
    add_to_rows(tx, "org_tally", "on_date", days).await
}

/// Adds counts to organisations' rows of a day or year, given as (organisation, the key as
/// text, the key as bound, counts); the rows already there (a bulk import may have added its
/// own) become one.
async fn add_to_rows(tx: &mut Transaction<'static, Any>, table: &str, key: &str, rows: Vec<(String, String, Val, tally::Counts)>) -> Result<(), DbError> {
    let mut by_org: std::collections::BTreeMap<String, Vec<(String, Val, tally::Counts)>> = Default::default();
    for (org, text, at, counts) in rows {
        by_org.entry(org).or_default().push((text, at, counts));
    }
    for (org, items) in by_org {
        for chunk in items.chunks(300) {
            let marks = (2..chunk.len() + 2).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
            let keys = || std::iter::once(Val::from(org.as_str())).chain(chunk.iter().map(|c| c.1.clone()));
            let sql = format!("SELECT CAST({key} AS TEXT) AS at_key, counts FROM {table} WHERE org_id = $1 AND {key} IN ({marks})");
            let found = crate::bulk::bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), keys()).fetch_all(&mut **tx).await?;
            let mut old: std::collections::HashMap<String, Vec<(u8, String, i64)>> = Default::default();
            for r in &found {
                let e = old.entry(r.try_get("at_key")?).or_default();
                *e = tally::merge(std::mem::take(e), &tally::decode(&r.try_get::<String, _>("counts")?));
            }
            if !found.is_empty() {
                let sql = format!("DELETE FROM {table} WHERE org_id = $1 AND {key} IN ({marks})");
                crate::bulk::bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), keys()).execute(&mut **tx).await?;
            }
            let mut values = Vec::new();
            for (text, at, counts) in chunk {
                let merged = tally::merge(old.remove(text).unwrap_or_default(), counts);
                if !merged.is_empty() {
                    values.extend([Val::from(org.as_str()), at.clone(), tally::encode(merged).into()]);
                }
            }
            if !values.is_empty() {
                let marks = (0..values.len() / 3).map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3)).collect::<Vec<_>>().join(", ");
                let sql = format!("INSERT INTO {table} (org_id, {key}, counts) VALUES {marks}");
                crate::bulk::bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), values).execute(&mut **tx).await?;
            }
        }
    }
    Ok(())
}

/// The form of a kept organisation on `as_of`: per dimension, value → count.
pub(crate) async fn counts(store: &Store, org_id: &str, as_of: NaiveDate) -> Result<Vec<std::collections::BTreeMap<String, i64>>, DbError> {
    let mut out: Vec<std::collections::BTreeMap<String, i64>> = tally::DIMENSIONS.iter().map(|_| Default::default()).collect();
    let year = chrono::Datelike::year(&as_of);
    let mut rows = sqlx::query_scalar::<_, String>(
        "SELECT counts FROM org_tally_year WHERE org_id = $1 AND year < $2 UNION ALL SELECT counts FROM org_tally WHERE org_id = $1 AND on_date >= $3 AND on_date <= $4",
    )
    .bind(org_id)
    .bind(i64::from(year))
    .bind(format!("{year:04}-01-01"))
    .bind(iso(as_of))
    .fetch(&store.pool);
    while let Some(row) = rows.try_next().await? {
        for (dim, value, n) in tally::decode(&row) {
            let m = out.get_mut(dim as usize).ok_or_else(|| DbError::Internal(anyhow::anyhow!("kept count dimension {dim}")))?;
            *m.entry(value).or_default() += n;
        }
    }
    for m in &mut out {
        m.retain(|_, n| *n != 0);
    }
    Ok(out)
}

/// Rebuilds every kept count from the members' spans (after the migration that adds them, and
/// after a generated load): one pass per top-level subtree, in bounded memory.
pub(crate) async fn rebuild(store: &Store) -> Result<(), DbError> {
    let mut tree = Tree::default();
    let rows = sqlx::query(TREE_COLS).fetch_all(&store.pool).await?;
    add_tree_rows(&mut tree, &rows)?;
    drop(rows);
    let roots: HashSet<u32> =
        sqlx::query_scalar::<_, String>("SELECT id FROM org WHERE parent_id IS NULL").fetch_all(&store.pool).await?.iter().map(|id| tree.number(id)).collect();
    let tops: Vec<String> =
        sqlx::query_scalar("SELECT path FROM org WHERE parent_id IN (SELECT id FROM org WHERE parent_id IS NULL)").fetch_all(&store.pool).await?;
    store
        .upkeep("kept counts cleared for a rebuild", async |tx| {
            sqlx::query("DELETE FROM org_tally").execute(&mut **tx).await?;
            sqlx::query("DELETE FROM org_tally_year").execute(&mut **tx).await?;
            sqlx::query("DELETE FROM derived_done WHERE name LIKE 'org_tally%'").execute(&mut **tx).await?;
            Ok(())
        })
        .await?;
    let mut bulk = store.bulk(64).await?;
    let mut global = Changes::new();
    let mut flushed: HashSet<u32> = HashSet::new();
    let mut late = Changes::new();
    let base = format!("SELECT {SPAN_COLS}, {TRAIT_COLS} FROM org o JOIN member_span ms ON ms.org_id = o.id JOIN member m ON m.id = ms.member_id");
    let mut parts: Vec<(String, Option<(String, String)>)> = vec![(format!("{base} WHERE o.parent_id IS NULL"), None)];
    for p in tops {
        let to = format!("{}0", p.strip_suffix('/').unwrap_or(&p));
        parts.push((format!("{base} WHERE o.path >= $1 AND o.path < $2"), Some((p, to))));
    }
    for (sql, range) in parts {
        let mut part = Changes::new();
        {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            if let Some((from, to)) = range {
                q = q.bind(from).bind(to);
            }
            let mut rows = q.fetch(&store.pool);
            while let Some(r) = rows.try_next().await? {
                tally::member_changes(&mut tree, &traits_of(&r)?, &[presence_of(&r)?], 1, &mut part);
            }
        }
        // The Centre's changes come from every part; an organisation already written (moved
        // between top-level subtrees) gets its later changes added to its rows at the end.
        let mut rows = tally::sorted(part);
        rows.retain(|k, n| {
            let held = if roots.contains(&k.0) {
                &mut global
            } else if flushed.contains(&k.0) {
                &mut late
            } else {
                return true;
            };
            held.add(k, n);
            false
        });
        flushed.extend(rows.iter().map(|e| e.0.0));
        push_sorted(&mut bulk, &tree, &rows).await?;
    }
    push_rows(&mut bulk, &tree, global).await?;
    bulk.commit().await?;
    store
        .upkeep("kept counts completed", async |tx| {
            apply(tx, &tree, late).await?;
            sqlx::query("INSERT INTO derived_done (name, done_at) VALUES ($1, $2)").bind(tally::done_name()).bind(crate::now()).execute(&mut **tx).await?;
            Ok(())
        })
        .await?;
    Ok(())
}

async fn push_rows(bulk: &mut crate::bulk::Bulk<'_>, tree: &Tree, changes: Changes) -> Result<(), DbError> {
    push_sorted(bulk, tree, &tally::sorted(changes)).await
}

async fn push_sorted(bulk: &mut crate::bulk::Bulk<'_>, tree: &Tree, sorted: &tally::Sorted) -> Result<(), DbError> {
    for r in tally::rows(tree, sorted) {
        for (year, counts) in r.years {
            bulk.push(ORG_TALLY_YEAR, vec![Val::from(r.org.as_str()), i64::from(year).into(), tally::encode(counts).into()]).await?;
        }
        for (day, counts) in r.days {
            bulk.push(ORG_TALLY, vec![Val::from(r.org.as_str()), iso(day).into(), tally::encode(counts).into()]).await?;
        }
    }
    Ok(())
}

/// The counts of new members written through the bulk path (an import), kept in memory and
/// written in the same bulk transaction as the members.
#[derive(Default)]
pub(crate) struct Adder {
    tree: Tree,
    changes: Changes,
    /// Organisations were made known whose superiors are not loaded yet.
    unloaded: bool,
}

impl Adder {
    pub(crate) async fn add(&mut self, conn: &mut AnyConnection, d: &Derived) -> Result<(), DbError> {
        self.change(conn, d, 1).await
    }

    /// Takes a member's former state out (an import's update, before its new state is added).
    pub(crate) async fn remove(&mut self, conn: &mut AnyConnection, d: &Derived) -> Result<(), DbError> {
        self.change(conn, d, -1).await
    }

    /// An organisation the database does not hold yet (founded in the same transaction).
    pub(crate) fn know(&mut self, id: String, kind: OrgKind, spans: Vec<TreeSpan>) {
        self.tree.insert(id, kind, spans);
        self.unloaded = true;
    }

    async fn change(&mut self, conn: &mut AnyConnection, d: &Derived, sign: i64) -> Result<(), DbError> {
        let (traits, presences) = counted(d);
        let mut missing: Vec<String> = presences.iter().filter(|p| !self.tree.orgs.contains_key(&p.org_id)).map(|p| p.org_id.clone()).collect();
        if std::mem::take(&mut self.unloaded) {
            missing.extend(self.tree.missing_parents());
        }
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            load_tree(conn, &mut self.tree, missing).await?;
        }
        tally::member_changes(&mut self.tree, &traits, &presences, sign, &mut self.changes);
        Ok(())
    }

    /// Writes what is held, once, at the end of the import: one row per organisation and day
    /// it changed (held and written every 100,000 changes instead, a million-member import
    /// appended millions of rows and ran at 1,235 rows/s instead of ~4,000; docs/benchmarks.md).
    pub(crate) async fn write(self, bulk: &mut crate::bulk::Bulk<'_>) -> Result<(), DbError> {
        push_rows(bulk, &self.tree, self.changes).await
    }
}

#[cfg(feature = "demo")]
/// The kept counts are about to be written in bulk: not complete until [`rebuild`] ends.
pub(crate) async fn invalidate(store: &Store) -> Result<(), DbError> {
    store
        .upkeep("kept counts marked incomplete for a bulk load", async |tx| {
            sqlx::query("DELETE FROM derived_done WHERE name LIKE 'org_tally%'").execute(&mut **tx).await?;
            Ok(())
        })
        .await
}

/// Builds the kept counts when they are not complete (a database just migrated to them).
pub(crate) async fn ensure(store: &Store) -> Result<(), DbError> {
    if !ready(store).await? {
        rebuild(store).await?;
        tracing::info!("kept counts of the member form rebuilt");
    }
    Ok(())
}
