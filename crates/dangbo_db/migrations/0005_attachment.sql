-- Temporary attachments under way (derived by replay): the host branch and the planned end.
-- The member is counted at home; the host sees the member through this row.
CREATE TABLE member_attachment (
    member_id TEXT PRIMARY KEY REFERENCES member(id),
    host_org_id TEXT NOT NULL REFERENCES org(id),
    until_on TEXT
);
CREATE INDEX member_attachment_host ON member_attachment (host_org_id);
