//! The register as data to carry elsewhere and read back (dữ liệu đảng viên): every field the
//! import reads, the branch by its code, the levels with the date each took effect, and an
//! exemption with its date. The import rebuilds from it the events that give the same register:
//! admitted with the levels of the ceremony day, recognised on the full date, each later set of
//! levels changed on its date, exempted on its date.

use crate::error::FieldErrors;
use crate::event::{Derived, EventData, EventRecord, Levels};
use crate::member::{NewMember, PartyRecord, Person, Status};
use crate::org::Basis;
use chrono::NaiveDate;

/// One member of the register as the data workbook carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberData {
    /// The home branch's code and name.
    pub org_code: String,
    pub org_name: String,
    pub person: Person,
    /// The names of the ethnic group and religion (the person holds their codes).
    pub ethnicity_name: String,
    pub religion_name: String,
    pub party: PartyRecord,
    pub full_date: Option<NaiveDate>,
    pub status: Status,
    /// Miễn công tác và sinh hoạt đảng: since when, and the ground's code.
    pub exempt: Option<(NaiveDate, String)>,
    /// The levels with the date each set took effect, oldest first; empty when they never
    /// changed while the member was in the register.
    pub levels: Vec<(NaiveDate, Levels)>,
    /// The branches of the exported tree the member was in ([`super::places::places_of`]).
    pub places: super::places::Places,
}

/// The headers of the members' sheet after "STT", as the import recognises them.
pub const MEMBER_HEADERS: &[&str] = &[
    "Họ",
    "Tên đệm",
    "Tên",
    "Giới tính",
    "Ngày sinh",
    "Họ tên khai sinh",
    "Bí danh",
    "Nơi sinh",
    "Quê quán",
    "Nơi thường trú",
    "Nơi tạm trú",
    "Dân tộc",
    "Tôn giáo",
    "Số CCCD",
    "Điện thoại",
    "Giáo dục phổ thông",
    "Chuyên môn",
    "Học hàm, học vị",
    "Lý luận chính trị",
    "Quản lý nhà nước",
    "Ngoại ngữ",
    "Nghề nghiệp",
    "Ngày vào Đoàn",
    "Quân đội, công an",
    "Số quyết định kết nạp",
    "Ngày quyết định kết nạp",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Số thẻ đảng viên",
    "Số lý lịch",
    "Mã chi bộ",
    "Tên chi bộ",
    "Miễn sinh hoạt từ ngày",
    "Lý do miễn sinh hoạt",
];

/// The name of the levels' sheet, and its headers: the member's number (STT) in the first
/// sheet, the name (read to check the number), the date, then the four levels.
pub const LEVELS_SHEET: &str = "Quá trình";
pub const LEVELS_HEADERS: [&str; 7] = ["STT", "Họ và tên", "Từ ngày", "Giáo dục phổ thông", "Chuyên môn", "Lý luận chính trị", "Nghề nghiệp"];

/// The word the workbook writes for an exemption's ground.
pub fn ground_label(code: &str) -> &str {
    match code {
        "age_health" => "Tuổi cao, sức khỏe yếu",
        "other" => "Lý do khác",
        other => other,
    }
}

/// A cell of the members' sheet: text, or a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataCell {
    Text(String),
    Date(Option<NaiveDate>),
}

impl MemberData {
    /// The member as the register holds them after `records` (replayed into `d`).
    pub fn of(
        d: &Derived,
        records: &[EventRecord],
        (org_code, org_name): (String, String),
        ethnicity_name: String,
        religion_name: String,
        code_of: impl Fn(&str) -> Option<String>,
    ) -> MemberData {
        MemberData {
            org_code,
            org_name,
            person: d.person.clone(),
            ethnicity_name,
            religion_name,
            party: d.party.clone(),
            full_date: d.full_date,
            status: d.status,
            exempt: exemption(d, records),
            levels: level_history(d),
            places: super::places::places_of(d, code_of),
        }
    }

