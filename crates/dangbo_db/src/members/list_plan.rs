//! How a member list is read, decided from the filter and the caller's reach alone — no
//! database — so that each way is tested on its own (below) and named in the logs.

use super::{MemberFilter, is_name_word};
use crate::DbError;
use chrono::NaiveDate;
use dangbo_core::org::OrgCode;
use dangbo_core::text;

/// The plan of one page of a member list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ListPlan {
    /// The day the members are counted on.
    pub as_of: NaiveDate,
    /// The search text, folded (diacritics and đ/d ignored); empty when there is none.
    pub text: String,
    pub route: Route,
    /// Birth dates of the age band: (born after, born on or before).
    pub born: (Option<NaiveDate>, Option<NaiveDate>),
    /// Where the page starts: the sort key and id of the previous page's last row (empty: first).
    pub after: (Vec<u8>, String),
    /// Rows on a page, 1–[`MAX_PAGE`].
    pub limit: i64,
}

/// The ways a list is read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Route {
    /// A search on today's tree: the last word typed drives the word index within a subtree;
    /// one statement reads, counts and sorts the few members it matches.
    WordIndex { word: DrivingWord, within: Within },
    /// A named organisation's subtree on the day (the organisation read first, in scope), then
    /// the filters.
    Subtree { code: String },
    /// The caller's whole scope, then the filters.
    Scope,
}

impl Route {
    /// The plan's name in the logs and spans.
    pub fn name(&self) -> &'static str {
        match self {
            Route::WordIndex { within: Within::Org(_), .. } => "word_index_in_org",
            Route::WordIndex { within: Within::Path(_), .. } => "word_index_in_scope",
            Route::Subtree { .. } => "subtree",
            Route::Scope => "scope",
        }
    }
}

/// The subtree a search through the word index looks in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Within {
    /// The range of paths under this one, given as values.
    Path(String),
    /// The organisation of this code, read (and checked in scope) by the statement itself.
    Org(OrgCode),
}

/// The word a search is driven by, as a byte range of the word index.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DrivingWord {
    pub from: Vec<u8>,
    pub to: Vec<u8>,
    pub exact: bool,
    /// A name word (not a number): its prefix expands through the dictionary.
    pub name: bool,
}

/// The longest page of a member list (the API's `limit`).
pub const MAX_PAGE: i64 = 500;

/// Up to this many matches a filtered page is sorted after filtering; beyond, it walks the
/// name index in order (many matches fill a page quickly).
pub(crate) const SORT_AFTER_FILTER: i64 = 10_000;

/// How a filtered (not word-driven) page is read once its matches are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageWay {
    /// Few matches: read them all, then sort. Walking the name index in order and filtering
    /// would read much of the register to fill a page of a small branch.
    SortAfterFilter,
    /// Many matches: walk the name index in order and stop at a page.
    WalkNameIndex,
}

impl PageWay {
    pub fn for_total(total: i64) -> Self {
        if total <= SORT_AFTER_FILTER { PageWay::SortAfterFilter } else { PageWay::WalkNameIndex }
    }
}

