//! Administrative units (đơn vị hành chính): the provinces, districts and communes before
//! 1/7/2025, the provinces and communes after, and which new commune each old one went to —
//! `data/admin-units` (from the `vietnamadminunits` package's data, MIT; its README says how),
//! plus the earlier mergers a register still meets (`earlier.csv`, each with its source). A place
//! typed as text ("xã Quảng Lợi, huyện Đầm Hà, tỉnh Quảng Ninh") is recognised against them, so
//! it shows as it was written and as it is now.

use crate::text::fold;
use std::collections::HashMap;
use std::sync::LazyLock;

const BEFORE_2025: &str = include_str!("../../../data/admin-units/before-2025.csv");
const FROM_2025: &str = include_str!("../../../data/admin-units/from-2025.csv");
const MAPPING_2025: &str = include_str!("../../../data/admin-units/2025-mapping.csv");
const EARLIER: &str = include_str!("../../../data/admin-units/earlier.csv");

/// A commune (xã, phường, thị trấn) as it was before 1/7/2025, in its district and province.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OldCommune {
    pub code: &'static str,
    pub name: &'static str,
    pub district: &'static str,
    pub province: &'static str,
    /// For a commune merged before 2025 (`earlier.csv`): the date and the commune it went to.
    pub merged: Option<(&'static str, &'static str)>,
}

/// A commune (xã, phường, đặc khu) from 1/7/2025, in its province.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commune {
    pub code: &'static str,
    pub name: &'static str,
    pub province: &'static str,
}

/// What a typed place was recognised as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A commune of before 1/7/2025, and the commune it is part of now (the main one, for a
    /// commune divided between several).
    Old { then: OldCommune, now: Commune },
    /// A commune of today.
    New(Commune),
}

impl Place {
    /// The commune it is part of today.
    pub fn now(&self) -> &Commune {
        match self {
            Place::Old { now, .. } | Place::New(now) => now,
        }
    }
}

impl Commune {
    /// "xã Quảng Tân, tỉnh Quảng Ninh", as an address reads in running text.
    pub fn display(&self) -> String {
        format!("{}, {}", lower_kind(self.name), lower_kind(self.province))
    }
}

/// "Xã Quảng Tân" → "xã Quảng Tân", "Thành phố Hà Nội" → "thành phố Hà Nội": the kind in
/// lower case, the name as it is.
pub fn lower_kind(name: &str) -> String {
    const KINDS: [&str; 10] = ["Thành phố ", "Thị trấn ", "Thị xã ", "Đặc khu ", "Phường ", "Huyện ", "Quận ", "Tỉnh ", "Xã ", "Thành Phố "];
    match KINDS.iter().find(|k| name.starts_with(*k)) {
        Some(k) => format!("{}{}", k.to_lowercase(), &name[k.len()..]),
        None => name.to_string(),
    }
}

struct Catalogue {
    old: Vec<OldCommune>,
    new: Vec<Commune>,
    new_by_code: HashMap<&'static str, usize>,
    /// Old commune code → the new commune that took it whole or its main part.
    to_new: HashMap<&'static str, &'static str>,
    /// A commune's folded short name ("quang tan") → old (false) and new (true) communes.
    by_name: HashMap<String, Vec<(bool, usize)>>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(Catalogue::load);

fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines().skip(1).filter(|l| !l.trim().is_empty()).map(|l| l.split(',').collect())
}

/// The unit's name without its kind, folded: "Thị trấn Đầm Hà" → "dam ha".
fn short(name: &str) -> String {
    let f = fold(name);
    const KINDS: [&str; 12] = ["thanh pho ", "thi tran ", "thi xa ", "dac khu ", "phuong ", "huyen ", "quan ", "tinh ", "xa ", "tp. ", "tp ", "tt "];
    let mut s = f.as_str();
    if let Some(rest) = KINDS.iter().find_map(|k| s.strip_prefix(k)) {
        s = rest;
    }
    s.trim_start_matches(['.', ' ']).to_string()
}

impl Catalogue {
    fn load() -> Catalogue {
        let mut old: Vec<OldCommune> = rows(BEFORE_2025).map(|r| OldCommune { code: r[4], name: r[5], district: r[3], province: r[1], merged: None }).collect();
        let new: Vec<Commune> = rows(FROM_2025).map(|r| Commune { code: r[2], name: r[3], province: r[1] }).collect();
        let to_new: HashMap<&'static str, &'static str> = rows(MAPPING_2025).filter(|r| r[2] == "1").map(|r| (r[0], r[1])).collect();
        // province,district,commune,merged_on,into_code,source
        for r in rows(EARLIER) {
            old.push(OldCommune { code: "", name: r[2], district: r[1], province: r[0], merged: Some((r[3], r[4])) });
        }
        let new_by_code = new.iter().enumerate().map(|(i, c)| (c.code, i)).collect();
        let mut by_name: HashMap<String, Vec<(bool, usize)>> = HashMap::new();
        for (i, c) in old.iter().enumerate() {
            by_name.entry(short(c.name)).or_default().push((false, i));
        }
        for (i, c) in new.iter().enumerate() {
            by_name.entry(short(c.name)).or_default().push((true, i));
        }
        Catalogue { old, new, new_by_code, to_new, by_name }
    }

