//! Kept counts of the member form (the Centre, provinces, districts, communes) against counting member
//! by member, on a generated commune with its 2025 reorganisation, and after the changes that
//! move a count: a transfer, a death, an info change that rewrites the member's history, a
//! member recorded with a past admission, a grassroots organisation moved to another province.

use crate::{add_member, admin, d, each_backend, member_input, org, today};
use chrono::NaiveDate;
use dangbo_core::demo::scale::Scale;
use dangbo_core::event::{EventInput, Levels};
use dangbo_core::member::MemberInput;
use dangbo_core::org::OrgEventInput;
use dangbo_db::{MemberFilter, Store};
use std::collections::BTreeMap;

type Form = BTreeMap<(String, String), i64>;

fn form_of(st: &dangbo_db::MemberStats) -> Form {
    st.breakdowns.iter().flat_map(|b| b.rows.iter().map(|(v, n)| ((b.dimension.to_string(), v.clone()), *n))).collect()
}

/// The form of `code` on `on` counted member by member: the sum of the forms of the
/// organisations under it that keep no counts.
async fn counted(s: &Store, code: &str, on: NaiveDate) -> Form {
    let o = s.org(&admin(), code).await.unwrap();
    if !dangbo_core::tally::kept(o.kind) {
        return form_of(&s.member_stats(&admin(), code, on).await.unwrap());
    }
    let mut sum = Form::new();
    for c in s.org_children(&admin(), code, on).await.unwrap() {
        for (k, n) in Box::pin(counted(s, &c.code, on)).await {
            *sum.entry(k).or_default() += n;
        }
    }
    sum
}

pub(crate) async fn same_everywhere(s: &Store, backend: &str, codes: &[&str], dates: &[&str]) {
    for on in dates {
        for code in codes {
            let kept = s.member_stats(&admin(), code, d(on)).await.unwrap();
            assert_eq!(form_of(&kept), counted(s, code, d(on)).await, "{backend}: {code} on {on}");
        }
    }
}

#[tokio::test]
async fn kept_counts_equal_counting_member_by_member_through_changes() {
    each_backend(|s, backend| async move {
        s.load_scale(Scale::Commune, 5, today(), |_| {}).await.unwrap().unwrap();
        let dates = ["2010-01-01", "2016-06-15", "2019-12-31", "2025-06-30", "2025-07-01", "2026-02-15", "2026-03-01", "2026-11-27", "2031-01-01"];
        same_everywhere(&s, backend, &["TW", "P01", "P01-H1", "P01-X001"], &dates).await;
        let tw = s.member_stats(&admin(), "TW", d("2019-12-31")).await.unwrap();
        assert!(tw.total > 500, "{backend}: {}", tw.total);

        // A second province with a commune and a branch.
        org(&s, "P02", "province", Some("TW"), "2000-01-01").await;
        org(&s, "P02-X1", "commune", Some("P02"), "2025-07-01").await;
        org(&s, "P02-X1-B", "grassroots_branch", Some("P02-X1"), "2025-07-01").await;
        let f = |org: &str| MemberFilter { org: Some(org.into()), limit: 50, ..Default::default() };
        let members = s.list_members(&admin(), &f("P01-X001"), today()).await.unwrap().items;
        let ids: Vec<String> = members.into_iter().filter(|m| m.ceremony_date < d("2020-01-01")).map(|m| m.id).collect();
        let ev =
            |kind: &str, on: &str, org: Option<&str>| EventInput { kind: kind.into(), effective_on: on.into(), org: org.map(Into::into), ..Default::default() };
        s.record_event(&admin(), &ids[0], ev("transferred", "2026-02-01", Some("P02-X1-B")).parse(today()).unwrap(), today()).await.unwrap();
        s.record_event(&admin(), &ids[1], ev("deceased", "2026-02-10", None).parse(today()).unwrap(), today()).await.unwrap();
        let info = EventInput {
            member: MemberInput { education: Some("Trung học cơ sở".into()), ..Default::default() },
            ..ev("info_changed", "2026-11-20", None)
        };
        s.record_event(&admin(), &ids[2], info.parse(today()).unwrap(), today()).await.unwrap();
        // A member recorded today, admitted in 2010 (born 1980: two bands in the history).
        org(&s, "P02-B0", "grassroots_branch", Some("P02"), "2000-01-01").await;
        add_member(&s, member_input("P02-B0", "Lê", "Văn", "Tâm")).await;
        // A grassroots organisation of the first commune goes to the second province.
        let grassroots = s.org_children(&admin(), "P01-X001", today()).await.unwrap().into_iter().find(|c| c.kind.is_grassroots()).unwrap();
        let mv = OrgEventInput { kind: "moved".into(), effective_on: "2026-03-01".into(), parent: Some("P02-X1".into()), ..Default::default() };
        s.org_event(&admin(), &grassroots.code, mv.parse(today()).unwrap()).await.unwrap();
        same_everywhere(&s, backend, &["TW", "P01", "P02", "P01-H1", "P01-X001", "P02-X1"], &dates).await;
        let p02 = s.member_stats(&admin(), "P02", today()).await.unwrap();
        assert!(p02.total > 1, "{backend}: the moved organisation's members are counted in the new province ({})", p02.total);
    })
    .await;
}

