//! Member events and the replay that derives a member's state and history from them.
//!
//! Events are append-only. Each has the date it took effect (`effective_on`); the store adds who
//! recorded it and when. The current state and the dated spans (which branch, which status, from
//! when to when) are a pure function of the events, so a correction is one more event: replay
//! applies it in place of the event it corrects.

use crate::error::FieldErrors;
use crate::member::{PartyRecord, Person, Status};
use crate::org::string_enum;
use crate::rules;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

string_enum! {
    /// The kinds of member event a user can record.
    EventKind ("event") {
        Admitted = "admitted",
        TransferredIn = "transferred_in",
        Recognised = "recognised",
        Transferred = "transferred",
        /// Giấy giới thiệu sinh hoạt đảng issued: in transit until received.
        TransferIssued = "transfer_issued",
        TransferCancelled = "transfer_cancelled",
        TransferredOut = "transferred_out",
        TempAttached = "temp_attached",
        /// Phân công đảng viên chính thức giúp đỡ đảng viên dự bị.
        HelperAssigned = "helper_assigned",
        TempReturned = "temp_returned",
        Exempted = "exempted",
        ExemptionEnded = "exemption_ended",
        StruckOff = "struck_off",
        Left = "left",
        Expelled = "expelled",
        Deceased = "deceased",
        Readmitted = "readmitted",
        InfoChanged = "info_changed",
        CardIssued = "card_issued",
        /// Trao Huy hiệu Đảng.
        BadgeAwarded = "badge_awarded",
        Corrected = "corrected",
    }
}

impl EventKind {
    /// Events decided by the committee, not the branch: recognition as full member, expulsion,
    /// striking off, re-admission (the branch proposes; the committee decides).
    pub fn is_committee_decision(self) -> bool {
        matches!(self, EventKind::Recognised | EventKind::Expelled | EventKind::StruckOff | EventKind::Readmitted)
    }
    /// Kinds that need a target organisation.
    pub fn needs_org(self) -> bool {
        matches!(self, EventKind::Transferred | EventKind::TempAttached | EventKind::Readmitted)
    }
}

/// What an event says. Organisations are referred to by internal id (resolved by the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventData {
    /// Kết nạp: effective on the ceremony date.
    Admitted {
        person: Person,
        party: PartyRecord,
        org_id: String,
    },
    /// Entered the register from elsewhere (transfer in, or first registration of an old member).
    TransferredIn {
        person: Person,
        party: PartyRecord,
        org_id: String,
        status: Status,
        full_date: Option<NaiveDate>,
        from: String,
    },
    /// Công nhận chính thức: effective on the full-membership date.
    Recognised {},
    /// Chuyển sinh hoạt đảng chính thức within the register.
    Transferred {
        org_id: String,
    },
    /// The introduction letter (giấy giới thiệu sinh hoạt đảng) is issued: to a branch of the
    /// register (received by a `Transferred`) or elsewhere (closed by a `TransferredOut`). The
    /// member stays counted at home until then: nowhere twice, nowhere lost.
    TransferIssued {
        org_id: Option<String>,
        #[serde(default)]
        destination: String,
    },
    TransferCancelled {},
    /// Chuyển sinh hoạt đảng ra ngoài.
    TransferredOut {
        destination: String,
    },
    /// Sinh hoạt tạm thời: counted at home, not at the host.
    TempAttached {
        host_org_id: String,
        /// The end of the attachment (3 months to under a year; up to 2 years for study).
        #[serde(default)]
        until: Option<NaiveDate>,
        /// "study" or "work" (work, residence).
        #[serde(default)]
        purpose: String,
    },
    TempReturned {},
    HelperAssigned {
        helper_id: String,
    },
    /// Miễn công tác và sinh hoạt đảng. `age_health`: old age and weak health (the age threshold
    /// of the rules applies); `other`: the other grounds (long treatment far away…).
    Exempted {
        #[serde(default)]
        ground: String,
    },
    ExemptionEnded {},
    StruckOff {
        reason: String,
    },
    Left {
        reason: String,
    },
    Expelled {
        reason: String,
    },
    Deceased {},
    Readmitted {
        party: PartyRecord,
        org_id: String,
    },
    InfoChanged {
        person: Person,
        /// The values were always wrong (sửa sai): they replace the whole history of the fields
        /// that differ, instead of holding from the event's date.
        #[serde(default)]
        correction: bool,
    },
    CardIssued {
        card_no: String,
        #[serde(default)]
        reason: crate::card::CardReason,
    },
    /// Huy hiệu N năm tuổi Đảng (also posthumously).
    BadgeAwarded {
        years: i64,
        #[serde(default)]
        badge_no: String,
    },
    /// Replaces the date and content of an earlier event.
    Corrected {
        event_id: String,
        effective_on: NaiveDate,
        data: Box<EventData>,
    },
}

