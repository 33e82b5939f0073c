-- Party fees (issue 25): a member's fee basis from a month on (category and base amount, a dated
-- fact with who recorded it), and the payments of each month, with the branch that collected
-- them, the date, the channel (cash to the branch, the public service portal) and the receipt.
-- Months are "YYYY-MM" text; amounts are đồng.
CREATE TABLE fee_basis (
    member_id TEXT NOT NULL REFERENCES member(id),
    from_month TEXT NOT NULL,
    category TEXT NOT NULL,
    base BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (member_id, from_month)
);

CREATE TABLE fee_payment (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id),
    month TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES org(id),
    amount BIGINT NOT NULL,
    paid_on TEXT NOT NULL,
    channel TEXT NOT NULL,
    receipt TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX fee_payment_member ON fee_payment (member_id, month);
CREATE INDEX fee_payment_org ON fee_payment (org_id, month);
-- A receipt number is used once (NULLs, payments without one, are distinct on both databases).
CREATE UNIQUE INDEX fee_payment_receipt ON fee_payment (receipt);
