-- Party fees (issue 25): exemptions and reductions by decision, and remittances up the levels.
-- A relief waives `percent` of a member's fee from a month to a month (NULL: open-ended), by
-- the decision of the organisation that decided it (the member's grassroots organisation).
CREATE TABLE fee_relief (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id),
    kind TEXT NOT NULL,
    percent BIGINT NOT NULL,
    from_month TEXT NOT NULL,
    to_month TEXT,
    decision_no TEXT NOT NULL,
    decision_date TEXT NOT NULL,
    decided_by TEXT NOT NULL REFERENCES org(id),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX fee_relief_member ON fee_relief (member_id, from_month);

-- What an organisation sent up for the months from_month..to_month, to the organisation above
-- it then (NULL: above the register's top); the receiver records when it arrived.
CREATE TABLE fee_remittance (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    to_org_id TEXT REFERENCES org(id),
    from_month TEXT NOT NULL,
    to_month TEXT NOT NULL,
    amount BIGINT NOT NULL,
    sent_on TEXT NOT NULL,
    received_on TEXT,
    received_by TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX fee_remittance_org ON fee_remittance (org_id, from_month);
CREATE INDEX fee_remittance_to ON fee_remittance (to_org_id, from_month);
