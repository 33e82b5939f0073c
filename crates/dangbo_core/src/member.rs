//! Members: the person, their Party record, and the input that creates them.

mod file;
mod photo;
mod rows;
use crate::error::FieldErrors;
use crate::org::string_enum;
use crate::org::{Basis, OrgCode, parse_basis, parse_past_date};
use crate::{date, rules, text};
use chrono::NaiveDate;
pub use file::{FileFields, FileInput, Relation, Relative, RelativeInput, WorkInput, WorkRow};
pub use photo::{MAX_PHOTO_BYTES, photo_type};
pub use rows::{MAX_ROWS, summary_family, summary_work};
use serde::{Deserialize, Serialize};

string_enum! {
    Sex { Male = "male", Female = "female" }
}

string_enum! {
    /// A member's status (tình trạng).
    Status ("status") {
        /// Đảng viên dự bị.
        Probationary = "probationary",
        /// Đảng viên chính thức.
        Full = "full",
        /// Miễn công tác và sinh hoạt đảng (a full member, still counted).
        Exempt = "exempt",
        /// Chuyển sinh hoạt ra ngoài (left this register by official transfer).
        TransferredOut = "transferred_out",
        /// Xóa tên.
        StruckOff = "struck_off",
        /// Ra khỏi Đảng (xin ra).
        Left = "left",
        /// Khai trừ.
        Expelled = "expelled",
        /// Từ trần.
        Deceased = "deceased",
    }
}

impl Status {
    /// Counted in đảng số: probationary and full members (exempt ones are full members).
    pub fn counted(self) -> bool {
        matches!(self, Status::Probationary | Status::Full | Status::Exempt)
    }
}

/// The code of the Kinh in the list of ethnic groups (danh mục các dân tộc Việt Nam, QĐ
/// 121-TCTK/PPCĐ): the default; any other code is an ethnic minority in the statistics.
pub const KINH: &str = "01";
/// The religion entry of a person without one, in the register's list of religions.
pub const NO_RELIGION: &str = "Không";
/// The oldest age counted as youth (thanh niên: 16 to 30, Luật Thanh niên 2020, Điều 1): the
/// admissions of young people in the reports.
pub const YOUTH_MAX_AGE: i64 = 30;

/// Số CCCD: the 12-digit citizen identity number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cccd(String);

impl Cccd {
    pub fn parse(s: &str) -> Option<Self> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (s.len() == 12 && s.chars().all(|c| c.is_ascii_digit())).then_some(Cccd(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The person behind a membership (§3.5 of the domain reference). Empty text means unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    /// Họ.
    pub family_name: String,
    /// Tên đệm.
    pub middle_name: String,
    /// Tên.
    pub given_name: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    /// Ethnic group code (01 Kinh … 54, 55 foreign), from the reference list.
    pub ethnicity: String,
    pub religion: String,
    #[serde(default)]
    pub birth_place: String,
    /// Quê quán.
    #[serde(default)]
    pub home_town: String,
    /// Nơi thường trú.
    #[serde(default)]
    pub residence: String,
    #[serde(default)]
    pub cccd: Option<String>,
    #[serde(default)]
    pub phone: String,
    /// Trình độ giáo dục phổ thông.
    #[serde(default)]
    pub education: String,
    /// Trình độ chuyên môn.
    #[serde(default)]
    pub professional: String,
    /// Trình độ lý luận chính trị.
    #[serde(default)]
    pub theory: String,
    /// Nghề nghiệp.
    #[serde(default)]
    pub occupation: String,
    /// The biography's further items.
    #[serde(default)]
    pub file: FileFields,
}

impl Person {
    pub fn full_name(&self) -> String {
        text::full_name(&self.family_name, &self.middle_name, &self.given_name)
    }
    pub fn sort_key(&self) -> Vec<u8> {
        text::name_sort_key(&self.family_name, &self.middle_name, &self.given_name)
    }
    /// Each item of the person by name (`field-…` in the catalogs), as text: dates dd/mm/yyyy,
    /// the ethnic group and religion as their codes.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("family_name", self.family_name.clone()),
            ("middle_name", self.middle_name.clone()),
            ("given_name", self.given_name.clone()),
            ("sex", self.sex.as_str().to_string()),
            ("birth_date", date::display(self.birth_date)),
            ("ethnicity", self.ethnicity.clone()),
            ("religion", self.religion.clone()),
            ("birth_place", self.birth_place.clone()),
            ("home_town", self.home_town.clone()),
            ("residence", self.residence.clone()),
            ("cccd", self.cccd.clone().unwrap_or_default()),
            ("phone", self.phone.clone()),
            ("education", self.education.clone()),
            ("professional", self.professional.clone()),
            ("theory", self.theory.clone()),
            ("occupation", self.occupation.clone()),
        ];
        out.extend(self.file.entries());
        out.extend(self.file.lists());
        out
    }

