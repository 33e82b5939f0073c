-- Kept counts of the member form (derived from member_span, member and org_span, like
-- member_span from member_event; dangbo_core::tally): for the Centre and each province, the
-- day-by-day changes of its subtree's members by form dimension, as JSON [[dimension, value, n]].
-- The form on a date sums the rows up to it. Rows are not unique per (org_id, on_date): a
-- bulk import appends its own, and every row counts.
CREATE TABLE org_tally (
    org_id TEXT NOT NULL REFERENCES org(id),
    on_date TEXT NOT NULL,
    counts TEXT NOT NULL
);
CREATE INDEX org_tally_org ON org_tally (org_id, on_date);

-- Derived tables known to be complete: a migration that adds one leaves it to be built, and
-- the store builds it before using it.
CREATE TABLE derived_done (
    name TEXT PRIMARY KEY,
    done_at TEXT NOT NULL
);