impl EventData {
    pub fn kind(&self) -> EventKind {
        match self {
            EventData::Admitted { .. } => EventKind::Admitted,
            EventData::TransferredIn { .. } => EventKind::TransferredIn,
            EventData::Recognised {} => EventKind::Recognised,
            EventData::Transferred { .. } => EventKind::Transferred,
            EventData::TransferredOut { .. } => EventKind::TransferredOut,
            EventData::TransferIssued { .. } => EventKind::TransferIssued,
            EventData::TransferCancelled {} => EventKind::TransferCancelled,
            EventData::TempAttached { .. } => EventKind::TempAttached,
            EventData::HelperAssigned { .. } => EventKind::HelperAssigned,
            EventData::TempReturned {} => EventKind::TempReturned,
            EventData::Exempted { .. } => EventKind::Exempted,
            EventData::ExemptionEnded {} => EventKind::ExemptionEnded,
            EventData::StruckOff { .. } => EventKind::StruckOff,
            EventData::Left { .. } => EventKind::Left,
            EventData::Expelled { .. } => EventKind::Expelled,
            EventData::Deceased {} => EventKind::Deceased,
            EventData::Readmitted { .. } => EventKind::Readmitted,
            EventData::InfoChanged { .. } => EventKind::InfoChanged,
            EventData::CardIssued { .. } => EventKind::CardIssued,
            EventData::BadgeAwarded { .. } => EventKind::BadgeAwarded,
            EventData::Corrected { .. } => EventKind::Corrected,
        }
    }
}

/// A stored event as replay sees it.
#[derive(Debug, Clone)]
pub struct EventRecord {
    pub id: String,
    /// Order of recording, to break ties between events of the same date.
    pub seq: i64,
    pub effective_on: NaiveDate,
    pub data: EventData,
}

/// A period during which a member had one home branch and one status. `to` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub org_id: String,
    pub status: Status,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub episode: i64,
    /// The levels in force over the span (a change of level cuts it).
    pub levels: Levels,
}

/// One admission episode: where and when the member was admitted (or arrived from outside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Episode {
    pub episode: i64,
    pub org_id: String,
    /// Admitted into this register (false for a transfer in from outside).
    pub admitted_here: bool,
    pub admission_decision_date: NaiveDate,
    pub ceremony_date: NaiveDate,
}

/// A transfer letter issued and not yet received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingTransfer {
    pub org_id: Option<String>,
    pub destination: String,
    pub issued_on: NaiveDate,
}

/// The state of a member after all events, plus the spans.
#[derive(Debug, Clone)]
pub struct Derived {
    /// The full member assigned to help during probation (đảng viên giúp đỡ).
    pub helper_id: Option<String>,
    /// An official transfer under way (letter issued, not yet received).
    pub pending_transfer: Option<PendingTransfer>,
    pub person: Person,
    pub party: PartyRecord,
    pub status: Status,
    /// Home branch (the last one, for members who left).
    pub org_id: String,
    pub host_org_id: Option<String>,
    /// The planned end of the temporary attachment.
    pub host_until: Option<NaiveDate>,
    pub episode: i64,
    pub full_date: Option<NaiveDate>,
    pub exit_date: Option<NaiveDate>,
    pub spans: Vec<Span>,
    pub episodes: Vec<Episode>,
}

/// Why an event cannot stand where it is in the member's history.
fn refuse(key: &'static str) -> FieldErrors {
    FieldErrors::single("type", key)
}

struct Replay<'a> {
    /// The rules the events are judged by (the store's versions, or the built-in ones).
    book: &'a rules::RuleBook,
    d: Derived,
    open_from: Option<NaiveDate>,
    levels: LevelHistory,
}