    /// The cells after "STT", in the order of [`MEMBER_HEADERS`].
    pub fn cells(&self) -> Vec<DataCell> {
        let p = &self.person;
        let t = |s: &str| DataCell::Text(s.to_string());
        let o = |s: &Option<String>| DataCell::Text(s.clone().unwrap_or_default());
        let sex = match p.sex {
            crate::member::Sex::Male => "Nam",
            crate::member::Sex::Female => "Nữ",
        };
        vec![
            t(&p.family_name),
            t(&p.middle_name),
            t(&p.given_name),
            t(sex),
            DataCell::Date(Some(p.birth_date)),
            t(&p.file.birth_name),
            t(&p.file.aliases),
            t(&p.birth_place),
            t(&p.home_town),
            t(&p.residence),
            t(&p.file.temporary_residence),
            t(&self.ethnicity_name),
            t(&self.religion_name),
            o(&p.cccd),
            t(&p.phone),
            t(&p.education),
            t(&p.professional),
            t(&p.file.academic),
            t(&p.theory),
            t(&p.file.state_management),
            t(&p.file.languages),
            t(&p.occupation),
            DataCell::Date(p.file.youth_union_on),
            t(&p.file.armed_service),
            o(&self.party.admission_decision_no),
            DataCell::Date(Some(self.party.admission_decision_date)),
            DataCell::Date(Some(self.party.ceremony_date)),
            DataCell::Date(self.full_date),
            o(&self.party.card_no),
            o(&self.party.bio_no),
            t(&self.org_code),
            t(&self.org_name),
            DataCell::Date(self.exempt.as_ref().map(|(on, _)| *on)),
            t(self.exempt.as_ref().map(|(_, g)| ground_label(g)).unwrap_or("")),
        ]
    }
}

/// The levels over the member's spans, each set from the day it took effect, when they changed.
fn level_history(d: &Derived) -> Vec<(NaiveDate, Levels)> {
    let mut out: Vec<(NaiveDate, Levels)> = Vec::new();
    let mut spans: Vec<_> = d.spans.iter().collect();
    spans.sort_by_key(|s| s.from);
    for s in spans {
        if out.last().is_none_or(|(_, l)| *l != s.levels) {
            out.push((s.from, s.levels.clone()));
        }
    }
    if out.len() < 2 { Vec::new() } else { out }
}

/// Since when an exempt member is exempt (the last unbroken run of exempt spans) and the
/// ground of the last exemption recorded.
fn exemption(d: &Derived, records: &[EventRecord]) -> Option<(NaiveDate, String)> {
    if d.status != Status::Exempt {
        return None;
    }
    let mut spans: Vec<_> = d.spans.iter().collect();
    spans.sort_by_key(|s| s.from);
    let since = spans.iter().rev().take_while(|s| s.status == Status::Exempt).last().map(|s| s.from)?;
    let mut ordered: Vec<&EventRecord> = records.iter().collect();
    ordered.sort_by_key(|r| (r.effective_on, r.seq));
    let ground = ordered
        .iter()
        .rev()
        .find_map(|r| match &r.data {
            EventData::Exempted { ground } => Some(ground.clone()),
            EventData::Corrected { data, .. } => match data.as_ref() {
                EventData::Exempted { ground } => Some(ground.clone()),
                _ => None,
            },
            _ => None,
        })
        .unwrap_or_default();
    Some((since, ground))
}

/// What the import reads for a new member besides its row.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// The levels' history from the second sheet, oldest first.
    pub levels: Vec<(NaiveDate, Levels)>,
    /// Exempt since, on the ground (a code).
    pub exempt: Option<(NaiveDate, String)>,
    /// The member's branches from the places' sheet (empty: the row's branch since the ceremony).
    pub places: super::places::Places,
}

