//! Party fees above the month: a reduction by decision of the grassroots committee, the
//! branch's book of a year, a subtree's year and its members in arrears, remittances up the
//! levels and the reconciliation that shows what is missing until it balances to the đồng.

use crate::*;
use dangbo_core::event::EventInput;
use dangbo_core::fee::relief::{Relief, ReliefKind};
use dangbo_core::fee::{Basis, Category, Channel, Month};
use dangbo_core::rules::{RuleId, RuleValue, RuleVersion};
use dangbo_db::{DbError, NewPayment, NewRemittance};

fn month(s: &str) -> Month {
    Month::parse(s).unwrap()
}

fn pay(member: &str, m: Month, amount: i64) -> NewPayment {
    NewPayment { member_id: member.into(), month: m, amount, paid_on: today(), channel: Channel::Cash, receipt: None }
}

fn half(from: &str, to: &str) -> Relief {
    Relief {
        kind: ReliefKind::Reduction, percent: 50, from: month(from), to: Some(month(to)), decision_no: "12-QĐ/ĐU".into(), decision_date: d("2019-02-25")
    }
}

/// B1 with an insured member (82,000 a month, halved from March to August 2019 by decision) and
/// a student (3,000) who left September to November unpaid; 2019 recorded month by month.
async fn year_2019(s: &dangbo_db::Store) -> (String, String) {
    small_tree(s).await;
    let insured = add_member(s, member_input("B1", "Vũ", "Thị", "Lương")).await;
    let student = add_member(s, member_input("B1", "Lò", "Thị", "Học")).await;
    s.set_fee_basis(&admin(), &insured, Basis { from: month("2015-01"), category: Category::Insured, base: 8_234_000 }).await.unwrap();
    s.set_fee_basis(&admin(), &student, Basis { from: month("2015-01"), category: Category::Student, base: 0 }).await.unwrap();
    let staff = user(s, "vpdu", Role::Staff, Some("C")).await;
    s.add_fee_relief(&staff, &insured, half("2019-03", "2019-08")).await.unwrap();
    for m in Month::of_year(2019) {
        let sheet = s.fee_sheet(&admin(), "B1", m).await.unwrap();
        let mut p = Vec::new();
        for l in &sheet.lines {
            let due = l.due.as_ref().map(|d| d.amount).unwrap_or(0);
            if due > 0 && !(l.member_id == student && (9..=11).contains(&m.month)) {
                p.push(pay(&l.member_id, m, due));
            }
        }
        s.record_fee_payments(&admin(), "B1", m, &p, today()).await.unwrap();
    }
    (insured, student)
}

#[tokio::test]
async fn a_reduction_by_decision_shows_in_the_month_the_book_and_the_year() {
    each_backend(|s, backend| async move {
        let (insured, student) = year_2019(&s).await;
        let mar = s.fee_sheet(&admin(), "B1", month("2019-03")).await.unwrap();
        let due = mar.lines.iter().find(|l| l.member_id == insured).and_then(|l| l.due.clone()).unwrap();
        assert_eq!((due.amount, due.reduction), (41_000, 50), "{backend}: half of 82,340 rounded to the thousand");
        assert!(due.rule.contains("12-QĐ/ĐU"), "{backend}: the decision comes with the amount: {}", due.rule);

        // The branch's secretary proposes; only the grassroots committee records the decision.
        let sec = user(&s, "bt1", Role::Secretary, Some("B1")).await;
        let err = s.add_fee_relief(&sec, &student, half("2019-09", "2019-12")).await.unwrap_err();
        assert!(matches!(&err, DbError::Invalid(e) if e.has("decision_no", "err-fee-relief-decider")), "{backend}: {err:?}");

        let book = s.fee_book(&admin(), "B1", 2019).await.unwrap();
        assert_eq!(book.lines.len(), 2, "{backend}");
        let line = book.lines.iter().find(|l| l.member_id == insured).unwrap();
        assert_eq!((line.due, line.paid), (82_000 * 6 + 41_000 * 6, 82_000 * 6 + 41_000 * 6), "{backend}");
        assert_eq!(line.reliefs.len(), 1, "{backend}: the decision is printed with the book");
        let totals = book.month_totals();
        assert_eq!(totals[8], (85_000, 82_000), "{backend}: September: the student's 3,000 unpaid");

        let year = s.org_fees_year(&admin(), "C", 2019).await.unwrap();
        let m = |i: usize| &year.months[i];
        assert_eq!((m(2).members, m(2).due, m(2).reduced), (2, 44_000, 1), "{backend}");
        assert_eq!((m(9).in_arrears, m(11).in_arrears, m(11).paid), (1, 0, 85_000), "{backend}");

        let arrears = s.fee_arrears(&admin(), "C", d("2019-12-15")).await.unwrap();
        assert_eq!(arrears.len(), 1, "{backend}: {arrears:?}");
        assert_eq!((arrears[0].member_id.as_str(), arrears[0].unpaid.len(), arrears[0].owed), (student.as_str(), 3, 9_000), "{backend}");
        assert!(s.fee_arrears(&admin(), "B2", d("2019-12-15")).await.unwrap().is_empty(), "{backend}: B2 owes nothing");
    })
    .await;
}

