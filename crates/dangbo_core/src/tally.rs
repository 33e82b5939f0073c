//! Kept counts of the member form (số liệu đảng viên lưu sẵn): for each organisation of an
//! upper level (the Centre, a province, a district), the day-by-day changes of its subtree's
//! members by form dimension. The count of any date is the sum of the changes up to it, so a
//! national form reads a few thousand rows instead of five million members.
//!
//! Everything here is calculation: which days a member's presence in a branch adds to or
//! takes from which upper organisations' counts, given the tree's history. The store keeps the
//! sums and applies the difference a change makes, in the change's transaction.

use crate::member::AgeBand;
use crate::org::OrgKind;
use chrono::{Days, Months, NaiveDate};
use std::collections::HashMap;

/// The dimensions of the member form, in the order of its breakdowns.
pub const DIMENSIONS: [&str; 8] = ["status", "sex", "age", "ethnicity", "religion", "education", "professional", "theory"];
/// Index of the age band in [`DIMENSIONS`].
pub const AGE: usize = 2;

/// The kinds whose subtrees have kept counts: the levels above the grassroots, where counting
/// members one by one takes longer than reading a year of changes (a commune of 1,100
/// members: 7.6 ms). Grassroots organisations and branches are counted directly.
pub const KEPT: [OrgKind; 4] = [OrgKind::Central, OrgKind::Province, OrgKind::District, OrgKind::Commune];

pub fn kept(kind: OrgKind) -> bool {
    KEPT.contains(&kind)
}

/// The name under which complete kept counts are recorded: it names the kept levels, so counts
/// built for other levels (by another version) are rebuilt, never read.
pub fn done_name() -> String {
    let kinds: Vec<&str> = KEPT.iter().map(|k| k.as_str()).collect();
    format!("org_tally:{}", kinds.join(","))
}

/// The label of an age band, as the member form shows it.
pub fn band_label(b: AgeBand) -> &'static str {
    match b {
        AgeBand::UpTo30 => "0-30",
        AgeBand::From31To40 => "31-40",
        AgeBand::From41To50 => "41-50",
        AgeBand::From51To60 => "51-60",
        AgeBand::Over60 => "61-",
    }
}

const BANDS: [AgeBand; 5] = [AgeBand::UpTo30, AgeBand::From31To40, AgeBand::From41To50, AgeBand::From51To60, AgeBand::Over60];

/// The band of someone born on `birth`, on `on` (the same bounds as [`AgeBand::birth_bounds`]).
pub fn band_on(birth: NaiveDate, on: NaiveDate) -> AgeBand {
    BANDS.iter().copied().find(|b| b.birth_bounds(on).0.is_none_or(|after| birth > after)).unwrap_or(AgeBand::Over60)
}

/// The days on which someone born on `birth` enters each band after the first, in order.
pub fn band_changes(birth: NaiveDate) -> Vec<(NaiveDate, AgeBand)> {
    let mut out = Vec::new();
    for (years, band) in [(31, AgeBand::From31To40), (41, AgeBand::From41To50), (51, AgeBand::From51To60), (61, AgeBand::Over60)] {
        let Some(guess) = birth.checked_add_months(Months::new(12 * years)) else { continue };
        // The first day on which the band is reached; month-end clamping (29/2) moves it by a day or two.
        let mut d = guess.checked_sub_days(Days::new(3)).unwrap_or(guess);
        while band_on(birth, d) != band && d < guess + Days::new(3) {
            d = d.succ_opt().unwrap_or(d);
        }
        out.push((d, band));
    }
    out
}

/// What the form counts of one member whatever the date: sex, ethnicity, religion (the
/// member's current values) and the birth date (the age band follows from it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traits {
    pub sex: String,
    pub ethnicity: String,
    pub religion: String,
    pub birth: NaiveDate,
}

/// A member's presence in a branch over [from, to) with a status and the levels in force over
/// it (a `member_span`: a change of level starts a new one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    pub org_id: String,
    pub status: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub education: String,
    pub professional: String,
    pub theory: String,
}

