use crate::lifecycle::{dossier, trained};
use crate::*;
use dangbo_core::candidate::Stage;
use dangbo_core::meeting::{AnswerInput, AttendanceEntry, HoldInput, MeetingInput, ProposalInput, ProposalState, SupervisorInput, TaskInput, VoteInput};
use dangbo_core::todo::TodoKind;
use dangbo_db::DbError;

fn plan(org: &str, on: &str) -> MeetingInput {
    MeetingInput {
        org: org.into(), kind: "regular".into(), planned_on: Some(on.into()), agenda: Some("Điểm danh\nBiểu quyết".into()), ..Default::default()
    }
}

fn field(e: &DbError) -> (String, &'static str) {
    match e {
        DbError::Invalid(f) => f.0.iter().next().map(|(k, v)| (k.clone(), v.key)).unwrap(),
        other => panic!("expected a field error, got {other:?}"),
    }
}

/// Everyone present but the members listed with another presence.
async fn hold(s: &Store, id: &str, on: &str, others: &[(&str, &str)], chair: &str) -> Result<(), DbError> {
    let roster = s.meeting_roster(&admin(), id, Some(d(on))).await.unwrap();
    let attendance = roster
        .iter()
        .map(|r| {
            let p = others.iter().find(|(m, _)| *m == r.member_id).map(|(_, p)| p.to_string()).unwrap_or_else(|| "present".into());
            AttendanceEntry { member_id: r.member_id.clone(), presence: p, reason: None }
        })
        .collect();
    let h = HoldInput {
        held_on: Some(on.into()),
        chair: Some(chair.into()),
        secretary: Some(chair.into()),
        prepared_on: Some(on.into()),
        attendance,
        ..Default::default()
    };
    s.hold_meeting(&admin(), id, h.parse(today()).unwrap()).await
}

