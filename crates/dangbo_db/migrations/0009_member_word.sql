-- The word index of member search (derived, like member_span): one row per word of a member's
-- folded name, CCCD and card number, with the current path of the member's home branch. A
-- search scoped to a subtree then reads only that subtree's members whose name has the word,
-- instead of every member's text. Both keys are bytes, so ranges compare byte by byte whatever
-- the database's collation.
CREATE TABLE member_word (
    word BYTEA NOT NULL,
    path BYTEA NOT NULL,
    member_id TEXT NOT NULL REFERENCES member(id),
    PRIMARY KEY (word, path, member_id)
);
CREATE INDEX member_word_member ON member_word (member_id);