    /// The items that differ in `after`: (name, before, after).
    pub fn differences(&self, after: &Person) -> Vec<(&'static str, String, String)> {
        self.entries().into_iter().zip(after.entries()).filter(|((_, a), (_, b))| a != b).map(|((f, a), (_, b))| (f, a, b)).collect()
    }

    /// The folded text searched by member search: name, CCCD, card number.
    pub fn search_text(&self, card_no: Option<&str>) -> String {
        let mut s = text::fold(&self.full_name());
        for extra in [self.cccd.as_deref(), card_no].into_iter().flatten() {
            s.push(' ');
            s.push_str(&text::fold(extra));
        }
        s
    }
}

/// The Party record of one episode (a re-admission opens a new one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyRecord {
    pub admission_decision_no: Option<String>,
    pub admission_decision_date: NaiveDate,
    /// Ngày vào Đảng as shown on records: the admission ceremony.
    pub ceremony_date: NaiveDate,
    #[serde(default)]
    pub card_no: Option<String>,
    /// Số lý lịch đảng viên.
    #[serde(default)]
    pub bio_no: Option<String>,
}

/// Raw member input from a form or JSON body. Every field is text; parsing happens here.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberInput {
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub middle_name: String,
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Sex))]
    pub sex: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub birth_date: String,
    #[serde(default)]
    pub ethnicity: Option<String>,
    #[serde(default)]
    pub religion: Option<String>,
    #[serde(default)]
    pub birth_place: Option<String>,
    #[serde(default)]
    pub home_town: Option<String>,
    #[serde(default)]
    pub residence: Option<String>,
    #[serde(default)]
    pub cccd: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub education: Option<String>,
    #[serde(default)]
    pub professional: Option<String>,
    #[serde(default)]
    pub theory: Option<String>,
    #[serde(default)]
    pub occupation: Option<String>,
    #[serde(default)]
    pub admission_decision_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub admission_decision_date: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub ceremony_date: String,
    /// For a member admitted long ago: the date they became a full member.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub full_date: Option<String>,
    #[serde(default)]
    pub card_no: Option<String>,
    #[serde(default)]
    pub bio_no: Option<String>,
    /// The biography's further items.
    #[serde(flatten)]
    pub file: FileInput,
}

/// A valid command to add a member to the register.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub org: OrgCode,
    pub person: Person,
    pub party: PartyRecord,
    pub full_date: Option<NaiveDate>,
    pub basis: Basis,
}

fn opt_clean(s: &Option<String>) -> String {
    s.as_deref().map(text::clean).unwrap_or_default()
}

fn opt_some(s: &Option<String>) -> Option<String> {
    Some(opt_clean(s)).filter(|s| !s.is_empty())
}