impl Replay<'_> {
    fn active(&self) -> bool {
        self.d.status.counted()
    }

    /// Moves to a new (org, status) from `on`, closing the open span.
    fn change(&mut self, on: NaiveDate, org_id: Option<String>, status: Status) {
        if let Some(from) = self.open_from.take()
            && from < on
        {
            self.d.spans.push(Span {
                org_id: self.d.org_id.clone(),
                status: self.d.status,
                from,
                to: Some(on),
                episode: self.d.episode,
                levels: Levels::default(),
            });
        }
        if let Some(o) = org_id {
            self.d.org_id = o;
        }
        self.d.status = status;
        if status.counted() {
            self.open_from = Some(on);
        } else {
            self.d.host_org_id = None;
            self.d.host_until = None;
            self.d.exit_date = Some(on);
        }
    }

    fn apply(&mut self, on: NaiveDate, data: &EventData) -> Result<(), FieldErrors> {
        use EventData as E;
        match data {
            E::Admitted { .. } | E::TransferredIn { .. } => return Err(refuse("err-event-already-member")),
            E::Recognised {} => {
                if self.d.status != Status::Probationary {
                    return Err(refuse("err-event-not-probationary"));
                }
                let months = self.book.number(rules::RuleId::ProbationMonths, self.d.party.ceremony_date);
                let due = crate::date::add_months(self.d.party.ceremony_date, months as u32);
                if on < due {
                    let mut e = FieldErrors::new();
                    e.add_with("effective_on", "err-probation-short", vec![("date", crate::date::display(due))]);
                    return Err(e);
                }
                self.d.full_date = Some(on);
                self.change(on, None, Status::Full);
            }
            E::Transferred { org_id } => {
                if !self.active() {
                    return Err(refuse("err-event-not-active"));
                }
                if *org_id == self.d.org_id {
                    return Err(FieldErrors::single("org", "err-same-org"));
                }
                let status = self.d.status;
                self.d.pending_transfer = None;
                self.change(on, Some(org_id.clone()), status);
            }
            E::TransferIssued { org_id, destination } => {
                if !self.active() {
                    return Err(refuse("err-event-not-active"));
                }
                if self.d.pending_transfer.is_some() {
                    return Err(refuse("err-transfer-pending"));
                }
                if org_id.as_deref() == Some(self.d.org_id.as_str()) {
                    return Err(FieldErrors::single("org", "err-same-org"));
                }
                self.d.pending_transfer = Some(PendingTransfer { org_id: org_id.clone(), destination: destination.clone(), issued_on: on });
            }
            E::TransferCancelled {} => {
                if self.d.pending_transfer.take().is_none() {
                    return Err(refuse("err-transfer-none"));
                }
            }
            E::TransferredOut { .. } => self.exit(on, Status::TransferredOut)?,
            E::StruckOff { .. } => self.exit(on, Status::StruckOff)?,
            E::Left { .. } => self.exit(on, Status::Left)?,
            E::Expelled { .. } => self.exit(on, Status::Expelled)?,
            E::Deceased {} => self.exit(on, Status::Deceased)?,
            E::TempAttached { host_org_id, until, purpose } => {
                if !self.active() {
                    return Err(refuse("err-event-not-active"));
                }
                if *host_org_id == self.d.org_id {
                    return Err(FieldErrors::single("org", "err-same-org"));
                }
                if let Some(until) = until {
                    checks::temp_period_allowed(self.book, on, *until, purpose == "study")?;
                }
                self.d.host_org_id = Some(host_org_id.clone());
                self.d.host_until = *until;
            }
            E::HelperAssigned { helper_id } => {
                if self.d.status != Status::Probationary {
                    return Err(refuse("err-event-not-probationary"));
                }
                self.d.helper_id = Some(helper_id.clone());
            }
            E::TempReturned {} => {
                if self.d.host_org_id.take().is_none() {
                    return Err(refuse("err-event-not-attached"));
                }
                self.d.host_until = None;
            }
            E::Exempted { ground } => {
                if self.d.status != Status::Full {
                    return Err(refuse("err-event-not-full"));
                }
                if ground == "age_health" {
                    self.old_enough(on)?;
                }
                self.change(on, None, Status::Exempt);
            }
            E::ExemptionEnded {} => {
                if self.d.status != Status::Exempt {
                    return Err(refuse("err-event-not-exempt"));
                }
                self.change(on, None, Status::Full);
            }
            E::Readmitted { party, org_id } => {
                if self.active() || self.d.status == Status::Deceased || self.d.status == Status::TransferredOut {
                    return Err(refuse("err-event-not-readmittable"));
                }
                self.readmission_allowed(party.admission_decision_date)?;
                self.d.party = party.clone();
                self.d.episode += 1;
                self.d.episodes.push(Episode {
                    episode: self.d.episode,
                    org_id: org_id.clone(),
                    admitted_here: true,
                    admission_decision_date: party.admission_decision_date,
                    ceremony_date: party.ceremony_date,
                });
                self.d.full_date = None;
                self.d.exit_date = None;
                self.change(on, Some(org_id.clone()), Status::Probationary);
            }
            E::InfoChanged { person, correction } => {
                self.levels.record(on, person, *correction);
                self.d.person = person.clone();
            }
            E::CardIssued { card_no, reason } => {
                if !matches!(self.d.status, Status::Full | Status::Exempt) {
                    return Err(refuse("err-event-not-full"));
                }
                // A first card once; a reissue replaces a card the member holds.
                match (reason, &self.d.party.card_no) {
                    (crate::card::CardReason::First, Some(_)) => return Err(FieldErrors::single("card_reason", "err-card-held")),
                    (r, None) if *r != crate::card::CardReason::First => return Err(FieldErrors::single("card_reason", "err-card-none")),
                    _ => {}
                }
                self.d.party.card_no = Some(card_no.clone());
            }
            E::BadgeAwarded { .. } => {
                if !matches!(self.d.status, Status::Full | Status::Exempt | Status::Deceased) {
                    return Err(refuse("err-event-not-full"));
                }
            }
            E::Corrected { .. } => {}
        }
        Ok(())
    }

    fn exit(&mut self, on: NaiveDate, status: Status) -> Result<(), FieldErrors> {
        if !self.active() {
            return Err(refuse("err-event-not-active"));
        }
        self.d.pending_transfer = None;
        self.change(on, None, status);
        Ok(())
    }
}

