//! The demo's cadre work: for 2015–2019 the seed's 74 moves of leaders (10 district → commune,
//! 13 commune → district, 8 commune → commune, 43 across sectors), the competency exams of 2018
//! and 2019 (152 commune-level and 78 district-level candidates), the secretaries of the ten
//! commune-level committees of the 2015–2020 term (9 not local), the 2019 course for branch
//! secretaries who are village heads and the 2019 skills contest; and some moves since 2020.

use super::{COMMUNES, DISTRICT, DemoEvent, DemoMember, d, pick, random_date};
use crate::cadre::{ExamResultInput, Level, MoveCategory, MoveKind, NewExam, NewMove, NewPosition, Title, category};
use crate::org::OrgCode;
use chrono::NaiveDate;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

/// A position or a move of a demo member (index into `Demo::members`).
#[derive(Debug, Clone)]
pub struct DemoPosition {
    pub member: usize,
    pub position: NewPosition,
}

#[derive(Debug, Clone)]
pub struct DemoMove {
    pub member: usize,
    pub mv: NewMove,
}

#[derive(Debug, Clone, Default)]
pub struct DemoCadre {
    pub positions: Vec<DemoPosition>,
    pub moves: Vec<DemoMove>,
    pub exams: Vec<NewExam>,
}

const DISTRICT_UNITS: &[(&str, &str)] = &[
    ("Ban Tổ chức Huyện ủy Đầm Hà", "Đảng"),
    ("Ban Tuyên giáo Huyện ủy Đầm Hà", "Đảng"),
    ("Văn phòng Huyện ủy Đầm Hà", "Đảng"),
    ("Ủy ban Kiểm tra Huyện ủy Đầm Hà", "Đảng"),
    ("Văn phòng HĐND và UBND huyện", "Chính quyền"),
    ("Phòng Nội vụ huyện", "Chính quyền"),
    ("Phòng Tài chính - Kế hoạch huyện", "Chính quyền"),
    ("Phòng Giáo dục và Đào tạo huyện", "Giáo dục"),
    ("Trung tâm Y tế huyện", "Y tế"),
    ("Ủy ban MTTQ huyện", "Mặt trận, đoàn thể"),
    ("Huyện đoàn Đầm Hà", "Mặt trận, đoàn thể"),
];

fn code(c: &str) -> OrgCode {
    OrgCode::parse(c).expect("demo code")
}

fn commune_unit(rng: &mut ChaCha8Rng) -> (String, String) {
    let (_, name, _) = pick(rng, COMMUNES);
    (format!("Đảng ủy {name}"), "Đảng".to_string())
}

/// Members who stay in the register (admitted before 2014, never leaving).
fn stayers(members: &[DemoMember]) -> Vec<usize> {
    members
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            matches!(m.events.first(), Some((on, DemoEvent::Admitted { .. })) if *on < d(2010, 1, 1))
                && !m.events.iter().any(|(_, e)| matches!(e, DemoEvent::TransferredOut { .. } | DemoEvent::StruckOff | DemoEvent::Deceased))
        })
        .map(|(i, _)| i)
        .collect()
}

fn one_move(rng: &mut ChaCha8Rng, cat: MoveCategory, start: NaiveDate, member: usize, n: usize) -> DemoMove {
    let district = |rng: &mut ChaCha8Rng| {
        let (u, s) = pick(rng, DISTRICT_UNITS);
        (Level::District, u.to_string(), s.to_string())
    };
    let commune = |rng: &mut ChaCha8Rng| {
        let (u, s) = commune_unit(rng);
        (Level::Commune, u, s)
    };
    let (from, to) = loop {
        let (a, b) = match cat {
            MoveCategory::UpperToCommune => (district(rng), commune(rng)),
            MoveCategory::CommuneToUpper => (commune(rng), district(rng)),
            MoveCategory::CommuneToCommune => (commune(rng), commune(rng)),
            _ => (district(rng), district(rng)),
        };
        if category((a.0, &a.1, &a.2), (b.0, &b.1, &b.2)) == cat {
            break (a, b);
        }
    };
    let kind = if rng.random_range(0..3) == 0 { MoveKind::Assignment } else { MoveKind::Rotation };
    DemoMove {
        member,
        mv: NewMove {
            org: code(DISTRICT),
            member_id: String::new(),
            kind,
            from,
            to,
            category: cat,
            decision_no: Some(format!("{}-QĐ/HU", 300 + n)),
            start_on: start,
            end_on: None,
        },
    }
}

fn exam(rng: &mut ChaCha8Rng, seen: &mut HashSet<String>, name: &str, held_on: NaiveDate, level: Level, count: usize) -> NewExam {
    let mut results = Vec::with_capacity(count);
    while results.len() < count {
        let p = super::person(rng, d(1975, 1, 1));
        let unit = match level {
            Level::Commune => format!("UBND {}", pick(rng, COMMUNES).1),
            _ => pick(rng, DISTRICT_UNITS).0.to_string(),
        };
        let key = format!("{}|{unit}", p.full_name());
        if !seen.insert(key) {
            continue;
        }
        let score = rng.random_range(40..=98);
        results.push(ExamResultInput { full_name: p.full_name(), unit, member: None, score: Some(score), passed: Some(score >= 50) });
    }
    NewExam { org: code(DISTRICT), name: name.into(), held_on, level, results }
}

