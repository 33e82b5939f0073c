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
-- The same changes summed by calendar year: a form on a date reads the years before it and
-- the days of its own year (a few hundred rows instead of one per day since 1930).
CREATE TABLE org_tally_year (
    org_id TEXT NOT NULL REFERENCES org(id),
    year BIGINT NOT NULL,
    counts TEXT NOT NULL
);
CREATE INDEX org_tally_year_org ON org_tally_year (org_id, year);

-- Derived tables known to be complete: a migration that adds one leaves it to be built, and
-- the store builds it before using it.
CREATE TABLE derived_done (
    name TEXT PRIMARY KEY,
    done_at TEXT NOT NULL
);
