-- Levels as dated facts (issue 23): each presence span carries the education, professional,
-- theory and occupation values in force over it; an info change cuts the span on its date, so
-- a count as of a date reads that date's values. Filled here from the member's current values
-- (right for every member whose levels never changed); the members with an info change lose
-- their episodes, which makes the store replay them at its start (`rebuild_missing`), cutting
-- their spans where their levels changed; the kept counts are rebuilt from the new spans.
-- Nullable only because a column added to a table with rows needs a value or a default; every
-- writer gives one, and the update below leaves no row without.
ALTER TABLE member_span ADD COLUMN education TEXT;
ALTER TABLE member_span ADD COLUMN professional TEXT;
ALTER TABLE member_span ADD COLUMN theory TEXT;
ALTER TABLE member_span ADD COLUMN occupation TEXT;
UPDATE member_span SET
    education = (SELECT m.education FROM member m WHERE m.id = member_span.member_id),
    professional = (SELECT m.professional FROM member m WHERE m.id = member_span.member_id),
    theory = (SELECT m.theory FROM member m WHERE m.id = member_span.member_id),
    occupation = (SELECT m.occupation FROM member m WHERE m.id = member_span.member_id);
DELETE FROM member_episode WHERE member_id IN (SELECT e.member_id FROM member_event e WHERE e.kind = 'info_changed');
DELETE FROM derived_done WHERE name LIKE 'org_tally%';
