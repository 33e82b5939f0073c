//! Kept monthly sums of fees (`fee_kept`, migration 0020): for each organisation and year, the
//! twelve months of the members owing them to the organisation itself, so that a province's
//! year sums a few thousand rows instead of replaying every member's ledger.
//!
//! A row is valid while its version is the organisation's in `fee_kept_version` and its epoch
//! is the row `'*'` there (`crate::fee_stale`). Whatever changes what a member owes or paid
//! bumps the versions of every organisation the member was ever counted in (a payment, a basis,
//! a relief, every rewrite of the member's spans, a bulk write's members); a rule's change
//! bumps the epoch. A read that finds rows missing or stale computes them from the ledger and
//! writes them back with the versions it read in the same snapshot, before the ledger: a
//! change committed meanwhile has bumped them, so the row written is stale at once, never
//! wrong.

use super::MonthFee;
use super::arrears::{Within, subtree_months};
use crate::fee_stale::EPOCH;
use crate::scope::ORG_IN_SCOPE;
use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use dangbo_core::fee::Month;
use dangbo_core::rules::RuleBook;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// Organisations computed at once when rows are missing (bounds a cold read's memory).
const CHUNK: usize = 300;

/// One month's sums over the members owing it to an organisation.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sums {
    pub members: i64,
    pub due: i64,
    pub paid: i64,
    pub exempt: i64,
    pub reduced: i64,
    pub in_arrears: i64,
    pub no_basis: i64,
}

impl Sums {
    /// Counts one member's month, when owed.
    pub(crate) fn add_month(&mut self, f: &MonthFee) {
        if !f.owed {
            return;
        }
        self.members += 1;
        self.due += f.due.unwrap_or(0);
        self.paid += f.paid;
        self.exempt += i64::from(f.exempt);
        self.reduced += i64::from(f.reduction > 0 && !f.exempt);
        self.in_arrears += i64::from(!f.exempt && f.due.is_some_and(|d| f.paid < d));
        self.no_basis += i64::from(f.due.is_none());
    }

    fn add(&mut self, o: &Sums) {
        self.members += o.members;
        self.due += o.due;
        self.paid += o.paid;
        self.exempt += o.exempt;
        self.reduced += o.reduced;
        self.in_arrears += o.in_arrears;
        self.no_basis += o.no_basis;
    }

    fn fields(&self) -> [i64; 7] {
        [self.members, self.due, self.paid, self.exempt, self.reduced, self.in_arrears, self.no_basis]
    }
}

/// A year's twelve months.
pub(crate) type Year = [Sums; 12];

/// The stored text of a year: twelve months separated by `;`, each its seven numbers by `,`
/// (an empty month as an empty string).
fn encode(y: &Year) -> String {
    y.iter()
        .map(|s| if *s == Sums::default() { String::new() } else { s.fields().iter().map(i64::to_string).collect::<Vec<_>>().join(",") })
        .collect::<Vec<_>>()
        .join(";")
}

fn decode(text: &str) -> Option<Year> {
    let mut y = [Sums::default(); 12];
    let parts: Vec<&str> = text.split(';').collect();
    if parts.len() != 12 {
        return None;
    }
    for (s, part) in y.iter_mut().zip(parts) {
        if part.is_empty() {
            continue;
        }
        let n: Vec<i64> = part.split(',').map(str::parse).collect::<Result<_, _>>().ok()?;
        let [members, due, paid, exempt, reduced, in_arrears, no_basis] = n[..] else { return None };
        *s = Sums { members, due, paid, exempt, reduced, in_arrears, no_basis };
    }
    Some(y)
}

/// What a read found missing or stale: the organisations with the versions read beside them.
pub(crate) struct Stale {
    epoch: i64,
    orgs: Vec<(String, i64)>,
}

impl Stale {
    pub(crate) fn is_empty(&self) -> bool {
        self.orgs.is_empty()
    }
}

/// The kept rows of organisations: id → (version, sums).
type KeptRows = HashMap<String, (i64, String)>;