/// Plans a page. `reach` is the path the caller may read under (`Some("")` for an admin,
/// `None` for a caller with no scope). A named organisation whose code cannot be one is
/// `NotFound`, as if it did not exist.
pub(crate) fn plan(f: &MemberFilter, today: NaiveDate, reach: Option<&str>) -> Result<ListPlan, DbError> {
    let as_of = f.as_of.unwrap_or(today);
    let text = text::fold(f.q.as_deref().unwrap_or(""));
    // Today's list is found through the word index; a list as of another day (members who have
    // moved since) reads the members' text.
    let word = driving_word(&text).filter(|_| as_of == today);
    let route = match (word, &f.org, reach) {
        (Some(word), Some(code), _) => Route::WordIndex { word, within: Within::Org(OrgCode::parse(code).ok_or(DbError::NotFound)?) },
        (_, Some(code), _) => Route::Subtree { code: code.clone() },
        (Some(word), None, Some(path)) => Route::WordIndex { word, within: Within::Path(path.to_string()) },
        (_, None, _) => Route::Scope,
    };
    let after = f.cursor.as_deref().and_then(decode_cursor).unwrap_or_default();
    let born = f.age_band.map(|b| b.birth_bounds(as_of)).unwrap_or((None, None));
    Ok(ListPlan { as_of, text, route, born, after, limit: f.limit.clamp(1, MAX_PAGE) })
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

pub(crate) fn encode_cursor(key: &[u8], id: &str) -> String {
    format!("{}.{}", hex::encode(key), id)
}

pub(crate) fn decode_cursor(s: &str) -> Option<(Vec<u8>, String)> {
    let (k, id) = s.split_once('.')?;
    Some((hex::decode(k).ok()?, id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dangbo_core::member::AgeBand;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn filter(org: Option<&str>, q: Option<&str>) -> MemberFilter {
        MemberFilter {
            org: org.map(str::to_string),
            q: q.map(str::to_string),
            status: None,
            sex: None,
            ethnicity: None,
            age_band: None,
            religion: None,
            education: None,
            professional: None,
            theory: None,
            as_of: None,
            limit: 50,
            cursor: None,
        }
    }

    const TODAY: (i32, u32, u32) = (2026, 12, 7);

    fn plan_of(f: &MemberFilter, reach: Option<&str>) -> ListPlan {
        plan(f, day(TODAY.0, TODAY.1, TODAY.2), reach).unwrap()
    }

    #[test]
    fn a_search_today_under_an_organisation_drives_the_word_index_by_its_last_word() {
        let p = plan_of(&filter(Some("DH-TT"), Some("Nguyễn Văn Hùng")), Some("/1/"));
        let Route::WordIndex { word, within } = &p.route else { panic!("{:?}", p.route) };
        assert_eq!(within, &Within::Org(OrgCode::parse("DH-TT").unwrap()));
        assert_eq!((word.from.as_slice(), word.exact, word.name), (&b"hung"[..], false, true));
        assert_eq!(word.to, b"hung\xff");
        assert_eq!((p.text.as_str(), p.route.name()), ("nguyen van hung", "word_index_in_org"));
    }

    #[test]
    fn a_one_letter_last_word_gives_way_to_the_whole_word_before_it() {
        let p = plan_of(&filter(None, Some("Đặng Thị H")), Some("/1/"));
        let Route::WordIndex { word, within } = &p.route else { panic!("{:?}", p.route) };
        assert_eq!((word.from.as_slice(), word.to.as_slice(), word.exact), (&b"thi"[..], &b"thi"[..], true));
        assert_eq!(within, &Within::Path("/1/".into()));
        assert_eq!(p.route.name(), "word_index_in_scope");
    }

    #[test]
    fn a_list_as_of_another_day_reads_the_subtree_on_that_day() {
        let mut f = filter(Some("DH-TT"), Some("Hùng"));
        f.as_of = Some(day(2019, 12, 31));
        let p = plan_of(&f, Some(""));
        assert_eq!(p.route, Route::Subtree { code: "DH-TT".into() });
        assert_eq!(p.as_of, day(2019, 12, 31));
    }

    #[test]
    fn without_an_organisation_or_a_search_the_scope_is_read() {
        assert_eq!(plan_of(&filter(None, None), Some("/1/")).route, Route::Scope);
        // A caller with no scope searches nothing through the index (the scope predicate
        // still limits the statement).
        assert_eq!(plan_of(&filter(None, Some("Hùng")), None).route, Route::Scope);
        assert_eq!(plan_of(&filter(Some("DH"), None), None).route, Route::Subtree { code: "DH".into() });
    }

    #[test]
    fn a_code_that_cannot_be_one_is_not_found() {
        let r = plan(&filter(Some("không có"), Some("Hùng")), day(TODAY.0, TODAY.1, TODAY.2), Some(""));
        assert!(matches!(r, Err(DbError::NotFound)), "{r:?}");
    }

    #[test]
    fn the_page_its_bounds_and_its_way() {
        let mut f = filter(None, None);
        f.limit = 9_999;
        f.cursor = Some(encode_cursor(b"hung", "m-1"));
        f.age_band = Some(AgeBand::UpTo30);
        let p = plan_of(&f, Some(""));
        assert_eq!((p.limit, p.after.clone()), (500, (b"hung".to_vec(), "m-1".to_string())));
        assert_eq!(p.born, AgeBand::UpTo30.birth_bounds(p.as_of));
        f.cursor = Some("not a cursor".into());
        assert_eq!(plan_of(&f, Some("")).after, (Vec::new(), String::new()));
        assert_eq!(PageWay::for_total(SORT_AFTER_FILTER), PageWay::SortAfterFilter);
        assert_eq!(PageWay::for_total(SORT_AFTER_FILTER + 1), PageWay::WalkNameIndex);
    }
}
