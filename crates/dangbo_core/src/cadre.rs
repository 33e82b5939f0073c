//! Cadre work (công tác cán bộ): positions with terms and locality, moves of leaders (luân chuyển,
//! điều động) with their category derived from the two ends, and competency exams (sát hạch).

pub mod planning;

use crate::error::FieldErrors;
use crate::org::{OrgCode, parse_opt_code, parse_past_date, string_enum};
use crate::text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

string_enum! {
    /// The level of a unit in the administrative system (before 1/7/2025 also the district).
    Level ("level") {
        Central = "central",
        Province = "province",
        District = "district",
        Commune = "commune",
    }
}

string_enum! {
    MoveKind ("move-kind") {
        /// Luân chuyển (QĐ 65-QĐ/TW).
        Rotation = "rotation",
        /// Điều động.
        Assignment = "assignment",
    }
}

string_enum! {
    /// What a move is, from its two ends (the seed's categories).
    MoveCategory ("move-category") {
        /// From a higher level (district, province) to a commune.
        UpperToCommune = "upper_to_commune",
        /// From a commune to a higher level.
        CommuneToUpper = "commune_to_upper",
        /// From one commune to another.
        CommuneToCommune = "commune_to_commune",
        /// At the same level, from one sector to another.
        CrossSector = "cross_sector",
        Other = "other",
    }
}

string_enum! {
    /// A position in a Party organisation.
    Title ("title") {
        /// Bí thư.
        Secretary = "secretary",
        /// Phó bí thư.
        Deputy = "deputy",
        /// Ủy viên ban thường vụ.
        Standing = "standing",
        /// Cấp ủy viên.
        CommitteeMember = "committee_member",
        /// Trưởng thôn, bản, khu phố: a post of the residential unit, recorded against its
        /// branch (the seed's "branch secretary who is also village head").
        VillageHead = "village_head",
        /// Chủ nhiệm ủy ban kiểm tra: the inspection commission is elected by the committee,
        /// some of its members committee members and some not (domain.md §8.1).
        InspectionChair = "inspection_chair",
        /// Phó chủ nhiệm ủy ban kiểm tra.
        InspectionDeputy = "inspection_deputy",
        /// Ủy viên ủy ban kiểm tra.
        InspectionMember = "inspection_member",
    }
}

string_enum! {
    /// How a post was taken: elected by a congress or committee, or appointed (chỉ định).
    PostBasis ("post-basis") {
        Elected = "elected",
        Appointed = "appointed",
    }
}

/// The category of a move from one end to the other.
pub fn category(from: (Level, &str, &str), to: (Level, &str, &str)) -> MoveCategory {
    let ((fl, fu, fs), (tl, tu, ts)) = (from, to);
    match (fl == Level::Commune, tl == Level::Commune) {
        (false, true) => MoveCategory::UpperToCommune,
        (true, false) => MoveCategory::CommuneToUpper,
        (true, true) if text::fold(fu) != text::fold(tu) => MoveCategory::CommuneToCommune,
        _ if text::fold(fs) != text::fold(ts) => MoveCategory::CrossSector,
        _ => MoveCategory::Other,
    }
}

/// Raw input of a move.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveInput {
    /// The deciding committee (the move is in its scope).
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub member: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = MoveKind))]
    pub kind: String,
    #[serde(default)]
    pub from_unit: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Level))]
    pub from_level: String,
    #[serde(default)]
    pub from_sector: String,
    #[serde(default)]
    pub to_unit: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Level))]
    pub to_level: String,
    #[serde(default)]
    pub to_sector: String,
    #[serde(default)]
    pub decision_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub start_on: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub end_on: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewMove {
    pub org: OrgCode,
    pub member_id: String,
    pub kind: MoveKind,
    pub from: (Level, String, String),
    pub to: (Level, String, String),
    pub category: MoveCategory,
    pub decision_no: Option<String>,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
}

fn required(e: &mut FieldErrors, name: &str, v: &str) -> String {
    let v = text::clean(v);
    if v.is_empty() {
        e.add(name, "err-required");
    }
    v
}

