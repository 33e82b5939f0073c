//! The Party card: issued once, reissued for a card held, withdrawn on leaving; the card book of
//! a committee lists all three in its subtree (issue 23 §5).

use crate::*;
use dangbo_core::event::EventInput;
use dangbo_db::{CardEntryKind, DbError};

fn card(no: &str, on: &str, reason: Option<&str>) -> EventInput {
    EventInput {
        kind: "card_issued".into(),
        effective_on: on.into(),
        card_no: Some(no.into()),
        card_reason: reason.map(Into::into),
        decision_no: Some("7-QĐ/HU".into()),
        ..Default::default()
    }
}

fn key(e: DbError) -> (String, &'static str) {
    match e {
        DbError::Invalid(f) => f.0.into_iter().next().map(|(k, v)| (k, v.key)).unwrap(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn cards_are_issued_once_reissued_and_withdrawn_in_the_card_book() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let a = add_member(&s, member_input("B1", "Hoàng", "Văn", "An")).await;
        let b = add_member(&s, member_input("B2", "Lê", "Thị", "Bình")).await;
        let rec = |id: String, ev: EventInput| {
            let s = s.clone();
            async move { s.record_event(&admin(), &id, ev.parse(today()).unwrap(), today()).await }
        };
        // A reissue needs a card held; a first card comes once; a number belongs to one member.
        assert_eq!(key(rec(a.clone(), card("01.000001", "2012-05-01", Some("lost"))).await.unwrap_err()), ("card_reason".into(), "err-card-none"), "{backend}");
        rec(a.clone(), card("01.000001", "2012-05-01", None)).await.unwrap();
        assert_eq!(key(rec(a.clone(), card("01.000009", "2013-05-01", None)).await.unwrap_err()), ("card_reason".into(), "err-card-held"), "{backend}");
        assert_eq!(key(rec(b.clone(), card("01.000001", "2012-06-01", None)).await.unwrap_err()).1, "err-card-taken", "{backend}");
        let bad = EventInput { card_reason: Some("stolen".into()), ..card("01.000002", "2012-06-01", None) };
        assert!(bad.parse(today()).is_err(), "{backend}: an unknown reason");
        rec(b.clone(), card("01.000002", "2012-06-01", None)).await.unwrap();
        // Lost in 2020: a new number, the old one no longer the member's.
        rec(a.clone(), card("01.000777", "2020-03-02", Some("lost"))).await.unwrap();
        assert_eq!(s.member(&admin(), &a).await.unwrap().party.card_no.as_deref(), Some("01.000777"));
        let struck = EventInput { kind: "struck_off".into(), effective_on: "2021-04-01".into(), reason: Some("Bỏ sinh hoạt".into()), ..Default::default() };
        rec(b.clone(), struck).await.unwrap();

        let book = s.card_book(&admin(), "C", d("2012-01-01"), d("2021-12-31")).await.unwrap();
        let lines: Vec<(String, &str, CardEntryKind, &str)> =
            book.iter().map(|e| (dangbo_core::date::iso(e.on), e.card_no.as_str(), e.kind, e.reason.as_str())).collect();
        assert_eq!(
            lines,
            [
                ("2012-05-01".to_string(), "01.000001", CardEntryKind::Issued, "first"),
                ("2012-06-01".to_string(), "01.000002", CardEntryKind::Issued, "first"),
                ("2020-03-02".to_string(), "01.000777", CardEntryKind::Reissued, "lost"),
                ("2021-04-01".to_string(), "01.000002", CardEntryKind::Withdrawn, "struck_off"),
            ],
            "{backend}"
        );
        assert_eq!(s.card_book(&admin(), "C", d("2020-01-01"), d("2020-12-31")).await.unwrap().len(), 1, "{backend}: the period");
        // Another committee's staff see no such book.
        let other = user(&s, "g", Role::Staff, Some("G")).await;
        assert!(matches!(s.card_book(&other, "C", d("2012-01-01"), d("2021-12-31")).await, Err(DbError::NotFound)), "{backend}");
        assert!(s.card_book(&other, "G", d("2012-01-01"), d("2021-12-31")).await.unwrap().is_empty(), "{backend}");
    })
    .await;
}
