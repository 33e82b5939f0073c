//! Every paper rendered to PNG and compared, page by page, with its approved snapshot in
//! `snapshots/` (one pixel per 2/3 point, about 108 dpi: small enough to keep in git, large
//! enough to read). A difference fails the test and leaves the new rendering and a picture of
//! the difference (red) beside it in the system's temporary folder, to look at; after a change
//! that is meant, `DANGBO_APPROVE_SNAPSHOTS=1 cargo test -p dangbo_reports snapshots` writes the
//! new approved pictures, which are reviewed by eye in the commit like any other change.

use super::*;
use crate::register;
use chrono::NaiveDate;
use dangbo_core::register::RegisterRow;
use std::path::PathBuf;
use tiny_skia::Pixmap;

const PIXEL_PER_PT: f64 = 1.5;
/// A channel may differ by this much (anti-aliasing rounding) without the pixel counting.
const CHANNEL_TOLERANCE: u8 = 24;
/// Pixels that may differ before the page counts as changed: far fewer than one glyph has.
const PIXELS_ALLOWED: usize = 12;

fn approved_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots")
}

fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join("dangbo-snapshots");
    std::fs::create_dir_all(&dir).expect("the temporary folder is writable");
    dir
}

/// Renders every page of `doc` and compares it with `snapshots/<name>-<page>.png`.
fn check<T: Serialize>(name: &str, engine: &Engine, doc: &T, pages: usize) {
    let laid_out = layout(engine, doc).expect("the template lays out");
    assert_eq!(laid_out.pages().len(), pages, "{name}: page count");
    let approve = std::env::var_os("DANGBO_APPROVE_SNAPSHOTS").is_some();
    let options = typst_render::RenderOptions { pixel_per_pt: PIXEL_PER_PT.into(), render_bleed: false };
    let mut changed = Vec::new();
    for (i, page) in laid_out.pages().iter().enumerate() {
        let file = format!("{name}-{}.png", i + 1);
        let actual = typst_render::render(page, &options);
        let path = approved_dir().join(&file);
        if approve {
            std::fs::create_dir_all(approved_dir()).unwrap();
            std::fs::write(&path, actual.encode_png().unwrap()).unwrap();
            continue;
        }
        let Ok(approved) = Pixmap::load_png(&path) else {
            changed.push(format!("{file}: no approved snapshot (run with DANGBO_APPROVE_SNAPSHOTS=1 and look at it)"));
            std::fs::write(scratch_dir().join(&file), actual.encode_png().unwrap()).unwrap();
            continue;
        };
        if let Some(diff) = difference(&approved, &actual) {
            let out = scratch_dir();
            std::fs::write(out.join(&file), actual.encode_png().unwrap()).unwrap();
            std::fs::write(out.join(format!("{name}-{}.diff.png", i + 1)), diff.1.encode_png().unwrap()).unwrap();
            changed.push(format!("{file}: {} pixels differ (see {})", diff.0, out.display()));
        }
    }
    assert!(changed.is_empty(), "papers differ from their approved snapshots:\n{}", changed.join("\n"));
}

/// The number of differing pixels and a picture of them, or None when the page is the same.
fn difference(approved: &Pixmap, actual: &Pixmap) -> Option<(usize, Pixmap)> {
    if (approved.width(), approved.height()) != (actual.width(), actual.height()) {
        return Some((usize::MAX, actual.clone()));
    }
    let mut diff = actual.clone();
    let mut count = 0;
    let pairs = approved.data().chunks_exact(4).zip(actual.data().chunks_exact(4));
    for (n, (a, b)) in pairs.enumerate() {
        let far = a.iter().zip(b).any(|(x, y)| x.abs_diff(*y) > CHANNEL_TOLERANCE);
        let px = &mut diff.data_mut()[n * 4..n * 4 + 4];
        if far {
            count += 1;
            px.copy_from_slice(&[255, 0, 0, 255]);
        } else {
            // Faded: the page is the background the red stands out on.
            for c in &mut px[..3] {
                *c = 255 - (255 - *c) / 4;
            }
        }
    }
    (count > PIXELS_ALLOWED).then_some((count, diff))
}

fn letterhead(upper: &str, issuer: &str, on_behalf: &str) -> Letterhead {
    Letterhead {
        upper: upper.into(),
        issuer: issuer.into(),
        place: "Đầm Hà".into(),
        day: "07".into(),
        month: "12".into(),
        year: "2026".into(),
        on_behalf: on_behalf.into(),
        signer: "BÍ THƯ".into(),
    }
}

