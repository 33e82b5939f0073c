//! Changes of the kept counts, summed by key in bounded memory: each key packed into 64 bits,
//! added to a buffer that is sorted and merged into the summed part when it fills. A hash map
//! of the same changes took 2–3 times the memory (24-byte entries, its spare capacity and a
//! doubling at each growth): a million-member import held ~2 million keys.

use super::Key;
use chrono::NaiveDate;

/// Bits of each part of a packed key: organisation, day, dimension, value.
const ORG_BITS: u32 = 20;
const DAY_BITS: u32 = 19;
const DIM_BITS: u32 = 4;
const VALUE_BITS: u32 = 21;
/// Numbers of the tree (kept organisations and values) stay below this (see `Tree::number`).
pub(super) const MAX_NUMBER: usize = 1 << ORG_BITS;
/// Days are counted from 1/1/1600 (19 bits reach the year 3035).
const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1600, 1, 1).expect("a date");
/// Changes buffered before they are merged into the summed ones (at least; a quarter of the
/// summed ones when more, so a national rebuild merges a few hundred times, not thousands).
const BUFFER: usize = 1 << 18;

fn pack((org, day, dim, value): Key) -> u64 {
    let days = u64::try_from((day - EPOCH).num_days()).unwrap_or(0).min((1 << DAY_BITS) - 1);
    (u64::from(org) << (DAY_BITS + DIM_BITS + VALUE_BITS)) | (days << (DIM_BITS + VALUE_BITS)) | (u64::from(dim) << VALUE_BITS) | u64::from(value)
}

fn unpack(k: u64) -> Key {
    let mask = |bits: u32| (1u64 << bits) - 1;
    let org = (k >> (DAY_BITS + DIM_BITS + VALUE_BITS)) as u32;
    let days = (k >> (DIM_BITS + VALUE_BITS)) & mask(DAY_BITS);
    let dim = ((k >> VALUE_BITS) & mask(DIM_BITS)) as u8;
    let value = (k & mask(VALUE_BITS)) as u32;
    (org, EPOCH + chrono::Days::new(days), dim, value)
}

/// Changes by key, summed.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    /// Sorted by key, one entry per key.
    summed: Vec<(u64, i64)>,
    fresh: Vec<(u64, i64)>,
}

impl Changes {
    pub fn new() -> Changes {
        Changes::default()
    }

    /// Adds `n` to `key`.
    pub fn add(&mut self, key: Key, n: i64) {
        debug_assert!(key.0 < MAX_NUMBER as u32 && key.3 < (1 << VALUE_BITS) && key.2 < (1 << DIM_BITS));
        self.fresh.push((pack(key), n));
        if self.fresh.len() >= BUFFER.max(self.summed.len() / 4) {
            self.merge();
        }
    }

    pub fn is_empty(&self) -> bool {
        self.summed.is_empty() && self.fresh.is_empty()
    }

    /// Sorts the buffer and merges it into the summed changes in place, from the back; keys
    /// whose sum is zero are dropped.
    fn merge(&mut self) {
        let mut fresh = std::mem::take(&mut self.fresh);
        fresh.sort_unstable_by_key(|e| e.0);
        sum_runs(&mut fresh);
        let (old, new) = (self.summed.len(), fresh.len());
        self.summed.reserve_exact(new);
        self.summed.resize(old + new, (0, 0));
        let (mut i, mut j, mut out) = (old, new, old + new);
        while j > 0 {
            out -= 1;
            if i > 0 && self.summed[i - 1].0 > fresh[j - 1].0 {
                self.summed[out] = self.summed[i - 1];
                i -= 1;
            } else {
                self.summed[out] = fresh[j - 1];
                j -= 1;
            }
        }
        sum_runs(&mut self.summed);
        fresh.clear();
        self.fresh = fresh;
    }

    /// The changes sorted by key (organisation, day, dimension, value), zeros dropped.
    pub(super) fn into_sorted(mut self) -> Sorted {
        self.merge();
        Sorted(self.summed)
    }
}

/// Summed changes sorted by key, zeros dropped, still packed (unpacked, a key and its sum take
/// 24 bytes instead of 16).
#[derive(Debug, Default)]
pub struct Sorted(Vec<(u64, i64)>);

impl Sorted {
    pub fn iter(&self) -> impl Iterator<Item = (Key, i64)> + '_ {
        self.0.iter().map(|&(k, n)| (unpack(k), n))
    }

    /// Keeps the changes `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(Key, i64) -> bool) {
        self.0.retain(|&(k, n)| keep(unpack(k), n));
    }

    /// The changes of each organisation in turn.
    pub(super) fn by_org(&self) -> impl Iterator<Item = impl Iterator<Item = (Key, i64)> + '_> + '_ {
        let org = |k: u64| k >> (DAY_BITS + DIM_BITS + VALUE_BITS);
        self.0.chunk_by(move |a, b| org(a.0) == org(b.0)).map(|g| g.iter().map(|&(k, n)| (unpack(k), n)))
    }
}

/// Sums the entries of equal keys of a sorted vector into one, dropping zero sums.
fn sum_runs(v: &mut Vec<(u64, i64)>) {
    v.dedup_by(|next, kept| {
        if next.0 == kept.0 {
            kept.1 += next.1;
            true
        } else {
            false
        }
    });
    v.retain(|e| e.1 != 0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn keys_pack_in_their_order_and_unpack_whole() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let keys = [(0, d(1600, 1, 1), 0, 0), (3, d(1945, 9, 2), 7, 2_000_000), (3, d(2025, 7, 1), 0, 1), (1_048_575, d(3000, 12, 31), 15, 5)];
        for pair in keys.windows(2) {
            assert!(pack(pair[0]) < pack(pair[1]), "{pair:?}");
        }
        for k in keys {
            assert_eq!(unpack(pack(k)), k);
        }
    }

    #[test]
    fn sums_match_a_map_across_merges() {
        let day = |i: u64| EPOCH + chrono::Days::new(140_000 + i % 997);
        let mut c = Changes::new();
        let mut m: BTreeMap<Key, i64> = BTreeMap::new();
        let mut x: u64 = 7;
        for i in 0..3_000_000u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let key = ((x >> 60) as u32, day(x >> 20), ((x >> 8) % 8) as u8, ((x >> 40) % 50) as u32);
            let n = if i % 3 == 0 { -1 } else { 1 };
            c.add(key, n);
            *m.entry(key).or_default() += n;
        }
        let want: Vec<(Key, i64)> = m.into_iter().filter(|e| e.1 != 0).collect();
        assert_eq!(c.into_sorted().iter().collect::<Vec<_>>(), want);
    }
}