pub(super) fn build(rng: &mut ChaCha8Rng, members: &[DemoMember], today: NaiveDate) -> DemoCadre {
    let pool = stayers(members);
    let mut out = DemoCadre::default();
    let mut n = 0;
    for (cat, count) in
        [(MoveCategory::UpperToCommune, 10), (MoveCategory::CommuneToUpper, 13), (MoveCategory::CommuneToCommune, 8), (MoveCategory::CrossSector, 43)]
    {
        for _ in 0..count {
            n += 1;
            let start = random_date(rng, d(2015, 1, 5), d(2019, 12, 20));
            let who = *pick(rng, &pool);
            out.moves.push(one_move(rng, cat, start, who, n));
        }
    }
    // Later moves: about eight a year until the district ended.
    let end = today.min(d(2025, 6, 30));
    let mut y = 2020;
    while d(y, 1, 1) <= end {
        for _ in 0..8 {
            n += 1;
            let cat = *pick(rng, &[MoveCategory::UpperToCommune, MoveCategory::CommuneToUpper, MoveCategory::CommuneToCommune, MoveCategory::CrossSector]);
            let start = random_date(rng, d(y, 1, 5), d(y, 12, 20).min(end));
            let who = *pick(rng, &pool);
            out.moves.push(one_move(rng, cat, start, who, n));
        }
        y += 1;
    }
    out.moves.retain(|m| m.mv.start_on <= today);
    let mut seen = HashSet::new();
    for (name, on, level, count) in [
        ("Sát hạch cán bộ, công chức cấp xã năm 2018", d(2018, 9, 15), Level::Commune, 80),
        ("Sát hạch cán bộ, công chức cấp huyện năm 2018", d(2018, 10, 6), Level::District, 40),
        ("Sát hạch cán bộ, công chức cấp xã năm 2019", d(2019, 9, 14), Level::Commune, 72),
        ("Sát hạch cán bộ, công chức cấp huyện năm 2019", d(2019, 10, 5), Level::District, 38),
    ] {
        if on <= today {
            out.exams.push(exam(rng, &mut seen, name, on, level, count));
        }
    }
    // Secretaries of the commune-level committees, 2015–2020 term: all but Đại Bình's non-local.
    for (c, _, _) in COMMUNES {
        let unit = format!("{DISTRICT}-{c}");
        let local = *c == "DB";
        let to = if *c == "QLO" { d(2020, 1, 1) } else { d(2020, 8, 20) };
        let reason = if local { "" } else { "Luân chuyển, điều động từ huyện về (không phải người địa phương)" };
        let who = *pick(rng, &pool);
        out.positions.push(secretary(who, &unit, d(2015, 8, 20), Some(to), local, reason));
        if *c != "QLO" && today >= d(2020, 8, 20) {
            let local = rng.random_range(0..4) == 0;
            let who = *pick(rng, &pool);
            // The term ended with the commune on 1/7/2025.
            let to = (today >= d(2025, 7, 1)).then(|| d(2025, 7, 1));
            out.positions.push(secretary(who, &unit, d(2020, 8, 20), to, local, if local { "" } else { "Luân chuyển" }));
        }
    }
    // 1/7/2025: the new communes' secretaries, appointed — the last secretaries of the old
    // town and of Quảng Tân (no draw of the generator: the rest of the demo stays as it was).
    if today >= d(2025, 7, 1) {
        for (new, old) in [("QN-XDH", "DH-TT"), ("QN-XQT", "DH-QT")] {
            let last = out.positions.iter().rev().find(|p| p.position.org.as_str() == old).map(|p| p.member);
            if let Some(who) = last {
                let mut p = secretary(who, new, d(2025, 7, 1), None, true, "");
                p.position.basis = Some(crate::cadre::PostBasis::Appointed);
                out.positions.push(p);
            }
        }
    }
    out
}

fn secretary(member: usize, unit: &str, from: NaiveDate, to: Option<NaiveDate>, local: bool, reason: &str) -> DemoPosition {
    DemoPosition {
        member,
        position: NewPosition {
            org: code(unit),
            member_id: String::new(),
            title: Title::Secretary,
            from_on: from,
            to_on: to,
            local: Some(local),
            local_reason: reason.into(),
            decision_no: None,
            basis: Some(crate::cadre::PostBasis::Elected),
        },
    }
}

/// Whether the demo's secretary of a residential branch is also its village head (about two in
/// three), decided per branch so it does not depend on the rest of the register.
pub fn village_head(seed: u64, branch: &str) -> bool {
    let h = branch.bytes().fold(seed ^ 0x9e37_79b9_7f4a_7c15, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
    h % 3 != 0
}

/// The awards of the 2019 skills contest, in order of rank.
pub const CONTEST_AWARDS: &[&str] = &["Giải Nhất", "Giải Nhì", "Giải Nhì", "Giải Ba", "Giải Ba", "Giải Ba", "Giải Khuyến khích", "Giải Khuyến khích"];
