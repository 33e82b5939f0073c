//! The Đầm Hà demo: a deterministic register modelled on the seed article.
//!
//! Đảng bộ huyện Đầm Hà (Quảng Ninh) with ten commune committees and their village and agency
//! branches, and 27 other grassroots organisations: 37 at 31/12/2018. In 2019 two grassroots
//! branches merge into branches of other organisations (35 at 31/12/2019) and the agency branch
//! of Quảng An commune is dissolved, its members moved to village branches. On 1/1/2020 Quảng
//! Lợi merges into Quảng Tân. On 1/7/2025 the district level ends: its organisations move under
//! the province and the district committee is dissolved. Members: 1,720 admitted before 2015;
//! in 2015–2019 426 admissions, 30 transfers in, 60 deaths, 40 transfers out and 8 strike-offs,
//! giving 2,068 at 31/12/2019; then the years up to `today`. People are generated (no real
//! persons); the same seed gives the same register.

use crate::member::{PartyRecord, Person, Sex, Status};
use crate::org::{Basis, Field, NewOrg, OrgChange, OrgCode, OrgEvent, OrgKind};
use crate::{date, rules};
use chrono::{Datelike, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A member event in the demo, referring to organisations by code.
#[derive(Debug, Clone)]
pub enum DemoEvent {
    Admitted {
        person: Person,
        party: PartyRecord,
        org: String,
    },
    TransferredIn {
        person: Person,
        party: PartyRecord,
        org: String,
        full_date: NaiveDate,
        from: String,
    },
    Recognised,
    Transferred {
        org: String,
        basis: Basis,
    },
    TransferredOut {
        destination: String,
    },
    Exempted,
    StruckOff,
    Deceased,
    /// A level reached after admission (the person as they are from that date).
    InfoChanged {
        person: Person,
    },
}

#[derive(Debug, Clone)]
pub struct DemoMember {
    pub events: Vec<(NaiveDate, DemoEvent)>,
}

/// What the loader applies: organisations, then members, then the dated organisation events
/// (in order). Members of organisations that end are already moved by their own events.
#[derive(Debug, Clone)]
pub struct Demo {
    pub orgs: Vec<NewOrg>,
    pub members: Vec<DemoMember>,
    pub org_events: Vec<(String, OrgEvent)>,
    pub courses: Vec<DemoCourse>,
    pub candidates: Vec<DemoCandidate>,
    /// (grassroots organisation, year, admission target)
    pub targets: Vec<(String, i32, i64)>,
    pub cadre: DemoCadre,
}

mod cadre;
mod history;
pub use cadre::{CONTEST_AWARDS, DemoCadre, DemoMove, DemoPosition, village_head};
pub mod meetings;
mod pipeline;
pub mod scale;
pub use pipeline::{DemoCandidate, DemoCourse};

pub const ROOT: &str = "QN";
pub const DISTRICT: &str = "DH";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid demo date")
}

fn basis(no: &str, on: NaiveDate, issuer: &str) -> Basis {
    Basis { decision_no: Some(no.into()), decision_date: Some(on), issuer: Some(issuer.into()) }
}

/// A branch that can hold members, with its life span.
#[derive(Debug, Clone)]
struct Branch {
    code: String,
    until: Option<NaiveDate>,
    /// Where its members go when it ends.
    successor: Vec<String>,
    end_basis: Option<Basis>,
}

struct Builder {
    orgs: Vec<NewOrg>,
    branches: Vec<Branch>,
}

impl Builder {
    fn org(&mut self, code: &str, name: &str, kind: OrgKind, field: Field, parent: Option<&str>, founded: NaiveDate) {
        self.orgs.push(NewOrg {
            code: OrgCode::parse(code).expect("demo code"),
            name: name.into(),
            kind,
            field,
            parent: parent.map(|p| OrgCode::parse(p).expect("demo code")),
            founded_on: founded,
            split_from: None,
            basis: Basis::default(),
        });
        if kind.holds_members() {
            self.branches.push(Branch { code: code.into(), until: None, successor: vec![], end_basis: None });
        }
    }
    fn end(&mut self, code: &str, on: NaiveDate, successor: &[&str], b: Basis) {
        let br = self.branches.iter_mut().find(|b| b.code == code).expect("demo branch");
        br.until = Some(on);
        br.successor = successor.iter().map(|s| s.to_string()).collect();
        br.end_basis = Some(b);
    }
}

