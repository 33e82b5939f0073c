-- The lifecycle: rules as data, the working-day calendar, courses, candidates and their
-- admission steps, and annual admission targets.

-- Versions of the rules (dangbo_core::rules). Built-in versions are seeded at migration;
-- an admin adds or corrects versions. Values are text parsed by the rule's unit.
CREATE TABLE rule_version (
    rule_id TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    value TEXT NOT NULL,
    citation TEXT NOT NULL,
    confirmed BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (rule_id, effective_from)
);

-- Public holidays and make-up working days (weekends need no row).
CREATE TABLE calendar_day (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);

-- Training courses (lớp bồi dưỡng): the awareness class for candidates, the new-member course,
-- and the cadre courses share this table. org_id is the organising committee.
CREATE TABLE course (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    provider TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX course_org ON course (org_id, kind, start_date);

-- Quần chúng ưu tú on a branch's list. person is the JSON Person; the columns beside it are
-- for search and sorting. stage, stage_on and member_id are derived from candidate_step.
CREATE TABLE candidate (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    source TEXT NOT NULL,
    listed_on TEXT NOT NULL,
    person TEXT NOT NULL,
    full_name TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    search_text TEXT NOT NULL,
    sort_key BYTEA NOT NULL,
    stage TEXT NOT NULL,
    stage_on TEXT NOT NULL,
    member_id TEXT REFERENCES member(id),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX candidate_org ON candidate (org_id, stage);
CREATE INDEX candidate_sort ON candidate (sort_key, id);

CREATE TABLE course_enrolment (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES course(id),
    candidate_id TEXT REFERENCES candidate(id),
    member_id TEXT REFERENCES member(id),
    result TEXT NOT NULL,
    certificate_no TEXT,
    certificate_date TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (course_id, candidate_id),
    UNIQUE (course_id, member_id)
);
CREATE INDEX course_enrolment_candidate ON course_enrolment (candidate_id);

-- The admission file, step by step (append-only).
CREATE TABLE candidate_step (
    id TEXT PRIMARY KEY,
    candidate_id TEXT NOT NULL REFERENCES candidate(id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    doc_no TEXT,
    data TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (candidate_id, seq)
);

-- Chỉ tiêu kết nạp: the number of admissions a grassroots organisation is asked for in a year.
CREATE TABLE admission_target (
    org_id TEXT NOT NULL REFERENCES org(id),
    year BIGINT NOT NULL,
    target BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (org_id, year)
);
