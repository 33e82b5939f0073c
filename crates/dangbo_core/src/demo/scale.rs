//! The synthetic dataset of `dangbo demo load --scale commune|province|national`: a
//! deterministic tree as after 1/7/2025 (34 provinces → 3,321 communes → about 52,000 grassroots
//! organisations → their branches), with the pre-2025 districts in its history, and members with
//! their events since admission (admission, recognition, card, theory courses, transfers,
//! badges, exemptions, deaths, transfers out). Pure: the store writes what this returns through
//! its bulk path, one commune at a time, so memory stays flat whatever the scale.
//!
//! The same seed gives the same data: a province-scale dataset is the first province of the
//! national one, a commune-scale dataset its first commune.

use super::{pick, random_date, weighted};
use crate::event::{Derived, EventData, EventRecord, replay};
use crate::member::{PartyRecord, Person, Sex};
use crate::org::{Basis, Field, OrgKind, string_enum};
use crate::rules::full_membership_date;
use chrono::{Datelike, Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

string_enum! {
    /// How much data the generator writes.
    Scale {
        /// One commune of about 1,700 members.
        Commune = "commune",
        /// One province of about 165,000 members.
        Province = "province",
        /// The nation: 34 provinces, about 5.6 million members.
        National = "national",
    }
}

/// The 34 provinces and cities from 1/7/2025.
const PROVINCES: [&str; 34] = [
    "Hà Nội",
    "Huế",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
    "Tuyên Quang",
    "Lào Cai",
    "Thái Nguyên",
    "Phú Thọ",
    "Bắc Ninh",
    "Hưng Yên",
    "Hải Phòng",
    "Ninh Bình",
    "Quảng Trị",
    "Đà Nẵng",
    "Quảng Ngãi",
    "Gia Lai",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đắk Lắk",
    "Hồ Chí Minh",
    "Đồng Nai",
    "Tây Ninh",
    "Cần Thơ",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cà Mau",
    "An Giang",
];
const SYLLABLES: &[&str] = &[
    "An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Hưng", "Long", "Phước", "Thuận", "Đông", "Tây", "Nam", "Bắc", "Trung", "Quang", "Minh", "Hải", "Sơn", "Thanh",
    "Yên", "Lộc", "Thịnh", "Vĩnh", "Hồng", "Tiến", "Đức", "Lạc", "Mỹ", "Xuân",
];
/// The date the districts ended and the communes came directly under the provinces.
pub const REORGANISED_ON: NaiveDate = NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
const FOUNDED_ON: NaiveDate = NaiveDate::from_ymd_opt(1960, 1, 1).expect("date");
const COMMUNES_PER_DISTRICT: usize = 14;

/// National shares per mille of ethnic groups among members (code, weight); the rest spread
/// over the other groups.
const ETHNICITY: &[(&str, u32)] = &[
    ("01", 850),
    ("02", 22),
    ("03", 20),
    ("06", 16),
    ("05", 13),
    ("07", 10),
    ("08", 8),
    ("09", 7),
    ("04", 5),
    ("10", 4),
    ("12", 4),
    ("13", 3),
    ("17", 2),
    ("other", 36),
];
const RELIGION: &[(&str, u32)] =
    &[("Không", 955), ("Phật giáo", 20), ("Công giáo", 15), ("Tin lành", 3), ("Cao Đài", 3), ("Phật giáo Hòa Hảo", 2), ("Hồi giáo", 2)];
const EDUCATION: &[(&str, u32)] = &[("Trung học phổ thông", 85), ("Trung học cơ sở", 13), ("Tiểu học", 2)];
const PROFESSIONAL: &[(&str, u32)] = &[("", 20), ("Trung cấp", 20), ("Cao đẳng", 10), ("Đại học", 42), ("Thạc sĩ", 7), ("Tiến sĩ", 1)];
const THEORY: &[(&str, u32)] = &[("", 40), ("Sơ cấp", 45), ("Trung cấp", 11), ("Cao cấp", 4)];
const OCCUPATION: &[&str] = &["Nông dân", "Công chức", "Viên chức", "Công nhân", "Hưu trí", "Lực lượng vũ trang", "Kinh doanh", "Lao động tự do"];

/// One organisation of the generated tree, with its parents over time.
#[derive(Debug, Clone)]
pub struct GenOrg {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub field: Field,
    /// The current materialised path ("/root/…/own/").
    pub path: String,
    pub founded_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    /// (parent id, from, to exclusive): one span, or two for a grassroots organisation that
    /// was under a district before 1/7/2025.
    pub spans: Vec<(Option<String>, NaiveDate, Option<NaiveDate>)>,
}

impl GenOrg {
    pub fn parent_id(&self) -> Option<&str> {
        self.spans.last().and_then(|s| s.0.as_deref())
    }
}

/// One generated member: the events (the truth), their bases, and what replaying them derives.
#[derive(Debug, Clone)]
pub struct GenMember {
    pub id: String,
    pub events: Vec<(EventRecord, Basis)>,
    pub derived: Derived,
}

/// A commune with its grassroots organisations, branches and members.
#[derive(Debug, Clone)]
pub struct GenCommune {
    pub orgs: Vec<GenOrg>,
    pub members: Vec<GenMember>,
}

impl Scale {
    pub fn provinces(self) -> usize {
        match self {
            Scale::National => PROVINCES.len(),
            _ => 1,
        }
    }

    /// Communes of province `p` (3,321 in all at national scale).
    pub fn communes(self, p: usize) -> usize {
        match self {
            Scale::Commune => 1,
            _ => 97 + usize::from(p < 23),
        }
    }
}

/// A deterministic id of the UUID form, distinct per table `tag`, province and number.
pub fn gen_id(tag: u16, province: usize, n: u64) -> String {
    format!("00000000-0000-7{tag:03x}-8{province:03x}-{n:012x}")
}

fn rng_for(seed: u64, province: usize, commune: usize) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed ^ ((province as u64) << 40) ^ ((commune as u64) << 20) ^ 0x5eed)
}