/// Parses the person fields shared by every command that carries a person.
pub fn parse_person(i: &MemberInput, today: NaiveDate, e: &mut FieldErrors) -> Option<Person> {
    let family_name = text::clean(&i.family_name);
    let middle_name = text::clean(&i.middle_name);
    let given_name = text::clean(&i.given_name);
    for (field, v) in [("family_name", &family_name), ("given_name", &given_name)] {
        if v.is_empty() {
            e.add(field, "err-required");
        }
    }
    for (field, v) in [("family_name", &family_name), ("middle_name", &middle_name), ("given_name", &given_name)] {
        if v.chars().count() > 60 {
            e.add(field, "err-too-long");
        }
    }
    let sex = Sex::parse(i.sex.trim());
    if sex.is_none() {
        e.add("sex", if i.sex.trim().is_empty() { "err-required" } else { "err-choice" });
    }
    let birth_date = parse_past_date("birth_date", &i.birth_date, today, e);
    let cccd = match opt_some(&i.cccd) {
        None => None,
        Some(s) => match Cccd::parse(&s) {
            Some(c) => Some(c.as_str().to_string()),
            None => {
                e.add("cccd", "err-cccd");
                None
            }
        },
    };
    // The national forms' fields are short: a place or a level is a line, never a page.
    for (field, v, max) in [
        ("birth_place", &i.birth_place, 200),
        ("home_town", &i.home_town, 200),
        ("residence", &i.residence, 200),
        ("phone", &i.phone, 20),
        ("education", &i.education, 100),
        ("professional", &i.professional, 200),
        ("theory", &i.theory, 100),
        ("occupation", &i.occupation, 200),
        ("ethnicity", &i.ethnicity, 60),
        ("religion", &i.religion, 60),
    ] {
        if v.as_deref().is_some_and(|v| v.chars().count() > max) {
            e.add(field, "err-too-long");
        }
    }
    let file = i.file.parse(birth_date, today, e);
    let ethnicity = opt_some(&i.ethnicity).unwrap_or_else(|| KINH.to_string());
    let religion = opt_some(&i.religion).unwrap_or_else(|| NO_RELIGION.to_string());
    Some(Person {
        family_name,
        middle_name,
        given_name,
        sex: sex?,
        birth_date: birth_date?,
        ethnicity,
        religion,
        birth_place: opt_clean(&i.birth_place),
        home_town: opt_clean(&i.home_town),
        residence: opt_clean(&i.residence),
        cccd,
        phone: opt_clean(&i.phone),
        education: opt_clean(&i.education),
        professional: opt_clean(&i.professional),
        theory: opt_clean(&i.theory),
        occupation: opt_clean(&i.occupation),
        file,
    })
}

/// Parses and checks the Party dates against each other and against the person's birth.
pub fn parse_party(i: &MemberInput, birth: Option<NaiveDate>, today: NaiveDate, e: &mut FieldErrors) -> Option<(PartyRecord, Option<NaiveDate>)> {
    let decision = parse_past_date("admission_decision_date", &i.admission_decision_date, today, e);
    let ceremony = parse_past_date("ceremony_date", &i.ceremony_date, today, e);
    if let (Some(b), Some(d)) = (birth, decision) {
        if b >= d {
            e.add("birth_date", "err-birth-after-admission");
        } else {
            let (min, citation) = rules::admission_min_age_years(d);
            if date::age_years(b, d) < min as i32 {
                e.add_with("birth_date", "err-admission-age", vec![("years", min.to_string()), ("rule", citation)]);
            }
        }
    }
    if let (Some(d), Some(c)) = (decision, ceremony)
        && c < d
    {
        e.add("ceremony_date", "err-ceremony-before-decision");
    }
    let full_date = match opt_some(&i.full_date) {
        None => None,
        Some(s) => match date::parse(&s) {
            None => {
                e.add("full_date", "err-date-invalid");
                None
            }
            Some(f) if f > today => {
                e.add("full_date", "err-date-future");
                None
            }
            Some(f) => {
                if let Some(c) = ceremony
                    && f < rules::full_membership_date(c)
                {
                    e.add_with("full_date", "err-probation-short", vec![("date", date::display(rules::full_membership_date(c)))]);
                }
                Some(f)
            }
        },
    };
    let record = PartyRecord {
        admission_decision_no: opt_some(&i.admission_decision_no),
        admission_decision_date: decision?,
        ceremony_date: ceremony?,
        card_no: opt_some(&i.card_no),
        bio_no: opt_some(&i.bio_no),
    };
    Some((record, full_date))
}

impl MemberInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewMember, FieldErrors> {
        let mut e = FieldErrors::new();
        let org = OrgCode::parse(&self.org);
        if org.is_none() {
            e.add("org", if self.org.trim().is_empty() { "err-required" } else { "err-org-unknown" });
        }
        let person = parse_person(self, today, &mut e);
        let party = parse_party(self, person.as_ref().map(|p| p.birth_date), today, &mut e);
        if party.as_ref().is_some_and(|(p, _)| p.card_no.is_some()) && party.as_ref().is_some_and(|(_, f)| f.is_none()) {
            e.add("card_no", "err-card-needs-full");
        }
        let basis =
            Basis { decision_no: opt_some(&self.admission_decision_no), decision_date: party.as_ref().map(|(p, _)| p.admission_decision_date), issuer: None };
        match (org, person, party) {
            (Some(org), Some(person), Some((party, full_date))) if e.is_empty() => Ok(NewMember { org, person, party, full_date, basis }),
            _ => Err(e),
        }
    }
}