#[test]
fn the_member_file_matches_its_snapshot() {
    let doc = MemberFile {
        upper: "Đảng bộ tỉnh Quảng Ninh".into(),
        grassroots: "Đảng bộ xã Quảng Tân".into(),
        branch: "Chi bộ thôn Lợi Hồng".into(),
        bio_no: "QN-012345".into(),
        card_no: String::new(),
        name: "Hoàng Thị Lan".into(),
        sex: "Nữ".into(),
        birth_day: "04".into(),
        birth_month: "09".into(),
        birth_year: "1985".into(),
        birth_place: "xã Quảng Lợi, huyện Đầm Hà, tỉnh Quảng Ninh (nay là xã Quảng Tân, tỉnh Quảng Ninh)".into(),
        home_town: "xã Quảng Lợi, huyện Đầm Hà, tỉnh Quảng Ninh (nay là xã Quảng Tân, tỉnh Quảng Ninh)".into(),
        residence: "thôn Lợi Hồng, xã Quảng Tân, tỉnh Quảng Ninh".into(),
        birth_name: String::new(),
        aliases: String::new(),
        temporary_residence: String::new(),
        academic: String::new(),
        state_management: "Chuyên viên".into(),
        languages: "Tiếng Anh (B1); tiếng Dao".into(),
        youth_union_on: "26/03/2001".into(),
        armed_service: String::new(),
        ethnicity: "Dao".into(),
        religion: "Không".into(),
        occupation: "Giáo viên".into(),
        education: "12/12".into(),
        professional: "Đại học".into(),
        theory: "Trung cấp".into(),
        ceremony: "19/05/2010 tại Chi bộ thôn Lợi Hồng".into(),
        admission: "số 86-QĐ/HU ngày 05/05/2010".into(),
        full: "19/05/2011".into(),
        history: vec![
            ("19/05/2010".into(), "Kết nạp — Chi bộ thôn Lợi Hồng, Đảng bộ xã Quảng Lợi".into()),
            ("19/05/2011".into(), "Công nhận đảng viên chính thức".into()),
            ("01/01/2020".into(), "Chuyển sinh hoạt — Chi bộ thôn Lợi Hồng, Đảng bộ xã Quảng Tân (625-QĐ/HU)".into()),
            ("12/03/2021".into(), "Thay đổi thông tin — Lý luận chính trị: Sơ cấp thành Trung cấp".into()),
        ],
        positions: vec!["Chi ủy viên, Chi bộ thôn Lợi Hồng (2015 – 2020)".into()],
        courses: vec![],
        work: vec![
            ("09/2003 – 06/2007".into(), "Sinh viên Trường Cao đẳng Sư phạm Quảng Ninh".into()),
            ("09/2007 – nay".into(), "Giáo viên Trường Tiểu học Quảng Lợi, xã Quảng Tân".into()),
        ],
        family: vec![
            ["Bố".into(), "Hoàng Văn Sinh".into(), "1958".into(), "Làm ruộng".into(), "thôn Lợi Hồng, xã Quảng Tân".into(), "Đảng viên, chấp hành tốt".into()],
            ["Mẹ".into(), "Triệu Thị Mai".into(), "1961".into(), "Làm ruộng".into(), "thôn Lợi Hồng, xã Quảng Tân".into(), "Chấp hành tốt".into()],
        ],
        printed_on: "07/12/2026".into(),
    };
    check("member-file", &MEMBER_FILE, &doc, 2);
}

#[test]
fn the_transfer_letter_matches_its_snapshot() {
    let doc = TransferLetter {
        upper: "Đảng bộ huyện Đầm Hà".into(),
        issuer: "Đảng ủy thị trấn Đầm Hà".into(),
        place: "Đầm Hà".into(),
        letter_no: "12".into(),
        day: "07".into(),
        month: "12".into(),
        year: "2026".into(),
        card_no: "51.012345".into(),
        bio_no: "QN-0123".into(),
        name: "Ngô Văn Chuyển".into(),
        birth_date: "15/08/1998".into(),
        home_town: "xã Quảng Lợi, huyện Đầm Hà, tỉnh Quảng Ninh".into(),
        ceremony_date: "19/05/2020".into(),
        full_date: "19/05/2021".into(),
        status: "chính thức".into(),
        from: "Chi bộ Khu phố 1".into(),
        to: "Chi bộ Khu phố 2, Đảng bộ thị trấn Đầm Hà".into(),
        present_by: "07/01/2027".into(),
        present_rule: "Quy định số 24-QĐ/TW, điểm 7.2".into(),
        paid_through: "11/2026".into(),
    };
    check("transfer-letter", &TRANSFER, &doc, 1);
}

