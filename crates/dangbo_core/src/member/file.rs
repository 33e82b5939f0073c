//! The rest of the member's biography (lý lịch: 2-KNĐ, 1-HSĐV) that no list or count reads:
//! the birth name and aliases, the temporary residence, further qualifications, the Youth Union
//! and armed service. Kept with the person, changed by an info change like the rest.

use crate::FieldErrors;
use crate::date;
use crate::org::parse_past_date;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use super::rows::{Relation, Relative, RelativeInput, WorkInput, WorkRow};

/// The biography's further items, as recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileFields {
    /// Họ và tên khai sinh, when it differs from the name in use.
    #[serde(default)]
    pub birth_name: String,
    /// Bí danh.
    #[serde(default)]
    pub aliases: String,
    /// Nơi tạm trú.
    #[serde(default)]
    pub temporary_residence: String,
    /// Học hàm, học vị.
    #[serde(default)]
    pub academic: String,
    /// Trình độ quản lý nhà nước.
    #[serde(default)]
    pub state_management: String,
    /// Ngoại ngữ, tiếng dân tộc thiểu số.
    #[serde(default)]
    pub languages: String,
    /// Ngày vào Đoàn TNCS Hồ Chí Minh.
    #[serde(default)]
    pub youth_union_on: Option<NaiveDate>,
    /// Quân đội, công an (đang phục vụ, đã xuất ngũ, nghỉ hưu…), as written.
    #[serde(default)]
    pub armed_service: String,
    /// Những công tác và chức vụ đã qua, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub work: Vec<WorkRow>,
    /// Hoàn cảnh gia đình.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub family: Vec<Relative>,
}

/// The same items as typed in a form or an API call (empty: not given).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileInput {
    #[serde(default)]
    pub birth_name: Option<String>,
    #[serde(default)]
    pub aliases: Option<String>,
    #[serde(default)]
    pub temporary_residence: Option<String>,
    #[serde(default)]
    pub academic: Option<String>,
    #[serde(default)]
    pub state_management: Option<String>,
    #[serde(default)]
    pub languages: Option<String>,
    /// dd/mm/yyyy or ISO.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub youth_union_on: Option<String>,
    #[serde(default)]
    pub armed_service: Option<String>,
    /// The whole work history (replacing what is recorded); absent: kept.
    #[serde(default)]
    pub work: Option<Vec<WorkInput>>,
    /// The whole family (replacing what is recorded); absent: kept.
    #[serde(default)]
    pub family: Option<Vec<RelativeInput>>,
}

fn clean(v: &Option<String>) -> String {
    v.as_deref().map(crate::text::clean).unwrap_or_default()
}

impl FileFields {
    /// The items' names, in the form's order (`field-…` in the catalogs).
    pub const FIELDS: [&'static str; 8] =
        ["birth_name", "aliases", "temporary_residence", "academic", "state_management", "languages", "youth_union_on", "armed_service"];

    /// Each item by name, as text (the date dd/mm/yyyy; empty: not recorded).
    pub fn entries(&self) -> [(&'static str, String); 8] {
        let values = [
            self.birth_name.clone(),
            self.aliases.clone(),
            self.temporary_residence.clone(),
            self.academic.clone(),
            self.state_management.clone(),
            self.languages.clone(),
            self.youth_union_on.map(date::display).unwrap_or_default(),
            self.armed_service.clone(),
        ];
        let mut values = values.into_iter();
        Self::FIELDS.map(|name| (name, values.next().unwrap_or_default()))
    }

    /// The repeated items by name (`field-…`), each list in one line.
    pub fn lists(&self) -> [(&'static str, String); 2] {
        [("work_history", super::rows::summary_work(&self.work)), ("family", super::rows::summary_family(&self.family))]
    }
}

impl FileInput {
    /// Checks the items: each a line (at most 200 characters), the Youth Union date a real day
    /// after the birth and not in the future.
    pub fn parse(&self, birth: Option<NaiveDate>, today: NaiveDate, e: &mut FieldErrors) -> FileFields {
        for (field, v) in [
            ("birth_name", &self.birth_name),
            ("aliases", &self.aliases),
            ("temporary_residence", &self.temporary_residence),
            ("academic", &self.academic),
            ("state_management", &self.state_management),
            ("languages", &self.languages),
            ("armed_service", &self.armed_service),
        ] {
            if v.as_deref().is_some_and(|v| v.chars().count() > 200) {
                e.add(field, "err-too-long");
            }
        }
        let given = self.youth_union_on.as_deref().filter(|s| !s.trim().is_empty());
        let youth_union_on = given.and_then(|s| parse_past_date("youth_union_on", s, today, e));
        if let (Some(d), Some(b)) = (youth_union_on, birth)
            && d <= b
        {
            e.add("youth_union_on", "err-before-birth");
        }
        FileFields {
            birth_name: clean(&self.birth_name),
            aliases: clean(&self.aliases),
            temporary_residence: clean(&self.temporary_residence),
            academic: clean(&self.academic),
            state_management: clean(&self.state_management),
            languages: clean(&self.languages),
            youth_union_on,
            armed_service: clean(&self.armed_service),
            work: super::rows::parse_work(self.work.as_deref().unwrap_or_default(), birth, today, e),
            family: super::rows::parse_family(self.family.as_deref().unwrap_or_default(), today, e),
        }
    }

    /// For an info change: the items given replace, the others keep their value.
    pub fn over(&self, current: &FileFields) -> FileInput {
        let keep = |new: &Option<String>, old: &str| Some(new.as_deref().filter(|s| !s.trim().is_empty()).unwrap_or(old).to_string());
        FileInput {
            birth_name: keep(&self.birth_name, &current.birth_name),
            aliases: keep(&self.aliases, &current.aliases),
            temporary_residence: keep(&self.temporary_residence, &current.temporary_residence),
            academic: keep(&self.academic, &current.academic),
            state_management: keep(&self.state_management, &current.state_management),
            languages: keep(&self.languages, &current.languages),
            youth_union_on: keep(&self.youth_union_on, &current.youth_union_on.map(date::iso).unwrap_or_default()),
            armed_service: keep(&self.armed_service, &current.armed_service),
            work: Some(self.work.clone().unwrap_or_else(|| current.work.iter().map(WorkInput::from).collect())),
            family: Some(self.family.clone().unwrap_or_else(|| current.family.iter().map(RelativeInput::from).collect())),
        }
    }
}
