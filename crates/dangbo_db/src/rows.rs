//! Small helpers for reading rows and dates.

use crate::DbError;
use chrono::NaiveDate;

pub(crate) fn date(s: &str) -> Result<NaiveDate, DbError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| DbError::Internal(anyhow::anyhow!("bad stored date {s}: {e}")))
}

/// A stored enum value decoded by its `parse`, or an internal error naming it: a value the
/// program does not know is never read back as some default (a closed meeting as planned).
pub(crate) fn decoded<T>(text: &str, parse: impl FnOnce(&str) -> Option<T>, what: &'static str) -> Result<T, DbError> {
    parse(text).ok_or_else(|| DbError::Internal(anyhow::anyhow!("stored {what} {text:?} does not decode")))
}

pub(crate) fn opt_date(s: Option<String>) -> Result<Option<NaiveDate>, DbError> {
    s.as_deref().map(date).transpose()
}

pub(crate) fn iso(d: NaiveDate) -> String {
    dangbo_core::date::iso(d)
}

/// `q` matched literally inside a LIKE pattern (`ESCAPE '\\'`): "%" and "_" are no wildcards.
pub(crate) fn like_escaped(q: &str) -> String {
    let mut out = String::with_capacity(q.len());
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
