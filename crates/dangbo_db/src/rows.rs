//! Small helpers for reading rows and dates.

use crate::DbError;
use chrono::NaiveDate;

pub(crate) fn date(s: &str) -> Result<NaiveDate, DbError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| DbError::Internal(anyhow::anyhow!("bad stored date {s}: {e}")))
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
