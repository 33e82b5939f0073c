//! A payment as a spreadsheet gives it (the portal's statement, a branch's Excel book): the
//! member by CCCD or card number, the month, the amount, the day and the receipt — each cell
//! checked and named by its field.

use crate::error::FieldErrors;
use crate::fee::{Channel, Month};
use chrono::NaiveDate;

/// The largest amount one row pays (a year ahead for a high salary).
pub const MAX_ROW_AMOUNT: i64 = 100_000_000;
/// The longest receipt number.
pub const MAX_RECEIPT: usize = 50;
/// The most rows one import takes (a committee's month of a province's statement is fewer).
pub const MAX_IMPORT_ROWS: usize = 20_000;

/// One row's cells as text.
#[derive(Debug, Clone, Default)]
pub struct PaymentCells {
    /// The row's number in the file (1-based).
    pub row: usize,
    pub cccd: String,
    pub card_no: String,
    pub month: String,
    pub amount: String,
    pub paid_on: String,
    pub receipt: String,
    pub channel: String,
}

/// Who paid: by CCCD when the row gives one, else by card number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Payer {
    Cccd(String),
    Card(String),
}

/// A row checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLine {
    pub row: usize,
    pub payer: Payer,
    pub month: Month,
    pub amount: i64,
    pub paid_on: NaiveDate,
    pub receipt: Option<String>,
    pub channel: Channel,
}

/// A month as a sheet writes it: "03/2019", "2019-03", or a date in the month.
fn month_of(s: &str) -> Option<Month> {
    Month::parse(s).or_else(|| crate::date::parse(s).map(Month::of))
}

/// "82.000", "82,000", "82000 đ" → 82000.
fn amount_of(s: &str) -> Option<i64> {
    let t = s.trim().trim_end_matches('đ').trim_end_matches("VND").trim();
    let t = t.strip_suffix(",00").or_else(|| t.strip_suffix(".00")).unwrap_or(t);
    let digits: String = t.chars().filter(|c| !matches!(c, '.' | ',' | ' ')).collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

impl PaymentLine {
    /// Checks a row: a payer, a month not after next month, an amount above nothing and at most
    /// [`MAX_ROW_AMOUNT`], a day not after `today` (today when empty), the channel (`default`
    /// when empty; "cổng", "portal", "dịch vụ công" read as the portal, "tiền mặt" as cash).
    pub fn parse(c: &PaymentCells, default: Channel, today: NaiveDate) -> Result<PaymentLine, FieldErrors> {
        let mut e = FieldErrors::new();
        let (cccd, card) = (crate::text::clean(&c.cccd), crate::text::clean(&c.card_no));
        let payer = match (cccd.is_empty(), card.is_empty()) {
            (false, _) => Some(Payer::Cccd(cccd)),
            (true, false) => Some(Payer::Card(card)),
            (true, true) => {
                e.add("cccd", "err-fee-import-payer");
                None
            }
        };
        let month = match month_of(&c.month) {
            None => {
                e.add("month", if c.month.trim().is_empty() { "err-required" } else { "err-month" });
                None
            }
            Some(m) if m > Month::of(today).next() => {
                e.add("month", "err-date-future");
                None
            }
            m => m,
        };
        let amount = match amount_of(&c.amount) {
            Some(n) if (1..=MAX_ROW_AMOUNT).contains(&n) => n,
            _ => {
                e.add_with("amount", "err-fee-amount", vec![("name", format!("dòng {}", c.row))]);
                0
            }
        };
        let paid_on = if c.paid_on.trim().is_empty() { Some(today) } else { crate::org::parse_past_date("paid_on", &c.paid_on, today, &mut e) };
        let receipt = Some(crate::text::clean(&c.receipt)).filter(|r| !r.is_empty());
        if receipt.as_ref().is_some_and(|r| r.chars().count() > MAX_RECEIPT) {
            e.add("receipt", "err-too-long");
        }
        let folded = crate::text::fold(&c.channel);
        let channel = match folded.trim() {
            "" => Some(default),
            s if s.contains("cong") || s.contains("portal") || s.contains("dich vu") || s.contains("truc tuyen") => Some(Channel::Portal),
            s if s.contains("tien mat") || s.contains("cash") || s.contains("truc tiep") => Some(Channel::Cash),
            s => Channel::parse(s).or_else(|| {
                e.add("channel", "err-choice");
                None
            }),
        };
        match (payer, month, paid_on, channel) {
            (Some(payer), Some(month), Some(paid_on), Some(channel)) if e.is_empty() => {
                Ok(PaymentLine { row: c.row, payer, month, amount, paid_on, receipt, channel })
            }
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(month: &str, amount: &str) -> PaymentCells {
        PaymentCells { row: 4, cccd: "022080001234".into(), month: month.into(), amount: amount.into(), paid_on: "10/03/2019".into(), ..Default::default() }
    }

    #[test]
    fn a_row_reads_as_sheets_write_it() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let p = PaymentLine::parse(&cells("03/2019", "82.000 đ"), Channel::Portal, today).unwrap();
        assert_eq!((p.month, p.amount, p.channel), (Month::new(2019, 3).unwrap(), 82_000, Channel::Portal));
        assert_eq!(PaymentLine::parse(&cells("15/03/2019", "82000"), Channel::Cash, today).unwrap().month, Month::new(2019, 3).unwrap());
        let e = PaymentLine::parse(&PaymentCells { cccd: String::new(), channel: "séc".into(), ..cells("13/2019", "-5") }, Channel::Cash, today).unwrap_err();
        assert!(
            e.has("cccd", "err-fee-import-payer") && e.has("month", "err-month") && e.has("amount", "err-fee-amount") && e.has("channel", "err-choice"),
            "{e:?}"
        );
        let portal = PaymentLine::parse(&PaymentCells { channel: "Cổng DVC quốc gia".into(), ..cells("2019-03", "82,000") }, Channel::Cash, today).unwrap();
        assert_eq!(portal.channel, Channel::Portal);
    }
}