fn org(
    id: String,
    code: String,
    name: String,
    kind: OrgKind,
    field: Field,
    path: String,
    spans: Vec<(Option<String>, NaiveDate, Option<NaiveDate>)>,
) -> GenOrg {
    let founded_on = spans[0].1;
    let ended_on = spans.last().and_then(|s| s.2);
    GenOrg { id, code, name, kind, field, path, founded_on, ended_on, spans }
}

/// The root of every scale: the whole Party (code `TW`), above the provinces.
pub fn central() -> GenOrg {
    let id = gen_id(0, 0, 0);
    org(id.clone(), "TW".into(), "Đảng Cộng sản Việt Nam".into(), OrgKind::Central, Field::Other, format!("/{id}/"), vec![(None, FOUNDED_ON, None)])
}

/// The province committee and its former districts.
pub fn province_frame(scale: Scale, p: usize) -> Vec<GenOrg> {
    let root = gen_id(0, 0, 0);
    let pid = gen_id(1, p, 0);
    let mut out = vec![org(
        pid.clone(),
        format!("P{:02}", p + 1),
        format!("Đảng bộ tỉnh {}", PROVINCES[p]),
        OrgKind::Province,
        Field::Other,
        format!("/{root}/{pid}/"),
        vec![(Some(root.clone()), FOUNDED_ON, None)],
    )];
    for d in 0..scale.communes(p).div_ceil(COMMUNES_PER_DISTRICT) {
        let id = gen_id(2, p, d as u64);
        out.push(org(
            id.clone(),
            format!("P{:02}-H{}", p + 1, d + 1),
            format!("Đảng bộ huyện {} {}", SYLLABLES[(p + d) % SYLLABLES.len()], SYLLABLES[(3 * d + 7) % SYLLABLES.len()]),
            OrgKind::District,
            Field::Other,
            format!("/{root}/{pid}/{id}/"),
            vec![(Some(pid.clone()), FOUNDED_ON, Some(REORGANISED_ON))],
        ));
    }
    out
}