/// One row of the levels' sheet as read: its number in the file, the name written beside the
/// member's number, the date, and the four levels as text.
#[derive(Debug, Clone, Default)]
pub struct LevelsRow {
    pub row: usize,
    pub name: String,
    pub from: String,
    pub levels: [String; 4],
}

impl Extras {
    /// Parses what a row of `full_name` brings besides its member input: the levels' rows of
    /// its number (each a past date, no two on one day, beside the same name) and an exemption
    /// (a past date and a ground, written or as a code). Problems name the field and the row of
    /// the levels' sheet.
    pub fn parse(full_name: &str, rows: &[LevelsRow], exempt_from: &str, exempt_ground: &str, today: NaiveDate) -> Result<Extras, FieldErrors> {
        let mut e = FieldErrors::new();
        let mut levels: Vec<(NaiveDate, Levels)> = Vec::new();
        for r in rows {
            let at = vec![("row", r.row.to_string())];
            if crate::text::fold(&r.name) != crate::text::fold(full_name) {
                e.add_with("levels", "err-levels-name", at);
                continue;
            }
            let on = match crate::date::parse(&r.from) {
                Some(d) if d <= today => d,
                Some(_) => {
                    e.add_with("levels", "err-levels-future", at);
                    continue;
                }
                None => {
                    e.add_with("levels", "err-levels-date", at);
                    continue;
                }
            };
            if r.levels.iter().any(|v| v.chars().count() > 200) {
                e.add_with("levels", "err-levels-too-long", at);
                continue;
            }
            if levels.iter().any(|(d, _)| *d == on) {
                e.add_with("levels", "err-levels-same-day", at);
                continue;
            }
            let [education, professional, theory, occupation] = r.levels.clone().map(|v| crate::text::clean(&v));
            levels.push((on, Levels { education, professional, theory, occupation }));
        }
        levels.sort_by_key(|(d, _)| *d);
        let exempt = match (exempt_from.trim(), exempt_ground.trim()) {
            ("", "") => None,
            (from, ground) => {
                let on = crate::org::parse_past_date("exempt_from", from, today, &mut e);
                let ground = match crate::text::fold(ground).as_str() {
                    "age_health" | "tuoi cao, suc khoe yeu" | "tuoi cao suc yeu" | "tuoi cao, suc yeu" => Some("age_health"),
                    "other" | "ly do khac" | "khac" => Some("other"),
                    // Exemptions recorded before grounds were: none given.
                    "" => Some(""),
                    _ => {
                        e.add("exempt_ground", "err-choice");
                        None
                    }
                };
                on.zip(ground).map(|(on, g)| (on, g.to_string()))
            }
        };
        e.into_result(Extras { levels, exempt, places: Vec::new() })
    }
}

