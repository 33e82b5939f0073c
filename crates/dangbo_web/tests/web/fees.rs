//! Party fees on the page: a secretary records a branch's month in one submit.

use crate::*;
use dangbo_core::fee::Month;

#[tokio::test]
async fn a_secretary_records_the_month_in_one_submit() {
    let app = TestApp::with_demo(TestDb::sqlite().await).await;
    let nov = Month::new(2026, 11).unwrap();
    // The demo's book: bases recorded, the months up to October collected, November open.
    let sheet = app.store.fee_sheet(&Caller::system(), "DH-TT-01", nov).await.unwrap();
    assert!(sheet.lines.len() > 10, "{}", sheet.lines.len());
    let open: Vec<_> = sheet.lines.iter().filter(|l| l.due.as_ref().is_some_and(|d| !d.exempt && d.amount > l.paid)).collect();
    assert!(open.len() > 10 && sheet.lines.iter().all(|l| l.paid == 0), "{} open", open.len());
    let session = app.login("bithu", "dangbo-bithu").await;
    let page = app.get("/orgs/DH-TT-01/fees?month=2026-11", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.len() < 60 * 1024, "{} bytes", page.body.len());
    let selects = page.select_attr("select[name^='pay.'] option[selected]", "value");
    assert_eq!(selects.len(), open.len(), "a choice per member who owes the month");
    assert!(selects.iter().all(|v| v == "full"), "preselected paid in full: {selects:?}");
    // The form as the phone sends it, with one member marked unpaid.
    let html = page.html();
    let mut fields: Vec<(String, String)> = html
        .select(&scraper::Selector::parse("form[action='/orgs/DH-TT-01/fees'] input").unwrap())
        .filter_map(|e| Some((e.value().attr("name")?.to_string(), e.value().attr("value").unwrap_or("").to_string())))
        .collect();
    let select = scraper::Selector::parse("select[name^='pay.']").unwrap();
    let selected = scraper::Selector::parse("option[selected]").unwrap();
    let mut first = true;
    for s in html.select(&select) {
        let name = s.value().attr("name").unwrap().to_string();
        let value = if first { "none".to_string() } else { s.select(&selected).next().unwrap().value().attr("value").unwrap().to_string() };
        first = false;
        fields.push((name, value));
    }
    fields.push(("channel".into(), "cash".into()));
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.post_form("/orgs/DH-TT-01/fees", &session, &refs).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{:?}", res.select_text("#errors li"));
    let after = app.store.fee_sheet(&Caller::system(), "DH-TT-01", nov).await.unwrap();
    let unpaid = after.lines.iter().filter(|l| l.paid == 0 && l.due.as_ref().is_some_and(|d| !d.exempt)).count();
    assert_eq!(unpaid, 1, "everyone but the one marked unpaid");
    let due: i64 = after.lines.iter().filter(|l| l.paid > 0).map(|l| l.due.as_ref().unwrap().amount).sum();
    assert_eq!(after.lines.iter().map(|l| l.paid).sum::<i64>(), due);
    let page = app.get("/orgs/DH-TT-01/fees?month=2026-11&saved=1", &session).await;
    assert_eq!(page.select_attr("select[name^='pay.']", "name").len(), 1, "only the unpaid member is left to record");
    // The demo's member three months behind is on the secretary's to-do list, with the rule.
    let todo = app.get("/todo", &session).await;
    assert!(todo.body.contains("không đóng đảng phí"), "{}", todo.select_text("li").join(" | "));
    // A member's year shows the month paid; another branch's month is not the secretary's.
    let id = &after.lines.iter().find(|l| l.paid > 0).unwrap().member_id;
    let year = app.get(&format!("/members/{id}/fees?year=2026"), &session).await;
    assert_eq!(year.status, StatusCode::OK);
    assert!(year.select_text("table.list tbody td").iter().any(|t| t == "11/2026"));
    assert_eq!(app.get("/orgs/DH-TT-02/fees", &session).await.status, StatusCode::NOT_FOUND);
    app.finish().await;
}