/// Commune `c` of province `p`. `first` numbers its members after those of earlier communes
/// of the province (CCCD and card numbers stay unique).
pub fn commune(seed: u64, p: usize, c: usize, first: u64, today: NaiveDate) -> GenCommune {
    let mut rng = rng_for(seed, p, c);
    let root = gen_id(0, 0, 0);
    let pid = gen_id(1, p, 0);
    let district = gen_id(2, p, (c / COMMUNES_PER_DISTRICT) as u64);
    let cid = gen_id(3, p, c as u64);
    let ccode = format!("P{:02}-X{:03}", p + 1, c + 1);
    let cname = format!("{} {} {}", if rng.random_bool(0.2) { "Phường" } else { "Xã" }, pick(&mut rng, SYLLABLES), pick(&mut rng, SYLLABLES));
    let mut orgs = vec![org(
        cid.clone(),
        ccode.clone(),
        format!("Đảng bộ {cname}"),
        OrgKind::Commune,
        Field::Commune,
        format!("/{root}/{pid}/{cid}/"),
        vec![(Some(pid.clone()), REORGANISED_ON, None)],
    )];
    let mut branches: Vec<(String, usize)> = Vec::new();
    let grassroots = 15 + usize::from(rng.random_bool(0.66));
    for g in 0..grassroots {
        let gid = gen_id(4, p, (c * 64 + g) as u64);
        let gcode = format!("{ccode}-{:02}", g + 1);
        let field = *pick(
            &mut rng,
            &[Field::Residential, Field::Residential, Field::Agency, Field::School, Field::PublicService, Field::Enterprise, Field::ArmedForces],
        );
        let committee = rng.random_bool(0.55);
        let (kind, label) = if committee { (OrgKind::GrassrootsCommittee, "Đảng bộ") } else { (OrgKind::GrassrootsBranch, "Chi bộ") };
        let gpath = format!("/{root}/{pid}/{cid}/{gid}/");
        let spans = vec![(Some(district.clone()), FOUNDED_ON, Some(REORGANISED_ON)), (Some(cid.clone()), REORGANISED_ON, None)];
        orgs.push(org(
            gid.clone(),
            gcode.clone(),
            format!("{label} {} {} {}", field_label(field), pick(&mut rng, SYLLABLES), g + 1),
            kind,
            field,
            gpath.clone(),
            spans,
        ));
        if !committee {
            branches.push((gid, rng.random_range(20..61)));
            continue;
        }
        for b in 0..rng.random_range(3..10) {
            let bid = gen_id(5, p, ((c * 64 + g) * 16 + b) as u64);
            orgs.push(org(
                bid.clone(),
                format!("{gcode}-{:02}", b + 1),
                format!("Chi bộ {} {}", pick(&mut rng, SYLLABLES), b + 1),
                OrgKind::SubordinateBranch,
                field,
                format!("{gpath}{bid}/"),
                vec![(Some(gid.clone()), FOUNDED_ON, None)],
            ));
            branches.push((bid, rng.random_range(12..41)));
        }
    }
    let ids: Vec<String> = branches.iter().map(|b| b.0.clone()).collect();
    let mut members = Vec::new();
    let mut n = first;
    for (branch, size) in &branches {
        // About one in twelve of the people generated has died or left since.
        for _ in 0..size + size / 12 {
            members.push(member(&mut rng, p, c, n, branch, &ids, &cname, today));
            n += 1;
        }
    }
    GenCommune { orgs, members }
}

fn field_label(f: Field) -> &'static str {
    match f {
        Field::Residential => "thôn",
        Field::Agency => "cơ quan",
        Field::School => "trường",
        Field::PublicService => "trạm",
        Field::Enterprise => "công ty",
        Field::ArmedForces => "quân sự",
        _ => "",
    }
}

