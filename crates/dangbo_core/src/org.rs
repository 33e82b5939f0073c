//! Party organisations: kinds, fields of activity, codes and the commands that change the tree.

use crate::error::FieldErrors;
use crate::text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $var),+ }
        // By hand, not derived: the derive does not see a `rename` passed through this macro.
        #[cfg(feature = "openapi")]
        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                ::utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(::utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($s),+]))
                    .into()
            }
        }
        #[cfg(feature = "openapi")]
        impl ::utoipa::ToSchema for $name {}
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$var => $s),+ } }
            pub fn parse(s: &str) -> Option<Self> { match s { $($s => Some($name::$var),)+ _ => None } }
        }
    };
    // With a message-catalog prefix: `message_key()` gives "prefix-value" (underscores → dashes).
    ($(#[$m:meta])* $name:ident ($prefix:literal) { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        string_enum! { $(#[$m])* $name { $($(#[$vm])* $var = $s),+ } }
        impl $name {
            pub fn message_key(self) -> String { format!("{}-{}", $prefix, self.as_str().replace('_', "-")) }
        }
    };
}
pub(crate) use string_enum;

string_enum! {
    /// The kind of a Party organisation (loại tổ chức đảng).
    OrgKind ("org-kind") {
        /// The Party as a whole under its Central Committee (Trung ương): the root above the
        /// provinces and the committees directly under the centre.
        Central = "central",
        /// Đảng bộ tỉnh / thành phố trực thuộc Trung ương.
        Province = "province",
        /// Đảng bộ huyện, quận, thị xã (historic: abolished 1/7/2025).
        District = "district",
        /// Đảng bộ xã / phường / đặc khu directly under the province (from 1/7/2025).
        Commune = "commune",
        /// Đảng bộ cơ sở: a grassroots organisation with subordinate branches.
        GrassrootsCommittee = "grassroots_committee",
        /// Chi bộ cơ sở: a grassroots branch.
        GrassrootsBranch = "grassroots_branch",
        /// Đảng bộ bộ phận: a partial committee inside a đảng bộ cơ sở.
        PartialCommittee = "partial_committee",
        /// Chi bộ trực thuộc: a branch under a đảng bộ cơ sở or đảng bộ bộ phận.
        SubordinateBranch = "subordinate_branch",
    }
}

impl OrgKind {
    /// Tổ chức cơ sở đảng: chi bộ cơ sở or đảng bộ cơ sở.
    pub fn is_grassroots(self) -> bool {
        matches!(self, OrgKind::GrassrootsCommittee | OrgKind::GrassrootsBranch)
    }

    /// Whether members can have this organisation as their home (a branch).
    pub fn holds_members(self) -> bool {
        matches!(self, OrgKind::GrassrootsBranch | OrgKind::SubordinateBranch)
    }
}

string_enum! {
    /// The field of activity of an organisation (loại hình).
    Field ("org-field") {
        /// Thôn, bản, khu phố, tổ dân phố.
        Residential = "residential",
        /// Xã, phường, thị trấn (the commune-level committee itself).
        Commune = "commune",
        /// Cơ quan hành chính, đoàn thể.
        Agency = "agency",
        /// Đơn vị sự nghiệp (health, culture…).
        PublicService = "public_service",
        /// Trường học.
        School = "school",
        /// Doanh nghiệp.
        Enterprise = "enterprise",
        /// Lực lượng vũ trang: quân đội, công an.
        ArmedForces = "armed_forces",
        Other = "other",
    }
}

string_enum! {
    /// What happened to an organisation.
    OrgEventKind {
        Founded = "founded",
        Renamed = "renamed",
        Moved = "moved",
        /// Sáp nhập: merged into another organisation, members moved there.
        Merged = "merged",
        /// Chia tách: new organisations founded from this one.
        Split = "split",
        Dissolved = "dissolved",
    }
}

/// A stable organisation code: 1–32 of A–Z, 0–9, `-`, `_`, `.`; stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgCode(String);

impl OrgCode {
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_uppercase();
        let ok = !s.is_empty() && s.len() <= 32 && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        ok.then_some(OrgCode(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The basis of a change: the decision and who issued it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Basis {
    pub decision_no: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub issuer: Option<String>,
}

/// A valid command to found an organisation.
#[derive(Debug, Clone)]
pub struct NewOrg {
    pub code: OrgCode,
    pub name: String,
    pub kind: OrgKind,
    pub field: Field,
    pub parent: Option<OrgCode>,
    pub founded_on: NaiveDate,
    /// Chia tách: the organisation this one is split from (recorded on both).
    pub split_from: Option<OrgCode>,
    pub basis: Basis,
}

/// Raw input for founding an organisation, as it comes from a form or JSON.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewOrgInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, rename = "type")]
    #[cfg_attr(feature = "openapi", schema(value_type = OrgKind))]
    pub kind: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Field))]
    pub field: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub founded_on: String,
    #[serde(default)]
    pub split_from: Option<String>,
    #[serde(default)]
    pub decision_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub decision_date: Option<String>,
    #[serde(default)]
    pub issuer: Option<String>,
}