impl MoveInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewMove, FieldErrors> {
        let mut e = FieldErrors::new();
        let org = parse_opt_code("org", &Some(self.org.clone()), &mut e);
        if org.is_none() {
            e.add("org", "err-required");
        }
        let member_id = required(&mut e, "member", &self.member);
        let kind = MoveKind::parse(self.kind.trim());
        if kind.is_none() {
            e.add("kind", "err-choice");
        }
        let mut level = |name: &str, v: &str| {
            Level::parse(v.trim()).or_else(|| {
                e.add(name, "err-choice");
                None
            })
        };
        let (fl, tl) = (level("from_level", &self.from_level), level("to_level", &self.to_level));
        let (fu, fs) = (required(&mut e, "from_unit", &self.from_unit), required(&mut e, "from_sector", &self.from_sector));
        let (tu, ts) = (required(&mut e, "to_unit", &self.to_unit), required(&mut e, "to_sector", &self.to_sector));
        let start_on = parse_past_date("start_on", &self.start_on, today, &mut e);
        let end_on = match self.end_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => match crate::date::parse(s) {
                None => {
                    e.add("end_on", "err-date-invalid");
                    None
                }
                Some(d) => Some(d),
            },
        };
        if let (Some(s), Some(en)) = (start_on, end_on)
            && en < s
        {
            e.add("end_on", "err-period");
        }
        let decision_no = self.decision_no.as_deref().map(text::clean).filter(|s| !s.is_empty());
        match (org, kind, fl, tl, start_on) {
            (Some(org), Some(kind), Some(fl), Some(tl), Some(start_on)) if e.is_empty() => Ok(NewMove {
                org,
                member_id,
                kind,
                category: category((fl, &fu, &fs), (tl, &tu, &ts)),
                from: (fl, fu, fs),
                to: (tl, tu, ts),
                decision_no,
                start_on,
                end_on,
            }),
            _ => Err(e),
        }
    }
}

/// The scale of exam scores.
pub const MAX_SCORE: i64 = 100;

/// Raw input of a position held in a Party organisation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PositionInput {
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub member: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Title))]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub from_on: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub to_on: Option<String>,
    /// "1": from the locality, "0": not; empty: unknown.
    #[serde(default)]
    pub local: Option<String>,
    #[serde(default)]
    pub local_reason: Option<String>,
    #[serde(default)]
    pub decision_no: Option<String>,
    /// "elected" or "appointed"; empty: not recorded.
    #[serde(default)]
    pub basis: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPosition {
    pub org: OrgCode,
    pub member_id: String,
    pub title: Title,
    pub from_on: NaiveDate,
    pub to_on: Option<NaiveDate>,
    pub local: Option<bool>,
    pub local_reason: String,
    pub decision_no: Option<String>,
    /// Elected or appointed, when known.
    pub basis: Option<PostBasis>,
}

impl PositionInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewPosition, FieldErrors> {
        let mut e = FieldErrors::new();
        let org = parse_opt_code("org", &Some(self.org.clone()), &mut e);
        if org.is_none() {
            e.add("org", "err-required");
        }
        let member_id = required(&mut e, "member", &self.member);
        let title = Title::parse(self.title.trim());
        if title.is_none() {
            e.add("title", "err-choice");
        }
        let from_on = parse_past_date("from_on", &self.from_on, today, &mut e);
        let to_on = crate::org::parse_end_date("to_on", self.to_on.as_deref(), from_on, &mut e);
        let local = match self.local.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("1" | "true") => Some(true),
            Some("0" | "false") => Some(false),
            Some(_) => {
                e.add("local", "err-choice");
                None
            }
        };
        let local_reason = self.local_reason.as_deref().map(text::clean).unwrap_or_default();
        let decision_no = self.decision_no.as_deref().map(text::clean).filter(|s| !s.is_empty());
        let basis = match self.basis.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(b) => PostBasis::parse(b).or_else(|| {
                e.add("basis", "err-choice");
                None
            }),
        };
        match (org, title, from_on) {
            (Some(org), Some(title), Some(from_on)) if e.is_empty() => {
                Ok(NewPosition { org, member_id, title, from_on, to_on, local, local_reason, decision_no, basis })
            }
            _ => Err(e),
        }
    }
}

/// The place an organisation stands for, from its name: "Đảng bộ xã Quảng Lợi" → "Quảng Lợi".
pub fn locality_of(org_name: &str) -> String {
    const PREFIXES: &[&str] =
        &["đảng bộ", "chi bộ", "đảng ủy", "xã", "thị trấn", "phường", "đặc khu", "huyện", "thị xã", "thành phố", "tỉnh", "thôn", "bản", "khu phố", "khu"];
    let mut rest = text::clean(org_name);
    loop {
        let lower = rest.to_lowercase();
        match PREFIXES.iter().find(|p| lower.starts_with(*p) && lower[p.len()..].starts_with(' ')) {
            Some(p) => rest = rest[p.len()..].trim_start().to_string(),
            None => return rest,
        }
    }
}