#[tokio::test]
async fn remittances_reconcile_to_the_dong_once_every_level_sent_its_share_and_it_arrived() {
    each_backend(|s, backend| async move {
        year_2019(&s).await;
        let (jan, dec) = (month("2019-01"), month("2019-12"));
        let recon = s.fee_reconciliation(&admin(), "P", jan, dec).await.unwrap();
        let row = |r: &dangbo_db::Reconciliation, code: &str| r.rows.iter().find(|x| x.code == code).cloned().unwrap();
        let b1 = row(&recon, "B1");
        assert_eq!((b1.collected, b1.expected), (765_000, Some(535_500)), "{backend}: a branch sends 70%");
        assert!(!recon.balanced, "{backend}: nothing sent yet");

        let sec = user(&s, "bt1", Role::Secretary, Some("B1")).await;
        let staff = s.caller_by_username("vpdu").await.unwrap().unwrap();
        let sent = |amount: i64| NewRemittance { from: jan, to: dec, amount, sent_on: d("2020-01-15") };
        let b1_sent = s.record_remittance(&sec, "B1", sent(535_500)).await.unwrap();
        let c = row(&s.fee_reconciliation(&admin(), "P", jan, dec).await.unwrap(), "C");
        assert_eq!((c.received, c.unconfirmed, c.expected), (535_500, 535_500, Some(76_500)), "{backend}: a commune keeps 90% of all its branches collected");
        s.record_remittance(&staff, "C", sent(76_500)).await.unwrap();
        s.record_remittance(&admin(), "P", sent(38_250)).await.unwrap();
        assert!(!s.fee_reconciliation(&admin(), "P", jan, dec).await.unwrap().balanced, "{backend}: not confirmed yet");

        // Only the receiver confirms, not before the day it was sent, and once.
        assert!(matches!(s.confirm_remittance(&sec, &b1_sent, d("2020-01-20")).await, Err(DbError::NotFound)), "{backend}");
        let early = s.confirm_remittance(&staff, &b1_sent, d("2020-01-10")).await.unwrap_err();
        assert!(matches!(&early, DbError::Invalid(e) if e.has("received_on", "err-fee-remit-before-sent")), "{backend}");
        s.confirm_remittance(&staff, &b1_sent, d("2020-01-20")).await.unwrap();
        let again = s.confirm_remittance(&staff, &b1_sent, d("2020-01-21")).await.unwrap_err();
        assert!(matches!(&again, DbError::Invalid(e) if e.has("received_on", "err-fee-remit-confirmed")), "{backend}");
        let incoming = s.remittances_to(&admin(), "P", jan, dec).await.unwrap();
        assert_eq!(incoming.len(), 1, "{backend}");
        s.confirm_remittance(&admin(), &incoming[0].id, d("2020-01-25")).await.unwrap();

        let recon = s.fee_reconciliation(&admin(), "P", jan, dec).await.unwrap();
        assert!(recon.balanced, "{backend}: {recon:?}");
        assert_eq!((recon.collected, recon.sent_up, recon.kept), (765_000, 38_250, 765_000 - 38_250), "{backend}");
        assert_eq!((row(&recon, "B1").kept, row(&recon, "C").kept, row(&recon, "P").kept), (229_500, 459_000, 38_250), "{backend}");
        let log = s.audit_log(&admin(), None, 100).await.unwrap();
        assert_eq!(log.iter().filter(|a| a.action.starts_with("fee.remit")).count(), 5, "{backend}");

        // Bad input names its field.
        let e = NewRemittance::parse("12/2019", "01/2019", "0", "01/01/2030", today()).unwrap_err();
        assert!(e.has("to_month", "err-fee-relief-order") && e.has("amount", "err-number") && e.has("sent_on", "err-date-future"), "{e:?}");
        let e = NewRemittance::parse("01/2019", "03/2020", "1.000", "15/04/2020", today()).unwrap_err();
        assert!(e.has("to_month", "err-fee-relief-months"), "{e:?}");
    })
    .await;
}