/// Parses the optional decision fields shared by every command.
pub fn parse_basis(no: &Option<String>, date: &Option<String>, issuer: &Option<String>, today: NaiveDate, errors: &mut FieldErrors) -> Basis {
    let nonempty = |s: &Option<String>| s.as_deref().map(text::clean).filter(|s| !s.is_empty());
    let decision_date = match nonempty(date) {
        None => None,
        Some(s) => match crate::date::parse(&s) {
            Some(d) if d > today => {
                errors.add("decision_date", "err-date-future");
                None
            }
            Some(d) => Some(d),
            None => {
                errors.add("decision_date", "err-date-invalid");
                None
            }
        },
    };
    Basis { decision_no: nonempty(no), decision_date, issuer: nonempty(issuer) }
}

/// Parses an optional organisation code; a malformed one is recorded as unknown.
pub fn parse_opt_code(field: &str, v: &Option<String>, errors: &mut FieldErrors) -> Option<OrgCode> {
    let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    let c = OrgCode::parse(s);
    if c.is_none() {
        errors.add(field, "err-org-unknown");
    }
    c
}

/// Parses the optional end of a period: empty is none; a date not after `start` is refused.
pub fn parse_end_date(field: &str, s: Option<&str>, start: Option<NaiveDate>, errors: &mut FieldErrors) -> Option<NaiveDate> {
    let s = s.map(str::trim).filter(|s| !s.is_empty())?;
    match crate::date::parse(s) {
        None => {
            errors.add(field, "err-date-invalid");
            None
        }
        Some(end) if start.is_some_and(|from| end <= from) => {
            errors.add(field, "err-period");
            None
        }
        end => end,
    }
}

/// Parses a required date that may not lie after `today`.
pub fn parse_past_date(field: &str, s: &str, today: NaiveDate, errors: &mut FieldErrors) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        errors.add(field, "err-required");
        return None;
    }
    match crate::date::parse(s) {
        None => {
            errors.add(field, "err-date-invalid");
            None
        }
        Some(d) if d > today => {
            errors.add(field, "err-date-future");
            None
        }
        Some(d) => Some(d),
    }
}

impl NewOrgInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewOrg, FieldErrors> {
        let mut e = FieldErrors::new();
        let code = OrgCode::parse(&self.code);
        if code.is_none() {
            e.add("code", if self.code.trim().is_empty() { "err-required" } else { "err-org-code" });
        }
        let name = text::clean(&self.name);
        if name.is_empty() {
            e.add("name", "err-required");
        } else if name.chars().count() > 200 {
            e.add("name", "err-too-long");
        }
        let kind = OrgKind::parse(self.kind.trim());
        if kind.is_none() {
            e.add("type", "err-choice");
        }
        let field = if self.field.trim().is_empty() { Some(Field::Other) } else { Field::parse(self.field.trim()) };
        if field.is_none() {
            e.add("field", "err-choice");
        }
        let parent = parse_opt_code("parent", &self.parent, &mut e);
        let founded_on = parse_past_date("founded_on", &self.founded_on, today, &mut e);
        let split_from = parse_opt_code("split_from", &self.split_from, &mut e);
        let basis = parse_basis(&self.decision_no, &self.decision_date, &self.issuer, today, &mut e);
        match (code, kind, field, founded_on) {
            (Some(code), Some(kind), Some(field), Some(founded_on)) if e.is_empty() => {
                Ok(NewOrg { code, name, kind, field, parent, founded_on, split_from, basis })
            }
            _ => Err(e),
        }
    }
}

/// Raw input for an event on an existing organisation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgEventInput {
    #[serde(default, rename = "type")]
    #[cfg_attr(feature = "openapi", schema(value_type = OrgEventKind))]
    pub kind: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub effective_on: String,
    /// renamed: the new name.
    #[serde(default)]
    pub name: Option<String>,
    /// moved: the new parent's code.
    #[serde(default)]
    pub parent: Option<String>,
    /// merged: the organisation absorbing this one; dissolved: where its members go.
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub decision_no: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub decision_date: Option<String>,
    #[serde(default)]
    pub issuer: Option<String>,
}

