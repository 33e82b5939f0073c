//! PDF documents (A4, Vietnamese, fonts embedded) from typst templates in `templates/`.

use serde::Serialize;
use std::sync::LazyLock;
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::TypstEngine;

static FONTS: [&[u8]; 3] = [
    include_bytes!("../fonts/BeVietnamPro_400Regular.ttf"),
    include_bytes!("../fonts/BeVietnamPro_700Bold.ttf"),
    include_bytes!("../fonts/BeVietnamPro_400Regular_Italic.ttf"),
];

static TABLE: LazyLock<Engine> = LazyLock::new(|| engine("table.typ", include_str!("../templates/table.typ")));
static TRANSFER: LazyLock<Engine> = LazyLock::new(|| engine("transfer_letter.typ", include_str!("../templates/transfer_letter.typ")));
static DECISION: LazyLock<Engine> = LazyLock::new(|| engine("admission_decision.typ", include_str!("../templates/admission_decision.typ")));

static MINUTES: LazyLock<Engine> = LazyLock::new(|| engine("minutes.typ", include_str!("../templates/minutes.typ")));
static KIT: LazyLock<Engine> = LazyLock::new(|| engine("meeting_kit.typ", include_str!("../templates/meeting_kit.typ")));
static MEMBER_FILE: LazyLock<Engine> = LazyLock::new(|| engine("member_file.typ", include_str!("../templates/member_file.typ")));

/// A template: the edited copy in `$DANGBO_TEMPLATES/<name>` when there is one (staff change
/// the wording or layout without a rebuild), else the built-in one.
fn engine(name: &str, builtin: &'static str) -> Engine {
    let edited = std::env::var_os("DANGBO_TEMPLATES").map(|dir| std::path::Path::new(&dir).join(name)).and_then(|p| std::fs::read_to_string(p).ok());
    match edited {
        Some(src) => TypstEngine::builder().main_file(src).fonts(FONTS).build(),
        None => TypstEngine::builder().main_file(builtin).fonts(FONTS).build(),
    }
}

/// The header and signature block of a paper that leaves the branch (HD 36-HD/VPTW): the
/// body above and the issuing one top left, "ĐẢNG CỘNG SẢN VIỆT NAM" with the place and date top
/// right, and who signs for whom at the end (the name is signed by hand).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Letterhead {
    pub upper: String,
    pub issuer: String,
    pub place: String,
    pub day: String,
    pub month: String,
    pub year: String,
    /// "T/M CHI ỦY", "T/M ĐẢNG ỦY".
    pub on_behalf: String,
    /// "BÍ THƯ".
    pub signer: String,
}

/// A table to print: a title, a subtitle, the header row and the rows, with relative column
/// widths and the columns to right-align; with a letterhead when it leaves the branch.
#[derive(Debug, Clone, Serialize)]
pub struct TableDoc {
    pub letterhead: Option<Letterhead>,
    pub title: String,
    pub subtitle: String,
    pub footer: String,
    pub note: String,
    pub landscape: bool,
    pub font_size: f64,
    pub headers: Vec<String>,
    pub widths: Vec<f64>,
    pub numeric: Vec<usize>,
    pub rows: Vec<Vec<String>>,
}

/// The fields of the admission decision (mẫu 9-KNĐ); the wording is in its template.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AdmissionDecision {
    /// The level above the issuer ("Đảng bộ tỉnh Quảng Ninh").
    pub upper: String,
    /// Who decided ("Ban Thường vụ Huyện ủy Đầm Hà").
    pub issuer: String,
    pub decision_no: String,
    pub decision_day: String,
    pub decision_month: String,
    pub decision_year: String,
    pub place: String,
    /// The implementing rules in force ("Quy định số 24-QĐ/TW, ngày 30/7/2021").
    pub regime: String,
    pub branch: String,
    pub branch_resolution_no: String,
    pub branch_resolution_date: String,
    pub committee_resolution_no: String,
    pub committee_resolution_date: String,
    pub name: String,
    pub birth_date: String,
    pub home_town: String,
    pub residence: String,
}

