//! Member lists: a subtree's members on a date, filtered and searched ignoring diacritics,
//! sorted by given name, one keyset page at a time.

use super::{MemberFilter, MemberItem, MemberPage, NOT_RECORDED, is_name_word};
use crate::bulk::Val;
use crate::rows::{date, iso};
use crate::scope::{MEMBER_IN_SCOPE, ORG_IN_SCOPE};
use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use dangbo_core::member::Status;
use dangbo_core::org::OrgCode;
use dangbo_core::text;
use sqlx::Row;

impl Store {
    /// Members in the caller's scope (and `org`'s subtree) counted in đảng số on `as_of`,
    /// sorted by given name, one keyset page at a time.
    /// A page of more than [`AUDITED_PAGE`] members (the API's `limit` up to 500) is a read of
    /// many files at once: it is logged before it is returned.
    #[tracing::instrument(skip_all)]
    pub async fn list_members(&self, caller: &Caller, f: &MemberFilter, today: NaiveDate) -> Result<MemberPage, DbError> {
        let page = self.members_page(caller, f, today).await?;
        if page.items.len() as i64 > AUDITED_PAGE {
            let detail = serde_json::json!({"org": f.org, "q": f.q, "as_of": f.as_of.map(iso), "rows": page.items.len()});
            self.log_read(caller, "member.list", "org", f.org.as_deref().unwrap_or(""), detail).await?;
        }
        Ok(page)
    }