/// A valid organisation event command.
#[derive(Debug, Clone)]
pub enum OrgChange {
    Rename(String),
    Move(OrgCode),
    /// Merge into the target: members move there, this organisation ends.
    Merge(OrgCode),
    /// Dissolve; members (if any) move to the target branch in the same command.
    Dissolve(Option<OrgCode>),
}

#[derive(Debug, Clone)]
pub struct OrgEvent {
    pub change: OrgChange,
    pub effective_on: NaiveDate,
    pub basis: Basis,
}

impl OrgEventInput {
    pub fn parse(&self, today: NaiveDate) -> Result<OrgEvent, FieldErrors> {
        let mut e = FieldErrors::new();
        let effective_on = parse_past_date("effective_on", &self.effective_on, today, &mut e);
        let basis = parse_basis(&self.decision_no, &self.decision_date, &self.issuer, today, &mut e);
        let code_of = |field: &str, v: &Option<String>, required: bool, e: &mut FieldErrors| {
            let blank = v.as_deref().is_none_or(|s| s.trim().is_empty());
            if required && blank {
                e.add(field, "err-required");
            }
            parse_opt_code(field, v, e)
        };
        let change = match OrgEventKind::parse(self.kind.trim()) {
            Some(OrgEventKind::Renamed) => {
                let name = text::clean(self.name.as_deref().unwrap_or(""));
                if name.is_empty() {
                    e.add("name", "err-required");
                }
                Some(OrgChange::Rename(name))
            }
            Some(OrgEventKind::Moved) => code_of("parent", &self.parent, true, &mut e).map(OrgChange::Move),
            Some(OrgEventKind::Merged) => code_of("target", &self.target, true, &mut e).map(OrgChange::Merge),
            Some(OrgEventKind::Dissolved) => Some(OrgChange::Dissolve(code_of("target", &self.target, false, &mut e))),
            _ => {
                e.add("type", "err-choice");
                None
            }
        };
        match (change, effective_on) {
            (Some(change), Some(effective_on)) if e.is_empty() => Ok(OrgEvent { change, effective_on, basis }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalised() {
        assert_eq!(OrgCode::parse(" dh-01 ").unwrap().as_str(), "DH-01");
        assert!(OrgCode::parse("Đầm Hà").is_none());
        assert!(OrgCode::parse("").is_none());
    }

    #[test]
    fn grassroots_kinds() {
        assert!(OrgKind::GrassrootsBranch.is_grassroots());
        assert!(OrgKind::GrassrootsCommittee.is_grassroots());
        assert!(!OrgKind::SubordinateBranch.is_grassroots());
        assert!(!OrgKind::District.is_grassroots());
    }

    #[test]
    fn new_org_reports_every_bad_field() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let input = NewOrgInput { code: "x y".into(), kind: "nope".into(), founded_on: "2030-01-01".into(), ..Default::default() };
        let err = input.parse(today).unwrap_err();
        assert_eq!(err.0["code"].key, "err-org-code");
        assert_eq!(err.0["name"].key, "err-required");
        assert_eq!(err.0["type"].key, "err-choice");
        assert_eq!(err.0["founded_on"].key, "err-date-future");
    }
}

/// The place name (địa danh) a Party paper is dated from (HD 36-HD/VPTW: the administrative unit
/// where the issuing body sits): the nearest of `names` (the organisation and those above it,
/// nearest first) that names a commune, ward, town, district, city or province — "Đảng bộ thị
/// trấn Đầm Hà" gives "Đầm Hà". None when no name says where it is.
pub fn place_of<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<String> {
    const UNITS: &[&str] = &["thị trấn ", "thị xã ", "thành phố ", "đặc khu ", "phường ", "quận ", "huyện ", "tỉnh ", "xã "];
    names.into_iter().find_map(|name| {
        let rest = name.trim().strip_prefix("Đảng bộ ")?;
        UNITS.iter().find_map(|u| rest.strip_prefix(u)).map(|p| p.trim().to_string()).filter(|p| !p.is_empty())
    })
}

#[cfg(test)]
mod place_tests {
    use super::place_of;

    #[test]
    fn a_paper_is_dated_from_the_nearest_named_unit() {
        assert_eq!(place_of(["Chi bộ Khu phố 1", "Đảng bộ thị trấn Đầm Hà", "Đảng bộ huyện Đầm Hà"]).as_deref(), Some("Đầm Hà"));
        assert_eq!(place_of(["Chi bộ Thôn 2", "Đảng bộ xã Quảng Lợi"]).as_deref(), Some("Quảng Lợi"));
        assert_eq!(place_of(["Đảng bộ Cơ quan Chính quyền huyện", "Đảng bộ tỉnh Quảng Ninh"]).as_deref(), Some("Quảng Ninh"));
        assert_eq!(place_of(["Chi bộ Trường Tiểu học"]), None);
    }
}