/// The events that make `new` with its `extras` a member of branch `org_id`: admitted with the
/// levels in force on the ceremony day (or, when the places say the member came into the tree
/// later, arrived on that day in the first place's branch, `place_ids` naming each place's
/// branch), moved on each later place's day, recognised on the full date, each later set of
/// levels changed on its date, exempted on its date. The last set of levels must be the row's.
pub fn events_of(new: &NewMember, org_id: &str, extras: &Extras, place_ids: &[String]) -> Result<Vec<(NaiveDate, EventData, Basis)>, FieldErrors> {
    let ceremony = new.party.ceremony_date;
    let now = Levels::of(&new.person);
    if extras.levels.last().is_some_and(|(_, l)| *l != now) {
        return Err(FieldErrors::single("levels", "err-levels-not-current"));
    }
    let with = |l: &Levels| Person {
        education: l.education.clone(),
        professional: l.professional.clone(),
        theory: l.theory.clone(),
        occupation: l.occupation.clone(),
        ..new.person.clone()
    };
    let start = extras.places.first().map_or(ceremony, |(_, on)| *on);
    let first_org = place_ids.first().map_or(org_id, String::as_str).to_string();
    let person = extras.levels.iter().rev().find(|(on, _)| *on <= start).or(extras.levels.first()).map(|(_, l)| with(l)).unwrap_or_else(|| new.person.clone());
    let full_before = new.full_date.filter(|f| *f <= start && start > ceremony);
    let first = if start == ceremony {
        EventData::Admitted { person, party: new.party.clone(), org_id: first_org }
    } else {
        let status = if full_before.is_some() { crate::member::Status::Full } else { crate::member::Status::Probationary };
        EventData::TransferredIn { person, party: new.party.clone(), org_id: first_org, status, full_date: full_before, from: String::new() }
    };
    let mut events = vec![(start, first, new.basis.clone())];
    if let Some(f) = new.full_date.filter(|_| full_before.is_none()) {
        events.push((f, EventData::Recognised {}, Basis::default()));
    }
    for ((_, on), id) in extras.places.iter().zip(place_ids).skip(1) {
        events.push((*on, EventData::Transferred { org_id: id.clone() }, Basis::default()));
    }
    for (on, l) in extras.levels.iter().filter(|(on, _)| *on > start) {
        events.push((*on, EventData::InfoChanged { person: with(l), correction: false }, Basis::default()));
    }
    if let Some((on, ground)) = &extras.exempt {
        if new.full_date.is_none_or(|f| *on < f) {
            return Err(FieldErrors::single("exempt_from", "err-exempt-not-full"));
        }
        events.push(((*on).max(start), EventData::Exempted { ground: ground.clone() }, Basis::default()));
    }
    // Replay orders by date, then by this order: the same day's recognition before a change.
    events.sort_by_key(|(on, _, _)| *on);
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::replay;
    use crate::member::MemberInput;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn new_member() -> NewMember {
        let i = MemberInput {
            org: "CB-01".into(),
            family_name: "Nguyễn".into(),
            given_name: "Lan".into(),
            sex: "female".into(),
            birth_date: "1940-03-02".into(),
            education: Some("12/12".into()),
            theory: Some("Trung cấp".into()),
            admission_decision_date: "1990-01-10".into(),
            ceremony_date: "1990-02-03".into(),
            full_date: Some("1991-02-03".into()),
            ..Default::default()
        };
        i.parse(d(2026, 12, 1)).unwrap()
    }

    fn levels(education: &str, theory: &str) -> Levels {
        Levels { education: education.into(), theory: theory.into(), ..Default::default() }
    }

    fn records(events: Vec<(NaiveDate, EventData, Basis)>) -> Vec<EventRecord> {
        events.into_iter().enumerate().map(|(i, (on, data, _))| EventRecord { id: format!("e{i}"), seq: i as i64 + 1, effective_on: on, data }).collect()
    }

    #[test]
    fn a_member_rebuilt_from_the_data_gives_the_same_data() {
        let new = new_member();
        let extras = Extras {
            levels: vec![(d(1990, 2, 3), levels("9/12", "Sơ cấp")), (d(2021, 5, 4), levels("12/12", "Sơ cấp")), (d(2023, 1, 1), levels("12/12", "Trung cấp"))],
            exempt: Some((d(2022, 6, 1), "age_health".into())),
            places: Vec::new(),
        };
        let events = records(events_of(&new, "org-1", &extras, &[]).unwrap());
        let derived = replay(&events).unwrap();
        let data = MemberData::of(&derived, &events, ("CB-01".into(), "Chi bộ 1".into()), "Kinh".into(), "Không".into(), |_| Some("CB-01".into()));
        assert_eq!(data.levels, extras.levels);
        assert_eq!(data.exempt, extras.exempt);
        assert_eq!(data.status, Status::Exempt);
        assert_eq!(data.person.education, "12/12");
        // The admission holds the ceremony day's levels: a count of 2019 reads 9/12.
        let on_2019 = derived.spans.iter().find(|s| s.from <= d(2019, 12, 31) && s.to.is_none_or(|t| t > d(2019, 12, 31))).unwrap();
        assert_eq!(on_2019.levels.education, "9/12");
        assert_eq!(data.cells().len(), MEMBER_HEADERS.len());
    }

    #[test]
    fn levels_that_do_not_end_at_the_row_and_an_exemption_of_a_probationary_member_are_refused() {
        let new = new_member();
        let stale = Extras { levels: vec![(d(1990, 2, 3), levels("9/12", "Sơ cấp"))], exempt: None, places: Vec::new() };
        assert!(events_of(&new, "o", &stale, &[]).unwrap_err().has("levels", "err-levels-not-current"));
        let early = Extras { levels: vec![], exempt: Some((d(1990, 6, 1), "other".into())), places: Vec::new() };
        assert!(events_of(&new, "o", &early, &[]).unwrap_err().has("exempt_from", "err-exempt-not-full"));
    }

    #[test]
    fn the_sheet_rows_parse_or_name_their_problem() {
        let row = |row, name: &str, from: &str, education: &str| LevelsRow {
            row,
            name: name.into(),
            from: from.into(),
            levels: [education.into(), String::new(), "Sơ cấp".into(), String::new()],
        };
        let today = d(2026, 12, 1);
        let ok = Extras::parse(
            "Nguyễn Lan",
            &[row(3, "Nguyen Lan", "04/05/2021", "12/12"), row(2, "Nguyễn Lan", "1990-02-03", "9/12")],
            "01/06/2022",
            "Tuổi cao, sức khỏe yếu",
            today,
        )
        .unwrap();
        assert_eq!(ok.levels.iter().map(|(on, l)| (*on, l.education.as_str())).collect::<Vec<_>>(), vec![(d(1990, 2, 3), "9/12"), (d(2021, 5, 4), "12/12")]);
        assert_eq!(ok.exempt, Some((d(2022, 6, 1), "age_health".into())));
        let bad = Extras::parse(
            "Nguyễn Lan",
            &[row(4, "Trần Hà", "04/05/2021", ""), row(5, "Nguyễn Lan", "2030-01-01", ""), row(6, "Nguyễn Lan", "xx", "")],
            "",
            "Ốm",
            today,
        )
        .unwrap_err();
        assert!(bad.has("levels", "err-levels-name"));
        assert!(bad.has("exempt_from", "err-required"));
        assert!(bad.has("exempt_ground", "err-choice"));
        assert_eq!(bad.0["levels"].args, vec![("row", "4".to_string())], "the first problem of the sheet is told");
    }

    #[test]
    fn a_member_whose_levels_never_changed_has_no_history() {
        let new = new_member();
        let events = records(events_of(&new, "o", &Extras::default(), &[]).unwrap());
        let derived = replay(&events).unwrap();
        assert!(level_history(&derived).is_empty());
        assert_eq!(exemption(&derived, &events), None);
    }

    #[test]
    fn a_members_places_replay_to_the_same_places() {
        let new = new_member();
        let code_of = |id: &str| Some(id.to_uppercase());
        for places in [vec![("A", d(1990, 2, 3)), ("B", d(2000, 1, 1))], vec![("B", d(2000, 1, 1))], vec![("B", d(1990, 6, 1)), ("A", d(2025, 7, 1))]] {
            let extras = Extras { places: places.iter().map(|(c, on)| (c.to_string(), *on)).collect(), ..Default::default() };
            let ids: Vec<String> = places.iter().map(|(c, _)| c.to_lowercase()).collect();
            let events = records(events_of(&new, "b", &extras, &ids).unwrap());
            let derived = replay(&events).unwrap();
            assert_eq!(derived.full_date, new.full_date, "{places:?}");
            assert_eq!(super::super::places::places_of(&derived, code_of), extras.places, "{places:?}");
        }
        // Admitted in today's branch and never moved: nothing to write.
        let derived = replay(&records(events_of(&new, "b", &Extras::default(), &[]).unwrap())).unwrap();
        assert!(super::super::places::places_of(&derived, code_of).is_empty());
    }
}
