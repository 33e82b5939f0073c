//! Member lists: a subtree's members on a date, filtered and searched ignoring diacritics,
//! sorted by given name, one keyset page at a time. `list_plan` decides how a page is read;
//! here each way is one function.

use super::list_plan::{DrivingWord, ListPlan, PageWay, Route, Within, encode_cursor, plan};
use super::{MemberFilter, MemberItem, MemberPage, NOT_RECORDED};
use crate::bulk::Val;
use crate::rows::{date, iso};
use crate::scope::{MEMBER_IN_SCOPE, ORG_IN_SCOPE};
use crate::{Caller, DbError, OrgRow, Store};
use chrono::NaiveDate;
use dangbo_core::member::Status;
use sqlx::Any;
use sqlx::Row;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

impl Store {
    /// Members in the caller's scope (and `org`'s subtree) counted in đảng số on `as_of`,
    /// sorted by given name, one keyset page at a time.
    /// A page of more than [`AUDITED_PAGE`] members (the API's `limit` up to 500) is a read of
    /// many files at once: it is logged before it is returned. The plan's name is on the span,
    /// so a slow statement's log line says which way the list was read.
    #[tracing::instrument(skip_all, fields(plan))]
    pub async fn list_members(&self, caller: &Caller, f: &MemberFilter, today: NaiveDate) -> Result<MemberPage, DbError> {
        let reach = if caller.is_admin() { Some("") } else { caller.scope_path.as_deref() };
        let p = plan(f, today, reach)?;
        tracing::Span::current().record("plan", p.route.name());
        let page = match &p.route {
            Route::WordIndex { word, within } => self.members_by_word(caller, f, &p, word, within).await?,
            Route::Subtree { code } => {
                let root = self.org(caller, code).await?;
                self.members_filtered(caller, f, &p, Some(&root)).await?
            }
            Route::Scope => self.members_filtered(caller, f, &p, None).await?,
        };
        if page.items.len() as i64 > AUDITED_PAGE {
            let detail = serde_json::json!({"org": f.org, "q": f.q, "as_of": f.as_of.map(iso), "rows": page.items.len()});
            self.log_read(caller, "member.list", "org", f.org.as_deref().unwrap_or(""), detail).await?;
        }
        Ok(page)
    }

    /// [`Route::WordIndex`]: the word index of today's tree within the subtree; one statement
    /// reads the matches once, counts them and sorts them (a count, then a page, read them twice).
    async fn members_by_word(&self, caller: &Caller, f: &MemberFilter, p: &ListPlan, word: &DrivingWord, within: &Within) -> Result<MemberPage, DbError> {
        let with = match within {
            Within::Org(_) => self.root_by_code(),
            Within::Path(_) => String::new(),
        };
        let range = match within {
            Within::Org(_) => "$19 = $19 AND w.path >= (SELECT lo FROM root) AND w.path < (SELECT hi FROM root)",
            Within::Path(_) => "w.path >= $18 AND w.path < $19",
        };
        let word_filter = if word.exact {
            format!("AND m.id IN (SELECT w.member_id FROM member_word w WHERE w.word = $16 AND $17 = $17 AND {range})")
        } else if word.name {
            // A name prefix expands to its whole words, each sought within the subtree.
            format!(
                "AND m.id IN (SELECT w.member_id FROM member_word w WHERE w.word IN (SELECT d.word FROM search_word d WHERE d.word >= $16 AND d.word < $17) AND {range})"
            )
        } else {
            format!("AND m.id IN (SELECT w.member_id FROM member_word w WHERE w.word >= $16 AND w.word < $17 AND {range})")
        };
        let from_where = format!("{} {word_filter}", filtered_from(NO_ROOT));
        // Whole-word matches of the last word come first ("an" finds Ân before Anh and Ánh),
        // then by given name. The hits are few and read once, so pages go by position in that
        // order: the cursor is an offset, and the keyset ($22, $23) stays empty.
        let rank = if word.exact {
            "0".to_string()
        } else {
            format!(
                "CASE WHEN m.id IN (SELECT w2.member_id FROM member_word w2 WHERE w2.word = $16 AND {}) THEN 0 ELSE 1 END",
                range.replace("w.path", "w2.path")
            )
        };
        let offset = ranked_offset(&p.after.1);
        let p = &ListPlan { after: Default::default(), ..p.clone() };
        // $18: the root's code (read in the statement) or the path range's bounds ($18, $19).
        let path: (Val, Val) = match within {
            Within::Org(code) => (code.as_str().into(), vec![0u8].into()),
            Within::Path(path) => (path.as_bytes().to_vec().into(), [path.as_bytes(), &[0xff]].concat().into()),
        };
        let b = Binds { caller, f, p, root_id: String::new(), word: (word.from.clone(), word.to.clone()), path, bounds: Default::default() };
        let with_hits = if with.is_empty() { "WITH".to_string() } else { format!("{with},") };
        let sql = format!(
            "{with_hits} hits AS MATERIALIZED (SELECT {COLUMNS}, {rank} AS word_rank {from_where})
             SELECT h.*, (SELECT COUNT(*) FROM hits) AS hits FROM hits h
             WHERE (length($22) = 0 OR h.sort_key > $22 OR (h.sort_key = $22 AND h.id > $23)) ORDER BY h.word_rank, h.sort_key, h.id LIMIT $24 OFFSET {offset}"
        );
        let rows = b.page(sql).fetch_all(&self.pool).await?;
        let total: i64 = match rows.first() {
            Some(r) => r.try_get("hits")?,
            // No row on this page (no match, or a cursor past the end): count alone, once the
            // organisation read in the statement is known to exist in scope.
            None => {
                if let Within::Org(code) = within {
                    self.org(caller, code.as_str()).await?;
                }
                b.query(format!("{with} SELECT COUNT(*) AS n {from_where}")).fetch_one(&self.pool).await?.try_get("n")?
            }
        };
        let mut page = page_of(&rows, p.limit, total)?;
        if page.next_cursor.is_some() {
            page.next_cursor = Some(encode_cursor(&[], &format!("@{}", offset + p.limit)));
        }
        Ok(page)
    }