const COMMUNES: &[(&str, &str, &[&str])] = &[
    ("TT", "thị trấn Đầm Hà", &["Khu phố 1", "Khu phố 2", "Khu phố 3", "Khu phố 4", "Khu phố 5", "Khu phố 6", "Khu phố Bình Minh", "Khu phố Lạc Long"]),
    ("XDH", "xã Đầm Hà", &["thôn Trại Thành", "thôn Đoàn Kết", "thôn Tân Hợp", "thôn Tân Mai", "thôn Yên Sơn", "thôn Đầm Buôn"]),
    (
        "QL",
        "xã Quảng Lâm",
        &["thôn Tân Tiến", "thôn Tân Thành", "thôn Tân Lập", "thôn Tân Bình", "thôn Tân Hải", "thôn Mâm Xôi", "thôn Đồng Mặt", "thôn Bắc Phong"],
    ),
    ("QA", "xã Quảng An", &["thôn Tân Hoà", "thôn Thanh Lương", "thôn Tán Trang", "thôn Tài Chi", "thôn Bình Hồ", "thôn Phú Cường"]),
    ("QT", "xã Quảng Tân", &["thôn Tân Việt", "thôn Tân Đông", "thôn Tân Phú", "thôn Tân Sơn", "thôn Tân Quảng", "thôn Tân Hải"]),
    ("QLO", "xã Quảng Lợi", &["thôn Lợi Thành", "thôn Lợi Hồng", "thôn Lợi Hoà", "thôn Lợi Sơn"]),
    ("DY", "xã Dực Yên", &["thôn Tân Tiến", "thôn Tân Đức", "thôn Tân Phú", "thôn Đức Yên", "thôn Thác Bưởi", "thôn Khe Vàng"]),
    ("TB", "xã Tân Bình", &["thôn Tân Hợp", "thôn Tân Sơn", "thôn Tân Hoà", "thôn Tân Thắng", "thôn Tân Đồng", "thôn Tân Tiến", "thôn Tân Bình"]),
    ("TL", "xã Tân Lập", &["thôn Tân Minh", "thôn Tân Thành", "thôn Tân Hải", "thôn Tân Hoà", "thôn Tân Phú"]),
    ("DB", "xã Đại Bình", &["thôn Đại Lộc", "thôn Đại Thành", "thôn Đại Hải", "thôn Đại Đồng", "thôn Đại Tân", "thôn Đại Bình"]),
];

