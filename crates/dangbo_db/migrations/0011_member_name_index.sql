-- Old registers often have neither CCCD nor card number: an import matches such a row by full
-- name, date of birth and joining date, and the data-quality report looks for possible double
-- entries by name and date of birth. Without this index each such lookup reads every member.
CREATE INDEX member_name_birth ON member (full_name, birth_date);
