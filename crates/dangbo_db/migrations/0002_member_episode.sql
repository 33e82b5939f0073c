-- Admission episodes (derived from member_event by replay, like member_span): one row per
-- admission or re-admission, and per arrival from outside the register (admitted_here = 0).
-- Admission statistics count these rows by decision date.
CREATE TABLE member_episode (
    member_id TEXT NOT NULL REFERENCES member(id),
    episode BIGINT NOT NULL,
    org_id TEXT NOT NULL REFERENCES org(id),
    admitted_here BIGINT NOT NULL,
    admission_decision_date TEXT NOT NULL,
    ceremony_date TEXT NOT NULL,
    age_at_admission BIGINT NOT NULL,
    PRIMARY KEY (member_id, episode)
);
CREATE INDEX member_episode_decision ON member_episode (admission_decision_date);
