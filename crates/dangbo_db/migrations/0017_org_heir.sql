-- Successors see their predecessors (issue 23 §8). An organisation that ended by merging into
-- another, or dissolved with its members sent to one, names it (`heir_id`, as the event said);
-- `heir_path` is the current path of the living organisation that takes over its history (the
-- heir, or the heir's heir when that ended too, and for an organisation that ended inside one
-- that later merged, that one's heir), kept by `org_heirs::refresh` after every change of the
-- tree. The read scope admits an organisation whose `heir_path` is in the caller's subtree;
-- writes never do. Filled from the recorded events at the first start after this migration.
ALTER TABLE org ADD COLUMN heir_id TEXT;
ALTER TABLE org ADD COLUMN heir_path TEXT;
CREATE INDEX org_heir ON org (heir_id);