/// One state of an organisation in the tree: its parent over [from, to).
#[derive(Debug, Clone)]
pub struct TreeSpan {
    pub parent: Option<String>,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// The tree's history, as far as it is known (the organisations asked about and their ancestors).
#[derive(Debug, Default)]
pub struct Tree {
    pub orgs: HashMap<String, (OrgKind, Vec<TreeSpan>)>,
    chains: HashMap<String, Vec<Chain>>,
    /// Kept organisations' ids and the form's values, numbered (a national build counts
    /// about a billion changes).
    names: Vec<String>,
    numbers: HashMap<String, u32>,
}

/// A change of a kept count: (organisation, day, dimension, value), numbered by the tree.
pub type Key = (u32, NaiveDate, u8, u32);
mod changes;
pub use changes::{Changes, Sorted};

/// The kept organisations above (and including) a branch over [from, to).
#[derive(Debug, Clone)]
struct Chain {
    from: NaiveDate,
    to: Option<NaiveDate>,
    kept: Vec<u32>,
}

fn later(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

impl Tree {
    /// The number of a name (organisation id or value).
    pub fn number(&mut self, s: &str) -> u32 {
        if let Some(n) = self.numbers.get(s) {
            return *n;
        }
        assert!(self.names.len() < changes::MAX_NUMBER, "kept counts: more than a million organisations and values");
        let n = self.names.len() as u32;
        self.names.push(s.to_string());
        self.numbers.insert(s.to_string(), n);
        n
    }

    pub fn name(&self, n: u32) -> &str {
        &self.names[n as usize]
    }

    pub fn insert(&mut self, id: String, kind: OrgKind, spans: Vec<TreeSpan>) {
        self.chains.clear();
        self.orgs.insert(id, (kind, spans));
    }

    /// The parents an organisation's spans name that the tree does not hold yet.
    pub fn missing_parents(&self) -> Vec<String> {
        let mut out: Vec<String> =
            self.orgs.values().flat_map(|(_, s)| s.iter().filter_map(|s| s.parent.clone())).filter(|p| !self.orgs.contains_key(p)).collect();
        out.sort();
        out.dedup();
        out
    }

    fn chains(&mut self, id: &str) -> Vec<Chain> {
        if let Some(c) = self.chains.get(id) {
            return c.clone();
        }
        let Some((kind, spans)) = self.orgs.get(id).cloned() else { return Vec::new() };
        let own = kept(kind).then(|| self.number(id));
        let mut out = Vec::new();
        for s in spans {
            let above = match &s.parent {
                None => vec![Chain { from: s.from, to: s.to, kept: Vec::new() }],
                Some(p) => self.chains(p),
            };
            for c in above {
                let from = s.from.max(c.from);
                let to = later(s.to, c.to);
                if to.is_some_and(|t| t <= from) {
                    continue;
                }
                let mut kept = c.kept.clone();
                kept.extend(own);
                out.push(Chain { from, to, kept });
            }
        }
        self.chains.insert(id.to_string(), out.clone());
        out
    }
}

/// The changes one member's presences make to the kept counts, with `sign` (+1 to add the
/// member, −1 to take it away). Each presence is cut where the member changes age band and
/// where the branch changes place in the tree: each piece adds 1 to each of its values on its
/// first day and takes it away on the day after its last, in the kept organisations above it.
pub fn member_changes(tree: &mut Tree, traits: &Traits, presences: &[Presence], sign: i64, out: &mut Changes) {
    let bands = band_changes(traits.birth);
    let fixed = [&traits.sex, &traits.ethnicity, &traits.religion].map(|v| tree.number(v));
    for p in presences {
        let chains = tree.chains(&p.org_id);
        let mut cuts = vec![p.from];
        cuts.extend(bands.iter().map(|b| b.0).filter(|d| *d > p.from && p.to.is_none_or(|t| *d < t)));
        let ages: Vec<(NaiveDate, Option<NaiveDate>, u32)> = cuts
            .iter()
            .enumerate()
            .map(|(i, start)| (*start, cuts.get(i + 1).copied().or(p.to), tree.number(band_label(band_on(traits.birth, *start)))))
            .collect();
        // The dimensions other than the age band, in the order of `DIMENSIONS`.
        let levels = [&p.education, &p.professional, &p.theory].map(|v| tree.number(v));
        let others = std::iter::once(tree.number(&p.status)).chain(fixed).chain(levels);
        let values: Vec<(u8, u32)> = (0..DIMENSIONS.len() as u8).filter(|d| usize::from(*d) != AGE).zip(others).collect();
        for c in &chains {
            let from = p.from.max(c.from);
            let to = later(p.to, c.to);
            if to.is_some_and(|t| t <= from) {
                continue;
            }
            for org in &c.kept {
                // Every dimension but the age band holds from the presence's first day to its last.
                for &(dim, v) in &values {
                    add(out, (*org, from, dim, v), to, sign);
                }
                for (start, end, band) in &ages {
                    let from = (*start).max(c.from);
                    let to = later(*end, c.to);
                    if to.is_none_or(|t| t > from) {
                        add(out, (*org, from, AGE as u8, *band), to, sign);
                    }
                }
            }
        }
    }
}

/// Counts `sign` from `key`'s day and takes it back on `to`.
fn add(out: &mut Changes, key: Key, to: Option<NaiveDate>, sign: i64) {
    out.add(key, sign);
    if let Some(t) = to {
        out.add((key.0, t, key.2, key.3), -sign);
    }
}

pub type Counts = Vec<(u8, String, i64)>;

/// One kept organisation's rows: its days' changes and their sums by calendar year.
#[derive(Debug)]
pub struct OrgRows {
    pub org: String,
    pub days: Vec<(NaiveDate, Counts)>,
    pub years: Vec<(i32, Counts)>,
}

/// Changes sorted by (organisation, day), zeros dropped: the input of [`rows`].
pub fn sorted(changes: Changes) -> Sorted {
    changes.into_sorted()
}

/// The rows of [`sorted`] changes, organisation by organisation: only one organisation's rows
/// are spelled out at a time (a rebuild holds millions of changes).
pub fn rows<'a>(tree: &'a Tree, sorted: &'a Sorted) -> impl Iterator<Item = OrgRows> + 'a {
    sorted.by_org().map(move |group| org_rows(tree, &group.collect::<Vec<_>>()))
}

fn org_rows(tree: &Tree, group: &[(Key, i64)]) -> OrgRows {
    let org = group.first().map(|e| tree.name(e.0.0).to_string()).unwrap_or_default();
    let mut days = Vec::new();
    let mut years: std::collections::BTreeMap<i32, std::collections::BTreeMap<(u8, u32), i64>> = Default::default();
    for day in group.chunk_by(|a, b| a.0.1 == b.0.1) {
        let on = day[0].0.1;
        let year = years.entry(chrono::Datelike::year(&on)).or_default();
        let counts = day
            .iter()
            .map(|&((_, _, dim, value), n)| {
                *year.entry((dim, value)).or_default() += n;
                (dim, tree.name(value).to_string(), n)
            })
            .collect();
        days.push((on, counts));
    }
    let years = years
        .into_iter()
        .map(|(y, m)| (y, m.into_iter().filter(|e| e.1 != 0).map(|((dim, value), n)| (dim, tree.name(value).to_string(), n)).collect::<Counts>()))
        .filter(|(_, c)| !c.is_empty())
        .collect();
    OrgRows { org, days, years }
}

/// A row's changes as stored: `[[dimension, value, n], …]`, sorted, zeros dropped.
pub fn encode(mut counts: Vec<(u8, String, i64)>) -> String {
    counts.retain(|c| c.2 != 0);
    counts.sort();
    serde_json::to_string(&counts).unwrap_or_else(|_| "[]".into())
}

/// The stored form of [`encode`].
pub fn decode(s: &str) -> Vec<(u8, String, i64)> {
    serde_json::from_str(s).unwrap_or_default()
}

/// Adds `b` to `a` (both as [`decode`] gives them), keeping zeros out.
pub fn merge(a: Vec<(u8, String, i64)>, b: &[(u8, String, i64)]) -> Vec<(u8, String, i64)> {
    let mut m: std::collections::BTreeMap<(u8, String), i64> = a.into_iter().map(|(d, v, n)| ((d, v), n)).collect();
    for (d, v, n) in b {
        *m.entry((*d, v.clone())).or_default() += n;
    }
    m.into_iter().filter(|(_, n)| *n != 0).map(|((d, v), n)| (d, v, n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn band_changes_fall_on_the_day_the_band_is_reached() {
        for birth in [d(1960, 2, 29), d(1970, 1, 1), d(1988, 12, 31), d(1990, 3, 1)] {
            let ch = band_changes(birth);
            assert_eq!(ch.len(), 4);
            for (day, band) in ch {
                assert_eq!(band_on(birth, day), band, "{birth} {day}");
                assert_ne!(band_on(birth, day.pred_opt().unwrap()), band, "{birth} {day}");
            }
        }
    }

    #[test]
    fn a_presence_counts_in_every_kept_level_and_moves_with_its_branch() {
        let mut t = Tree::default();
        let span = |p: Option<&str>, from, to| TreeSpan { parent: p.map(str::to_string), from, to };
        t.insert("C".into(), OrgKind::Central, vec![span(None, d(1950, 1, 1), None)]);
        t.insert("P".into(), OrgKind::Province, vec![span(Some("C"), d(1950, 1, 1), None)]);
        t.insert("D".into(), OrgKind::District, vec![span(Some("P"), d(1950, 1, 1), Some(d(2025, 7, 1)))]);
        t.insert("X".into(), OrgKind::Commune, vec![span(Some("P"), d(2025, 7, 1), None)]);
        t.insert("B".into(), OrgKind::GrassrootsBranch, vec![span(Some("D"), d(2000, 1, 1), Some(d(2025, 7, 1))), span(Some("X"), d(2025, 7, 1), None)]);
        let traits = Traits { sex: "nam".into(), ethnicity: "kinh".into(), religion: "khong".into(), birth: d(1980, 5, 10) };
        let p = Presence {
            org_id: "B".into(),
            status: "full".into(),
            from: d(2010, 1, 1),
            to: None,
            education: "12/12".into(),
            professional: "dai_hoc".into(),
            theory: "trung_cap".into(),
        };
        let mut out = Changes::new();
        member_changes(&mut t, &traits, &[p], 1, &mut out);
        let sorted = sorted(out);
        let rows: Vec<OrgRows> = rows(&t, &sorted).collect();
        let at = |org: &str, day: NaiveDate, dim: u8, v: &str| {
            let days = rows.iter().filter(|r| r.org == org).flat_map(|r| r.days.iter());
            days.filter(|r| r.0 == day).flat_map(|r| r.1.iter()).filter(|c| c.0 == dim && c.1 == v).map(|c| c.2).sum::<i64>()
        };
        let year = |org: &str, y: i32, dim: u8, v: &str| {
            let years = rows.iter().filter(|r| r.org == org).flat_map(|r| r.years.iter());
            years.filter(|r| r.0 == y).flat_map(|r| r.1.iter()).filter(|c| c.0 == dim && c.1 == v).map(|c| c.2).sum::<i64>()
        };
        assert_eq!(at("C", d(2010, 1, 1), 0, "full"), 1);
        assert_eq!(at("P", d(2010, 1, 1), 1, "nam"), 1);
        assert_eq!(at("D", d(2010, 1, 1), 1, "nam"), 1);
        assert_eq!(at("D", d(2025, 7, 1), 1, "nam"), -1, "leaves the district when it ends");
        assert_eq!(at("P", d(2025, 7, 1), 1, "nam"), 0, "stays in the province");
        assert_eq!(at("C", d(2011, 5, 10), AGE as u8, "31-40"), 1);
        assert_eq!(at("C", d(2011, 5, 10), AGE as u8, "0-30"), -1);
        assert_eq!(at("X", d(2025, 7, 1), 0, "full"), 1, "the commune from its first day");
        assert_eq!(at("X", d(2010, 1, 1), 0, "full"), 0, "not before it existed");
        assert_eq!(year("C", 2011, AGE as u8, "31-40"), 1);
        assert_eq!(year("C", 2011, AGE as u8, "0-30"), -1);
        assert_eq!(year("C", 2011, 0, "full"), 0, "no change of status in 2011");
        assert_eq!(year("D", 2025, 1, "nam"), -1);
    }
}