/// A đảng bộ cơ sở of the district: code, name, field, subordinate branches (suffix, name).
type Committee = (&'static str, &'static str, Field, &'static [(&'static str, &'static str)]);

const COMMITTEES: &[Committee] = &[
    (
        "DH-CQCQ",
        "Đảng bộ Cơ quan Chính quyền huyện",
        Field::Agency,
        &[
            ("VP", "Văn phòng HĐND và UBND"),
            ("TCKH", "Phòng Tài chính - Kế hoạch"),
            ("NN", "Phòng Nông nghiệp và PTNT"),
            ("TNMT", "Phòng Tài nguyên và Môi trường"),
            ("NV", "Phòng Nội vụ"),
        ],
    ),
    ("DH-CA", "Đảng bộ Công an huyện", Field::ArmedForces, &[("AN", "Đội An ninh"), ("CS", "Đội Cảnh sát"), ("TM", "Đội Tham mưu")]),
    ("DH-QS", "Đảng bộ Quân sự huyện", Field::ArmedForces, &[("TM", "Ban Tham mưu"), ("CT", "Ban Chính trị"), ("HC", "Ban Hậu cần - Kỹ thuật")]),
    ("DH-YT", "Đảng bộ Trung tâm Y tế huyện", Field::PublicService, &[("DT", "Khoa Điều trị"), ("DP", "Khoa Y tế dự phòng"), ("HC", "Phòng Hành chính")]),
];

/// Chi bộ cơ sở of the district: 23.
const BRANCHES: &[(&str, &str, Field)] = &[
    ("DH-HU", "Chi bộ Cơ quan Huyện ủy", Field::Agency),
    ("DH-MT", "Chi bộ Cơ quan Mặt trận - Đoàn thể", Field::Agency),
    ("DH-THPT", "Chi bộ Trường THPT Đầm Hà", Field::School),
    ("DH-THCS", "Chi bộ Trường THCS Đầm Hà", Field::School),
    ("DH-GDTX", "Chi bộ Trung tâm GDNN - GDTX", Field::School),
    ("DH-BQLDA", "Chi bộ Ban Quản lý dự án đầu tư xây dựng", Field::Agency),
    ("DH-DS", "Chi bộ Trung tâm Dân số - KHHGĐ", Field::PublicService),
    ("DH-THUE", "Chi bộ Chi cục Thuế", Field::Agency),
    ("DH-KB", "Chi bộ Kho bạc Nhà nước", Field::Agency),
    ("DH-NHNN", "Chi bộ Ngân hàng Nông nghiệp và PTNT", Field::Enterprise),
    ("DH-NHCS", "Chi bộ Ngân hàng Chính sách xã hội", Field::Agency),
    ("DH-BHXH", "Chi bộ Bảo hiểm xã hội", Field::Agency),
    ("DH-VKS", "Chi bộ Viện Kiểm sát nhân dân", Field::Agency),
    ("DH-TA", "Chi bộ Tòa án nhân dân", Field::Agency),
    ("DH-THA", "Chi bộ Chi cục Thi hành án dân sự", Field::Agency),
    ("DH-VH", "Chi bộ Trung tâm Truyền thông và Văn hóa", Field::PublicService),
    ("DH-DL", "Chi bộ Điện lực Đầm Hà", Field::Enterprise),
    ("DH-CTMT", "Chi bộ Công ty Môi trường và Công trình đô thị", Field::Enterprise),
    ("DH-KL", "Chi bộ Hạt Kiểm lâm", Field::Agency),
    ("DH-DVNN", "Chi bộ Trung tâm Dịch vụ nông nghiệp", Field::PublicService),
    ("DH-TNMT", "Chi bộ Văn phòng Đăng ký đất đai", Field::PublicService),
    ("DH-XNTL", "Chi bộ Xí nghiệp Thủy lợi", Field::Enterprise),
    ("DH-BD", "Chi bộ Bưu điện huyện", Field::Enterprise),
];

/// The communes of 1/7/2025 that took Đầm Hà's (code, name, old communes), after the 2025
/// conversion of `data/admin-units`.
pub const NEW_COMMUNES: &[(&str, &[&str])] = &[("QN-XDH", &["TT", "TB", "XDH", "TL", "DB"]), ("QN-XQT", &["QL", "QA", "DY", "QT"])];

fn tree() -> Builder {
    let mut b = Builder { orgs: vec![], branches: vec![] };
    b.org(ROOT, "Đảng bộ tỉnh Quảng Ninh", OrgKind::Province, Field::Other, None, d(1963, 10, 30));
    b.org(DISTRICT, "Đảng bộ huyện Đầm Hà", OrgKind::District, Field::Other, Some(ROOT), d(1964, 1, 1));
    for (code, name, villages) in COMMUNES {
        let c = format!("DH-{code}");
        b.org(&c, &format!("Đảng bộ {name}"), OrgKind::GrassrootsCommittee, Field::Commune, Some(DISTRICT), d(1975, 1, 1));
        for (i, v) in villages.iter().enumerate() {
            b.org(&format!("{c}-{:02}", i + 1), &format!("Chi bộ {v}"), OrgKind::SubordinateBranch, Field::Residential, Some(&c), d(1975, 1, 1));
        }
        let place = ["thị trấn ", "xã "].iter().find_map(|unit| name.strip_prefix(unit)).unwrap_or(name);
        b.org(&format!("{c}-CQ"), &format!("Chi bộ Cơ quan {name}"), OrgKind::SubordinateBranch, Field::Agency, Some(&c), d(1975, 1, 1));
        b.org(&format!("{c}-TH"), &format!("Chi bộ Trường Tiểu học {place}"), OrgKind::SubordinateBranch, Field::School, Some(&c), d(1975, 1, 1));
    }
    for (code, name, field, subs) in COMMITTEES {
        b.org(code, name, OrgKind::GrassrootsCommittee, *field, Some(DISTRICT), d(1975, 1, 1));
        for (s, sname) in subs.iter() {
            b.org(&format!("{code}-{s}"), &format!("Chi bộ {sname}"), OrgKind::SubordinateBranch, *field, Some(code), d(1975, 1, 1));
        }
    }
    for (code, name, field) in BRANCHES {
        b.org(code, name, OrgKind::GrassrootsBranch, *field, Some(DISTRICT), d(1975, 1, 1));
    }
    b
}

/// Organisation events, in the order to apply them, and the branch endings they imply.
fn reorganisations(b: &mut Builder) -> Vec<(String, OrgEvent)> {
    let hu = "Ban Thường vụ Huyện ủy Đầm Hà";
    let mut ev = Vec::new();
    let mut push = |code: &str, change: OrgChange, on: NaiveDate, bs: Basis| {
        ev.push((code.to_string(), OrgEvent { change, effective_on: on, basis: bs }));
    };
    // 2019: two grassroots branches merged into branches of other organisations.
    let b1 = basis("412-QĐ/HU", d(2019, 6, 20), hu);
    b.end("DH-BQLDA", d(2019, 7, 1), &["DH-CQCQ-VP"], b1.clone());
    push("DH-BQLDA", OrgChange::Merge(OrgCode::parse("DH-CQCQ-VP").expect("code")), d(2019, 7, 1), b1);
    let b2 = basis("468-QĐ/HU", d(2019, 9, 25), hu);
    b.end("DH-DS", d(2019, 10, 1), &["DH-YT-DP"], b2.clone());
    push("DH-DS", OrgChange::Merge(OrgCode::parse("DH-YT-DP").expect("code")), d(2019, 10, 1), b2);
    // 2019: the agency branch of Quảng An commune dissolved, members to village branches.
    let b3 = basis("35-QĐ/ĐU", d(2019, 11, 20), "Đảng ủy xã Quảng An");
    b.end("DH-QA-CQ", d(2019, 12, 1), &["DH-QA-01", "DH-QA-02", "DH-QA-03", "DH-QA-04"], b3.clone());
    push("DH-QA-CQ", OrgChange::Dissolve(None), d(2019, 12, 1), b3);
    // 1/1/2020: Quảng Lợi merged into Quảng Tân.
    let b4 = basis("625-QĐ/HU", d(2019, 12, 25), hu);
    for i in 1..=4 {
        push(&format!("DH-QLO-{i:02}"), OrgChange::Move(OrgCode::parse("DH-QT").expect("code")), d(2020, 1, 1), b4.clone());
    }
    b.end("DH-QLO-CQ", d(2020, 1, 1), &["DH-QT-CQ"], b4.clone());
    push("DH-QLO-CQ", OrgChange::Merge(OrgCode::parse("DH-QT-CQ").expect("code")), d(2020, 1, 1), b4.clone());
    b.end("DH-QLO-TH", d(2020, 1, 1), &["DH-QT-TH"], b4.clone());
    push("DH-QLO-TH", OrgChange::Merge(OrgCode::parse("DH-QT-TH").expect("code")), d(2020, 1, 1), b4.clone());
    push("DH-QLO", OrgChange::Merge(OrgCode::parse("DH-QT").expect("code")), d(2020, 1, 1), b4);
    // 1/7/2025: no more district level, and the nine communes become two (the 2025 conversion
    // in data/admin-units): each new commune's committee takes the branches of the old ones,
    // which merge into it, so its users read their history (org_heirs).
    let b5 = basis("QĐ 294-QĐ/TW", d(2025, 5, 26), "Ban Chấp hành Trung ương");
    let b6 = basis("1568-QĐ/TU", d(2025, 6, 30), "Ban Thường vụ Tỉnh ủy Quảng Ninh");
    for (new, olds) in NEW_COMMUNES {
        for old in *olds {
            let (_, _, villages) = COMMUNES.iter().find(|c| c.0 == *old).expect("commune");
            let mut kids: Vec<String> = (1..=villages.len()).map(|i| format!("DH-{old}-{i:02}")).collect();
            kids.extend(["CQ", "TH"].map(|k| format!("DH-{old}-{k}")));
            if *old == "QT" {
                kids.extend((1..=4).map(|i| format!("DH-QLO-{i:02}")));
            }
            // Branches that ended before (Quảng An's agency branch in 2019) stay where they were.
            kids.retain(|k| b.branches.iter().any(|x| x.code == *k && x.until.is_none()));
            for k in kids {
                push(&k, OrgChange::Move(OrgCode::parse(new).expect("code")), d(2025, 7, 1), b6.clone());
            }
            push(&format!("DH-{old}"), OrgChange::Merge(OrgCode::parse(new).expect("code")), d(2025, 7, 1), b6.clone());
        }
    }
    let mut tops: Vec<String> = COMMITTEES.iter().map(|c| c.0.to_string()).collect();
    tops.extend(BRANCHES.iter().filter(|c| c.0 != "DH-BQLDA" && c.0 != "DH-DS").map(|c| c.0.to_string()));
    for t in tops {
        push(&t, OrgChange::Move(OrgCode::parse(ROOT).expect("code")), d(2025, 7, 1), b5.clone());
    }
    push(DISTRICT, OrgChange::Dissolve(None), d(2025, 7, 1), b5);
    ev
}

const MALE_MIDDLE: &[&str] = &["Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thanh", "Ngọc", "Công", "Duy"];
const FEMALE_MIDDLE: &[&str] = &["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Kim"];
const MALE_GIVEN: &[&str] = &[
    "An", "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đông", "Giang", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khánh", "Kiên", "Long", "Mạnh", "Minh", "Nam",
    "Nghĩa", "Phong", "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Thành", "Toàn", "Trung", "Tuấn", "Việt", "Vinh",
];
const FEMALE_GIVEN: &[&str] = &[
    "Anh", "Ánh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hằng", "Hạnh", "Hiền", "Hoa", "Hồng", "Huyền", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai",
    "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thu", "Trang", "Vân", "Yến",
];
const KINH_FAMILY: &[(&str, u32)] = &[
    ("Nguyễn", 384),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 71),
    ("Hoàng", 51),
    ("Phan", 45),
    ("Vũ", 39),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
];
/// Ethnic groups of Đầm Hà with a weight and family names common among them.
const ETHNIC: &[(&str, u32, &[&str])] = &[
    ("01", 700, &[]),
    ("09", 150, &["Bàn", "Triệu", "Lý", "Đặng", "Chíu"]),
    ("15", 70, &["Hoàng", "Nịnh", "Lục", "Tằng"]),
    ("02", 40, &["Hoàng", "Nông", "Lương"]),
    ("04", 20, &["Lỷ", "Voòng", "Lầu"]),
    ("18", 20, &["Đàm", "Lục", "Trương"]),
];

fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

fn weighted<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [(T, u32)]) -> &'a T {
    let total: u32 = xs.iter().map(|x| x.1).sum();
    let mut r = rng.random_range(0..total);
    for (x, w) in xs {
        if r < *w {
            return x;
        }
        r -= w;
    }
    &xs[0].0
}

fn random_date(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(1);
    from + chrono::Duration::days(rng.random_range(0..span))
}

fn person(rng: &mut ChaCha8Rng, birth: NaiveDate) -> Person {
    let sex = if rng.random_bool(0.38) { Sex::Female } else { Sex::Male };
    let weights: Vec<(usize, u32)> = ETHNIC.iter().enumerate().map(|(i, e)| (i, e.1)).collect();
    let (code, _, families) = ETHNIC[*weighted(rng, &weights)];
    let family = if families.is_empty() { weighted(rng, KINH_FAMILY).to_string() } else { pick(rng, families).to_string() };
    let (middle, given) = match sex {
        Sex::Male => (pick(rng, MALE_MIDDLE), pick(rng, MALE_GIVEN)),
        Sex::Female => (pick(rng, FEMALE_MIDDLE), pick(rng, FEMALE_GIVEN)),
    };
    let education = if rng.random_bool(0.8) { "Trung học phổ thông" } else { "Trung học cơ sở" };
    let professional = *pick(rng, &["", "", "Trung cấp", "Cao đẳng", "Đại học", "Đại học", "Thạc sĩ"]);
    let theory = *pick(rng, &["Sơ cấp", "Sơ cấp", "Sơ cấp", "Trung cấp", "Trung cấp", "Cao cấp"]);
    Person {
        family_name: family,
        middle_name: middle.to_string(),
        given_name: given.to_string(),
        sex,
        birth_date: birth,
        ethnicity: code.into(),
        religion: if rng.random_bool(0.03) { "Công giáo".into() } else { "Không".into() },
        birth_place: "Quảng Ninh".into(),
        home_town: "Quảng Ninh".into(),
        residence: "Đầm Hà, Quảng Ninh".into(),
        cccd: None,
        phone: String::new(),
        education: education.into(),
        professional: professional.into(),
        theory: theory.into(),
        occupation: String::new(),
        file: Default::default(),
    }
}