#[tokio::test]
async fn payments_import_by_cccd_once_all_or_none_and_only_in_scope() {
    use dangbo_core::fee::payment::{PaymentCells, PaymentLine};
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let lan = add_member(&s, MemberInput { cccd: Some("022080001234".into()), ..member_input("B1", "Vũ", "Thị", "Lan") }).await;
        add_member(&s, MemberInput { cccd: Some("022080009999".into()), ..member_input("B2", "Đỗ", "Văn", "Khác") }).await;
        let row = |n: usize, cccd: &str, month: &str, receipt: &str| PaymentCells {
            row: n,
            cccd: cccd.into(),
            month: month.into(),
            amount: "82.000".into(),
            paid_on: "10/11/2026".into(),
            receipt: receipt.into(),
            ..Default::default()
        };
        let parse = |cells: &[PaymentCells]| cells.iter().map(|c| PaymentLine::parse(c, Channel::Portal, today()).unwrap()).collect::<Vec<_>>();
        let sec = user(&s, "bt1", Role::Secretary, Some("B1")).await;
        let good = parse(&[row(2, "022080001234", "10/2026", "GD-1"), row(3, "022080001234", "11/2026", "GD-2")]);
        let dry = s.import_fee_payments(&sec, &good, vec![], true, today()).await.unwrap();
        assert_eq!((dry.recorded, dry.total, dry.problems.len()), (2, 164_000, 0), "{backend}");
        assert_eq!(s.member_fees(&admin(), &lan, 2026, today()).await.unwrap().months[9].paid, 0, "{backend}: a dry run writes nothing");

        // Another branch's member, a month before admission, a receipt twice: refused by row and
        // field, and nothing of the file is written.
        let bad = parse(&[
            row(2, "022080001234", "10/2026", "GD-1"),
            row(3, "022080009999", "10/2026", "GD-3"),
            row(4, "022080001234", "01/2009", "GD-4"),
            row(5, "022080001234", "09/2026", "GD-1"),
        ]);
        let r = s.import_fee_payments(&sec, &bad, vec![], false, today()).await.unwrap();
        let fields: Vec<(usize, Vec<&str>)> = r.problems.iter().map(|p| (p.row, p.errors.0.keys().map(String::as_str).collect())).collect();
        assert_eq!(fields, [(3, vec!["cccd"]), (4, vec!["month"]), (5, vec!["receipt"])], "{backend}");
        assert_eq!(s.member_fees(&admin(), &lan, 2026, today()).await.unwrap().months[9].paid, 0, "{backend}: all or none");

        let done = s.import_fee_payments(&sec, &good, vec![], false, today()).await.unwrap();
        assert_eq!((done.recorded, done.already), (2, 0), "{backend}");
        let again = s.import_fee_payments(&sec, &good, vec![], false, today()).await.unwrap();
        assert_eq!((again.recorded, again.already, again.problems.len()), (0, 2, 0), "{backend}: the same file twice records once");
        let fees = s.member_fees(&admin(), &lan, 2026, today()).await.unwrap();
        assert_eq!((fees.months[9].paid, fees.months[10].paid), (82_000, 82_000), "{backend}");
        let log = s.audit_log(&admin(), None, 50).await.unwrap();
        assert_eq!(log.iter().filter(|a| a.action == "fee.import").count(), 1, "{backend}: one command, one audit row");
    })
    .await;
}

#[tokio::test]
async fn a_member_pays_a_year_ahead_in_the_months_command_but_not_beyond() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let abroad = add_member(&s, member_input("B1", "Hà", "Văn", "Xa")).await;
        let this = Month::of(today());
        s.set_fee_basis(&admin(), &abroad, Basis { from: this, category: Category::Abroad, base: 0 }).await.unwrap();
        let year: Vec<Month> = std::iter::successors(Some(this), |m| Some(m.next())).take(13).collect();
        let ahead: Vec<NewPayment> = year.iter().map(|m| pay(&abroad, *m, 10_000)).collect();
        let err = s.record_fee_payments(&admin(), "B1", this, &ahead, today()).await.unwrap_err();
        assert!(matches!(&err, DbError::Invalid(e) if e.has("month", "err-date-future")), "{backend}: thirteen months is beyond a year ahead: {err:?}");
        assert_eq!(s.record_fee_payments(&admin(), "B1", this, &ahead[..12], today()).await.unwrap(), 12, "{backend}");
        let fees = s.member_fees(&admin(), &abroad, this.year + 1, today()).await.unwrap();
        let last = year[11];
        assert_eq!(fees.paid_through.map(|m| m >= last), Some(true), "{backend}: paid through {:?}", fees.paid_through);
    })
    .await;
}

