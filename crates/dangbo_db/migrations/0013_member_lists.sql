-- A member's profile lists the cadre moves and the votes about the member: both are read by
-- member, which without these indexes scanned every move and every vote of the register.
CREATE INDEX cadre_move_member ON cadre_move (member_id, start_on);
CREATE INDEX meeting_vote_member ON meeting_vote (member_id);
