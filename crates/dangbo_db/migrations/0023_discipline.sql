-- Inspection, supervision and discipline (issue 27). The yearly programme of an organisation's
-- committee or commission; a case on a member, handled by an organisation (its inspection
-- commission or committee: the scope that sees it), under an item of the programme or not,
-- with its dated steps; the decision's penalty, with its vote and decision; complaints.
CREATE TABLE inspection_plan_item (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    year BIGINT NOT NULL,
    kind TEXT NOT NULL,
    target_org_id TEXT REFERENCES org(id),
    matter TEXT NOT NULL,
    from_month TEXT NOT NULL,
    to_month TEXT NOT NULL,
    team TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX inspection_plan_org ON inspection_plan_item (org_id, year);

CREATE TABLE discipline_case (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    member_id TEXT NOT NULL REFERENCES member(id),
    plan_item_id TEXT REFERENCES inspection_plan_item(id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    -- The violation's first and last day: the limitation period runs from the last.
    violation_from TEXT,
    violation_to TEXT NOT NULL,
    -- Days the case was deferred (pregnancy, serious illness…), not counted in the period.
    deferred_days BIGINT NOT NULL DEFAULT 0,
    opened_on TEXT NOT NULL,
    closed_on TEXT,
    outcome TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX discipline_case_member ON discipline_case (member_id);
CREATE INDEX discipline_case_org ON discipline_case (org_id, opened_on);

CREATE TABLE discipline_step (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES discipline_case(id),
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    document_no TEXT,
    note TEXT NOT NULL,
    -- A branch's vote (its full members as the base).
    vote_yes BIGINT,
    vote_no BIGINT,
    vote_abstain BIGINT,
    vote_base BIGINT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX discipline_step_case ON discipline_step (case_id, on_date);

CREATE TABLE discipline_penalty (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES discipline_case(id),
    member_id TEXT NOT NULL REFERENCES member(id),
    penalty TEXT NOT NULL,
    body TEXT NOT NULL,
    body_org_id TEXT NOT NULL REFERENCES org(id),
    vote_yes BIGINT NOT NULL,
    vote_no BIGINT NOT NULL,
    vote_abstain BIGINT NOT NULL,
    vote_base BIGINT NOT NULL,
    decision_no TEXT NOT NULL,
    decision_date TEXT NOT NULL,
    -- The day the member received the decision: the complaint's month runs from it.
    received_on TEXT,
    annulled_on TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE UNIQUE INDEX discipline_penalty_case ON discipline_penalty (case_id);
CREATE INDEX discipline_penalty_member ON discipline_penalty (member_id, decision_date);

CREATE TABLE discipline_complaint (
    id TEXT PRIMARY KEY,
    penalty_id TEXT NOT NULL REFERENCES discipline_penalty(id),
    filed_on TEXT NOT NULL,
    to_org_id TEXT NOT NULL REFERENCES org(id),
    resolve_by TEXT NOT NULL,
    result TEXT,
    new_penalty TEXT,
    resolved_on TEXT,
    resolution_no TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX discipline_complaint_penalty ON discipline_complaint (penalty_id);
CREATE INDEX discipline_complaint_open ON discipline_complaint (resolved_on, resolve_by);