fn vote(kind: &str, yes: &str, no: &str) -> VoteInput {
    VoteInput {
        kind: kind.into(),
        subject: Some("Nghị quyết tháng".into()),
        votes_for: Some(yes.into()),
        against: Some(no.into()),
        doc_no: Some("06-NQ/CB".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_meeting_decides_only_with_quorum_and_by_the_threshold_of_its_kind() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let mut members = vec![add_member(&s, member_input("B1", "Trần", "Văn", "Giới")).await];
        for given in ["An", "Bình", "Cường", "Dũng", "Hà", "Lan", "Minh", "Nga"] {
            members.push(add_member(&s, member_input("B1", "Nguyễn", "Văn", given)).await);
        }
        let outsider = add_member(&s, member_input("B2", "Lê", "Văn", "Ngoài")).await;
        // Bad plans: not a branch, before the branch existed.
        assert_eq!(field(&s.create_meeting(&admin(), plan("C", "2025-12-01").parse().unwrap()).await.unwrap_err()).1, "err-meeting-not-branch");
        assert_eq!(field(&s.create_meeting(&admin(), plan("B1", "1999-12-01").parse().unwrap()).await.unwrap_err()).1, "err-meeting-org-not-alive");
        let id = s.create_meeting(&admin(), plan("B1", "2025-12-01").parse().unwrap()).await.unwrap();
        assert_eq!(s.meeting_roster(&admin(), &id, None).await.unwrap().len(), 9, "{backend}");
        // Attendance must be the branch's đảng số exactly.
        let roster = s.meeting_roster(&admin(), &id, None).await.unwrap();
        let mut entries: Vec<AttendanceEntry> =
            roster.iter().map(|r| AttendanceEntry { member_id: r.member_id.clone(), presence: "present".into(), reason: None }).collect();
        entries.push(AttendanceEntry { member_id: outsider.clone(), presence: "present".into(), reason: None });
        let h = HoldInput { held_on: Some("2025-12-01".into()), attendance: entries.clone(), ..Default::default() };
        assert_eq!(field(&s.hold_meeting(&admin(), &id, h.parse(today()).unwrap()).await.unwrap_err()).1, "err-attendance-not-member");
        let h = HoldInput { held_on: Some("2025-12-01".into()), attendance: entries[..5].to_vec(), ..Default::default() };
        assert_eq!(field(&s.hold_meeting(&admin(), &id, h.parse(today()).unwrap()).await.unwrap_err()).1, "err-attendance-missing");
        // A vote before the meeting is held is refused.
        assert_eq!(field(&s.record_vote(&admin(), &id, vote("resolution", "5", "0").parse().unwrap()).await.unwrap_err()).1, "err-meeting-not-held");
        hold(&s, &id, "2025-12-01", &[(&members[8], "absent_excused")], &members[1]).await.unwrap();
        let m = s.meeting(&admin(), &id).await.unwrap();
        assert_eq!((m.item.attendance.eligible, m.item.attendance.present), (9, 8), "{backend}");
        assert!(m.item.quorum);
        // More votes than members present.
        assert_eq!(field(&s.record_vote(&admin(), &id, vote("resolution", "8", "1").parse().unwrap()).await.unwrap_err()).1, "err-vote-more-than-present");
        // An admission vote below 2/3 of the 9 full members is recorded as failed, and so is the
        // candidate's branch resolution; 6 of 9 passes and moves the candidate on.
        let cand = trained(&s, "Hoa", "2000-02-01", "2025-10-10").await;
        dossier(&s, &cand, "2025-11-03", &members[0]).await;
        let admission = |yes: &str| VoteInput { candidate: Some(cand.clone()), subject: None, ..vote("admission", yes, "0") };
        s.record_vote(&admin(), &id, admission("5").parse().unwrap()).await.unwrap();
        let m = s.meeting(&admin(), &id).await.unwrap();
        assert_eq!((m.votes[0].passed, m.votes[0].base, m.votes[0].threshold.as_str()), (false, 9, "≥2/3"), "{backend}");
        assert_eq!(m.votes[0].subject, "Lê Thị Hoa");
        assert_eq!(s.candidate(&admin(), &cand, today()).await.unwrap().stage, Stage::Dossier);
        s.record_vote(&admin(), &id, admission("6").parse().unwrap()).await.unwrap();
        assert_eq!(s.candidate(&admin(), &cand, today()).await.unwrap().stage, Stage::BranchProposed, "{backend}");
        // A recognition vote about a probationary member is linked from the member's record.
        let young = add_member(
            &s,
            dangbo_core::member::MemberInput {
                full_date: None,
                ceremony_date: "2024-11-20".into(),
                admission_decision_date: "2024-11-01".into(),
                ..member_input("B1", "Phạm", "Văn", "Dự")
            },
        )
        .await;
        let later_meeting = s.create_meeting(&admin(), plan("B1", "2025-12-02").parse().unwrap()).await.unwrap();
        hold(&s, &later_meeting, "2025-12-02", &[], &members[1]).await.unwrap();
        let recognition = VoteInput { member: Some(young.clone()), subject: None, ..vote("recognition", "7", "0") };
        s.record_vote(&admin(), &later_meeting, recognition.parse().unwrap()).await.unwrap();
        let votes = s.member_votes(&admin(), &young).await.unwrap();
        assert_eq!((votes.len(), votes[0].0.as_str(), votes[0].2.passed), (1, later_meeting.as_str(), true), "{backend}: 7 of 9 full members");
        let profile = s.member_profile(&admin(), &young, today()).await.unwrap();
        assert_eq!(profile.votes.iter().map(|v| (v.0.as_str(), v.1)).collect::<Vec<_>>(), votes.iter().map(|v| (v.0.as_str(), v.1)).collect::<Vec<_>>());
        let e = s
            .record_vote(&admin(), &later_meeting, VoteInput { member: Some(members[2].clone()), ..vote("recognition", "7", "0") }.parse().unwrap())
            .await
            .unwrap_err();
        assert_eq!(field(&e).1, "err-vote-not-probationary");
        // A resolution passes with more than half of the eligible members.
        s.record_vote(&admin(), &id, vote("resolution", "5", "3").parse().unwrap()).await.unwrap();
        assert!(s.meeting(&admin(), &id).await.unwrap().votes[2].passed);
        // Tasks and a proposal forwarded to the grassroots committee.
        let task = TaskInput {
            work: Some("Vận động đóng góp làm đường".into()),
            assignee: Some(members[2].clone()),
            due_on: Some("2025-12-20".into()),
            ..Default::default()
        };
        s.add_task(&admin(), &id, task.parse().unwrap()).await.unwrap();
        let p = ProposalInput {
            raised_by: Some("Đ/c Bình".into()), content: Some("Đề nghị sửa đèn đường thôn".into()), forward_to: Some("C".into())
        };
        let pid = s.raise_proposal(&admin(), &id, p.parse().unwrap()).await.unwrap();
        // The committee sees the proposal on its to-do list, overdue after 30 working days.
        let committee = user(&s, "dangUy", Role::Staff, Some("C")).await;
        let todo = s.todo(&committee, d("2026-02-01")).await.unwrap();
        let item = todo.iter().find(|t| t.kind == TodoKind::ProposalAnswer).expect("proposal on the to-do list");
        assert!(item.overdue && item.id == pid, "{backend}");
        // Closing needs the chair and secretary, which were recorded; after closing nothing changes.
        s.write_minutes(&admin(), &id, "Các ý kiến thống nhất.", "Chi bộ thống nhất.").await.unwrap();
        s.close_minutes(&admin(), &id).await.unwrap();
        assert_eq!(field(&s.write_minutes(&admin(), &id, "x", "y").await.unwrap_err()).1, "err-minutes-closed");
        assert_eq!(field(&s.record_vote(&admin(), &id, vote("resolution", "5", "0").parse().unwrap()).await.unwrap_err()).1, "err-minutes-closed");
        s.correct_minutes(&admin(), &id, "Sửa: đồng chí Nga vắng có lý do (ốm).").await.unwrap();
        assert_eq!(s.meeting(&admin(), &id).await.unwrap().corrections.len(), 1);
        // The answer comes back and is reported at the next meeting, which closes the proposal.
        let branch = user(&s, "bithuB1", Role::Secretary, Some("B1")).await;
        let answer =
            AnswerInput {
                action: "answer".into(), answer: Some("Đã giao xã sửa trong tháng 1".into()), on: Some("2026-01-10".into()), ..Default::default()
            };
        assert!(matches!(s.proposal_action(&branch, &pid, answer.parse(today()).unwrap()).await, Err(DbError::Forbidden)), "only the holder answers");
        s.proposal_action(&committee, &pid, answer.parse(today()).unwrap()).await.unwrap();
        let next = s.create_meeting(&admin(), plan("B1", "2026-01-05").parse().unwrap()).await.unwrap();
        hold(
            &s,
            &next,
            "2026-01-05",
            &[
                (&members[3], "absent_unexcused"),
                (&members[4], "absent_excused"),
                (&members[5], "absent_excused"),
                (&members[6], "absent_excused"),
                (&members[7], "absent_excused"),
            ],
            &members[1],
        )
        .await
        .unwrap();
        let report = AnswerInput { action: "report".into(), meeting: Some(next.clone()), ..Default::default() };
        assert_eq!(field(&s.proposal_action(&admin(), &pid, report.parse(today()).unwrap()).await.unwrap_err()).1, "err-proposal-date-order");
        let later = s.create_meeting(&admin(), plan("B1", "2026-02-02").parse().unwrap()).await.unwrap();
        hold(&s, &later, "2026-02-02", &[], &members[1]).await.unwrap();
        let report = AnswerInput { action: "report".into(), meeting: Some(later.clone()), ..Default::default() };
        s.proposal_action(&admin(), &pid, report.parse(today()).unwrap()).await.unwrap();
        let closed = s.proposals(&admin(), false).await.unwrap();
        assert_eq!(closed[0].state, ProposalState::Reported, "{backend}");
        assert_eq!(s.meeting(&admin(), &later).await.unwrap().reported_here.len(), 1);
        assert_eq!(s.meeting(&admin(), &later).await.unwrap().earlier_tasks.len(), 1, "the open task is shown at the next meeting");
        // 4 of 9 present: no quorum, the vote is refused and nothing is written.
        assert_eq!(field(&s.record_vote(&admin(), &next, vote("resolution", "4", "0").parse().unwrap()).await.unwrap_err()).1, "err-meeting-no-quorum");
        assert!(s.meeting(&admin(), &next).await.unwrap().votes.is_empty());
        // The branch secretary sees only her branch's meetings.
        assert!(s.list_meetings(&branch, "C", d("2025-01-01"), d("2026-12-31")).await.is_err());
        assert_eq!(s.list_meetings(&branch, "B1", d("2025-01-01"), d("2026-12-31")).await.unwrap().len(), 4);
    })
    .await;
}

