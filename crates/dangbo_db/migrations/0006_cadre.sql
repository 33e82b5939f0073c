-- Cadre work: positions in Party organisations (with locality), moves of leaders, competency
-- exams. Rows carry the organisation whose scope they belong to.
CREATE TABLE position (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id),
    org_id TEXT NOT NULL REFERENCES org(id),
    title TEXT NOT NULL,
    from_on TEXT NOT NULL,
    to_on TEXT,
    local BIGINT,
    local_reason TEXT NOT NULL,
    decision_no TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX position_org ON position (org_id, title, from_on);
CREATE INDEX position_member ON position (member_id);

CREATE TABLE cadre_move (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    member_id TEXT NOT NULL REFERENCES member(id),
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    from_unit TEXT NOT NULL,
    from_level TEXT NOT NULL,
    from_sector TEXT NOT NULL,
    to_unit TEXT NOT NULL,
    to_level TEXT NOT NULL,
    to_sector TEXT NOT NULL,
    decision_no TEXT,
    start_on TEXT NOT NULL,
    end_on TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX cadre_move_org ON cadre_move (org_id, start_on);

CREATE TABLE exam_session (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    name TEXT NOT NULL,
    held_on TEXT NOT NULL,
    level TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX exam_session_org ON exam_session (org_id, held_on);

CREATE TABLE exam_result (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES exam_session(id),
    full_name TEXT NOT NULL,
    unit TEXT NOT NULL,
    member_id TEXT REFERENCES member(id),
    score BIGINT,
    passed BIGINT
);
CREATE INDEX exam_result_session ON exam_result (session_id);