/// Party record for a ceremony on `ceremony`, with a decision some days before.
fn party(rng: &mut ChaCha8Rng, ceremony: NaiveDate, n: usize) -> PartyRecord {
    let decision = ceremony - chrono::Duration::days(rng.random_range(5..25));
    PartyRecord {
        admission_decision_no: Some(format!("{}-QĐ/HU", 100 + n % 800)),
        admission_decision_date: decision,
        ceremony_date: ceremony,
        card_no: None,
        bio_no: None,
    }
}

/// Members and their events. `alive(branch, on)` rules which branches can receive people.
fn members(rng: &mut ChaCha8Rng, branches: &[Branch], today: NaiveDate) -> Vec<DemoMember> {
    let alive = |b: &Branch, on: NaiveDate| b.until.is_none_or(|u| on < u);
    let pick_branch = |rng: &mut ChaCha8Rng, on: NaiveDate| -> String {
        loop {
            let b = pick(rng, branches);
            if alive(b, on) {
                return b.code.clone();
            }
        }
    };
    let mut out: Vec<DemoMember> = Vec::new();
    let mut n = 0usize;
    // 1,720 members admitted before 2015.
    for _ in 0..1720 {
        n += 1;
        let ceremony = random_date(rng, d(1976, 1, 1), d(2014, 12, 1));
        let age = rng.random_range(19..40);
        let birth = random_date(rng, date::add_months(ceremony, 0) - chrono::Duration::days(365 * (age + 1)), ceremony - chrono::Duration::days(365 * age));
        let org = pick_branch(rng, d(2014, 12, 31));
        let p = party(rng, ceremony, n);
        let full = rules::full_membership_date(ceremony);
        out.push(DemoMember { events: vec![(ceremony, DemoEvent::Admitted { person: person(rng, birth), party: p, org }), (full, DemoEvent::Recognised)] });
    }
    let initial: Vec<usize> = (0..out.len()).collect();
    // Exits among the initial members, each member at most once, in 2015–2019.
    let mut used = std::collections::HashSet::new();
    let mut exits = |rng: &mut ChaCha8Rng,
                     out: &mut Vec<DemoMember>,
                     count: usize,
                     from: NaiveDate,
                     to: NaiveDate,
                     make: &dyn Fn(&mut ChaCha8Rng) -> DemoEvent,
                     old_only: bool| {
        let mut done = 0;
        while done < count {
            let i = *pick(rng, &initial);
            let birth = match &out[i].events[0].1 {
                DemoEvent::Admitted { person, .. } => person.birth_date,
                _ => continue,
            };
            if used.contains(&i) || (old_only && birth.year() > 1958) {
                continue;
            }
            used.insert(i);
            let on = random_date(rng, from, to);
            let ev = make(rng);
            out[i].events.push((on, ev));
            done += 1;
        }
    };
    let dest = |rng: &mut ChaCha8Rng| DemoEvent::TransferredOut {
        destination: pick(rng, &["Đảng bộ huyện Tiên Yên", "Đảng bộ thành phố Móng Cái", "Đảng bộ huyện Hải Hà", "Đảng bộ thành phố Hạ Long"]).to_string(),
    };
    exits(rng, &mut out, 60, d(2015, 1, 1), d(2019, 12, 31), &|_| DemoEvent::Deceased, true);
    exits(rng, &mut out, 40, d(2015, 1, 1), d(2019, 12, 31), &dest, false);
    exits(rng, &mut out, 8, d(2015, 1, 1), d(2019, 12, 31), &|_| DemoEvent::StruckOff, false);
    exits(rng, &mut out, 25, d(2015, 1, 1), d(2019, 12, 31), &|_| DemoEvent::Exempted, true);
    // Later years: fewer exits per year, up to today.
    if today >= d(2020, 6, 30) {
        let end = today.min(d(2026, 9, 30));
        let years = (end.year() - 2019) as usize;
        exits(rng, &mut out, 14 * years, d(2020, 1, 1), end, &|_| DemoEvent::Deceased, true);
        exits(rng, &mut out, 8 * years, d(2020, 1, 1), end, &dest, false);
    }
    // Admissions: 426 in 2015–2019, then about 80 a year.
    let admit = |rng: &mut ChaCha8Rng, out: &mut Vec<DemoMember>, from: NaiveDate, to: NaiveDate, n: &mut usize| {
        *n += 1;
        let ceremony = random_date(rng, from, to);
        let age = rng.random_range(19..45);
        let birth = ceremony - chrono::Duration::days(365 * age + rng.random_range(1..360));
        let org = pick_branch(rng, ceremony);
        let p = party(rng, ceremony, *n);
        let mut events = vec![(ceremony, DemoEvent::Admitted { person: person(rng, birth), party: p, org })];
        let full = rules::full_membership_date(ceremony);
        // Recognitions of the last weeks are still to be decided (the to-do page shows them).
        if full + chrono::Duration::days(50) <= today {
            events.push((full, DemoEvent::Recognised));
        }
        out.push(DemoMember { events });
    };
    for _ in 0..426 {
        admit(rng, &mut out, d(2015, 2, 1), d(2019, 12, 31), &mut n);
    }
    let end = today.min(d(2026, 9, 30));
    for year in 2020..=end.year() {
        let to = d(year, 12, 31).min(end);
        for _ in 0..80 {
            admit(rng, &mut out, d(year, 1, 25), to, &mut n);
        }
    }
    // Transfers in: 30 in 2015–2019.
    for _ in 0..30 {
        n += 1;
        let on = random_date(rng, d(2015, 1, 1), d(2019, 12, 31));
        let ceremony = random_date(rng, d(1990, 1, 1), d(2012, 12, 31));
        let birth = ceremony - chrono::Duration::days(365 * rng.random_range(19..35));
        let org = pick_branch(rng, on);
        let p = party(rng, ceremony, n);
        let full_date = rules::full_membership_date(ceremony);
        let from = pick(rng, &["Đảng bộ huyện Tiên Yên", "Đảng bộ thành phố Móng Cái", "Đảng bộ huyện Bình Liêu"]).to_string();
        out.push(DemoMember { events: vec![(on, DemoEvent::TransferredIn { person: person(rng, birth), party: p, org, full_date, from })] });
    }
    // Internal transfers among branches that stay.
    for _ in 0..60 {
        let i = rng.random_range(0..out.len());
        let on = random_date(rng, d(2015, 1, 1), d(2024, 12, 31));
        let target = pick_branch(rng, on);
        if target_stays(branches, &target) {
            out[i].events.push((on, DemoEvent::Transferred { org: target, basis: Basis::default() }));
        }
    }
    for m in &mut out {
        m.events.sort_by_key(|e| e.0);
        normalise(m, branches);
        born_in_the_commune(m);
    }
    out
}