fn person(rng: &mut ChaCha8Rng, p: usize, n: u64, birth: NaiveDate, commune: &str) -> Person {
    let sex = if rng.random_bool(0.36) { Sex::Female } else { Sex::Male };
    let mut ethnicity = weighted(rng, ETHNICITY).to_string();
    if ethnicity == "other" {
        ethnicity = format!("{:02}", rng.random_range(14..55));
    }
    let (middle, given) = match sex {
        Sex::Male => (pick(rng, super::MALE_MIDDLE), pick(rng, super::MALE_GIVEN)),
        Sex::Female => (pick(rng, super::FEMALE_MIDDLE), pick(rng, super::FEMALE_GIVEN)),
    };
    let century_sex = match (sex, birth.year() >= 2000) {
        (Sex::Male, false) => 0,
        (Sex::Female, false) => 1,
        (Sex::Male, true) => 2,
        (Sex::Female, true) => 3,
    };
    let province = PROVINCES[p];
    Person {
        family_name: weighted(rng, super::KINH_FAMILY).to_string(),
        middle_name: middle.to_string(),
        given_name: given.to_string(),
        sex,
        birth_date: birth,
        ethnicity,
        religion: weighted(rng, RELIGION).to_string(),
        birth_place: province.into(),
        home_town: province.into(),
        residence: format!("{commune}, {province}"),
        cccd: rng.random_bool(0.92).then(|| format!("{:03}{century_sex}{:02}{:06}", p + 1, birth.year() % 100, n % 1_000_000)),
        phone: String::new(),
        education: weighted(rng, EDUCATION).to_string(),
        professional: weighted(rng, PROFESSIONAL).to_string(),
        theory: weighted(rng, THEORY).to_string(),
        occupation: pick(rng, OCCUPATION).to_string(),
        file: Default::default(),
    }
}

/// One person admitted to `branch`, with what has happened since.
#[allow(clippy::too_many_arguments)]
fn member(rng: &mut ChaCha8Rng, p: usize, c: usize, n: u64, branch: &str, branches: &[String], commune: &str, today: NaiveDate) -> GenMember {
    // Years since admission: many recent members, some admitted in the 1960s.
    let years_ago = 60.0 * rng.random::<f64>().powf(1.5);
    let ceremony = (today - Duration::days((years_ago * 365.25) as i64 + 30)).max(FOUNDED_ON + Duration::days(30));
    let age = 18 + (27.0 * rng.random::<f64>().powi(2)) as i64;
    let decision = ceremony - Duration::days(rng.random_range(5..25));
    // At least 18 on the decision date (Statute, Article 1).
    let birth = decision - Duration::days(365 * age + rng.random_range(10..360));
    let person = person(rng, p, n, birth, commune);
    let party = PartyRecord {
        admission_decision_no: Some(format!("{}-QĐ/ĐU", 1 + n % 900)),
        admission_decision_date: decision,
        ceremony_date: ceremony,
        card_no: None,
        bio_no: None,
    };
    let basis = Basis { decision_no: party.admission_decision_no.clone(), decision_date: Some(decision), issuer: Some(format!("Đảng ủy {commune}")) };
    let mut evs: Vec<(NaiveDate, EventData, Basis)> =
        vec![(ceremony, EventData::Admitted { person: person.clone(), party, org_id: branch.to_string() }, basis)];
    let age_today = today.year() - birth.year();
    // The end of membership, if any, bounds everything else.
    let end = if age_today > 70 && rng.random_bool(0.45) {
        Some((random_date(rng, ceremony + Duration::days(400), today), EventData::Deceased {}))
    } else if rng.random_bool(0.03) {
        Some((random_date(rng, ceremony + Duration::days(400), today), EventData::TransferredOut { destination: "Đảng bộ ngoài tỉnh".into() }))
    } else {
        None
    };
    let last = end.as_ref().map_or(today, |e| e.0 - Duration::days(1));
    let full = full_membership_date(ceremony);
    if full + Duration::days(50) <= last {
        evs.push((full, EventData::Recognised {}, Basis::default()));
        let card_on = full + Duration::days(rng.random_range(30..200));
        if card_on <= last {
            evs.push((
                card_on,
                EventData::CardIssued { card_no: format!("{:02}{:03}{:05}", p + 1, c % 1000, n % 100_000), reason: Default::default() },
                Basis::default(),
            ));
        }
        for years in [30, 40, 45, 50, 55, 60, 65, 70, 75] {
            let on = crate::date::add_months(ceremony, 12 * years) + Duration::days(rng.random_range(0..60));
            if on <= last {
                evs.push((on, EventData::BadgeAwarded { years: years as i64, badge_no: String::new() }, Basis::default()));
            }
        }
        if age_today > 70 && rng.random_bool(0.3) {
            let on = random_date(rng, (birth + Duration::days(365 * 70)).max(full + Duration::days(1)), last.max(full + Duration::days(2)));
            if on <= last {
                evs.push((on, EventData::Exempted { ground: "age_health".into() }, Basis::default()));
            }
        }
    }
    if rng.random_bool(0.35) && ceremony + Duration::days(400) < last {
        let mut later = person.clone();
        later.theory = if later.theory.is_empty() { "Sơ cấp".into() } else { "Trung cấp".into() };
        evs.push((random_date(rng, ceremony + Duration::days(365), last), EventData::InfoChanged { person: later, correction: false }, Basis::default()));
    }
    if rng.random_bool(0.25) && ceremony + Duration::days(400) < last {
        let to = pick(rng, branches);
        if to != branch {
            evs.push((random_date(rng, ceremony + Duration::days(380), last), EventData::Transferred { org_id: to.clone() }, Basis::default()));
        }
    }
    if let Some((on, ev)) = end {
        evs.push((on, ev, Basis::default()));
    }
    evs.sort_by_key(|e| e.0);
    finish(p, n, evs)
}