    async fn members_page(&self, caller: &Caller, f: &MemberFilter, today: NaiveDate) -> Result<MemberPage, DbError> {
        let as_of = f.as_of.unwrap_or(today);
        let q = text::fold(f.q.as_deref().unwrap_or(""));
        // Today's list of a subtree is found through the word index; a list as of another date
        // (members who have moved since) reads the members' text.
        let word = driving_word(&q).filter(|_| as_of == today);
        // A search under a named organisation reads it (and checks it is in scope) in the
        // search's own statement: one statement fewer on the busiest request.
        let root = match &f.org {
            Some(code) if word.is_none() => Some(self.org(caller, code).await?),
            _ => None,
        };
        let root_id = root.as_ref().map(|o| o.id.clone());
        let s = caller.scope();
        let (born_after, born_until) = f.age_band.map(|b| b.birth_bounds(as_of)).unwrap_or((None, None));
        let (cursor_key, cursor_id) = match f.cursor.as_deref().and_then(decode_cursor) {
            Some((k, i)) => (k, i),
            None => (Vec::new(), String::new()),
        };
        let within = match (&f.org, &root) {
            // A code that cannot be one names no organisation.
            (Some(code), None) => Some(Within::Org(OrgCode::parse(code).ok_or(DbError::NotFound)?)),
            (_, Some(o)) => Some(Within::Path(o.path.clone())),
            (None, None) if caller.is_admin() => Some(Within::Path(String::new())),
            (None, None) => caller.scope_path.clone().map(Within::Path),
        };
        let words = match (within, word) {
            (Some(within), Some(word)) => Some((word, within)),
            _ => None,
        };
        // Through the word index the subtree is the path range of today's tree: no need to
        // rebuild the tree as of the date.
        let (with, root_filter, bounds) = match (&root, &words) {
            (Some(r), None) => {
                let sub = self.subtree_sql(as_of, &r.path, 20).await?;
                (sub.with.to_string(), format!("AND {}", sub.cond), (sub.from, sub.to))
            }
            (_, Some((_, Within::Org(_)))) => (self.root_by_code(), "AND ($4 = $4 AND $20 = $20 AND $21 = $21)".to_string(), (String::new(), String::new())),
            _ => (String::new(), "AND ($4 = $4 AND $20 = $20 AND $21 = $21)".to_string(), (String::new(), String::new())),
        };
        let from_where = format!(
            "FROM member_span ms JOIN member m ON m.id = ms.member_id JOIN org o ON o.id = ms.org_id
             WHERE ms.valid_from <= $5 AND (ms.valid_to IS NULL OR ms.valid_to > $5) {root_filter} AND {MEMBER_IN_SCOPE}
               AND ($6 = '' OR m.search_text LIKE '%' || $6 || '%' ESCAPE '\\')
               AND ($7 = '' OR ms.status = $7)
               AND ($8 = '' OR m.sex = $8)
               AND ($9 = '' OR m.ethnicity = $9)
               AND ($10 = '' OR m.birth_date > $10)
               AND ($11 = '' OR m.birth_date <= $11)
               AND ($12 = '' OR m.religion = $12)
               AND ($13 = '' OR m.education = $13 OR ($13 = '{NOT_RECORDED}' AND m.education = ''))
               AND ($14 = '' OR m.professional = $14 OR ($14 = '{NOT_RECORDED}' AND m.professional = ''))
               AND ($15 = '' OR m.theory = $15 OR ($15 = '{NOT_RECORDED}' AND m.theory = ''))"
        );
        let range = match &words {
            Some((_, Within::Org(_))) => "$19 = $19 AND w.path >= (SELECT lo FROM root) AND w.path < (SELECT hi FROM root)",
            _ => "w.path >= $18 AND w.path < $19",
        };
        let word_filter = match &words {
            Some((w, _)) if w.exact => format!("AND m.id IN (SELECT w.member_id FROM member_word w WHERE w.word = $16 AND $17 = $17 AND {range})"),
            // A name prefix expands to its whole words, each sought within the subtree.
            Some((w, _)) if w.name => {
                format!(
                    "AND m.id IN (SELECT w.member_id FROM member_word w WHERE w.word IN (SELECT d.word FROM search_word d WHERE d.word >= $16 AND d.word < $17) AND {range})"
                )
            }
            Some(_) => format!("AND m.id IN (SELECT w.member_id FROM member_word w WHERE w.word >= $16 AND w.word < $17 AND {range})"),
            None => "AND ($16 = $16 AND $17 = $17 AND $18 = $18 AND $19 = $19)".to_string(),
        };
        let from_where = format!("{from_where} {word_filter}");
        let (word_from, word_to) = words.as_ref().map_or((vec![0], vec![0]), |(w, _)| (w.from.clone(), w.to.clone()));
        // $18: the root's code (read in the statement) or the path range's bounds ($18, $19).
        let (path_from, path_to): (Val, Val) = match &words {
            Some((_, Within::Org(code))) => (code.as_str().into(), vec![0u8].into()),
            Some((_, Within::Path(path))) => (path.as_bytes().to_vec().into(), [path.as_bytes(), &[0xff]].concat().into()),
            None => (vec![0u8].into(), vec![0u8].into()),
        };
        let limit = f.limit.clamp(1, 500);
        let bind = |sql: String| {
            let q = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(s.all)
                .bind(s.prefix.clone())
                .bind(s.self_id.clone())
                .bind(root_id.clone().unwrap_or_default())
                .bind(iso(as_of))
                .bind(crate::rows::like_escaped(&q))
                .bind(f.status.map(|s| s.as_str()).unwrap_or("").to_string())
                .bind(f.sex.clone().unwrap_or_default())
                .bind(f.ethnicity.clone().unwrap_or_default())
                .bind(born_after.map(iso).unwrap_or_default())
                .bind(born_until.map(iso).unwrap_or_default())
                .bind(f.religion.clone().unwrap_or_default())
                .bind(f.education.clone().unwrap_or_default())
                .bind(f.professional.clone().unwrap_or_default())
                .bind(f.theory.clone().unwrap_or_default())
                .bind(word_from.clone())
                .bind(word_to.clone());
            crate::bulk::bind_all(q, [path_from.clone(), path_to.clone()]).bind(bounds.0.clone()).bind(bounds.1.clone())
        };
        let columns = "m.id, m.full_name, o.code, o.name AS org_name, ms.status, m.sex, m.birth_date, m.ceremony_date, m.sort_key";
        let count_sql = format!("{with} SELECT COUNT(*) {from_where}");
        if words.is_some() {
            // A search through the word index matches few members: one statement reads them
            // once, counts them and sorts them (a count, then a page, read them twice).
            let with_hits = if with.is_empty() { "WITH".to_string() } else { format!("{with},") };
            let sql = format!(
                "{with_hits} hits AS MATERIALIZED (SELECT {columns} {from_where})
                 SELECT h.*, (SELECT COUNT(*) FROM hits) FROM hits h
                 WHERE (length($22) = 0 OR h.sort_key > $22 OR (h.sort_key = $22 AND h.id > $23)) ORDER BY h.sort_key, h.id LIMIT $24"
            );
            let rows = bind(sql).bind(cursor_key).bind(cursor_id).bind(limit + 1).fetch_all(&self.pool).await?;
            let total: i64 = match rows.first() {
                Some(r) => r.try_get(9)?,
                // No row on this page (no match, or a cursor past the end): count alone, once
                // the organisation read in the statement is known to exist in scope.
                None => {
                    if let Some((_, Within::Org(code))) = &words {
                        self.org(caller, code.as_str()).await?;
                    }
                    bind(count_sql).fetch_one(&self.pool).await?.try_get(0)?
                }
            };
            return page_of(&rows, limit, total);
        }
        let total: i64 = bind(count_sql).fetch_one(&self.pool).await?.try_get(0)?;
        let page_sql = if total <= SORT_AFTER_FILTER {
            // Few matches: read them all, then sort. Walking the name index in order and
            // filtering would read much of the register to fill a page of a small branch.
            let with_hits = if with.is_empty() { "WITH".to_string() } else { format!("{with},") };
            format!(
                "{with_hits} hits AS MATERIALIZED (SELECT {columns} {from_where})
                 SELECT * FROM hits WHERE (length($22) = 0 OR sort_key > $22 OR (sort_key = $22 AND id > $23)) ORDER BY sort_key, id LIMIT $24"
            )
        } else {
            format!(
                "{with} SELECT {columns} {from_where}
                   AND (length($22) = 0 OR m.sort_key > $22 OR (m.sort_key = $22 AND m.id > $23))
                 ORDER BY m.sort_key, m.id LIMIT $24"
            )
        };
        let rows = bind(page_sql).bind(cursor_key).bind(cursor_id).bind(limit + 1).fetch_all(&self.pool).await?;
        page_of(&rows, limit, total)
    }
}