/// A member admitted in a commune's branch was born there, and their hometown is written as
/// the register of the time wrote it: "xã Quảng Lợi, huyện Đầm Hà, tỉnh Quảng Ninh" (which the
/// member page shows with the commune it is part of now). No draw of the generator, so names and
/// figures stay as they were.
fn born_in_the_commune(m: &mut DemoMember) {
    let Some((_, DemoEvent::Admitted { person, org, .. })) = m.events.first_mut() else { return };
    let commune = org.strip_prefix("DH-").and_then(|rest| rest.split('-').next()).and_then(|c| COMMUNES.iter().find(|x| x.0 == c));
    if let Some((_, name, _)) = commune {
        let place = format!("{name}, huyện Đầm Hà, tỉnh Quảng Ninh");
        person.birth_place = place.clone();
        person.home_town = place;
    }
}

fn target_stays(branches: &[Branch], code: &str) -> bool {
    branches.iter().any(|b| b.code == code && b.until.is_none())
}

/// Drops events that cannot follow each other (a transfer after an exit, an event before
/// admission) and adds the moves out of branches that end.
fn normalise(m: &mut DemoMember, branches: &[Branch]) {
    let mut kept: Vec<(NaiveDate, DemoEvent)> = Vec::new();
    let mut org = String::new();
    let mut active = false;
    let mut full = false;
    let mut start = None;
    let events = std::mem::take(&mut m.events);
    let ends: Vec<&Branch> = branches.iter().filter(|b| b.until.is_some()).collect();
    let mut queue: std::collections::VecDeque<(NaiveDate, DemoEvent)> = events.into();
    while let Some((on, ev)) = queue.pop_front() {
        // Before this event: has the member's branch ended?
        if active && let Some(b) = ends.iter().find(|b| b.code == org && b.until.is_some_and(|u| u <= on)) {
            let u = b.until.expect("end date");
            let target = b.successor[kept.len() % b.successor.len()].clone();
            kept.push((u, DemoEvent::Transferred { org: target.clone(), basis: b.end_basis.clone().unwrap_or_default() }));
            org = target;
        }
        match &ev {
            DemoEvent::Admitted { org: o, .. } | DemoEvent::TransferredIn { org: o, .. } => {
                org = o.clone();
                active = true;
                full = matches!(ev, DemoEvent::TransferredIn { .. });
                start = Some(on);
            }
            DemoEvent::Recognised => full = true,
            _ if !active || start.is_none_or(|s| on <= s) => continue,
            DemoEvent::Transferred { org: o, .. } => {
                if *o == org {
                    continue;
                }
                org = o.clone();
            }
            DemoEvent::Exempted => {
                if !full {
                    continue;
                }
            }
            DemoEvent::TransferredOut { .. } | DemoEvent::StruckOff | DemoEvent::Deceased => active = false,
            DemoEvent::InfoChanged { .. } => {}
        }
        kept.push((on, ev));
    }
    if active && let Some(b) = ends.iter().find(|b| b.code == org) {
        let u = b.until.expect("end date");
        kept.push((u, DemoEvent::Transferred { org: b.successor[kept.len() % b.successor.len()].clone(), basis: b.end_basis.clone().unwrap_or_default() }));
    }
    m.events = kept;
}