    /// [`Route::Subtree`] and [`Route::Scope`]: the matches counted, then a page read the
    /// [`PageWay`] the count calls for.
    async fn members_filtered(&self, caller: &Caller, f: &MemberFilter, p: &ListPlan, root: Option<&OrgRow>) -> Result<MemberPage, DbError> {
        let (with, root_filter, bounds) = match root {
            Some(r) => {
                let sub = self.subtree_sql(p.as_of, &r.path, 20).await?;
                (sub.with.to_string(), format!("AND {}", sub.cond), (sub.from, sub.to))
            }
            None => (String::new(), NO_ROOT.to_string(), Default::default()),
        };
        let from_where = format!("{} {NO_WORD}", filtered_from(&root_filter));
        let no_path = || -> Val { vec![0u8].into() };
        let root_id = root.map(|o| o.id.clone()).unwrap_or_default();
        let b = Binds { caller, f, p, root_id, word: (vec![0], vec![0]), path: (no_path(), no_path()), bounds };
        let total: i64 = b.query(format!("{with} SELECT COUNT(*) AS n {from_where}")).fetch_one(&self.pool).await?.try_get("n")?;
        let sql = match PageWay::for_total(total) {
            PageWay::SortAfterFilter => {
                let with_hits = if with.is_empty() { "WITH".to_string() } else { format!("{with},") };
                format!(
                    "{with_hits} hits AS MATERIALIZED (SELECT {COLUMNS} {from_where})
                     SELECT * FROM hits WHERE (length($22) = 0 OR sort_key > $22 OR (sort_key = $22 AND id > $23)) ORDER BY sort_key, id LIMIT $24"
                )
            }
            PageWay::WalkNameIndex => format!(
                "{with} SELECT {COLUMNS} {from_where}
                   AND (length($22) = 0 OR m.sort_key > $22 OR (m.sort_key = $22 AND m.id > $23))
                 ORDER BY m.sort_key, m.id LIMIT $24"
            ),
        };
        let rows = b.page(sql).fetch_all(&self.pool).await?;
        page_of(&rows, p.limit, total)
    }
}

/// The furthest a ranked search pages (its cursor is a position in its hits).
const MAX_OFFSET: i64 = 1_000_000;

/// The position a ranked search's cursor (`@<n>`) names; any other cursor starts over.
fn ranked_offset(cursor_id: &str) -> i64 {
    cursor_id.strip_prefix('@').and_then(|n| n.parse::<i64>().ok()).filter(|n| (0..=MAX_OFFSET).contains(n)).unwrap_or(0)
}

/// The longest page of members read without an audit row (the pages' own size).
pub const AUDITED_PAGE: i64 = 50;

const COLUMNS: &str = "m.id, m.full_name, o.code, o.name AS org_name, ms.status, m.sex, m.birth_date, m.ceremony_date, m.sort_key";

/// The root's and the subtree's parameters, unused: every statement binds the same 24.
const NO_ROOT: &str = "AND ($4 = $4 AND $20 = $20 AND $21 = $21)";
const NO_WORD: &str = "AND ($16 = $16 AND $17 = $17 AND $18 = $18 AND $19 = $19)";