/// Levels are dated facts: an education changed in 2021 counts at the old level on 31/12/2019
/// and at the new one today, in the kept counts as member by member; a correction (the value
/// was always wrong) changes the past too.
#[tokio::test]
async fn a_level_changed_in_2021_counts_at_the_old_level_in_2019() {
    each_backend(|s, backend| async move {
        s.load_scale(Scale::Commune, 11, today(), |_| {}).await.unwrap().unwrap();
        let f = MemberFilter { org: Some("P01-X001".into()), limit: 50, ..Default::default() };
        let members = s.list_members(&admin(), &f, today()).await.unwrap().items;
        let old: Vec<String> = members.into_iter().filter(|m| m.ceremony_date < d("2019-01-01")).map(|m| m.id).take(2).collect();
        const NEW: &str = "Bổ túc trung học phổ thông";
        let change = |id: &str, on: &str, how: &str| {
            let input = EventInput {
                kind: "info_changed".into(),
                effective_on: on.into(),
                change: Some(how.into()),
                member: MemberInput { education: Some(NEW.into()), ..Default::default() },
                ..Default::default()
            };
            let (s, id) = (s.clone(), id.to_string());
            async move { s.record_event(&admin(), &id, input.parse(today()).unwrap(), today()).await.unwrap() }
        };
        let with_new = |form: &dangbo_db::MemberStats| {
            form.breakdowns.iter().filter(|b| b.dimension == "education").flat_map(|b| b.rows.iter()).filter(|(v, _)| v == NEW).map(|(_, n)| *n).sum::<i64>()
        };
        change(&old[0], "2021-06-01", "change").await;
        for code in ["P01", "P01-X001"] {
            assert_eq!(with_new(&s.member_stats(&admin(), code, d("2019-12-31")).await.unwrap()), 0, "{backend}: {code} in 2019");
            assert_eq!(with_new(&s.member_stats(&admin(), code, today()).await.unwrap()), 1, "{backend}: {code} today");
        }
        // The drill-down lists the same member on the same dates.
        let listed = |on: NaiveDate| {
            let f = MemberFilter { org: Some("P01".into()), education: Some(NEW.into()), as_of: Some(on), limit: 50, ..Default::default() };
            let s = s.clone();
            async move { s.list_members(&admin(), &f, today()).await.unwrap().total }
        };
        assert_eq!((listed(d("2019-12-31")).await, listed(today()).await), (0, 1), "{backend}");
        change(&old[1], "2026-11-20", "correction").await;
        assert_eq!(with_new(&s.member_stats(&admin(), "P01", d("2019-12-31")).await.unwrap()), 1, "{backend}: a correction holds from the start");
        assert_eq!(with_new(&s.member_stats(&admin(), "P01", today()).await.unwrap()), 2, "{backend}");
        same_everywhere(&s, backend, &["TW", "P01", "P01-X001"], &["2019-12-31", "2021-05-31", "2021-06-01", "2026-11-27"]).await;
    })
    .await;
}