/// Which organisations a read sums.
pub(crate) enum Subtree<'a> {
    /// Those whose path today lies in `paths` with a span on `on`, in the caller's scope: the
    /// subtree as it stood on `on` when no organisation has changed since.
    Today { paths: (&'a str, &'a str), on: NaiveDate, scope: &'a crate::scope::ScopeArgs },
    /// These (a subtree as it stood before a reorganisation): those whose path today lies in
    /// `paths` read at once, the others one by one.
    Named { paths: (&'a str, &'a str), ids: &'a [String] },
}

/// The organisations found, their kept rows of `year` and their versions, for the
/// organisations whose path today lies in `paths` (one read by the path index).
async fn by_path(
    tx: &mut Transaction<'static, Any>,
    sub: &Subtree<'_>,
    year: i32,
    epoch: i64,
) -> Result<(Vec<String>, KeptRows, HashMap<String, i64>), DbError> {
    const COLS: &str = "SELECT o.id, k.version, k.sums, v.version AS current FROM org o
           LEFT JOIN fee_kept k ON k.org_id = o.id AND k.year = $3 AND k.epoch = $4 LEFT JOIN fee_kept_version v ON v.org_id = o.id";
    let rows = match sub {
        Subtree::Today { paths, on, scope } => {
            let sql = format!(
                "{COLS} JOIN org_span s ON s.org_id = o.id AND s.valid_from <= $5 AND (s.valid_to IS NULL OR s.valid_to > $5)
                 WHERE o.path >= $6 AND o.path < $7 AND {ORG_IN_SCOPE}"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(scope.all)
                .bind(&scope.prefix)
                .bind(i64::from(year))
                .bind(epoch)
                .bind(crate::rows::iso(*on))
                .bind(paths.0)
                .bind(paths.1)
                .fetch_all(&mut **tx)
                .await?
        }
        Subtree::Named { paths, .. } => {
            sqlx::query(sqlx::AssertSqlSafe(format!("{COLS} WHERE o.path >= $1 AND o.path < $2")))
                .bind(paths.0)
                .bind(paths.1)
                .bind(i64::from(year))
                .bind(epoch)
                .fetch_all(&mut **tx)
                .await?
        }
    };
    let (mut ids, mut kept, mut versions) = (Vec::with_capacity(rows.len()), HashMap::with_capacity(rows.len()), HashMap::with_capacity(rows.len()));
    for r in &rows {
        let id: String = r.try_get("id")?;
        if let Some(v) = r.try_get::<Option<i64>, _>("current")? {
            versions.insert(id.clone(), v);
        }
        if let (Some(v), Some(text)) = (r.try_get::<Option<i64>, _>("version")?, r.try_get::<Option<String>, _>("sums")?) {
            kept.insert(id.clone(), (v, text));
        }
        ids.push(id);
    }
    Ok((ids, kept, versions))
}

/// As [`by_path`], for organisations named one by one (those of a subtree as it stood before a
/// reorganisation that now lie elsewhere, or whose rows are missing), 500 at a time.
async fn by_id(tx: &mut Transaction<'static, Any>, ids: &[&String], year: i32, epoch: i64) -> Result<(KeptRows, HashMap<String, i64>), DbError> {
    let (mut kept, mut versions) = (HashMap::new(), HashMap::new());
    for chunk in ids.chunks(500) {
        let list = (3..chunk.len() + 3).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT org_id, version, sums FROM fee_kept WHERE year = $1 AND epoch = $2 AND org_id IN ({list})");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(i64::from(year)).bind(epoch);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut **tx).await? {
            kept.insert(r.try_get("org_id")?, (r.try_get("version")?, r.try_get("sums")?));
        }
        let sql = format!("SELECT org_id, version FROM fee_kept_version WHERE org_id IN ({})", super::placeholders(chunk.len()));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut **tx).await? {
            versions.insert(r.try_get("org_id")?, r.try_get("version")?);
        }
    }
    Ok((kept, versions))
}

/// The sums of the valid rows of `year` of the subtree's organisations, and the organisations
/// whose rows are missing or stale.
pub(crate) async fn read(tx: &mut Transaction<'static, Any>, sub: &Subtree<'_>, year: i32) -> Result<(Year, Stale), DbError> {
    let epoch: i64 = sqlx::query_scalar("SELECT version FROM fee_kept_version WHERE org_id = $1").bind(EPOCH).fetch_optional(&mut **tx).await?.unwrap_or(0);
    let (found, mut kept, mut versions) = by_path(tx, sub, year, epoch).await?;
    let orgs = match sub {
        Subtree::Today { .. } => &found,
        Subtree::Named { ids, .. } => *ids,
    };
    // Those the range did not find (moved elsewhere since, or without rows) one by one.
    let elsewhere: Vec<&String> = orgs.iter().filter(|id| !kept.contains_key(*id)).collect();
    if matches!(sub, Subtree::Named { .. }) && !elsewhere.is_empty() {
        let (k, v) = by_id(tx, &elsewhere, year, epoch).await?;
        kept.extend(k);
        versions.extend(v);
    }
    let mut total = [Sums::default(); 12];
    let mut stale = Vec::new();
    for id in orgs {
        let version = versions.get(id).copied().unwrap_or(0);
        match kept.get(id).filter(|(v, _)| *v == version).map(|(_, text)| (text, decode(text))) {
            Some((_, Some(y))) => total.iter_mut().zip(&y).for_each(|(t, s)| t.add(s)),
            Some((text, None)) => {
                tracing::warn!(org = id, year, text, "kept fee sums undecodable: computed again");
                stale.push((id.clone(), version));
            }
            None => stale.push((id.clone(), version)),
        }
    }
    Ok((total, Stale { epoch, orgs: stale }))
}