#[tokio::test]
async fn the_committee_sees_regularity_coverage_and_quality() {
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let a = add_member(&s, member_input("B1", "Trần", "Văn", "An")).await;
        let b = add_member(&s, member_input("B1", "Trần", "Văn", "Bình")).await;
        let sup = add_member(&s, member_input("B2", "Phạm", "Văn", "Phụ")).await;
        let outsider = add_member(&s, member_input("B2", "Phạm", "Văn", "Ngoài")).await;
        let member_of_c = dangbo_core::cadre::PositionInput {
            org: "C".into(),
            member: sup.clone(),
            title: "committee_member".into(),
            from_on: "2015-08-20".into(),
            local: Some("1".into()),
            ..Default::default()
        };
        s.create_position(&admin(), member_of_c.parse(today()).unwrap()).await.unwrap();
        // Only a member of a committee above the branch supervises it.
        let not_committee = SupervisorInput { org: "B1".into(), member: outsider, from_on: Some("2019-01-01".into()), ..Default::default() };
        assert_eq!(field(&s.assign_supervisor(&admin(), not_committee.parse(today()).unwrap()).await.unwrap_err()).1, "err-not-committee-member", "{backend}");
        let assign = SupervisorInput { org: "B1".into(), member: sup.clone(), from_on: Some("2019-01-01".into()), ..Default::default() };
        s.assign_supervisor(&admin(), assign.parse(today()).unwrap()).await.unwrap();
        assert_eq!(field(&s.assign_supervisor(&admin(), assign.parse(today()).unwrap()).await.unwrap_err()).1, "err-position-overlap");
        // B1 meets every month but March; one thematic meeting in Q2 only; the supervisor
        // attends in January. B2 never meets.
        for month in (1..=12).filter(|m| *m != 3) {
            let on = format!("2019-{month:02}-10");
            let kind = if month == 5 { "thematic" } else { "regular" };
            let input = MeetingInput { kind: kind.into(), topic: Some("Học tập Chỉ thị 05".into()), ..plan("B1", &on) };
            let id = s.create_meeting(&admin(), input.parse().unwrap()).await.unwrap();
            let absent: Vec<(&str, &str)> = if month == 6 { vec![(&b, "absent_unexcused")] } else { vec![] };
            let mut h = HoldInput { held_on: Some(on.clone()), chair: Some(a.clone()), prepared_on: Some(on.clone()), ..Default::default() };
            h.supervisor = (month == 1).then(|| sup.clone());
            for r in s.meeting_roster(&admin(), &id, Some(d(&on))).await.unwrap() {
                let p = absent.iter().find(|(m, _)| *m == r.member_id).map(|(_, p)| *p).unwrap_or("present");
                h.attendance.push(AttendanceEntry { member_id: r.member_id, presence: p.into(), reason: None });
            }
            s.hold_meeting(&admin(), &id, h.parse(today()).unwrap()).await.unwrap();
        }
        let r = s.meeting_report(&admin(), "C", 2019, d("2026-01-01")).await.unwrap();
        let b1 = r.branches.iter().find(|x| x.org == "B1").unwrap();
        assert_eq!((b1.held, b1.missed_months.clone(), b1.missed_quarters.clone()), (11, vec![3], vec![1, 3, 4]), "{backend}");
        assert_eq!(b1.unsupervised_quarters, vec![2, 3, 4]);
        assert_eq!(b1.meets_quality, 10, "June had an unexcused absence");
        assert_eq!(b1.supervisors, vec!["Phạm Văn Phụ".to_string()]);
        let b2 = r.branches.iter().find(|x| x.org == "B2").unwrap();
        assert_eq!(b2.missed_months.len(), 12);
        assert_eq!((r.branches_total, r.branches_missing_months, r.meetings_held, r.meetings_quality), (2, 2, 11, 10), "{backend}");
        let listed = s.list_meetings(&admin(), "C", d("2019-06-01"), d("2019-06-30")).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(!listed[0].quality.unwrap().meets);
    })
    .await;
}