/// Builds the demo as of `today`.
pub fn dam_ha(seed: u64, today: NaiveDate) -> Demo {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut b = tree();
    if today >= d(2025, 7, 1) {
        for (code, name) in [("QN-XDH", "Đảng bộ xã Đầm Hà"), ("QN-XQT", "Đảng bộ xã Quảng Tân")] {
            b.org(code, name, OrgKind::GrassrootsCommittee, Field::Commune, Some(ROOT), d(2025, 7, 1));
        }
    }
    let org_events: Vec<(String, OrgEvent)> = reorganisations(&mut b).into_iter().filter(|(_, e)| e.effective_on <= today).collect();
    let members = members(&mut rng, &b.branches, today);
    let ended = |code: &str| {
        org_events.iter().find(|(c, e)| c == code && matches!(e.change, OrgChange::Merge(_) | OrgChange::Dissolve(_))).map(|(_, e)| e.effective_on)
    };
    let alive = |on: NaiveDate| -> Vec<String> { b.branches.iter().filter(|x| x.until.is_none_or(|u| on < u)).map(|x| x.code.clone()).collect() };
    let (mut courses, candidates, targets) = pipeline::build(&mut rng, &b.orgs, &members, &alive, &ended, today);
    let cadre = cadre::build(&mut rng, &members, today);
    for (kind, name, start) in [
        (crate::course::CourseKind::Secretary, "Lớp bồi dưỡng bí thư chi bộ kiêm trưởng thôn, bản, khu phố năm 2019", d(2019, 6, 10)),
        (crate::course::CourseKind::Other, "Hội thi kỹ năng, nghiệp vụ Bí thư chi bộ năm 2019", d(2019, 11, 12)),
    ] {
        if start <= today {
            courses.push(DemoCourse {
                org: DISTRICT.into(),
                kind,
                name: name.into(),
                start,
                end: start + chrono::Duration::days(3),
                provider: "Ban Tổ chức Huyện ủy Đầm Hà".into(),
                enrolled: vec![],
            });
        }
    }
    let mut members = members;
    history::add(&mut members, seed, today);
    Demo { orgs: b.orgs, members, org_events, courses, candidates, targets, cadre }
}

/// The status a demo member's first event gives.
pub fn first_status(ev: &DemoEvent) -> Status {
    match ev {
        DemoEvent::TransferredIn { .. } => Status::Full,
        _ => Status::Probationary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_seven_grassroots_in_2018() {
        let demo = dam_ha(1, d(2026, 11, 27));
        let grassroots = demo.orgs.iter().filter(|o| o.kind.is_grassroots() && o.parent.as_ref().is_some_and(|p| p.as_str() == DISTRICT)).count();
        assert_eq!(grassroots, 37);
    }

    #[test]
    fn deterministic() {
        let a = dam_ha(7, d(2026, 11, 27));
        let b = dam_ha(7, d(2026, 11, 27));
        assert_eq!(a.members.len(), b.members.len());
        assert_eq!(format!("{:?}", a.members[100].events), format!("{:?}", b.members[100].events));
    }
}