/// The fields of the transfer letter (giấy giới thiệu sinh hoạt đảng); wording in its template.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TransferLetter {
    pub upper: String,
    pub issuer: String,
    /// The place the letter is dated from (địa danh).
    pub place: String,
    pub letter_no: String,
    pub day: String,
    pub month: String,
    pub year: String,
    pub card_no: String,
    pub bio_no: String,
    pub name: String,
    pub birth_date: String,
    pub home_town: String,
    pub ceremony_date: String,
    pub full_date: String,
    /// "chính thức" / "dự bị".
    pub status: String,
    pub from: String,
    pub to: String,
    /// The last day to present it, and the rule.
    pub present_by: String,
    pub present_rule: String,
    /// "MM/YYYY" the fees are paid through, from the ledger; empty: left to fill in by hand.
    pub paid_through: String,
}

/// One vote line of the minutes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MinutesVote {
    pub seq: String,
    pub subject: String,
    pub votes_for: String,
    pub against: String,
    pub abstain: String,
    /// "Đạt (6/9 ≥2/3)" or "Không đạt …".
    pub result: String,
}

/// The fields of the minutes of a branch meeting (biên bản sinh hoạt chi bộ).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Minutes {
    pub upper: String,
    pub branch: String,
    /// "regular", "thematic" or "extraordinary" (the template words the title).
    pub kind: String,
    pub place_line: String,
    pub day: String,
    pub month: String,
    pub year: String,
    pub date: String,
    pub starts_at: String,
    pub place: String,
    pub chair: String,
    pub secretary: String,
    pub supervisor: String,
    pub guests: String,
    pub topic: String,
    pub roster: String,
    pub eligible: String,
    pub present: String,
    pub absent_excused: String,
    pub absent_unexcused: String,
    pub exempt: String,
    pub attached: String,
    pub rate: String,
    /// "Nguyễn Văn A — vắng có lý do (ốm)".
    pub absentees: Vec<String>,
    pub agenda: Vec<String>,
    pub documents: Vec<String>,
    pub opinions: Vec<String>,
    pub votes: Vec<MinutesVote>,
    pub conclusions: Vec<String>,
    pub tasks: Vec<String>,
    pub proposals: Vec<String>,
    pub reported: Vec<String>,
    pub corrections: Vec<String>,
    /// Open minutes print as a draft.
    pub draft: bool,
}

/// One line of the attendance sheet.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KitMember {
    pub name: String,
    /// "CT", "DB", "MSH".
    pub status: String,
    pub note: String,
}

/// The paper kit of a planned meeting: agenda, attendance sheet, minutes skeleton.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MeetingKit {
    pub upper: String,
    pub branch: String,
    /// "regular", "thematic" or "extraordinary".
    pub kind: String,
    pub date: String,
    pub starts_at: String,
    pub place: String,
    pub topic: String,
    pub agenda: Vec<String>,
    pub documents: Vec<String>,
    pub open_tasks: Vec<String>,
    pub open_proposals: Vec<String>,
    pub members: Vec<KitMember>,
}

/// The member's biography (lý lịch đảng viên, 1-HSĐV) as the register holds it; what it does
/// not hold prints as lines to fill in. Wording and numbering in its template.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MemberFile {
    /// The province-level organisation, the grassroots one and the branch (header).
    pub upper: String,
    pub grassroots: String,
    pub branch: String,
    pub bio_no: String,
    pub card_no: String,
    pub name: String,
    pub sex: String,
    pub birth_day: String,
    pub birth_month: String,
    pub birth_year: String,
    /// As written, and the commune it is part of now when the name changed.
    pub birth_place: String,
    pub home_town: String,
    pub residence: String,
    pub birth_name: String,
    pub aliases: String,
    pub temporary_residence: String,
    pub academic: String,
    pub state_management: String,
    pub languages: String,
    pub youth_union_on: String,
    pub armed_service: String,
    pub ethnicity: String,
    pub religion: String,
    pub occupation: String,
    pub education: String,
    pub professional: String,
    pub theory: String,
    /// "15/03/2010 tại Chi bộ thôn Lợi Hồng".
    pub ceremony: String,
    /// "số 12-QĐ/ĐU ngày 01/03/2010".
    pub admission: String,
    pub full: String,
    /// (date, what happened) from the member's events, oldest first.
    pub history: Vec<(String, String)>,
    pub positions: Vec<String>,
    pub courses: Vec<String>,
    /// The work history: (from – to, what and where), oldest first.
    pub work: Vec<(String, String)>,
    /// The family: relation, name, year of birth, occupation, residence, political history.
    pub family: Vec<[String; 6]>,
    pub printed_on: String,
}

