-- The distinct name words of member search (no numbers): a prefix typed so far ("hù") expands
-- to the few whole words it can be ("hùng", "hùynh"…), each then found in member_word with its
-- subtree seek. A dictionary: words are added, never removed (an unused word matches nobody).
-- Filled from member_word by the store after this migration.
CREATE TABLE search_word (
    word BYTEA PRIMARY KEY
);
