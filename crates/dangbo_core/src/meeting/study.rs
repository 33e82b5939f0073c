//! Member assignments (phân công đảng viên phụ trách địa bàn, chuyên đề) and the library of
//! documents studied at meetings (học tập, quán triệt nghị quyết).

use crate::error::FieldErrors;
use crate::org::{OrgCode, parse_opt_code, parse_past_date, string_enum};
use crate::text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

string_enum! {
    /// What a member is assigned to follow.
    AssignmentKind ("assignment-kind") {
        /// Phụ trách địa bàn (a hamlet, a group of households).
        Area = "area",
        /// Phụ trách chuyên đề, lĩnh vực.
        Topic = "topic",
    }
}

string_enum! {
    DocumentKind ("document-kind") {
        /// Nghị quyết.
        Resolution = "resolution",
        /// Chỉ thị.
        Directive = "directive",
        /// Kết luận.
        Conclusion = "conclusion",
        /// Hướng dẫn, quy định.
        Guidance = "guidance",
        Other = "other",
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentInput {
    #[serde(default)]
    pub member: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = AssignmentKind))]
    pub kind: String,
    /// The area or topic followed.
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub from_on: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub to_on: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAssignment {
    pub member_id: String,
    pub kind: AssignmentKind,
    pub subject: String,
    pub from_on: NaiveDate,
    pub to_on: Option<NaiveDate>,
}

impl AssignmentInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewAssignment, FieldErrors> {
        let mut e = FieldErrors::new();
        let member_id = text::clean(&self.member);
        if member_id.is_empty() {
            e.add("member", "err-required");
        }
        let kind = AssignmentKind::parse(self.kind.trim());
        if kind.is_none() {
            e.add("kind", "err-choice");
        }
        let subject = self.area.as_deref().map(text::clean).unwrap_or_default();
        if subject.is_empty() {
            e.add("area", "err-required");
        }
        let from_on = parse_past_date("from_on", self.from_on.as_deref().unwrap_or(""), today, &mut e);
        let to_on = crate::org::parse_end_date("to_on", self.to_on.as_deref(), from_on, &mut e);
        match (kind, from_on) {
            (Some(kind), Some(from_on)) if e.is_empty() => Ok(NewAssignment { member_id, kind, subject, from_on, to_on }),
            _ => Err(e),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentInput {
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = DocumentKind))]
    pub kind: String,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub issued_on: Option<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    /// Trích yếu: what the document is about.
    #[serde(default)]
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewDocument {
    pub org: OrgCode,
    pub kind: DocumentKind,
    pub number: String,
    pub issued_on: NaiveDate,
    pub issuer: String,
    pub title: String,
}

impl DocumentInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewDocument, FieldErrors> {
        let mut e = FieldErrors::new();
        let org = parse_opt_code("org", &Some(self.org.clone()), &mut e);
        if org.is_none() {
            e.add("org", "err-required");
        }
        let kind = DocumentKind::parse(self.kind.trim());
        if kind.is_none() {
            e.add("kind", "err-choice");
        }
        let mut required = |name: &str, v: &Option<String>| {
            let v = v.as_deref().map(text::clean).unwrap_or_default();
            if v.is_empty() {
                e.add(name, "err-required");
            }
            v
        };
        let (number, issuer, title) = (required("number", &self.number), required("issuer", &self.issuer), required("summary", &self.summary));
        let issued_on = parse_past_date("issued_on", self.issued_on.as_deref().unwrap_or(""), today, &mut e);
        match (org, kind, issued_on) {
            (Some(org), Some(kind), Some(issued_on)) if e.is_empty() => Ok(NewDocument { org, kind, number, issued_on, issuer, title }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_needs_its_number_issuer_and_date() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let d = DocumentInput {
            org: "DH".into(),
            kind: "directive".into(),
            summary: Some("Về đẩy mạnh học tập và làm theo tư tưởng Hồ Chí Minh".into()),
            ..Default::default()
        };
        let e = d.parse(today).unwrap_err();
        assert!(e.0.contains_key("number") && e.0.contains_key("issuer") && e.0.contains_key("issued_on"));
        let d = DocumentInput { number: Some("05-CT/TW".into()), issuer: Some("Bộ Chính trị".into()), issued_on: Some("15/05/2016".into()), ..d };
        assert_eq!(d.parse(today).unwrap().kind, DocumentKind::Directive);
        let a = AssignmentInput {
            member: "m".into(),
            kind: "area".into(),
            area: Some("Tổ dân phố 3".into()),
            from_on: Some("2027-01-01".into()),
            ..Default::default()
        };
        assert_eq!(a.parse(today).unwrap_err().0["from_on"].key, "err-date-future");
    }
}
