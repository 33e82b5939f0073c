//! The annual review: a branch proposes a rating for each of its members, the grassroots
//! committee decides on the proposals — stopped by the quota with the numbers — and a subtree's
//! summary counts the decisions and those not yet rated.

use crate::*;
use dangbo_core::rating::{Level, Rated, Stage};
use dangbo_db::{DbError, NewRatings};

fn rated(level: Level) -> Rated {
    Rated { level, score: None }
}

fn ratings(year: i32, stage: Stage, list: &[(&String, Level)], decision: Option<&str>) -> NewRatings {
    NewRatings {
        year,
        stage,
        ratings: list.iter().map(|(id, l)| ((*id).clone(), rated(*l))).collect(),
        decision: decision.map(|no| (no.to_string(), d("2026-11-20"))),
    }
}

fn refused(r: Result<usize, DbError>, field: &str, key: &str) -> Vec<(String, String)> {
    match r {
        Err(DbError::Invalid(e)) if e.has(field, key) => e.0[field].args.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        other => panic!("expected {field}: {key}, got {other:?}"),
    }
}

#[tokio::test]
async fn a_branch_proposes_and_the_committee_decides_within_the_quota() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let mut ids = Vec::new();
        for given in ["An", "Bình", "Cường", "Dũng", "Hà", "Lan", "Mai"] {
            ids.push(add_member(&s, member_input("B1", "Nguyễn", "Văn", given)).await);
        }
        let elsewhere = add_member(&s, member_input("B2", "Trần", "Thị", "Xa")).await;
        let sec = user(&s, "bt1", Role::Secretary, Some("B1")).await;
        let staff = user(&s, "vpdu", Role::Staff, Some("C")).await;
        use Level::*;
        let proposals: Vec<(&String, Level)> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                (
                    id,
                    if i == 0 || i == 1 {
                        Excellent
                    } else if i == 6 {
                        NotDone
                    } else {
                        Good
                    },
                )
            })
            .collect();

        // Only members of the branch on the review date.
        let stray = ratings(2026, Stage::Branch, &[(&elsewhere, Good)], None);
        refused(s.record_ratings(&sec, "B1", &stray, today()).await, &format!("level.{elsewhere}"), "err-rating-not-member");
        assert_eq!(s.record_ratings(&sec, "B1", &ratings(2026, Stage::Branch, &proposals, None), today()).await.unwrap(), 7, "{backend}");
        // A subordinate branch does not decide; the secretary cannot reach the committee.
        let own = ratings(2026, Stage::Decision, &proposals, Some("12-QĐ/ĐU"));
        refused(s.record_ratings(&sec, "B1", &own, today()).await, "stage", "err-rating-org");
        assert!(matches!(s.record_ratings(&sec, "C", &own, today()).await, Err(DbError::NotFound)), "{backend}");

        // Two HTXSNV against four HTTNV: at most 20% of four, none.
        let args = refused(s.record_ratings(&staff, "C", &own, today()).await, "level", "err-rating-quota");
        assert!(args.contains(&("excellent".into(), "2".into())) && args.contains(&("max".into(), "0".into())), "{backend}: {args:?}");
        refused(s.record_ratings(&staff, "C", &ratings(2026, Stage::Decision, &proposals[..1], None), today()).await, "decision_no", "err-required");
        let sheet = s.rating_sheet(&staff, "C", 2026, today()).await.unwrap();
        assert!(sheet.lines.iter().all(|l| l.decided.is_none()), "{backend}: nothing written");
        assert_eq!(sheet.lines.iter().filter(|l| l.proposed.is_some()).count(), 7, "{backend}");
        assert_eq!((sheet.regime.as_str(), sheet.scored, sheet.quota), ("qd366", true, 2000), "{backend}");

        // One HTXSNV, five HTTNV, one KHTNV: within the quota (one of five).
        let mut decided = proposals.clone();
        decided[1].1 = Good;
        assert_eq!(s.record_ratings(&staff, "C", &ratings(2026, Stage::Decision, &decided, Some("12-QĐ/ĐU")), today()).await.unwrap(), 7, "{backend}");
        let again = ratings(2026, Stage::Decision, &decided[..1], Some("13-QĐ/ĐU"));
        refused(s.record_ratings(&staff, "C", &again, today()).await, &format!("level.{}", ids[0]), "err-rating-decided");
        let late = add_member(&s, member_input("B1", "Lê", "Văn", "Muộn")).await;
        let early = ratings(2026, Stage::Decision, &[(&late, Good)], Some("14-QĐ/ĐU"));
        refused(s.record_ratings(&staff, "C", &early, today()).await, &format!("level.{late}"), "err-rating-no-proposal");

        let sum = s.rating_summary(&staff, "C", 2026, today()).await.unwrap();
        let m = &sum.members;
        assert_eq!((m.htxs, m.htt, m.ht, m.khtnv, m.not_rated), (1, 5, 0, 1, 2), "{backend}: the late member and B2's are not rated");
        // Rated KHTNV in 2025 as well: two years running, on the committee's to-do list.
        let last = &ids[6];
        s.record_ratings(&sec, "B1", &ratings(2025, Stage::Branch, &[(last, NotDone)], None), today()).await.unwrap();
        s.record_ratings(&staff, "C", &ratings(2025, Stage::Decision, &[(last, NotDone)], Some("40-QĐ/ĐU")), today()).await.unwrap();
        let todo = s.todo(&staff, today()).await.unwrap();
        let runs: Vec<_> = todo.iter().filter(|t| t.kind == dangbo_core::todo::TodoKind::RatingNotDoneRun).collect();
        assert_eq!(runs.len(), 1, "{backend}: {runs:?}");
        assert_eq!(runs[0].id, *last, "{backend}");
        assert!(runs[0].citation.contains("QĐ 24"), "{backend}: {}", runs[0].citation);
        let sheet = s.rating_sheet(&sec, "B1", 2026, today()).await.unwrap();
        let first = sheet.lines.iter().find(|l| l.member_id == ids[0]).unwrap();
        assert_eq!(first.decided.as_ref().map(|r| (r.level, r.decision_no.clone())), Some((Excellent, Some("12-QĐ/ĐU".into()))), "{backend}");
    })
    .await;
}