/// Computes the years of the organisations `stale` names (`names`: id → code, name), in chunks.
pub(crate) async fn compute(
    tx: &mut Transaction<'static, Any>,
    stale: &Stale,
    names: &HashMap<String, (String, String)>,
    year: i32,
    book: &RuleBook,
) -> Result<Vec<(String, Year)>, DbError> {
    let (from, to) = (Month::new(year, 1).ok_or_else(|| DbError::field("year", "err-number"))?, Month::new(year, 12).expect("a month"));
    let mut out = Vec::with_capacity(stale.orgs.len());
    for chunk in stale.orgs.chunks(CHUNK) {
        let within: HashMap<String, (String, String)> = chunk.iter().map(|(id, _)| (id.clone(), names.get(id).cloned().unwrap_or_default())).collect();
        let mut years: HashMap<&str, Year> = chunk.iter().map(|(id, _)| (id.as_str(), [Sums::default(); 12])).collect();
        for line in subtree_months(tx, &Within::Orgs(within), from, to, book).await? {
            for (i, (f, at)) in line.months.iter().zip(&line.at).enumerate() {
                if let Some(y) = at.as_deref().and_then(|id| years.get_mut(id)) {
                    y[i].add_month(f);
                }
            }
        }
        out.extend(chunk.iter().map(|(id, _)| (id.clone(), years[id.as_str()])));
    }
    Ok(out)
}

/// Adds the years computed to a total.
pub(crate) fn add_all(total: &mut Year, years: &[(String, Year)]) {
    for (_, y) in years {
        total.iter_mut().zip(y).for_each(|(t, s)| t.add(s));
    }
}

impl Store {
    /// Writes the years computed for the stale rows, with the versions read beside them. Best
    /// effort: the answer is already computed, and a failure (a concurrent writer of the same
    /// rows) only leaves them to be computed again.
    pub(crate) async fn keep_fee_years(&self, caller: &Caller, year: i32, stale: &Stale, years: &[(String, Year)]) {
        let versions: HashMap<&str, i64> = stale.orgs.iter().map(|(id, v)| (id.as_str(), *v)).collect();
        let written = self
            .command(caller, crate::command::Right::Any, async |c| {
                c.unaudited("kept fee sums: derived from the ledger, which is audited");
                for chunk in years.chunks(100) {
                    let sql = format!(
                        "DELETE FROM fee_kept WHERE year = $1 AND org_id IN ({})",
                        (2..chunk.len() + 2).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(i64::from(year));
                    for (id, _) in chunk {
                        q = q.bind(id);
                    }
                    q.execute(&mut *c.tx).await?;
                    let marks = (0..chunk.len())
                        .map(|i| format!("(${}, ${}, ${}, ${}, ${})", 5 * i + 1, 5 * i + 2, 5 * i + 3, 5 * i + 4, 5 * i + 5))
                        .collect::<Vec<_>>();
                    let sql = format!("INSERT INTO fee_kept (org_id, year, version, epoch, sums) VALUES {}", marks.join(", "));
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for (id, y) in chunk {
                        q = q.bind(id).bind(i64::from(year)).bind(versions.get(id.as_str()).copied().unwrap_or(0)).bind(stale.epoch).bind(encode(y));
                    }
                    q.execute(&mut *c.tx).await?;
                }
                Ok(())
            })
            .await;
        if let Err(e) = written {
            tracing::warn!(error = %e, "kept fee sums not written: computed again on the next read");
        } else if self.backend == crate::Backend::Postgres && years.len() >= 1000 {
            // A planner that believes the table empty loops over it for every organisation.
            if let Err(e) = sqlx::query("ANALYZE fee_kept").execute(&self.pool).await {
                tracing::warn!(error = %e, "ANALYZE fee_kept");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_survives_its_text() {
        let mut y = [Sums::default(); 12];
        y[0] = Sums { members: 3, due: 30_000, paid: 20_000, exempt: 1, reduced: 0, in_arrears: 1, no_basis: 0 };
        y[11].no_basis = 2;
        let text = encode(&y);
        assert_eq!(text.split(';').count(), 12);
        assert_eq!(decode(&text), Some(y));
        assert_eq!(decode("1,2;3"), None);
        assert_eq!(decode(&";".repeat(11)), Some([Sums::default(); 12]));
    }
}
