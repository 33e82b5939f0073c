//! Member import shared by the upload page and `dangbo import members`: file bytes → rows
//! (dangbo_import) → parsed commands (dangbo_core) → one all-or-nothing store call.

use crate::i18n::I18n;
use chrono::NaiveDate;
use dangbo_db::{Caller, DbError, ImportReport, Store};
use dangbo_import::{Mapping, read_table, rows_to_inputs};

/// Why a file could not be imported at all (a catalog key and its arguments).
#[derive(Debug)]
pub enum ImportFailure {
    File(&'static str),
    /// Fields no column provides, with the mapping as read (to choose columns by hand).
    MissingColumns(Vec<&'static str>, Mapping),
    Store(DbError),
}

impl ImportFailure {
    pub fn message(&self, i: &I18n) -> String {
        match self {
            ImportFailure::File(key) => i.t(key),
            ImportFailure::MissingColumns(fields, _) => {
                i.t1("import-err-missing-columns", "columns", &fields.iter().map(|f| i.t(&format!("field-{f}"))).collect::<Vec<_>>().join(", "))
            }
            ImportFailure::Store(e) => e.to_string(),
        }
    }
}

/// Rows done and rows in the file, told as the import goes (the CLI's progress bar).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Reads, maps, parses and imports (or, with `dry_run`, checks) a member list. Columns are read
/// by the mappings `chosen` now, then those remembered from earlier imports, then by spelling.
/// Rows are parsed as the store reads them, so only the table is held in memory.
#[allow(clippy::too_many_arguments)]
pub async fn import_members(
    store: &Store,
    caller: &Caller,
    file_name: &str,
    bytes: &[u8],
    default_org: Option<&str>,
    chosen: &[(String, String)],
    dry_run: bool,
    today: NaiveDate,
    progress: Progress<'_>,
) -> Result<(Mapping, ImportReport, Option<&'static str>), ImportFailure> {
    let table = read_table(file_name, bytes).map_err(|e| ImportFailure::File(e.key()))?;
    let mut rules: Vec<(String, String)> = chosen.to_vec();
    rules.extend(store.import_mappings().await.map_err(ImportFailure::Store)?.into_iter().filter(|(h, _)| !chosen.iter().any(|(c, _)| c == h)));
    let mapping = Mapping::with(&table.headers, &rules);
    let missing = mapping.missing(default_org.is_some());
    if !missing.is_empty() {
        return Err(ImportFailure::MissingColumns(missing, mapping));
    }
    let list = |items: Vec<dangbo_db::RefItem>| items.into_iter().map(|r| (r.code, r.name, r.aliases)).collect::<Vec<_>>();
    let ethnicities = list(store.ref_items("ethnicity").await.map_err(ImportFailure::Store)?);
    let religions = list(store.ref_items("religion").await.map_err(ImportFailure::Store)?);
    let total = table.rows.len();
    let parsed = rows_to_inputs(&table, &mapping, default_org, &ethnicities, &religions).enumerate().map(|(i, r)| {
        if i % 1000 == 0 {
            progress(i, total);
        }
        (r.row, r.input.parse(today))
    });
    let report = store.import_members(caller, parsed, dry_run).await.map_err(ImportFailure::Store)?;
    Ok((mapping, report, table.converted_from))
}

/// "Converted from TCVN3" when the file was in a legacy encoding.
pub fn converted_line(from: Option<&str>, i: &I18n) -> Option<String> {
    from.map(|enc| i.t1("import-converted", "encoding", enc))
}

/// One line per problem: "Dòng 5, cột «Ngày sinh»: Ngày sinh: không được sau ngày hôm nay."
pub fn problem_lines(report: &ImportReport, mapping: &Mapping, i: &I18n) -> Vec<String> {
    report
        .problems
        .iter()
        .map(|p| {
            let column = mapping.header_of(&p.field).map(str::to_string).unwrap_or_else(|| i.t(&format!("field-{}", p.field)));
            let message = i.field_message(&p.field, p.key, &p.args);
            i.args("import-problem", &[("row", p.row.to_string()), ("column", column), ("message", message)])
        })
        .collect()
}

/// The summary line of a report.
pub fn summary_line(report: &ImportReport, dry_run: bool, i: &I18n) -> String {
    let key = match (report.problems.is_empty(), dry_run) {
        (false, _) => "import-summary-problems",
        (true, true) => "import-summary-dry-run",
        (true, false) => "import-summary-done",
    };
    i.args(
        key,
        &[
            ("rows", i.num(report.rows as i64)),
            ("created", i.num(report.created as i64)),
            ("unchanged", i.num(report.unchanged as i64)),
            ("problems", i.num(report.problems.len() as i64)),
        ],
    )
}
