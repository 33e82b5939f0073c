-- The member's photo (ảnh 4×6 of the biography, issue 23 §1): the latest one, JPEG or PNG of at
-- most 500 KB (checked before it is written), with who recorded it and when; each change is
-- audited. One row a member, read only with the member's file.
CREATE TABLE member_photo (
    member_id TEXT PRIMARY KEY REFERENCES member(id),
    content_type TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