/// The longest page of members read without an audit row (the pages' own size).
pub const AUDITED_PAGE: i64 = 50;

/// Up to this many matches a list page is sorted after filtering; beyond, it walks the name
/// index in order (many matches fill a page quickly).
const SORT_AFTER_FILTER: i64 = 10_000;

/// The subtree a search through the word index looks in.
enum Within {
    /// The range of paths under this one, given as values.
    Path(String),
    /// The organisation of this code, read (and checked in scope) by the statement itself.
    Org(OrgCode),
}

impl Store {
    /// `root`: the path range (as bytes, like the word index's) of the organisation whose code
    /// is `$18`, if it is in the caller's scope (`$1`, `$2`); `/` is followed by `0`.
    fn root_by_code(&self) -> String {
        let bytes = |e: &str| match self.backend {
            crate::Backend::Sqlite => format!("CAST({e} AS BLOB)"),
            crate::Backend::Postgres => format!("convert_to({e}, 'UTF8')"),
        };
        format!(
            "WITH root AS (SELECT {} AS lo, {} AS hi FROM org o WHERE o.code = $18 AND {ORG_IN_SCOPE})",
            bytes("o.path"),
            bytes("substr(o.path, 1, length(o.path) - 1) || '0'")
        )
    }
}

/// The word a search is driven by, as a byte range of the word index.
struct DrivingWord {
    from: Vec<u8>,
    to: Vec<u8>,
    exact: bool,
    /// A name word (not a number): its prefix expands through the dictionary.
    name: bool,
}

/// The last word typed, as a prefix (given names come last and tell the most); a last word of
/// one letter gives way to the whole word before it. The full text still has to match.
fn driving_word(folded: &str) -> Option<DrivingWord> {
    let words: Vec<&str> = folded.split_whitespace().collect();
    let last = *words.last()?;
    if last.chars().count() >= 2 || words.len() == 1 {
        return Some(DrivingWord { from: last.as_bytes().to_vec(), to: [last.as_bytes(), &[0xff]].concat(), exact: false, name: is_name_word(last) });
    }
    let whole = words[words.len() - 2];
    Some(DrivingWord { from: whole.as_bytes().to_vec(), to: whole.as_bytes().to_vec(), exact: true, name: is_name_word(whole) })
}

/// A keyset page from rows of (id, full_name, org code, org name, status, sex, birth date,
/// joining date, sort key), fetched with `LIMIT limit + 1`.
pub(crate) fn page_of(rows: &[sqlx::any::AnyRow], limit: i64, total: i64) -> Result<MemberPage, DbError> {
    let mut items = Vec::with_capacity(rows.len());
    let mut last_key = Vec::new();
    for r in rows.iter().take(limit as usize) {
        let status: String = r.try_get(4)?;
        items.push(MemberItem {
            id: r.try_get(0)?,
            full_name: r.try_get(1)?,
            org: r.try_get(2)?,
            org_name: r.try_get(3)?,
            status: crate::rows::decoded(&status, Status::parse, "Status")?,
            sex: r.try_get(5)?,
            birth_date: date(&r.try_get::<String, _>(6)?)?,
            ceremony_date: date(&r.try_get::<String, _>(7)?)?,
        });
        last_key = r.try_get(8)?;
    }
    let next_cursor = (rows.len() as i64 > limit).then(|| encode_cursor(&last_key, &items.last().map(|i| i.id.clone()).unwrap_or_default()));
    Ok(MemberPage { items, total, next_cursor })
}

pub(crate) fn encode_cursor(key: &[u8], id: &str) -> String {
    format!("{}.{}", hex::encode(key), id)
}

pub(crate) fn decode_cursor(s: &str) -> Option<(Vec<u8>, String)> {
    let (k, id) = s.split_once('.')?;
    Some((hex::decode(k).ok()?, id.to_string()))
}