#[tokio::test]
async fn the_demo_has_a_year_of_meetings_to_report_on() {
    each_backend(|s, backend| async move {
        s.load_demo(1, today()).await.unwrap();
        let r = s.meeting_report(&admin(), "DH", 2019, d("2026-01-01")).await.unwrap();
        assert!(r.branches_total > 50, "{backend}: {}", r.branches_total);
        let expected: i64 = r.branches.iter().map(|b| b.months_alive.len() as i64).sum();
        assert!(r.meetings_held < expected && r.meetings_held > expected * 9 / 10, "{backend}: some months missed");
        assert!(r.branches_missing_months > 0 && r.branches_missing_months < r.branches_total / 3);
        assert!(r.meetings_quality > 0 && r.meetings_quality < r.meetings_held, "quality varies");
        let lacking: Vec<_> = r.branches.iter().filter(|b| b.supervisors.is_empty()).map(|b| (&b.org, b.months_alive.len(), b.held)).collect();
        assert!(lacking.is_empty(), "every branch has a supervisor: {lacking:?}");
        // The branch totals agree with the meeting list, and each meeting's roster is its đảng số.
        let listed = s.list_meetings(&admin(), "DH", d("2019-01-01"), d("2019-12-31")).await.unwrap();
        assert_eq!(listed.iter().filter(|m| m.held_on.is_some()).count() as i64, r.meetings_held, "{backend}");
        let one = &listed[0];
        let roster = s.meeting_roster(&admin(), &one.id, None).await.unwrap();
        assert_eq!(roster.len() as i64, one.attendance.roster);
        // Proposals: most reported back, some still awaiting the committee's answer.
        let all = s.proposals(&admin(), false).await.unwrap();
        assert!(all.iter().any(|p| p.state == ProposalState::Reported) && all.iter().any(|p| p.state == ProposalState::Forwarded), "{backend}");
        // Nothing of 2019 changes the seed's figures.
        let f = s.press_figures(&admin(), "DH", d("2015-01-01"), d("2019-12-31")).await.unwrap();
        assert_eq!((f.members, f.units_with_nonlocal_secretary), (Some(2068), Some(9)));
        // The 2019 course for branch secretaries who are village heads, and the skills contest.
        let courses = s.list_courses(&admin(), None, Some(2019)).await.unwrap();
        let course = courses.iter().find(|k| k.name.starts_with("Lớp bồi dưỡng bí thư chi bộ")).expect("the 2019 course");
        let detail = s.course(&admin(), &course.id).await.unwrap();
        assert!(detail.participants.len() > 20, "{backend}: {}", detail.participants.len());
        let who = &detail.participants[0].member_id;
        let positions = s.member_cadre(&admin(), who).await.unwrap().0;
        assert!(positions.iter().any(|p| p.title == "secretary") && positions.iter().any(|p| p.title == "village_head"), "{backend}");
        let contest = courses.iter().find(|k| k.name.starts_with("Hội thi")).expect("the 2019 contest");
        let contest = s.course(&admin(), &contest.id).await.unwrap();
        assert_eq!(contest.participants.iter().filter(|p| p.award == "Giải Nhất").count(), 1);
        assert!(s.member_courses(&admin(), who).await.unwrap().iter().any(|c| c.course_id == course.id));
        // The profile lists the same positions and courses.
        let profile = s.member_profile(&admin(), who, today()).await.unwrap();
        assert_eq!(profile.positions.len(), positions.len(), "{backend}");
        assert!(profile.courses.iter().any(|c| c.course_id == course.id), "{backend}");
        // The thematic meetings studied the district's documents.
        let docs = s.documents(&admin()).await.unwrap();
        let d05 = docs.iter().find(|x| x.number == "05-CT/TW").expect("Chỉ thị 05 in the library");
        let r = s.study_report(&admin(), "QN-XDH", &d05.id).await.unwrap();
        assert!(r.studied > 0 && r.studied <= r.members, "{backend}: {} of {}", r.studied, r.members);
    })
    .await;
}

