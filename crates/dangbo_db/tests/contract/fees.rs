//! Party fees: the amount due under the rule in force that month, a branch's month recorded in
//! one command, and the month a member has paid through.

use crate::*;
use dangbo_core::event::EventInput;
use dangbo_core::fee::{Basis, Category, Channel, Month};
use dangbo_db::{DbError, NewPayment};

fn month(s: &str) -> Month {
    Month::parse(s).unwrap()
}

fn pay(member: &str, m: &str, amount: i64, receipt: Option<&str>) -> NewPayment {
    NewPayment { member_id: member.into(), month: month(m), amount, paid_on: today(), channel: Channel::Cash, receipt: receipt.map(Into::into) }
}

#[tokio::test]
async fn a_branch_month_owes_what_the_rule_of_that_month_says_and_is_recorded_at_once() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let student = add_member(&s, member_input("B1", "Lò", "Thị", "Học")).await;
        let pensioner = add_member(&s, member_input("B1", "Trần", "Văn", "Hưu")).await;
        let insured = add_member(&s, member_input("B1", "Vũ", "Thị", "Lương")).await;
        let other = add_member(&s, member_input("B2", "Đỗ", "Văn", "Khác")).await;
        let basis = |c: Category, base: i64| Basis { from: month("2015-01"), category: c, base };
        s.set_fee_basis(&admin(), &student, basis(Category::Student, 0)).await.unwrap();
        s.set_fee_basis(&admin(), &pensioner, basis(Category::Pensioner, 6_100_000)).await.unwrap();
        s.set_fee_basis(&admin(), &insured, basis(Category::Insured, 8_234_000)).await.unwrap();
        // A raise from March 2026.
        s.set_fee_basis(&admin(), &insured, Basis { from: month("2026-03"), category: Category::Insured, base: 9_000_000 }).await.unwrap();

        let due = |sheet: &dangbo_db::FeeSheet, id: &str| sheet.lines.iter().find(|l| l.member_id == id).and_then(|l| l.due.clone()).map(|d| d.amount);
        let dec19 = s.fee_sheet(&admin(), "B1", month("2019-12")).await.unwrap();
        assert_eq!(dec19.lines.len(), 3, "{backend}: B2's member is not on B1's month");
        assert_eq!((due(&dec19, &student), due(&dec19, &pensioner), due(&dec19, &insured)), (Some(3_000), Some(31_000), Some(82_000)), "{backend}");
        let mar26 = s.fee_sheet(&admin(), "B1", month("2026-03")).await.unwrap();
        assert_eq!((due(&mar26, &student), due(&mar26, &insured)), (Some(5_000), Some(90_000)), "{backend}");
        assert!(mar26.lines[0].due.as_ref().unwrap().rule.contains("QĐ"), "{backend}: the citation comes with the amount");

        // November 2026 in one command; then the month shows it paid.
        let nov = [pay(&student, "2026-11", 5_000, Some("BL-001")), pay(&pensioner, "2026-11", 31_000, Some("BL-002")), pay(&insured, "2026-11", 50_000, None)];
        assert_eq!(s.record_fee_payments(&admin(), "B1", month("2026-11"), &nov, today()).await.unwrap(), 3);
        let sheet = s.fee_sheet(&admin(), "B1", month("2026-11")).await.unwrap();
        assert_eq!(sheet.lines.iter().map(|l| l.paid).sum::<i64>(), 86_000, "{backend}");

        // Refused, each by its field, and nothing written: another branch's member, an amount of
        // nothing, a receipt used before.
        for (bad, field, key) in [
            (pay(&other, "2026-11", 10_000, None), "member", "err-fee-not-owed"),
            (pay(&student, "2026-11", 0, None), "amount", "err-fee-amount"),
            (pay(&student, "2026-10", 5_000, Some("BL-001")), "receipt", "err-receipt-taken"),
        ] {
            let err = s.record_fee_payments(&admin(), "B1", bad.month, &[bad], today()).await.unwrap_err();
            assert!(matches!(&err, DbError::Invalid(e) if e.has(field, key)), "{backend}: {err:?}");
        }
        let sec = user(&s, "bt2", Role::Secretary, Some("B2")).await;
        assert!(
            s.record_fee_payments(&sec, "B1", month("2026-11"), &[pay(&student, "2026-11", 5_000, None)], today()).await.is_err(),
            "{backend}: not their branch"
        );
        let sheet = s.fee_sheet(&admin(), "B1", month("2026-11")).await.unwrap();
        assert_eq!(sheet.lines.iter().map(|l| l.paid).sum::<i64>(), 86_000, "{backend}: nothing more written");
        let log = s.audit_log(&admin(), None, 50).await.unwrap();
        assert_eq!(log.iter().filter(|a| a.action == "fee.payments").count(), 1, "{backend}");

        // January to October unpaid: on the to-do list, with the Statute's rule.
        let todo = s.todo(&admin(), today()).await.unwrap();
        let alerts: Vec<_> = todo.iter().filter(|t| t.kind == dangbo_core::todo::TodoKind::FeesStrikeOff).collect();
        assert_eq!(alerts.len(), 3, "{backend}: {todo:?}");
        assert_eq!(alerts[0].unpaid_months, Some(10), "{backend}");
        assert!(alerts[0].citation.contains("Điều 8"), "{backend}: {}", alerts[0].citation);
        let other_branch = s.todo(&sec, today()).await.unwrap();
        assert!(other_branch.iter().all(|t| t.unpaid_months.is_none()), "{backend}: B2's secretary sees none of B1's");
    })
    .await;
}