#[test]
fn the_admission_decision_matches_its_snapshot() {
    let doc = AdmissionDecision {
        upper: "Đảng bộ huyện Đầm Hà".into(),
        issuer: "Đảng ủy thị trấn Đầm Hà".into(),
        decision_no: "123-QĐ/ĐU".into(),
        decision_day: "02".into(),
        decision_month: "6".into(),
        decision_year: "2025".into(),
        place: "Đầm Hà".into(),
        regime: "Quy định số 232-QĐ/TW ngày 20/01/2025".into(),
        branch: "Chi bộ Khu phố 1".into(),
        branch_resolution_no: "06-NQ/CB".into(),
        branch_resolution_date: "05/5/2025".into(),
        committee_resolution_no: "15-NQ/ĐU".into(),
        committee_resolution_date: "28/5/2025".into(),
        name: "Lê Thị Hoa".into(),
        birth_date: "01/02/2000".into(),
        home_town: "xã Đại Bình, huyện Đầm Hà, tỉnh Quảng Ninh".into(),
        residence: "Khu phố 1, thị trấn Đầm Hà".into(),
    };
    check("admission-decision", &DECISION, &doc, 1);
}

#[test]
fn the_minutes_match_their_snapshot() {
    let vote = |seq: &str, subject: &str, for_: &str, result: &str| MinutesVote {
        seq: seq.into(),
        subject: subject.into(),
        votes_for: for_.into(),
        against: "1".into(),
        abstain: "0".into(),
        result: result.into(),
    };
    let doc = Minutes {
        upper: "Đảng bộ thị trấn Đầm Hà".into(),
        branch: "Chi bộ Khu phố 1".into(),
        kind: "regular".into(),
        place_line: "Đầm Hà".into(),
        day: "10".into(),
        month: "5".into(),
        year: "2019".into(),
        date: "10/05/2019".into(),
        starts_at: "19:30".into(),
        place: "Nhà văn hóa Khu phố 1".into(),
        chair: "Nguyễn Thị Hoa".into(),
        secretary: "Trần Văn Bình".into(),
        supervisor: "Hoàng Văn Ân".into(),
        roster: "12".into(),
        eligible: "11".into(),
        present: "10".into(),
        absent_excused: "1".into(),
        absent_unexcused: "0".into(),
        exempt: "1".into(),
        attached: "0".into(),
        rate: "90,9%".into(),
        absentees: vec!["Lê Văn Cường — vắng có lý do (ốm)".into()],
        agenda: vec![
            "Điểm danh, thông qua chương trình".into(),
            "Kiểm điểm tình hình thực hiện nhiệm vụ tháng 4".into(),
            "Biểu quyết đề nghị kết nạp đảng viên".into(),
        ],
        documents: vec!["Nghị quyết số 05-NQ/ĐU của Đảng ủy thị trấn".into()],
        opinions: vec!["Đồng chí Phạm Văn Dũng: đề nghị làm rõ tiến độ thu quỹ khuyến học.".into()],
        votes: vec![
            vote("1", "Đề nghị kết nạp quần chúng Lê Thị Hoa vào Đảng Cộng sản Việt Nam", "9", "Đạt (9/11 ≥ 2/3)"),
            vote("2", "Thông qua nghị quyết tháng 5 năm 2019 của chi bộ với các chỉ tiêu về kinh tế và an ninh", "6", "Không đạt (6/11 < 2/3)"),
        ],
        conclusions: vec!["Chi bộ thống nhất đề nghị Đảng ủy thị trấn xem xét kết nạp quần chúng Lê Thị Hoa.".into()],
        tasks: vec!["Đồng chí Trần Văn Bình hoàn thiện hồ sơ kết nạp trước ngày 20/5/2019.".into()],
        draft: false,
        ..Default::default()
    };
    check("minutes", &MINUTES, &doc, 2);
}

#[test]
fn the_meeting_kit_matches_its_snapshot() {
    let names = ["Hoàng Văn Ân", "Nguyễn Thị Ánh", "Trần Văn Bình", "Lê Văn Cường", "Phạm Văn Dũng", "Nguyễn Thị Hoa"];
    let doc = MeetingKit {
        upper: "Đảng bộ thị trấn Đầm Hà".into(),
        branch: "Chi bộ Khu phố 1".into(),
        kind: "thematic".into(),
        date: "10/05/2019".into(),
        starts_at: "19:30".into(),
        place: "Nhà văn hóa Khu phố 1".into(),
        topic: "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh".into(),
        agenda: vec!["Điểm danh".into(), "Sinh hoạt chuyên đề".into()],
        documents: vec!["Chỉ thị số 05-CT/TW".into()],
        open_tasks: vec!["Hoàn thiện hồ sơ kết nạp (hạn 20/5/2019)".into()],
        open_proposals: vec![],
        members: names.iter().map(|n| KitMember { name: (*n).into(), status: "CT".into(), note: String::new() }).collect(),
    };
    check("meeting-kit", &KIT, &doc, 3);
}