    fn now_of(&self, c: &OldCommune) -> Option<Commune> {
        let code = match c.merged {
            Some((_, into)) => into,
            None => c.code,
        };
        let new = self.to_new.get(code)?;
        self.new_by_code.get(new).map(|&i| self.new[i].clone())
    }

    /// Whether every qualifier names the candidate's district or province.
    fn fits(&self, (is_new, i): (bool, usize), qualifiers: &[String]) -> bool {
        let (district, province) = if is_new { ("", self.new[i].province) } else { (self.old[i].district, self.old[i].province) };
        let (district, province) = (short(district), short(province));
        qualifiers.iter().all(|q| *q == province || (!district.is_empty() && *q == district))
    }
}

/// Recognises a typed place ("thôn Lợi Hồng, xã Quảng Lợi, huyện Đầm Hà, Quảng Ninh"): the
/// first comma-separated part that names a commune, qualified by every part after it (its
/// district or province). `None` when nothing matches, or when the text fits communes that are
/// part of different communes today (a bare "xã Quảng Tân" is in two provinces).
pub fn recognise(text: &str) -> Option<Place> {
    let cat = &*CATALOGUE;
    let raw: Vec<&str> = text.split([',', ';', '-']).filter(|p| !short(p).is_empty()).collect();
    let parts: Vec<String> = raw.iter().map(|p| short(p)).collect();
    for (k, part) in parts.iter().enumerate() {
        let Some(found) = cat.by_name.get(part) else { continue };
        let mut fitting: Vec<(bool, usize)> = found.iter().copied().filter(|&h| cat.fits(h, &parts[k + 1..])).collect();
        // Written with its kind ("thị trấn Đầm Hà"): the communes of that kind and name.
        let written = fold(raw[k]);
        let name = |(is_new, i): (bool, usize)| fold(if is_new { cat.new[i].name } else { cat.old[i].name });
        if fitting.iter().any(|&h| name(h) == written) {
            fitting.retain(|&h| name(h) == written);
        } else if ["huyen ", "quan ", "thi xa ", "tinh ", "thanh pho ", "tp "].iter().any(|k| written.starts_with(k)) {
            // Written as a district or a province, not a commune.
            continue;
        }
        if fitting.is_empty() {
            continue;
        }
        // The new communes the candidates are part of must be one.
        let nows: Vec<Commune> = fitting.iter().filter_map(|&(is_new, i)| if is_new { Some(cat.new[i].clone()) } else { cat.now_of(&cat.old[i]) }).collect();
        let now = nows.first()?.clone();
        if nows.iter().any(|n| n.code != now.code) {
            return None;
        }
        let olds: Vec<&OldCommune> = fitting.iter().filter(|h| !h.0).map(|&(_, i)| &cat.old[i]).collect();
        // Written as an old commune (its district named, or it no longer exists by that name).
        let named_new = fitting.iter().any(|h| h.0);
        return Some(match olds.as_slice() {
            [then] if !named_new || parts[k + 1..].iter().any(|q| *q == short(then.district)) => Place::Old { then: (*then).clone(), now },
            _ => Place::New(now),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_holds_both_lists() {
        let cat = &*CATALOGUE;
        assert_eq!(cat.new.len(), 3321);
        assert!(cat.old.len() >= 10035);
        assert_eq!(cat.new.iter().map(|c| c.province).collect::<std::collections::BTreeSet<_>>().len(), 34);
        assert_eq!(cat.old.iter().map(|c| c.province).collect::<std::collections::BTreeSet<_>>().len(), 63);
        // Every commune of before 2025 is part of one today.
        assert!(cat.old.iter().all(|c| cat.now_of(c).is_some()), "{:?}", cat.old.iter().find(|c| cat.now_of(c).is_none()));
    }

    #[test]
    fn an_old_commune_shows_the_commune_it_is_part_of_now() {
        let p = recognise("thôn Lợi Hồng, xã Quảng Lợi, huyện Đầm Hà, tỉnh Quảng Ninh").expect("recognised");
        let Place::Old { then, now } = &p else { panic!("{p:?}") };
        assert_eq!((then.name, then.district, then.merged.map(|m| m.0)), ("Xã Quảng Lợi", "Huyện Đầm Hà", Some("2020-01-01")));
        assert_eq!(now.display(), "xã Quảng Tân, tỉnh Quảng Ninh");
        let town = recognise("Thị trấn Đầm Hà, Đầm Hà, Quảng Ninh").expect("recognised");
        assert_eq!(town.now().display(), "xã Đầm Hà, tỉnh Quảng Ninh");
        assert!(matches!(town, Place::Old { .. }));
        // Diacritics and đ are ignored; a district alone does not name a commune.
        assert_eq!(recognise("xa quang lam, huyen dam ha").unwrap().now().name, "Xã Quảng Tân");
        assert_eq!(recognise("Huyện Đầm Hà, Quảng Ninh"), None);
    }

    #[test]
    fn a_commune_of_today_and_an_ambiguous_name() {
        let p = recognise("Xã Quảng Tân, Quảng Ninh").expect("recognised");
        assert_eq!(p.now().display(), "xã Quảng Tân, tỉnh Quảng Ninh");
        // Quảng Tân is a commune of Quảng Ninh and of Lâm Đồng today.
        assert_eq!(recognise("xã Quảng Tân"), None);
        assert_eq!(recognise("Lâm Đồng"), None);
        assert_eq!(recognise(""), None);
    }
}