/// Whether a person is from the locality of a unit, computed from their home town and residence
/// (diacritics and đ/d ignored). `None` when the person has neither recorded.
pub fn computed_local(home_town: &str, residence: &str, unit_name: &str) -> Option<bool> {
    let place = text::fold(&locality_of(unit_name));
    let (h, r) = (text::fold(home_town), text::fold(residence));
    if h.is_empty() && r.is_empty() {
        return None;
    }
    Some(!place.is_empty() && (h.contains(&place) || r.contains(&place)))
}

/// An exam session with its results.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamInput {
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub held_on: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub results: Vec<ExamResultInput>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamResultInput {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub member: Option<String>,
    pub score: Option<i64>,
    #[serde(default)]
    pub passed: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewExam {
    pub org: OrgCode,
    pub name: String,
    pub held_on: NaiveDate,
    pub level: Level,
    pub results: Vec<ExamResultInput>,
}

impl ExamInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewExam, FieldErrors> {
        let mut e = FieldErrors::new();
        let org = parse_opt_code("org", &Some(self.org.clone()), &mut e);
        if org.is_none() {
            e.add("org", "err-required");
        }
        let name = required(&mut e, "name", &self.name);
        let held_on = parse_past_date("held_on", &self.held_on, today, &mut e);
        let level = Level::parse(self.level.trim());
        if level.is_none() {
            e.add("level", "err-choice");
        }
        let mut results = Vec::with_capacity(self.results.len());
        for (i, r) in self.results.iter().enumerate() {
            let full_name = text::clean(&r.full_name);
            if full_name.is_empty() {
                e.add(&format!("results.{i}.full_name"), "err-required");
            }
            if r.score.is_some_and(|s| !(0..=MAX_SCORE).contains(&s)) {
                e.add_with(&format!("results.{i}.score"), "err-score", vec![("max", MAX_SCORE.to_string())]);
            }
            results.push(ExamResultInput { full_name, unit: text::clean(&r.unit), ..r.clone() });
        }
        match (org, held_on, level) {
            (Some(org), Some(held_on), Some(level)) if e.is_empty() => Ok(NewExam { org, name, held_on, level, results }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locality_is_computed_from_home_town_and_residence() {
        assert_eq!(locality_of("Đảng bộ xã Quảng Lợi"), "Quảng Lợi");
        assert_eq!(locality_of("Đảng bộ thị trấn Đầm Hà"), "Đầm Hà");
        assert_eq!(computed_local("Xã Quảng Lợi, huyện Đầm Hà", "", "Đảng bộ xã Quảng Lợi"), Some(true));
        assert_eq!(computed_local("xa quang loi", "", "Đảng bộ xã Quảng Lợi"), Some(true), "diacritics ignored");
        assert_eq!(computed_local("Xã Quảng Tân", "Thị trấn Đầm Hà", "Đảng bộ xã Quảng Lợi"), Some(false));
        assert_eq!(computed_local("", "", "Đảng bộ xã Quảng Lợi"), None);
    }

    #[test]
    fn categories_come_from_the_two_ends() {
        let c = |a: (Level, &str, &str), b: (Level, &str, &str)| category(a, b);
        assert_eq!(c((Level::District, "UBND huyện", "Chính quyền"), (Level::Commune, "Xã Quảng Lâm", "Đảng")), MoveCategory::UpperToCommune);
        assert_eq!(c((Level::Commune, "Xã Quảng Lâm", "Đảng"), (Level::District, "Huyện ủy", "Đảng")), MoveCategory::CommuneToUpper);
        assert_eq!(c((Level::Commune, "Xã Quảng Lâm", "Đảng"), (Level::Commune, "Xã Tân Bình", "Đảng")), MoveCategory::CommuneToCommune);
        assert_eq!(c((Level::District, "Phòng Giáo dục", "Giáo dục"), (Level::District, "Ban Tổ chức", "Đảng")), MoveCategory::CrossSector);
        assert_eq!(c((Level::District, "Ban Tuyên giáo", "Đảng"), (Level::District, "Ban Tổ chức", "đảng")), MoveCategory::Other);
        let bad = MoveInput { start_on: "2019-05-01".into(), end_on: Some("2019-01-01".into()), ..Default::default() };
        let e = bad.parse(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).unwrap_err();
        assert!(e.0.contains_key("end_on") && e.0.contains_key("kind") && e.0.contains_key("from_level"));
    }
}
