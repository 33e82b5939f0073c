-- Cadre planning (quy hoạch): a committee's planning cycle for a term, and the cadres planned for
-- each title with the dates they were added and removed (and why).
CREATE TABLE planning_cycle (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    term TEXT NOT NULL,
    approved_on TEXT NOT NULL,
    decision_no TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX planning_cycle_org ON planning_cycle (org_id, approved_on);

CREATE TABLE planning_entry (
    id TEXT PRIMARY KEY,
    cycle_id TEXT NOT NULL REFERENCES planning_cycle(id),
    member_id TEXT NOT NULL REFERENCES member(id),
    title TEXT NOT NULL,
    added_on TEXT NOT NULL,
    removed_on TEXT,
    removal_reason TEXT,
    removal_note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX planning_entry_cycle ON planning_entry (cycle_id, title);
CREATE INDEX planning_entry_member ON planning_entry (member_id);

-- Members taking part in a course or a contest (candidates enrol through course_enrolment):
-- one course model, two kinds of participant.
CREATE TABLE course_participant (
    course_id TEXT NOT NULL REFERENCES course(id),
    member_id TEXT NOT NULL REFERENCES member(id),
    result TEXT NOT NULL,
    award TEXT NOT NULL,
    certificate_no TEXT,
    certificate_date TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (course_id, member_id)
);
CREATE INDEX course_participant_member ON course_participant (member_id);

-- Column mappings chosen by hand on an import, remembered for the next files: a header (folded,
-- as dangbo_import::header_key gives it) and the field it holds ('' = ignore the column).
CREATE TABLE import_mapping (
    header TEXT PRIMARY KEY,
    field TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);

-- Whether a post was elected or appointed ('elected' | 'appointed'; NULL: not recorded).
ALTER TABLE position ADD COLUMN basis TEXT;
