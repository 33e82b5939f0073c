-- Party fees (issue 25): the monthly sums of each organisation's year, kept so that a
-- province's year is read, not replayed. A row holds, for the members owing each month to the
-- organisation itself (not its subtree), the twelve months' counts and amounts; it is valid
-- while its version equals the organisation's in fee_kept_version and its epoch equals the
-- row '*' there. Commands that change what a member owes or paid bump the versions of the
-- organisations the member was ever counted in (a bulk write, those its members are filed in);
-- a rule's change bumps '*'.
-- Rows are written when a read finds them missing or stale.
CREATE TABLE fee_kept (
    org_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    version BIGINT NOT NULL,
    epoch BIGINT NOT NULL,
    sums TEXT NOT NULL,
    PRIMARY KEY (org_id, year)
);

CREATE TABLE fee_kept_version (
    org_id TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