/// The year of a subtree is read from sums kept per organisation: every change that moves a
/// figure — a payment, a relief, a basis, a move to another branch, a rule — shows in the next
/// read, and the subtree's figures stay the sum of its branches'.
#[tokio::test]
async fn a_years_kept_sums_follow_every_change_that_moves_them() {
    each_backend(|s, backend| async move {
        let (_, student) = year_2019(&s).await;
        let year = |code: &'static str| {
            let s = s.clone();
            async move { s.org_fees_year(&admin(), code, 2019).await.unwrap().months }
        };
        let (sep, oct, dec) = (8, 9, 11);
        let before = year("C").await;
        assert_eq!((before[sep].in_arrears, before[sep].paid), (1, 82_000), "{backend}");
        assert_eq!(year("C").await[sep].paid, 82_000, "{backend}: read again, from the kept sums");

        // A late payment of September.
        s.record_fee_payments(&admin(), "B1", month("2019-09"), &[pay(&student, month("2019-09"), 3_000)], today()).await.unwrap();
        let after = year("C").await;
        assert_eq!((after[sep].in_arrears, after[sep].paid), (0, 85_000), "{backend}: the payment shows");

        // An exemption for hardship from October on.
        let staff = s.caller_by_username("vpdu").await.unwrap().unwrap();
        let hardship = Relief {
            kind: ReliefKind::Hardship,
            percent: 100,
            from: month("2019-10"),
            to: None,
            decision_no: "40-QĐ/ĐU".into(),
            decision_date: d("2019-09-30"),
        };
        s.add_fee_relief(&staff, &student, hardship).await.unwrap();
        let after = year("C").await;
        assert_eq!((after[oct].exempt, after[oct].in_arrears, after[oct].due), (1, 0, 82_000), "{backend}: the exemption shows");

        // A new basis for the other member from December: 1% of 9,000,000.
        let insured = s.fee_book(&admin(), "B1", 2019).await.unwrap().lines.into_iter().find(|l| l.member_id != student).unwrap().member_id;
        s.set_fee_basis(&admin(), &insured, Basis { from: month("2019-12"), category: Category::Insured, base: 9_000_000 }).await.unwrap();
        let after = year("C").await;
        assert_eq!((after[dec].due, after[dec].in_arrears), (90_000, 1), "{backend}: the basis shows (paid 82,000 of 90,000)");

        // The student moves to B2 in November 2019: December is B2's.
        let ev = |kind: &str, on: &str| EventInput { kind: kind.into(), effective_on: on.into(), org: Some("B2".into()), ..Default::default() };
        s.record_event(&admin(), &student, ev("transfer_issued", "2019-11-10").parse(today()).unwrap(), today()).await.unwrap();
        s.record_event(&admin(), &student, ev("transferred", "2019-11-15").parse(today()).unwrap(), today()).await.unwrap();
        let (b1, b2, c) = (year("B1").await, year("B2").await, year("C").await);
        assert_eq!((b1[dec].members, b2[dec].members, c[dec].members), (1, 1, 2), "{backend}: the move shows on both branches");
        for i in 0..12 {
            assert_eq!(b1[i].due + b2[i].due, c[i].due, "{backend}: month {i}");
            assert_eq!(b1[i].paid + b2[i].paid, c[i].paid, "{backend}: month {i}");
        }

        // A rule's new version: the 2019 exemption ends, and students pay 4,000 from 2019.
        let rule = RuleVersion {
            rule: RuleId::FeeStudentAmount,
            effective_from: d("2019-01-01"),
            value: RuleValue::Number(4_000),
            citation: "thử".into(),
            confirmed: false,
        };
        s.put_rule_version(&admin(), rule).await.unwrap();
        let after = year("B2").await;
        assert_eq!(after[dec].due, 0, "{backend}: still exempt in December");
        let b1 = year("B1").await;
        assert_eq!(b1[0].due, 82_000 + 4_000, "{backend}: the rule's change shows in January");
    })
    .await;
}