#[tokio::test]
async fn documents_studied_at_meetings_and_members_assignments() {
    use dangbo_core::meeting::{AssignmentInput, DocumentInput};
    each_backend(|s, backend| async move {
        small_tree(&s).await;
        let a = add_member(&s, member_input("B1", "Trần", "Văn", "An")).await;
        let b = add_member(&s, member_input("B1", "Trần", "Văn", "Bình")).await;
        let c = add_member(&s, member_input("B1", "Trần", "Văn", "Cư")).await;
        add_member(&s, member_input("B2", "Lê", "Văn", "Khác")).await;
        let doc = |org: &str, number: &str| DocumentInput {
            org: org.into(),
            kind: "directive".into(),
            number: Some(number.into()),
            issued_on: Some("15/05/2016".into()),
            issuer: Some("Bộ Chính trị".into()),
            summary: Some("Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh".into()),
        };
        let d05 = s.create_document(&admin(), doc("C", "05-CT/TW").parse(today()).unwrap()).await.unwrap();
        s.create_document(&admin(), doc("B2", "01-NQ/CB").parse(today()).unwrap()).await.unwrap();
        let sec = user(&s, "bithu1", Role::Secretary, Some("B1")).await;
        let seen: Vec<String> = s.documents(&sec).await.unwrap().into_iter().map(|d| d.number).collect();
        assert_eq!(seen, vec!["05-CT/TW".to_string()], "{backend}: the committee's library above, not a sibling's");
        let id = s
            .create_meeting(&admin(), MeetingInput { kind: "thematic".into(), topic: Some("Chỉ thị 05".into()), ..plan("B1", "2026-03-10") }.parse().unwrap())
            .await
            .unwrap();
        hold(&s, &id, "2026-03-10", &[(&c, "absent_excused")], &a).await.unwrap();
        s.study_document(&sec, &id, &d05).await.unwrap();
        assert_eq!(s.meeting_documents(&sec, &id).await.unwrap().len(), 1);
        let r = s.study_report(&admin(), "C", &d05).await.unwrap();
        assert_eq!((r.members, r.studied), (4, 2), "{backend}");
        let missing: Vec<&str> = r.not_studied.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(missing, vec!["Trần Văn Cư", "Lê Văn Khác"]);
        // Assignments: shown on the profile and at the branch's meetings.
        let assign = AssignmentInput {
            member: b.clone(),
            kind: "area".into(),
            area: Some("Tổ dân phố 3".into()),
            from_on: Some("2026-01-01".into()),
            ..Default::default()
        };
        s.create_assignment(&sec, assign.parse(today()).unwrap()).await.unwrap();
        assert_eq!(s.member_assignments(&sec, &b).await.unwrap()[0].subject, "Tổ dân phố 3");
        assert_eq!(s.member_profile(&sec, &b, today()).await.unwrap().assignments[0].subject, "Tổ dân phố 3");
        assert_eq!(s.branch_assignments(&sec, "B1", d("2026-03-10")).await.unwrap().len(), 1);
        assert!(s.branch_assignments(&sec, "B1", d("2025-12-31")).await.unwrap().is_empty());
        let outside = add_member(&s, member_input("B2", "Lê", "Văn", "Xa")).await;
        let e = s.create_assignment(&sec, AssignmentInput { member: outside, ..assign }.parse(today()).unwrap()).await.unwrap_err();
        assert_eq!(field(&e).1, "err-member-unknown");
    })
    .await;
}
