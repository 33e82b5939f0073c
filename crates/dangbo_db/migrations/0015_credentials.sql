-- Tokens expire (NULL: a token made before expiry existed, kept valid until revoked).
ALTER TABLE api_token ADD COLUMN expires_at TEXT;

-- Columns chosen by hand for imports, remembered per committee (the organisation of the
-- user's grant; '' for an admin or the command line) so one commune's choice never changes
-- how another's files are read. Replaces import_mapping, which was one list for everyone.
CREATE TABLE import_mapping_scoped (
    scope_org TEXT NOT NULL,
    header TEXT NOT NULL,
    field TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (scope_org, header)
);
INSERT INTO import_mapping_scoped (scope_org, header, field, recorded_by, recorded_at)
    SELECT '', header, field, recorded_by, recorded_at FROM import_mapping;
