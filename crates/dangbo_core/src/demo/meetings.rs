//! The demo's branch meetings of 2019: each branch meets monthly on a day of its own, with a
//! thematic meeting most quarters; some branches miss a month; attendance is mostly full, with
//! absences for illness, work away or family matters; supervising committee members attend
//! about once a quarter; some meetings raise a proposal to the committee above, most answered and
//! reported back, a few still open.

use crate::meeting::{DocumentKind, MeetingKind, Presence};
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The year the demo's meetings are recorded for.
pub const MEETING_YEAR: i32 = 2019;

/// One planned month of a branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthPlan {
    pub held_on: NaiveDate,
    pub kind: MeetingKind,
    pub topic: &'static str,
    /// The document a thematic meeting studies (index into [`DOCUMENTS`]).
    pub document: Option<usize>,
    pub supervisor: bool,
    pub prepared: bool,
    /// A proposal raised at this meeting (index into [`PROPOSALS`]) and whether it is answered.
    pub proposal: Option<(usize, bool)>,
}

/// The agenda the demo's branches recorded (the 16 steps, shortened).
pub const AGENDA: &[&str] = &[
    "Điểm danh, thông qua chương trình",
    "Báo cáo kết quả công tác tháng, nhiệm vụ tháng tới",
    "Thông tin văn bản cấp trên",
    "Thảo luận",
    "Biểu quyết kết luận của chi bộ",
    "Chấm điểm buổi sinh hoạt, thông qua biên bản",
];

pub const REASONS: &[&str] = &["Ốm", "Đi công tác", "Đi làm ăn xa", "Việc gia đình", "Đi học"];

pub const TOPICS: &[&str] = &[
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh (Chỉ thị 05-CT/TW)",
    "Quán triệt Nghị quyết Trung ương 4 khóa XII về xây dựng, chỉnh đốn Đảng",
    "Nâng cao chất lượng sinh hoạt chi bộ",
    "Xây dựng nông thôn mới, đô thị văn minh",
];

/// (kind, number, issued on (y, m, d), issuer, title).
pub type DemoDocument = (DocumentKind, &'static str, (i32, u32, u32), &'static str, &'static str);

/// The district's library: the document each thematic topic studies (same order as
/// [`TOPICS`]): (kind, number, issued on, issuer, title).
pub const DOCUMENTS: &[DemoDocument] = &[
    (DocumentKind::Directive, "05-CT/TW", (2016, 5, 15), "Bộ Chính trị", "Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"),
    (
        DocumentKind::Resolution,
        "04-NQ/TW",
        (2016, 10, 30),
        "Ban Chấp hành Trung ương",
        "Về tăng cường xây dựng, chỉnh đốn Đảng; ngăn chặn, đẩy lùi sự suy thoái",
    ),
    (DocumentKind::Guidance, "12-HD/BTCTW", (2018, 7, 6), "Ban Tổ chức Trung ương", "Một số vấn đề về nâng cao chất lượng sinh hoạt chi bộ"),
    (DocumentKind::Resolution, "26-NQ/TW", (2008, 8, 5), "Ban Chấp hành Trung ương", "Về nông nghiệp, nông dân, nông thôn"),
];

/// (who raised it, the proposal, the answer given).
pub const PROPOSALS: &[(&str, &str, &str)] = &[
    ("Đảng viên", "Đề nghị sửa chữa đoạn đường liên thôn bị xuống cấp sau mưa lũ", "UBND xã đã đưa vào kế hoạch sửa chữa quý IV năm 2019"),
    ("Nhân dân", "Đề nghị lắp đặt đèn chiếu sáng tại khu dân cư", "Đã giao Đoàn Thanh niên phối hợp lắp đặt trong tháng"),
    ("Đảng viên", "Đề nghị tổ chức lớp tập huấn kỹ thuật nuôi trồng thủy sản", "Trung tâm dịch vụ nông nghiệp sẽ mở lớp vào tháng tới"),
    ("Nhân dân", "Đề nghị giải quyết tình trạng rác thải tại bãi tập kết tạm", "Đã ký hợp đồng thu gom rác hằng tuần"),
    ("Đảng viên", "Đề nghị cấp trên hướng dẫn thủ tục chuyển sinh hoạt đảng tạm thời", "Ban Tổ chức đã gửi văn bản hướng dẫn"),
];

/// The months of a branch in `year`, from a generator seeded by the branch (so a branch's year
/// does not depend on the others').
pub fn branch_year(seed: u64, branch: &str, year: i32) -> Vec<MonthPlan> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ branch.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3)));
    let day = rng.random_range(5..=20);
    // One branch in seven misses a month; one in five misses a thematic meeting in a quarter.
    let missed = rng.random_bool(1.0 / 7.0).then(|| rng.random_range(1..=12));
    let no_thematic_quarter = rng.random_bool(0.2).then(|| rng.random_range(1..=4));
    let thematic_month: Vec<u32> = (0..4).map(|q| q * 3 + rng.random_range(1..=3)).collect();
    let mut out = Vec::new();
    for month in 1..=12u32 {
        if Some(month) == missed {
            continue;
        }
        let quarter = (month - 1) / 3 + 1;
        let thematic = thematic_month.contains(&month) && Some(quarter) != no_thematic_quarter;
        let held_on = NaiveDate::from_ymd_opt(year, month, day).expect("valid demo date");
        let proposal = rng.random_bool(0.15).then(|| (rng.random_range(0..PROPOSALS.len()), rng.random_bool(0.8)));
        let document = thematic.then(|| rng.random_range(0..TOPICS.len()));
        out.push(MonthPlan {
            held_on,
            kind: if thematic { MeetingKind::Thematic } else { MeetingKind::Regular },
            topic: document.map(|i| TOPICS[i]).unwrap_or(""),
            document,
            supervisor: month % 3 == 2 && rng.random_bool(0.85),
            prepared: rng.random_bool(0.93),
            proposal,
        });
    }
    out
}

/// Attendance for a roster (member statuses on the date): exempt members stay away, most others
/// attend; absences have reasons, rarely none.
pub fn presences(seed: u64, held_on: NaiveDate, statuses: &[&str]) -> Vec<(Presence, &'static str)> {
    let mut rng =
        ChaCha8Rng::seed_from_u64(seed ^ held_on.to_string().bytes().fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64)) ^ statuses.len() as u64);
    statuses
        .iter()
        .map(|s| {
            if *s == "exempt" {
                return if rng.random_bool(0.2) { (Presence::Present, "") } else { (Presence::Exempt, "") };
            }
            match rng.random_range(0..1000) {
                0..=919 => (Presence::Present, ""),
                920..=989 => (Presence::AbsentExcused, REASONS[rng.random_range(0..REASONS.len())]),
                _ => (Presence::AbsentUnexcused, ""),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_branch_year_is_deterministic_and_mostly_monthly() {
        let a = branch_year(2020, "DH-TT-01", 2019);
        assert_eq!(a, branch_year(2020, "DH-TT-01", 2019));
        assert!(a.len() >= 11);
        let missing: usize = (0..200).map(|i| 12 - branch_year(2020, &format!("B{i}"), 2019).len()).sum();
        assert!((10..=50).contains(&missing), "about one branch in seven misses a month: {missing}");
        let p = presences(1, a[0].held_on, &["full"; 30]);
        assert!(p.iter().filter(|x| x.0 == Presence::Present).count() >= 20);
    }
}