#[test]
fn a_statistical_form_matches_its_snapshot() {
    let row = |group: &str, value: &str, count: &str, share: &str| vec![group.to_string(), value.to_string(), count.to_string(), share.to_string()];
    let doc = TableDoc {
        letterhead: Some(letterhead("Đảng bộ huyện Đầm Hà", "Đảng ủy thị trấn Đầm Hà", "T/M ĐẢNG ỦY")),
        title: "Thống kê đảng viên — Đảng bộ thị trấn Đầm Hà".into(),
        subtitle: "Tính đến ngày 31/12/2019".into(),
        footer: "Đảng bộ thị trấn Đầm Hà".into(),
        note: "Số liệu lấy từ sổ đảng viên theo giá trị có hiệu lực ngày 31/12/2019.".into(),
        landscape: false,
        font_size: 9.0,
        headers: vec![String::new(), "Giá trị".into(), "Số đảng viên".into(), "Tỷ lệ".into()],
        widths: vec![3.0, 4.0, 1.5, 1.2],
        numeric: vec![2, 3],
        rows: vec![
            row("Giới tính", "Nam", "1.412", "68,3%"),
            row("", "Nữ", "656", "31,7%"),
            row("Dân tộc", "Kinh", "1.795", "86,8%"),
            row("", "Dao", "203", "9,8%"),
            row("", "Tày, Sán Chỉ và các dân tộc khác", "70", "3,4%"),
            row("Trình độ lý luận chính trị", "Cao cấp, cử nhân", "38", "1,8%"),
            row("", "Trung cấp", "402", "19,4%"),
            row("", "Sơ cấp và chưa qua đào tạo", "1.628", "78,7%"),
        ],
    };
    check("statistics", &TABLE, &doc, 1);
}

#[test]
fn the_register_matches_its_snapshot() {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let rows: Vec<RegisterRow> = ["Hoàng Văn Ân", "Nguyễn Thị Ánh Nguyệt", "Trần Văn Bình"]
        .iter()
        .enumerate()
        .map(|(i, name)| RegisterRow {
            full_name: (*name).into(),
            sex: if i == 1 { "Nữ" } else { "Nam" }.into(),
            birth_date: date(1960 + i as i32 * 11, 3, 14),
            ethnicity: "Kinh".into(),
            religion: "Không".into(),
            home_town: "xã Quảng Lợi, huyện Đầm Hà, tỉnh Quảng Ninh".into(),
            education: "12/12".into(),
            theory: "Trung cấp".into(),
            professional: "Đại học Sư phạm Toán".into(),
            occupation: "Giáo viên".into(),
            ceremony_date: date(1990 + i as i32 * 9, 5, 19),
            full_date: Some(date(1991 + i as i32 * 9, 5, 19)),
            card_no: format!("51.01234{i}"),
            bio_no: format!("QN-012{i}"),
            branch: "Chi bộ Khu phố 1".into(),
            status: "Chính thức".into(),
        })
        .collect();
    let doc = register::pdf_doc(
        "Sổ danh sách đảng viên",
        "Chi bộ Khu phố 1 — tính đến ngày 07/12/2026",
        Some(letterhead("Đảng bộ thị trấn Đầm Hà", "Chi bộ Khu phố 1", "T/M CHI ỦY")),
        &rows,
    );
    check("register", &TABLE, &doc, 1);
}

#[test]
fn the_fee_book_matches_its_snapshot() {
    use crate::fee_book::{BookMember, BookMonth, FeeBookPaper, table};
    let month = |due: i64, paid: i64| BookMonth { owed: true, exempt: false, due: Some(due), paid };
    let names = ["Hoàng Văn Ân", "Nguyễn Thị Ánh Nguyệt", "Trần Văn Bình", "Vũ Thị Lương"];
    let members = names
        .iter()
        .enumerate()
        .map(|(n, name)| {
            let months = (1..=12u32)
                .map(|m| match (n, m) {
                    (0, _) => BookMonth { owed: true, exempt: true, due: Some(0), paid: 0 },
                    (1, 3..=8) => month(41_000, 41_000),
                    (1, _) => month(82_000, 82_000),
                    (2, 9..=11) => month(3_000, 0),
                    (2, _) => month(3_000, 3_000),
                    (3, ..=6) => BookMonth::default(),
                    _ => month(24_000, 24_000),
                })
                .collect();
            BookMember { name: name.to_string(), months }
        })
        .collect();
    let paper = FeeBookPaper {
        letterhead: Some(letterhead("Đảng bộ thị trấn Đầm Hà", "Chi bộ Khu phố 1", "T/M CHI ỦY")),
        org_name: "Chi bộ Khu phố 1".into(),
        year: 2019,
        members,
        reliefs: vec!["Nguyễn Thị Ánh Nguyệt: Giảm 50% — từ 03/2019 đến 08/2019 — Quyết định số 12-QĐ/ĐU ngày 25/02/2019 của Đảng ủy thị trấn Đầm Hà".into()],
    };
    check("fee-book", &TABLE, &table(&paper), 1);
}