/// The members counted on `$5`, in scope, matching the filters (`$6`–`$15`).
fn filtered_from(root_filter: &str) -> String {
    format!(
        "FROM member_span ms JOIN member m ON m.id = ms.member_id JOIN org o ON o.id = ms.org_id
         WHERE ms.valid_from <= $5 AND (ms.valid_to IS NULL OR ms.valid_to > $5) {root_filter} AND {MEMBER_IN_SCOPE}
           AND ($6 = '' OR m.search_text LIKE '%' || $6 || '%' ESCAPE '\\')
           AND ($7 = '' OR ms.status = $7)
           AND ($8 = '' OR m.sex = $8)
           AND ($9 = '' OR m.ethnicity = $9)
           AND ($10 = '' OR m.birth_date > $10)
           AND ($11 = '' OR m.birth_date <= $11)
           AND ($12 = '' OR m.religion = $12)
           AND ($13 = '' OR ms.education = $13 OR ($13 = '{NOT_RECORDED}' AND ms.education = ''))
           AND ($14 = '' OR ms.professional = $14 OR ($14 = '{NOT_RECORDED}' AND ms.professional = ''))
           AND ($15 = '' OR ms.theory = $15 OR ($15 = '{NOT_RECORDED}' AND ms.theory = ''))"
    )
}

/// The values every list statement binds, in order: scope ($1–$3), root ($4), day ($5),
/// filters ($6–$15), word range ($16, $17), path range or root code ($18, $19), subtree bounds
/// ($20, $21); a page adds the cursor ($22, $23) and the limit ($24).
struct Binds<'a> {
    caller: &'a Caller,
    f: &'a MemberFilter,
    p: &'a ListPlan,
    root_id: String,
    word: (Vec<u8>, Vec<u8>),
    path: (Val, Val),
    bounds: (String, String),
}

impl Binds<'_> {
    fn query(&self, sql: String) -> Query<'static, Any, AnyArguments> {
        let (s, f, p) = (self.caller.scope(), self.f, self.p);
        let q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(s.prefix.clone())
            .bind(s.self_id.clone())
            .bind(self.root_id.clone())
            .bind(iso(p.as_of))
            .bind(crate::rows::like_escaped(&p.text))
            .bind(f.status.map(|s| s.as_str()).unwrap_or("").to_string())
            .bind(f.sex.clone().unwrap_or_default())
            .bind(f.ethnicity.clone().unwrap_or_default())
            .bind(p.born.0.map(iso).unwrap_or_default())
            .bind(p.born.1.map(iso).unwrap_or_default())
            .bind(f.religion.clone().unwrap_or_default())
            .bind(f.education.clone().unwrap_or_default())
            .bind(f.professional.clone().unwrap_or_default())
            .bind(f.theory.clone().unwrap_or_default())
            .bind(self.word.0.clone())
            .bind(self.word.1.clone());
        crate::bulk::bind_all(q, [self.path.0.clone(), self.path.1.clone()]).bind(self.bounds.0.clone()).bind(self.bounds.1.clone())
    }

    /// A page: the statement with the cursor and one row more than the limit.
    fn page(&self, sql: String) -> Query<'static, Any, AnyArguments> {
        self.query(sql).bind(self.p.after.0.clone()).bind(self.p.after.1.clone()).bind(self.p.limit + 1)
    }
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

/// A keyset page from rows of (id, full_name, org code, org name, status, sex, birth date,
/// joining date, sort key), fetched with `LIMIT limit + 1`.
pub(crate) fn page_of(rows: &[sqlx::any::AnyRow], limit: i64, total: i64) -> Result<MemberPage, DbError> {
    let mut items = Vec::with_capacity(rows.len());
    let mut last_key = Vec::new();
    for r in rows.iter().take(limit as usize) {
        let status: String = r.try_get("status")?;
        items.push(MemberItem {
            id: r.try_get("id")?,
            full_name: r.try_get("full_name")?,
            org: r.try_get("code")?,
            org_name: r.try_get("org_name")?,
            status: crate::rows::decoded(&status, Status::parse, "Status")?,
            sex: r.try_get("sex")?,
            birth_date: date(&r.try_get::<String, _>("birth_date")?)?,
            ceremony_date: date(&r.try_get::<String, _>("ceremony_date")?)?,
        });
        last_key = r.try_get("sort_key")?;
    }
    let next_cursor = (rows.len() as i64 > limit).then(|| encode_cursor(&last_key, &items.last().map(|i| i.id.clone()).unwrap_or_default()));
    Ok(MemberPage { items, total, next_cursor })
}
