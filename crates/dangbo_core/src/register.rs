//! The member register (sổ danh sách đảng viên, form 7-HSĐV) as data: one row per member, in
//! the order and with the columns the paper book has, ready for an export.

pub mod data;
pub mod places;
pub mod tree;

use chrono::NaiveDate;
use serde::Serialize;

/// One line of the register, as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRow {
    pub full_name: String,
    pub sex: String,
    pub birth_date: NaiveDate,
    pub ethnicity: String,
    pub religion: String,
    pub home_town: String,
    pub education: String,
    pub theory: String,
    pub professional: String,
    pub occupation: String,
    pub ceremony_date: NaiveDate,
    pub full_date: Option<NaiveDate>,
    pub card_no: String,
    pub bio_no: String,
    pub branch: String,
    pub status: String,
}

/// The column headers of the register export, in Vietnamese as on the paper form.
pub const HEADERS: &[&str] = &[
    "STT",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Dân tộc",
    "Tôn giáo",
    "Quê quán",
    "Giáo dục phổ thông",
    "Lý luận chính trị",
    "Chuyên môn",
    "Nghề nghiệp",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Số thẻ đảng viên",
    "Số lý lịch",
    "Chi bộ",
    "Tình trạng",
];

impl RegisterRow {
    /// The cells of the row after the serial number, as text (dates dd/mm/yyyy).
    pub fn cells(&self) -> Vec<String> {
        let d = crate::date::display;
        vec![
            self.full_name.clone(),
            self.sex.clone(),
            d(self.birth_date),
            self.ethnicity.clone(),
            self.religion.clone(),
            self.home_town.clone(),
            self.education.clone(),
            self.theory.clone(),
            self.professional.clone(),
            self.occupation.clone(),
            d(self.ceremony_date),
            self.full_date.map(d).unwrap_or_default(),
            self.card_no.clone(),
            self.bio_no.clone(),
            self.branch.clone(),
            self.status.clone(),
        ]
    }
}