/// Lays out and writes the member's biography.
pub fn member_file(doc: &MemberFile) -> Result<Vec<u8>, String> {
    compile(&MEMBER_FILE, doc)
}

/// Lays out and writes the minutes.
pub fn minutes(doc: &Minutes) -> Result<Vec<u8>, String> {
    compile(&MINUTES, doc)
}

/// Lays out and writes the paper kit.
pub fn meeting_kit(doc: &MeetingKit) -> Result<Vec<u8>, String> {
    compile(&KIT, doc)
}

/// Lays out and writes the transfer letter.
pub fn transfer_letter(doc: &TransferLetter) -> Result<Vec<u8>, String> {
    compile(&TRANSFER, doc)
}

/// Lays out and writes the admission decision.
pub fn admission_decision(doc: &AdmissionDecision) -> Result<Vec<u8>, String> {
    compile(&DECISION, doc)
}

type Engine = TypstEngine<typst_as_lib::TypstTemplateMainFile>;

/// The laid-out pages of a paper: what the PDF writes and what the snapshot tests render.
fn layout<T: Serialize>(engine: &Engine, doc: &T) -> Result<typst_layout::PagedDocument, String> {
    let json = serde_json::to_string(doc).map_err(|e| e.to_string())?;
    let mut inputs = Dict::new();
    inputs.insert("data".into(), json.into_value());
    engine.compile_with_input(inputs).output.map_err(|e| format!("{e:?}"))
}

fn compile<T: Serialize>(engine: &Engine, doc: &T) -> Result<Vec<u8>, String> {
    let pdf = layout(engine, doc).and_then(|c| typst_pdf::pdf(&c, &typst_pdf::PdfOptions::default()).map_err(|e| format!("{e:?}")));
    // Typst memoises layouts across compilations; a server renders each document once, so
    // the cache only grows (a district's register kept ~140 MB): dropped after every paper.
    typst::comemo::evict(0);
    pdf
}

/// Lays out and writes the PDF. Errors are typst's diagnostics as text (a template fault).
pub fn table(doc: &TableDoc) -> Result<Vec<u8>, String> {
    compile(&TABLE, doc)
}

