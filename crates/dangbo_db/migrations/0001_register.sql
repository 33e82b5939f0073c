-- dangbo schema, one portable source for SQLite and PostgreSQL.
-- Rules: append-only (never edit a shipped file); only TEXT, BIGINT and BYTEA columns, so the
-- same statements and the same sqlx Any decoding work on both backends. Dates are ISO text
-- (YYYY-MM-DD sorts as it should); instants are RFC 3339 UTC text. Ids are UUIDv7 text made
-- by the application. "valid_to" is always exclusive and NULL means "still in force".

-- Organisations. The row holds the current state (materialised); org_span holds every state it
-- has had, so the tree can be rebuilt as of any date; org_event holds what happened, and why.
CREATE TABLE org (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    field TEXT NOT NULL,
    parent_id TEXT REFERENCES org(id),
    -- Current materialised path "/root-id/…/own-id/": the scope predicate is a prefix match.
    path TEXT NOT NULL,
    founded_on TEXT NOT NULL,
    ended_on TEXT,
    sort_key BYTEA NOT NULL
);
CREATE INDEX org_parent ON org (parent_id);
CREATE INDEX org_path ON org (path);

CREATE TABLE org_span (
    org_id TEXT NOT NULL REFERENCES org(id),
    parent_id TEXT REFERENCES org(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    PRIMARY KEY (org_id, valid_from)
);
CREATE INDEX org_span_parent ON org_span (parent_id, valid_from);

CREATE TABLE org_event (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    kind TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    decision_no TEXT,
    decision_date TEXT,
    issuer TEXT,
    data TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX org_event_org ON org_event (org_id, effective_on);

-- Members. member_event is the append-only truth; member (current state) and member_span
-- (home branch and status over time) are derived from it by dangbo_core::event::replay.
CREATE TABLE member (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES org(id),
    host_org_id TEXT REFERENCES org(id),
    status TEXT NOT NULL,
    episode BIGINT NOT NULL,
    family_name TEXT NOT NULL,
    middle_name TEXT NOT NULL,
    given_name TEXT NOT NULL,
    full_name TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    religion TEXT NOT NULL,
    birth_place TEXT NOT NULL,
    home_town TEXT NOT NULL,
    residence TEXT NOT NULL,
    phone TEXT NOT NULL,
    education TEXT NOT NULL,
    professional TEXT NOT NULL,
    theory TEXT NOT NULL,
    occupation TEXT NOT NULL,
    cccd TEXT UNIQUE,
    card_no TEXT UNIQUE,
    bio_no TEXT,
    admission_decision_no TEXT,
    admission_decision_date TEXT NOT NULL,
    ceremony_date TEXT NOT NULL,
    full_date TEXT,
    exit_date TEXT,
    search_text TEXT NOT NULL,
    sort_key BYTEA NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX member_org ON member (org_id);
CREATE INDEX member_sort ON member (sort_key, id);

CREATE TABLE member_event (
    id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES member(id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    decision_no TEXT,
    decision_date TEXT,
    issuer TEXT,
    data TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    UNIQUE (member_id, seq)
);

CREATE TABLE member_span (
    member_id TEXT NOT NULL REFERENCES member(id),
    org_id TEXT NOT NULL REFERENCES org(id),
    status TEXT NOT NULL,
    episode BIGINT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT
);
CREATE INDEX member_span_org ON member_span (org_id, valid_from);
CREATE INDEX member_span_member ON member_span (member_id);

-- Reference lists (ethnic groups, religions, levels): data an administrator can edit.
CREATE TABLE ref_item (
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL,
    ord BIGINT NOT NULL,
    PRIMARY KEY (kind, code)
);

-- Access. A user has one grant: a role on an organisation's subtree (admin: everything;
-- member: own record).
CREATE TABLE app_user (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    org_id TEXT REFERENCES org(id),
    member_id TEXT REFERENCES member(id),
    active BIGINT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE app_session (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES app_user(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE api_token (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES app_user(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE login_attempt (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    ip TEXT NOT NULL,
    at TEXT NOT NULL,
    ok BIGINT NOT NULL
);
CREATE INDEX login_attempt_user ON login_attempt (username, at);
CREATE INDEX login_attempt_ip ON login_attempt (ip, at);

-- Every write, and every opening of a member's full record. Never updated or deleted.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
