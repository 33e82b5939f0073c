-- The annual review (issue 26): a member's rating for a year at each stage — the member's
-- self-assessment, the branch's proposal, the grassroots committee's decision (with its number
-- and date). One row a member, year and stage; the organisation is the branch (for a
-- proposal) or the grassroots organisation (for a decision) that gave it.
CREATE TABLE member_rating (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id),
    year BIGINT NOT NULL,
    stage TEXT NOT NULL,
    level TEXT NOT NULL,
    score BIGINT,
    org_id TEXT NOT NULL REFERENCES org(id),
    decision_no TEXT,
    decision_date TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE UNIQUE INDEX member_rating_stage ON member_rating (member_id, year, stage);
CREATE INDEX member_rating_org ON member_rating (org_id, year);