/// Numbers the events and replays them, dropping any the rules refuse where it stands (an
/// exemption before a transfer of the same period, say): the result always replays.
fn finish(p: usize, n: u64, evs: Vec<(NaiveDate, EventData, Basis)>) -> GenMember {
    let mut kept: Vec<(EventRecord, Basis)> = Vec::with_capacity(evs.len());
    let mut derived = None;
    for (on, data, basis) in evs {
        let seq = kept.len() as i64 + 1;
        kept.push((EventRecord { id: gen_id(7, p, n * 16 + seq as u64), seq, effective_on: on, data }, basis));
        let records: Vec<EventRecord> = kept.iter().map(|k| k.0.clone()).collect();
        match replay(&records) {
            Ok(d) => derived = Some(d),
            Err(_) => {
                kept.pop();
            }
        }
    }
    GenMember { id: gen_id(6, p, n), events: kept, derived: derived.expect("an admission always replays") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commune_is_deterministic_and_replays() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let a = commune(7, 0, 0, 0, today);
        let b = commune(7, 0, 0, 0, today);
        assert_eq!(a.members.len(), b.members.len());
        assert_eq!(a.members[10].derived.person, b.members[10].derived.person);
        assert!(a.members.len() > 800 && a.members.len() < 4000, "{}", a.members.len());
        let events: usize = a.members.iter().map(|m| m.events.len()).sum();
        assert!(events > 3 * a.members.len(), "{events} events for {} members", a.members.len());
        let cccds: std::collections::HashSet<_> = a.members.iter().filter_map(|m| m.derived.person.cccd.clone()).collect();
        assert_eq!(cccds.len(), a.members.iter().filter(|m| m.derived.person.cccd.is_some()).count());
        let adult = |m: &GenMember| crate::date::age_years(m.derived.person.birth_date, m.derived.party.admission_decision_date) >= 18;
        assert!(a.members.iter().all(adult), "every member was at least 18 on the admission decision");
        assert_eq!(Scale::National.provinces(), 34);
        assert_eq!((0..34).map(|p| Scale::National.communes(p)).sum::<usize>(), 3321);
    }
}
