//! Meeting commands as typed (form or JSON) and parsed into checked values.

use super::{MeetingKind, Presence, Tally, VoteKind};
use crate::error::FieldErrors;
use crate::org::{OrgCode, parse_opt_code, parse_past_date};
use crate::text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

fn clean_opt(v: &Option<String>) -> String {
    v.as_deref().map(text::clean).unwrap_or_default()
}

fn opt_id(v: &Option<String>) -> Option<String> {
    Some(clean_opt(v)).filter(|s| !s.is_empty())
}

fn date_field(e: &mut FieldErrors, name: &str, v: &Option<String>, required: bool) -> Option<NaiveDate> {
    let s = v.as_deref().map(str::trim).unwrap_or("");
    if s.is_empty() {
        if required {
            e.add(name, "err-required");
        }
        return None;
    }
    crate::date::parse(s).or_else(|| {
        e.add(name, "err-date-invalid");
        None
    })
}

fn count(e: &mut FieldErrors, name: &str, v: &Option<String>) -> i64 {
    match v.as_deref().map(str::trim).unwrap_or("") {
        "" => 0,
        s => s.parse::<i64>().ok().filter(|n| (0..=100_000).contains(n)).unwrap_or_else(|| {
            e.add(name, "err-number");
            0
        }),
    }
}

/// Plans a meeting of a branch.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingInput {
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::meeting::MeetingKind))]
    pub kind: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub planned_on: Option<String>,
    /// "19:30"
    #[serde(default)]
    pub starts_at: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub topic: Option<String>,
    /// One agenda item per line.
    #[serde(default)]
    pub agenda: Option<String>,
    /// Documents from the upper level to pass on, one per line.
    #[serde(default)]
    pub documents: Option<String>,
    /// "1": keep this agenda as the branch's template for meetings of this kind.
    #[serde(default)]
    pub save_template: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewMeeting {
    pub org: OrgCode,
    pub kind: MeetingKind,
    pub planned_on: NaiveDate,
    pub starts_at: String,
    pub place: String,
    pub topic: String,
    pub agenda: Vec<String>,
    pub documents: Vec<String>,
    pub save_template: bool,
}

fn lines(v: &Option<String>) -> Vec<String> {
    v.as_deref().unwrap_or("").lines().map(text::clean).filter(|l| !l.is_empty()).collect()
}

fn time_of_day(e: &mut FieldErrors, name: &str, v: &Option<String>) -> String {
    let s = clean_opt(v);
    if !s.is_empty() && chrono::NaiveTime::parse_from_str(&s, "%H:%M").is_err() {
        e.add(name, "err-time-invalid");
    }
    s
}

impl MeetingInput {
    pub fn parse(&self) -> Result<NewMeeting, FieldErrors> {
        let mut e = FieldErrors::new();
        let org = parse_opt_code("org", &Some(self.org.clone()), &mut e);
        if org.is_none() {
            e.add("org", "err-required");
        }
        let kind = MeetingKind::parse(self.kind.trim());
        if kind.is_none() {
            e.add("kind", "err-choice");
        }
        let planned_on = date_field(&mut e, "planned_on", &self.planned_on, true);
        let starts_at = time_of_day(&mut e, "starts_at", &self.starts_at);
        let agenda = lines(&self.agenda);
        let topic = clean_opt(&self.topic);
        if kind == Some(MeetingKind::Thematic) && topic.is_empty() {
            e.add("topic", "err-required");
        }
        match (org, kind, planned_on) {
            (Some(org), Some(kind), Some(planned_on)) if e.is_empty() => Ok(NewMeeting {
                org,
                kind,
                planned_on,
                starts_at,
                place: clean_opt(&self.place),
                topic,
                agenda,
                documents: lines(&self.documents),
                save_template: matches!(self.save_template.as_deref(), Some("1" | "true" | "on")),
            }),
            _ => Err(e),
        }
    }
}

/// One member's attendance as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceEntry {
    pub member_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::meeting::Presence))]
    pub presence: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Records that a meeting was held: when, who chaired and wrote the minutes, preparation, the
/// supervising committee member, and everyone's attendance.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoldInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub held_on: Option<String>,
    #[serde(default)]
    pub starts_at: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub chair: Option<String>,
    #[serde(default)]
    pub secretary: Option<String>,
    /// The date the branch committee met beforehand to agree the content.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub prepared_on: Option<String>,
    /// The committee member supervising the branch, when present.
    #[serde(default)]
    pub supervisor: Option<String>,
    #[serde(default)]
    pub guests: Option<String>,
    #[serde(default)]
    pub attendance: Vec<AttendanceEntry>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewHold {
    pub held_on: NaiveDate,
    pub starts_at: String,
    pub place: String,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    pub prepared_on: Option<NaiveDate>,
    pub supervisor: Option<String>,
    pub guests: String,
    pub attendance: Vec<(String, Presence, String)>,
}