#[cfg(test)]
#[path = "pdf_snapshots.rs"]
mod snapshots;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transfer_letter_is_one_page() {
        let doc = TransferLetter {
            upper: "Đảng bộ tỉnh Quảng Ninh".into(),
            issuer: "Đảng ủy thị trấn Đầm Hà".into(),
            letter_no: "12".into(),
            name: "Ngô Văn Chuyển".into(),
            status: "chính thức".into(),
            from: "Chi bộ Khu phố 1".into(),
            to: "Chi bộ Khu phố 2".into(),
            present_by: "12/11/2026".into(),
            ..Default::default()
        };
        let pdf = transfer_letter(&doc).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(String::from_utf8_lossy(&pdf).contains("/Count 1"));
        if let Some(dir) = std::env::var_os("DANGBO_PDF_OUT") {
            std::fs::write(std::path::Path::new(&dir).join("transfer.pdf"), &pdf).unwrap();
        }
    }

    #[test]
    fn the_admission_decision_is_one_page_of_vietnamese() {
        let doc = AdmissionDecision {
            upper: "Đảng bộ tỉnh Quảng Ninh".into(),
            issuer: "Ban Thường vụ Huyện ủy Đầm Hà".into(),
            decision_no: "123-QĐ/HU".into(),
            decision_day: "02".into(),
            decision_month: "6".into(),
            decision_year: "2025".into(),
            place: "Đầm Hà".into(),
            regime: "Quy định số 232-QĐ/TW ngày 20/01/2025".into(),
            branch: "Chi bộ Khu phố 1".into(),
            branch_resolution_no: "06-NQ/CB".into(),
            branch_resolution_date: "05/5/2025".into(),
            name: "Lê Thị Hoa".into(),
            birth_date: "01/02/2000".into(),
            ..Default::default()
        };
        let pdf = admission_decision(&doc).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 1"), "one page");
        if let Some(dir) = std::env::var_os("DANGBO_PDF_OUT") {
            std::fs::write(std::path::Path::new(&dir).join("decision.pdf"), &pdf).unwrap();
        }
        assert!(text.contains("BeVietnamPro"));
    }

    fn out(name: &str, pdf: &[u8]) {
        if let Some(dir) = std::env::var_os("DANGBO_PDF_OUT") {
            std::fs::write(std::path::Path::new(&dir).join(name), pdf).unwrap();
        }
    }

    #[test]
    fn the_minutes_print_with_votes_and_a_draft_mark() {
        let doc = Minutes {
            upper: "Đảng bộ thị trấn Đầm Hà".into(),
            branch: "Chi bộ Khu phố 1".into(),
            kind: "regular".into(),
            month: "5".into(),
            year: "2019".into(),
            date: "10/05/2019".into(),
            chair: "Nguyễn Thị Hoa".into(),
            secretary: "Trần Văn Bình".into(),
            roster: "12".into(),
            present: "10".into(),
            absentees: vec!["Lê Văn Cường — vắng có lý do (ốm)".into()],
            agenda: vec!["Điểm danh".into(), "Biểu quyết kết nạp đảng viên".into()],
            votes: vec![MinutesVote {
                seq: "1".into(),
                subject: "Đề nghị kết nạp Lê Thị Hoa".into(),
                votes_for: "8".into(),
                result: "Đạt".into(),
                ..Default::default()
            }],
            draft: true,
            ..Default::default()
        };
        let pdf = minutes(&doc).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        out("minutes.pdf", &pdf);
        let kit = MeetingKit {
            branch: "Chi bộ Khu phố 1".into(),
            kind: "thematic".into(),
            date: "10/05/2019".into(),
            agenda: vec!["Điểm danh".into()],
            members: (1..=30).map(|i| KitMember { name: format!("Nguyễn Văn Ấn {i}"), status: "CT".into(), note: String::new() }).collect(),
            ..Default::default()
        };
        let pdf = meeting_kit(&kit).unwrap();
        out("kit.pdf", &pdf);
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 3"), "agenda, attendance sheet and minutes skeleton: three pages");
    }

    #[test]
    fn a_vietnamese_table_becomes_a_pdf_with_embedded_fonts() {
        let doc = TableDoc {
            letterhead: Some(Letterhead {
                upper: "Đảng bộ thị trấn Đầm Hà".into(),
                issuer: "Chi bộ Khu phố 1".into(),
                place: "Đầm Hà".into(),
                day: "07".into(),
                month: "12".into(),
                year: "2026".into(),
                on_behalf: "T/M CHI ỦY".into(),
                signer: "BÍ THƯ".into(),
            }),
            title: "Sổ danh sách đảng viên".into(),
            subtitle: "Chi bộ Khu phố 1 — tính đến ngày 31/12/2019".into(),
            footer: "Đảng bộ huyện Đầm Hà".into(),
            note: String::new(),
            landscape: true,
            font_size: 8.0,
            headers: vec!["STT".into(), "Họ và tên".into(), "Ngày sinh".into()],
            widths: vec![1.0, 4.0, 2.0],
            numeric: vec![0],
            rows: (1..=120).map(|i| vec![i.to_string(), format!("Nguyễn Thị Ánh Ưng {i}"), "01/02/1990".into()]).collect(),
        };
        let pdf = table(&doc).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("BeVietnamPro"), "the font is embedded");
        assert!(text.matches("/Type /Page").count() >= 3 || text.matches("/Type/Page").count() >= 3, "120 rows take several pages");
    }
}
