-- Official transfers under way (derived from member_event by replay, like member_span): the
-- letter is issued and the member not yet received. The receiving branch sees the member
-- through this row; the member stays counted at home until received.
CREATE TABLE member_transfer (
    member_id TEXT PRIMARY KEY REFERENCES member(id),
    to_org_id TEXT REFERENCES org(id),
    destination TEXT NOT NULL,
    issued_on TEXT NOT NULL
);
CREATE INDEX member_transfer_to ON member_transfer (to_org_id);