impl HoldInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewHold, FieldErrors> {
        let mut e = FieldErrors::new();
        let held_on = parse_past_date("held_on", self.held_on.as_deref().unwrap_or(""), today, &mut e);
        let prepared_on = date_field(&mut e, "prepared_on", &self.prepared_on, false);
        if let (Some(p), Some(h)) = (prepared_on, held_on)
            && p > h
        {
            e.add("prepared_on", "err-prepared-after-meeting");
        }
        let starts_at = time_of_day(&mut e, "starts_at", &self.starts_at);
        let mut attendance = Vec::with_capacity(self.attendance.len());
        for a in &self.attendance {
            match Presence::parse(a.presence.trim()) {
                Some(p) => attendance.push((a.member_id.trim().to_string(), p, clean_opt(&a.reason))),
                None => e.add("attendance", "err-choice"),
            }
        }
        if attendance.is_empty() {
            e.add("attendance", "err-required");
        }
        match held_on {
            Some(held_on) if e.is_empty() => Ok(NewHold {
                held_on,
                starts_at,
                place: clean_opt(&self.place),
                chair: opt_id(&self.chair),
                secretary: opt_id(&self.secretary),
                prepared_on,
                supervisor: opt_id(&self.supervisor),
                guests: clean_opt(&self.guests),
                attendance,
            }),
            _ => Err(e),
        }
    }
}

/// A show-of-hands vote.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoteInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::meeting::VoteKind))]
    pub kind: String,
    #[serde(default)]
    pub subject: Option<String>,
    /// Admission: the candidate's file.
    #[serde(default)]
    pub candidate: Option<String>,
    /// Recognition: the probationary member.
    #[serde(default)]
    pub member: Option<String>,
    #[serde(default)]
    pub votes_for: Option<String>,
    #[serde(default)]
    pub against: Option<String>,
    #[serde(default)]
    pub abstain: Option<String>,
    /// The number of the branch resolution (for an admission, the 6-KNĐ).
    #[serde(default)]
    pub doc_no: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewVote {
    pub kind: VoteKind,
    pub subject: String,
    pub candidate: Option<String>,
    pub member: Option<String>,
    pub tally: Tally,
    pub doc_no: String,
}

impl VoteInput {
    pub fn parse(&self) -> Result<NewVote, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = VoteKind::parse(self.kind.trim());
        if kind.is_none() {
            e.add("kind", "err-choice");
        }
        let subject = clean_opt(&self.subject);
        let candidate = opt_id(&self.candidate);
        let member = opt_id(&self.member);
        match kind {
            Some(VoteKind::Admission) if candidate.is_none() => e.add("candidate", "err-required"),
            Some(VoteKind::Recognition) if member.is_none() => e.add("member", "err-required"),
            Some(VoteKind::Resolution) if subject.is_empty() => e.add("subject", "err-required"),
            _ => {}
        }
        if self.votes_for.as_deref().map(str::trim).unwrap_or("").is_empty() {
            e.add("votes_for", "err-required");
        }
        let tally = Tally {
            votes_for: count(&mut e, "votes_for", &self.votes_for),
            against: count(&mut e, "against", &self.against),
            abstain: count(&mut e, "abstain", &self.abstain),
        };
        let doc_no = clean_opt(&self.doc_no);
        if kind == Some(VoteKind::Admission) && doc_no.is_empty() {
            e.add("doc_no", "err-required");
        }
        match kind {
            Some(kind) if e.is_empty() => Ok(NewVote { kind, subject, candidate, member, tally, doc_no }),
            _ => Err(e),
        }
    }
}

/// A task from the meeting's conclusions.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskInput {
    #[serde(default)]
    pub work: Option<String>,
    /// A member of the branch (id); empty: the branch committee.
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub due_on: Option<String>,
    /// Marks an existing task done: the date it was done.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub done_on: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewTask {
    pub title: String,
    pub assignee: Option<String>,
    pub due_on: NaiveDate,
}

impl TaskInput {
    pub fn parse(&self) -> Result<NewTask, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = clean_opt(&self.work);
        if title.is_empty() {
            e.add("work", "err-required");
        }
        let due_on = date_field(&mut e, "due_on", &self.due_on, true);
        match due_on {
            Some(due_on) if e.is_empty() => Ok(NewTask { title, assignee: opt_id(&self.assignee), due_on }),
            _ => Err(e),
        }
    }
}

/// A proposal raised at a meeting, and where it is sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalInput {
    #[serde(default)]
    pub raised_by: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
    /// The organisation competent to answer (code); empty: kept by the branch for now.
    #[serde(default)]
    pub forward_to: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewProposal {
    pub raised_by: String,
    pub content: String,
    pub forward_to: Option<OrgCode>,
}