/// Writers side by side (PostgreSQL runs them concurrently): each rewrites the same rows of the
/// Centre, the provinces and the communes, and none may count another's change twice or lose it.
#[tokio::test]
async fn kept_counts_stay_right_with_writers_side_by_side() {
    each_backend(|s, backend| async move {
        s.load_scale(Scale::Commune, 7, today(), |_| {}).await.unwrap().unwrap();
        org(&s, "P02", "province", Some("TW"), "2000-01-01").await;
        org(&s, "P02-X1", "commune", Some("P02"), "2025-07-01").await;
        org(&s, "P02-X1-B", "grassroots_branch", Some("P02-X1"), "2025-07-01").await;
        let f = MemberFilter { org: Some("P01-X001".into()), limit: 100, ..Default::default() };
        let members = s.list_members(&admin(), &f, today()).await.unwrap().items;
        let members: Vec<_> = members.into_iter().filter(|m| m.ceremony_date < d("2020-01-01")).take(24).collect();
        assert_eq!(members.len(), 24, "{backend}");
        let writers: Vec<_> = members
            .into_iter()
            .map(|m| {
                let s = s.clone();
                tokio::spawn(async move {
                    let ev = EventInput { kind: "transferred".into(), effective_on: "2026-02-01".into(), org: Some("P02-X1-B".into()), ..Default::default() };
                    s.record_event(&admin(), &m.id, ev.parse(today()).unwrap(), today()).await
                })
            })
            .collect();
        for w in writers {
            w.await.unwrap().unwrap();
        }
        same_everywhere(&s, backend, &["TW", "P01", "P02", "P01-X001", "P02-X1"], &["2026-01-31", "2026-02-01", "2026-11-27"]).await;
        let p02 = s.member_stats(&admin(), "P02", today()).await.unwrap();
        assert_eq!(p02.total, 24, "{backend}");
    })
    .await;
}

#[tokio::test]
async fn kept_counts_equal_counting_member_by_member_after_an_import() {
    each_backend(|s, backend| async move {
        s.load_scale(Scale::Commune, 5, today(), |_| {}).await.unwrap().unwrap();
        let f = MemberFilter { org: Some("P01-X001".into()), limit: 500, ..Default::default() };
        let mut branches: Vec<String> = s.list_members(&admin(), &f, today()).await.unwrap().items.into_iter().map(|m| m.org).collect();
        branches.sort();
        branches.dedup();
        // Members of every age band, both sexes, admitted over 25 years, some still on probation.
        let rows: Vec<dangbo_db::ImportItem> = (0..240)
            .map(|i| {
                let mut m = member_input(&branches[i % branches.len()], "Phạm", "Văn", &format!("Nhập{i}"));
                let birth = 1945 + (i % 50) as i32;
                let joined = (2001 + (i % 25) as i32).max(birth + 19);
                let (month, day) = (i % 12 + 1, i % 28 + 1);
                m.sex = if i % 3 == 0 { "female".into() } else { "male".into() };
                m.birth_date = format!("{birth}-{month:02}-{day:02}");
                m.admission_decision_date = format!("{joined}-{month:02}-{day:02}");
                m.ceremony_date = format!("{joined}-{month:02}-{day:02}");
                m.full_date = (joined < 2025).then(|| format!("{}-{month:02}-{day:02}", joined + 1));
                m.cccd = Some(format!("0221{i:08}"));
                let mut item = dangbo_db::ImportItem::new(i + 2, m.clone(), today());
                // A data workbook's rows: levels that changed in 2021, an exemption in 2022.
                if i % 4 == 0 && joined < 2021 {
                    m.education = Some("12/12".into());
                    item = dangbo_db::ImportItem::new(i + 2, m, today());
                    let levels = |e: &str| Levels { education: e.into(), ..Default::default() };
                    item.extras.levels = vec![(d(&format!("{joined}-{month:02}-{day:02}")), levels("9/12")), (d("2021-05-04"), levels("12/12"))];
                    item.extras.exempt = (i % 8 == 0).then(|| (d("2022-01-10"), "other".to_string()));
                }
                item
            })
            .collect();
        let updates: Vec<MemberInput> =
            rows.iter().take(60).map(|r| MemberInput { theory: Some("Trung cấp".into()), phone: Some("0912345678".into()), ..r.input.clone() }).collect();
        let r = s.import_members(&admin(), rows, false, today()).await.unwrap();
        assert_eq!((r.created, r.committed, r.problems.len()), (240, true, 0), "{backend}: {:?}", r.problems.first());
        let dates = ["2001-06-30", "2010-01-01", "2019-12-31", "2021-05-04", "2022-01-10", "2025-06-30", "2025-07-01", "2026-11-27", "2031-01-01"];
        same_everywhere(&s, backend, &["TW", "P01", "P01-H1", "P01-X001"], &dates).await;
        // The same members again, with a theory level and a phone: updated from the day of the
        // import, counted at the new level from then and at the old one before.
        let rows = updates.into_iter().enumerate().map(|(n, i)| dangbo_db::ImportItem::new(n + 2, i, today()));
        let r = s.import_members(&admin(), rows, false, today()).await.unwrap();
        assert_eq!((r.updated, r.created, r.committed, r.problems.len()), (60, 0, true, 0), "{backend}: {:?}", r.problems.first());
        same_everywhere(&s, backend, &["TW", "P01", "P01-H1", "P01-X001"], &["2026-11-26", "2026-11-27", "2031-01-01"]).await;
    })
    .await;
}
