-- Branch meetings: the meeting, everyone's attendance, votes, tasks from the conclusions,
-- proposals tracked to closure, corrections to closed minutes, agenda templates per branch,
-- and the committee members assigned to supervise branches.
CREATE TABLE meeting (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    planned_on TEXT NOT NULL,
    held_on TEXT,
    starts_at TEXT NOT NULL,
    place TEXT NOT NULL,
    topic TEXT NOT NULL,
    agenda TEXT NOT NULL,
    documents TEXT NOT NULL,
    chair_id TEXT REFERENCES member(id),
    secretary_id TEXT REFERENCES member(id),
    prepared_on TEXT,
    supervisor_id TEXT REFERENCES member(id),
    guests TEXT NOT NULL,
    opinions TEXT NOT NULL,
    conclusions TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX meeting_org ON meeting (org_id, planned_on);
CREATE INDEX meeting_held ON meeting (held_on);

CREATE TABLE meeting_attendance (
    meeting_id TEXT NOT NULL REFERENCES meeting(id),
    member_id TEXT NOT NULL REFERENCES member(id),
    presence TEXT NOT NULL,
    reason TEXT NOT NULL,
    full_member BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX meeting_attendance_member ON meeting_attendance (member_id);

CREATE TABLE meeting_vote (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meeting(id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    candidate_id TEXT REFERENCES candidate(id),
    member_id TEXT REFERENCES member(id),
    votes_for BIGINT NOT NULL,
    against BIGINT NOT NULL,
    abstain BIGINT NOT NULL,
    base BIGINT NOT NULL,
    passed BIGINT NOT NULL,
    threshold TEXT NOT NULL,
    citation TEXT NOT NULL,
    doc_no TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX meeting_vote_meeting ON meeting_vote (meeting_id, seq);

CREATE TABLE meeting_task (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meeting(id),
    org_id TEXT NOT NULL REFERENCES org(id),
    title TEXT NOT NULL,
    assignee_id TEXT REFERENCES member(id),
    due_on TEXT NOT NULL,
    done_on TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX meeting_task_org ON meeting_task (org_id, due_on);

CREATE TABLE meeting_proposal (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meeting(id),
    org_id TEXT NOT NULL REFERENCES org(id),
    raised_by TEXT NOT NULL,
    content TEXT NOT NULL,
    state TEXT NOT NULL,
    holder_org_id TEXT NOT NULL REFERENCES org(id),
    forwarded_on TEXT,
    answer TEXT NOT NULL,
    answered_on TEXT,
    reported_meeting_id TEXT REFERENCES meeting(id),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX meeting_proposal_org ON meeting_proposal (org_id, state);
CREATE INDEX meeting_proposal_holder ON meeting_proposal (holder_org_id, state);

CREATE TABLE meeting_correction (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meeting(id),
    entry TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX meeting_correction_meeting ON meeting_correction (meeting_id);

CREATE TABLE agenda_template (
    org_id TEXT NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL,
    agenda TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (org_id, kind)
);

CREATE TABLE supervisor (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    member_id TEXT NOT NULL REFERENCES member(id),
    from_on TEXT NOT NULL,
    to_on TEXT,
    decision_no TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX supervisor_org ON supervisor (org_id, from_on);

-- Members assigned to an area or a topic (phân công đảng viên phụ trách địa bàn, chuyên đề).
CREATE TABLE member_assignment (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id),
    org_id TEXT NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    from_on TEXT NOT NULL,
    to_on TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX member_assignment_member ON member_assignment (member_id);
CREATE INDEX member_assignment_org ON member_assignment (org_id, from_on);

-- The library of resolutions, directives and guidance a committee passes down, and the meetings
-- at which each was studied (học tập, quán triệt): who attended those meetings has studied it.
CREATE TABLE party_document (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    issuer TEXT NOT NULL,
    title TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX party_document_org ON party_document (org_id, issued_on);

CREATE TABLE meeting_document (
    meeting_id TEXT NOT NULL REFERENCES meeting(id),
    document_id TEXT NOT NULL REFERENCES party_document(id),
    PRIMARY KEY (meeting_id, document_id)
);
CREATE INDEX meeting_document_document ON meeting_document (document_id);