impl ProposalInput {
    pub fn parse(&self) -> Result<NewProposal, FieldErrors> {
        let mut e = FieldErrors::new();
        let raised_by = clean_opt(&self.raised_by);
        if raised_by.is_empty() {
            e.add("raised_by", "err-required");
        }
        let content = clean_opt(&self.content);
        if content.is_empty() {
            e.add("content", "err-required");
        }
        let forward_to = parse_opt_code("forward_to", &self.forward_to, &mut e);
        e.into_result(NewProposal { raised_by, content, forward_to })
    }
}

/// Forwarding, answering or reporting back a proposal.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerInput {
    /// "forward", "answer" or "report".
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub forward_to: Option<String>,
    #[serde(default)]
    pub answer: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub on: Option<String>,
    /// Report: the meeting at which the answer was reported back.
    #[serde(default)]
    pub meeting: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NewAnswer {
    Forward { to: OrgCode, on: NaiveDate },
    Answer { answer: String, on: NaiveDate },
    Report { meeting: String },
}

impl AnswerInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewAnswer, FieldErrors> {
        let mut e = FieldErrors::new();
        let action = self.action.trim();
        let on = match action {
            "forward" | "answer" => parse_past_date("on", self.on.as_deref().unwrap_or(""), today, &mut e),
            _ => None,
        };
        let out = match action {
            "forward" => {
                let to = parse_opt_code("forward_to", &self.forward_to, &mut e);
                if to.is_none() {
                    e.add("forward_to", "err-required");
                }
                to.zip(on).map(|(to, on)| NewAnswer::Forward { to, on })
            }
            "answer" => {
                let answer = clean_opt(&self.answer);
                if answer.is_empty() {
                    e.add("answer", "err-required");
                }
                on.map(|on| NewAnswer::Answer { answer, on })
            }
            "report" => {
                let meeting = opt_id(&self.meeting);
                if meeting.is_none() {
                    e.add("meeting", "err-required");
                }
                meeting.map(|meeting| NewAnswer::Report { meeting })
            }
            _ => {
                e.add("action", "err-choice");
                None
            }
        };
        match out {
            Some(a) if e.is_empty() => Ok(a),
            _ => Err(e),
        }
    }
}

/// Assigns a committee member to supervise a branch (phân công cấp ủy viên phụ trách chi bộ).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupervisorInput {
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub member: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub from_on: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub to_on: Option<String>,
    #[serde(default)]
    pub decision_no: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSupervisor {
    pub org: OrgCode,
    pub member_id: String,
    pub from_on: NaiveDate,
    pub to_on: Option<NaiveDate>,
    pub decision_no: String,
}

impl SupervisorInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewSupervisor, FieldErrors> {
        let mut e = FieldErrors::new();
        let org = parse_opt_code("org", &Some(self.org.clone()), &mut e);
        if org.is_none() {
            e.add("org", "err-required");
        }
        let member_id = text::clean(&self.member);
        if member_id.is_empty() {
            e.add("member", "err-required");
        }
        let from_on = parse_past_date("from_on", self.from_on.as_deref().unwrap_or(""), today, &mut e);
        let to_on = crate::org::parse_end_date("to_on", self.to_on.as_deref(), from_on, &mut e);
        match (org, from_on) {
            (Some(org), Some(from_on)) if e.is_empty() => Ok(NewSupervisor { org, member_id, from_on, to_on, decision_no: clean_opt(&self.decision_no) }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vote_needs_its_subject_and_numbers() {
        let v = VoteInput { kind: "admission".into(), votes_for: Some("7".into()), ..Default::default() };
        let e = v.parse().unwrap_err();
        assert!(e.0.contains_key("candidate") && e.0.contains_key("doc_no"));
        let v = VoteInput { kind: "resolution".into(), subject: Some("Nghị quyết tháng 5".into()), votes_for: Some("x".into()), ..Default::default() };
        assert_eq!(v.parse().unwrap_err().0["votes_for"].key, "err-number");
        let v = VoteInput {
            kind: "resolution".into(),
            subject: Some("Nghị quyết".into()),
            votes_for: Some("7".into()),
            against: Some("1".into()),
            ..Default::default()
        };
        assert_eq!(v.parse().unwrap().tally, Tally { votes_for: 7, against: 1, abstain: 0 });
    }

    #[test]
    fn a_meeting_cannot_be_held_in_the_future_or_prepared_after_it() {
        let today = NaiveDate::from_ymd_opt(2019, 5, 1).unwrap();
        let entry = AttendanceEntry { member_id: "m".into(), presence: "present".into(), reason: None };
        let h = HoldInput { held_on: Some("02/05/2019".into()), attendance: vec![entry.clone()], ..Default::default() };
        assert_eq!(h.parse(today).unwrap_err().0["held_on"].key, "err-date-future");
        let h = HoldInput { held_on: Some("30/04/2019".into()), prepared_on: Some("01/05/2019".into()), attendance: vec![entry], ..Default::default() };
        assert_eq!(h.parse(today).unwrap_err().0["prepared_on"].key, "err-prepared-after-meeting");
    }
}