/// Parses a basis for member events (re-exported for the event input).
pub fn basis(no: &Option<String>, d: &Option<String>, issuer: &Option<String>, today: NaiveDate, e: &mut FieldErrors) -> Basis {
    parse_basis(no, d, issuer, today, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> MemberInput {
        MemberInput {
            org: "CB-01".into(),
            family_name: "Nguyễn".into(),
            middle_name: "Văn".into(),
            given_name: "An".into(),
            sex: "male".into(),
            birth_date: "1990-05-01".into(),
            admission_decision_date: "2015-03-02".into(),
            ceremony_date: "2015-03-20".into(),
            ..Default::default()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[test]
    fn accepts_a_valid_member() {
        let m = input().parse(today()).unwrap();
        assert_eq!(m.person.full_name(), "Nguyễn Văn An");
        assert_eq!(m.person.ethnicity, "01");
    }

    #[test]
    fn refuses_inconsistent_dates() {
        let mut i = input();
        i.ceremony_date = "2015-03-01".into();
        i.full_date = Some("2016-01-01".into());
        let e = i.parse(today()).unwrap_err();
        assert_eq!(e.0["ceremony_date"].key, "err-ceremony-before-decision");
        let mut i = input();
        i.full_date = Some("2016-03-19".into());
        assert_eq!(i.parse(today()).unwrap_err().0["full_date"].key, "err-probation-short");
        let mut i = input();
        i.birth_date = "2016-01-01".into();
        assert_eq!(i.parse(today()).unwrap_err().0["birth_date"].key, "err-birth-after-admission");
        let mut i = input();
        i.birth_date = "2000-01-01".into();
        assert_eq!(i.parse(today()).unwrap_err().0["birth_date"].key, "err-admission-age");
        let mut i = input();
        i.cccd = Some("12345".into());
        i.sex = "x".into();
        let e = i.parse(today()).unwrap_err();
        assert_eq!(e.0["cccd"].key, "err-cccd");
        assert_eq!(e.0["sex"].key, "err-choice");
    }
}

string_enum! {
    /// Age bands used by filters and statistics.
    AgeBand {
        UpTo30 = "0-30",
        From31To40 = "31-40",
        From41To50 = "41-50",
        From51To60 = "51-60",
        Over60 = "61-",
    }
}

impl AgeBand {
    /// Birth dates of people in the band on `on`: (born after, born on or before).
    pub fn birth_bounds(self, on: NaiveDate) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let (min_age, max_age): (u32, Option<u32>) = match self {
            AgeBand::UpTo30 => (0, Some(30)),
            AgeBand::From31To40 => (31, Some(40)),
            AgeBand::From41To50 => (41, Some(50)),
            AgeBand::From51To60 => (51, Some(60)),
            AgeBand::Over60 => (61, None),
        };
        let years_back = |y: u32| on.checked_sub_months(chrono::Months::new(12 * y)).unwrap_or(on);
        // Age ≥ a  ⟺  born on or before on − a years; age ≤ b  ⟺  born after on − (b+1) years.
        (max_age.map(|b| years_back(b + 1)), Some(years_back(min_age)))
    }
}

#[cfg(test)]
mod band_tests {
    use super::*;

    #[test]
    fn bands_bound_birth_dates() {
        let on = NaiveDate::from_ymd_opt(2019, 12, 31).unwrap();
        let (after, until) = AgeBand::UpTo30.birth_bounds(on);
        assert_eq!(after, NaiveDate::from_ymd_opt(1988, 12, 31));
        assert_eq!(until, Some(on));
        let b = NaiveDate::from_ymd_opt(1989, 1, 1).unwrap();
        assert_eq!(date::age_years(b, on), 30);
        assert!(b > after.unwrap());
    }
}