/// Replays a member's events (in any order) into the derived state, judged by the built-in
/// rules (the generator, tests); the store judges by its own versions ([`replay_by`]).
pub fn replay(events: &[EventRecord]) -> Result<Derived, FieldErrors> {
    replay_by(events, rules::RuleBook::builtin_ref())
}

/// Replays a member's events (in any order) into the derived state, each judged by the version
/// of `book`'s rules in force on its date (probation, exemption age, re-admission, temporary
/// attachment).
pub fn replay_by(events: &[EventRecord], book: &rules::RuleBook) -> Result<Derived, FieldErrors> {
    let mut effective: Vec<(NaiveDate, i64, EventData)> = Vec::with_capacity(events.len());
    for ev in events {
        if let EventData::Corrected { .. } = ev.data {
            continue;
        }
        // The last correction of an event wins.
        let corrected = events
            .iter()
            .filter_map(|c| match &c.data {
                EventData::Corrected { event_id, effective_on, data } if *event_id == ev.id => Some((c.seq, *effective_on, data)),
                _ => None,
            })
            .max_by_key(|(seq, _, _)| *seq);
        match corrected {
            Some((_, on, data)) => effective.push((on, ev.seq, (**data).clone())),
            None => effective.push((ev.effective_on, ev.seq, ev.data.clone())),
        }
    }
    effective.sort_by_key(|(on, seq, _)| (*on, *seq));
    let mut iter = effective.into_iter();
    let Some((start, _, first)) = iter.next() else {
        return Err(refuse("err-event-first"));
    };
    let mut r = match first {
        EventData::Admitted { person, party, org_id } => {
            let levels = LevelHistory::new(&person);
            let first = Episode {
                episode: 1,
                org_id: org_id.clone(),
                admitted_here: true,
                admission_decision_date: party.admission_decision_date,
                ceremony_date: party.ceremony_date,
            };
            Replay {
                book,
                d: Derived {
                    helper_id: None,
                    pending_transfer: None,
                    person,
                    party,
                    status: Status::Probationary,
                    org_id,
                    host_org_id: None,
                    host_until: None,
                    episode: 1,
                    full_date: None,
                    exit_date: None,
                    spans: vec![],
                    episodes: vec![first],
                },
                open_from: Some(start),
                levels,
            }
        }
        EventData::TransferredIn { person, party, org_id, status, full_date, .. } => {
            if !status.counted() {
                return Err(refuse("err-event-not-active"));
            }
            let levels = LevelHistory::new(&person);
            let first = Episode {
                episode: 1,
                org_id: org_id.clone(),
                admitted_here: false,
                admission_decision_date: party.admission_decision_date,
                ceremony_date: party.ceremony_date,
            };
            Replay {
                book,
                d: Derived {
                    helper_id: None,
                    pending_transfer: None,
                    person,
                    party,
                    status,
                    org_id,
                    host_org_id: None,
                    host_until: None,
                    episode: 1,
                    full_date,
                    exit_date: None,
                    spans: vec![],
                    episodes: vec![first],
                },
                open_from: Some(start),
                levels,
            }
        }
        _ => return Err(refuse("err-event-first")),
    };
    for (on, _, data) in iter {
        r.apply(on, &data)?;
    }
    if let Some(from) = r.open_from {
        r.d.spans.push(Span { org_id: r.d.org_id.clone(), status: r.d.status, from, to: None, episode: r.d.episode, levels: Levels::default() });
    }
    r.d.spans = r.levels.cut(std::mem::take(&mut r.d.spans));
    Ok(r.d)
}

mod checks;
mod input;
mod levels;
pub use input::{EventInput, NewEvent, core_changed, merged_person};
use levels::LevelHistory;
pub use levels::Levels;

#[cfg(test)]
mod tests;