#[tokio::test]
async fn the_month_paid_through_follows_the_ledger_and_a_transfer_month_stays_at_home() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let mut input = member_input("B1", "Ngô", "Văn", "Chuyển");
        input.admission_decision_date = "2026-01-05".into();
        input.ceremony_date = "2026-01-10".into();
        input.full_date = None;
        let id = add_member(&s, input).await;
        s.set_fee_basis(&admin(), &id, Basis { from: month("2026-01"), category: Category::Student, base: 0 }).await.unwrap();
        let fees = s.member_fees(&admin(), &id, 2026, today()).await.unwrap();
        assert_eq!(fees.paid_through, None, "{backend}: January is not paid");
        assert_eq!(fees.months[0].due, Some(3_000), "{backend}: January under QĐ 342");
        assert_eq!(fees.months[1].due, Some(5_000), "{backend}: February under QĐ 01");
        for m in ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"] {
            let amount = if m == "2026-01" { 3_000 } else { 5_000 };
            s.record_fee_payments(&admin(), "B1", month(m), &[pay(&id, m, amount, None)], today()).await.unwrap();
        }
        // July paid short: paid through June.
        s.record_fee_payments(&admin(), "B1", month("2026-07"), &[pay(&id, "2026-07", 2_000, None)], today()).await.unwrap();
        let fees = s.member_fees(&admin(), &id, 2026, today()).await.unwrap();
        assert_eq!(fees.paid_through, Some(month("2026-06")), "{backend}");
        assert_eq!((fees.months[6].due, fees.months[6].paid), (Some(5_000), 2_000));

        // Transferred to B2 on 15 August: August is owed to B1, September to B2.
        let ev =
            |kind: &str, on: &str, org: Option<&str>| EventInput { kind: kind.into(), effective_on: on.into(), org: org.map(Into::into), ..Default::default() };
        s.record_event(&admin(), &id, ev("transfer_issued", "2026-08-10", Some("B2")).parse(today()).unwrap(), today()).await.unwrap();
        s.record_event(&admin(), &id, ev("transferred", "2026-08-15", Some("B2")).parse(today()).unwrap(), today()).await.unwrap();
        let on = |sheet: &dangbo_db::FeeSheet| sheet.lines.iter().any(|l| l.member_id == id);
        assert!(on(&s.fee_sheet(&admin(), "B1", month("2026-08")).await.unwrap()), "{backend}");
        assert!(!on(&s.fee_sheet(&admin(), "B2", month("2026-08")).await.unwrap()), "{backend}");
        assert!(on(&s.fee_sheet(&admin(), "B2", month("2026-09")).await.unwrap()), "{backend}");
        assert!(!on(&s.fee_sheet(&admin(), "B1", month("2026-09")).await.unwrap()), "{backend}");
    })
    .await;
}
