//! Member import shared by the upload page and `dangbo import members`: file bytes → rows
//! (dangbo_import) → parsed commands (dangbo_core) → one all-or-nothing store call.

use crate::i18n::I18n;
use chrono::NaiveDate;
use dangbo_core::FieldErrors;
use dangbo_core::register::data::{Extras, LevelsRow};
use dangbo_core::register::places::{PlaceRow, parse_places};
use dangbo_core::register::tree::{TREE_FIELDS, TREE_HEADERS, TreeRow};
use dangbo_db::{Caller, DbError, ImportItem, ImportReport, Store, TreeItem};
use dangbo_import::{Mapping, Sheet, read_keyed, read_levels, read_places, read_table, read_tree, row_to_input};
use std::collections::HashMap;

/// Why a file could not be imported at all (a catalog key and its arguments).
#[derive(Debug)]
pub enum ImportFailure {
    File(&'static str),
    /// No slot to read the file in time, or the read failed inside (logged).
    Web(crate::error::WebError),
    /// Fields no column provides, with the mapping as read (to choose columns by hand).
    MissingColumns(Vec<&'static str>, Mapping),
    Store(DbError),
}

impl ImportFailure {
    pub fn message(&self, i: &I18n) -> String {
        match self {
            ImportFailure::File(key) => i.t(key),
            ImportFailure::Web(e) => i.t(e.0.message_key()),
            ImportFailure::MissingColumns(fields, _) => {
                i.t1("import-err-missing-columns", "columns", &fields.iter().map(|f| i.t(&format!("field-{f}"))).collect::<Vec<_>>().join(", "))
            }
            ImportFailure::Store(e) => e.to_string(),
        }
    }
}

/// Rows done and rows in the file (0 while unknown: a streamed file), told as the import goes
/// (the CLI's progress bar).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Reads, maps, parses and imports (or, with `dry_run`, checks) an uploaded member list (at
/// most `dangbo_import::table::MAX_BYTES`); see [`import_sheet`]. The file is read on the
/// blocking pool within `limits`.
#[allow(clippy::too_many_arguments)]
pub async fn import_members(
    store: &Store,
    limits: &crate::limits::Limits,
    caller: &Caller,
    file_name: String,
    bytes: Vec<u8>,
    default_org: Option<&str>,
    chosen: &[(String, String)],
    dry_run: bool,
    today: NaiveDate,
    progress: Progress<'_>,
) -> Result<(Mapping, ImportReport, Option<&'static str>), ImportFailure> {
    let read = move || {
        let (f, b) = (&file_name, &bytes);
        use dangbo_core::register::places::{FAMILY_HEADERS, FAMILY_SHEET, WORK_HEADERS, WORK_SHEET};
        let rows = (read_keyed(f, b, WORK_SHEET, &WORK_HEADERS)?, read_keyed(f, b, FAMILY_SHEET, &FAMILY_HEADERS)?);
        Ok::<_, dangbo_import::TableError>((read_table(f, b)?, read_levels(f, b)?, read_places(f, b)?, read_tree(f, b)?, rows))
    };
    let (table, levels, places, tree, (work, family)) = limits.parse(read).await.map_err(ImportFailure::Web)?.map_err(|e| ImportFailure::File(e.key()))?;
    let workbook = Workbook { levels, places, tree: tree_items(&tree, today), work, family };
    import_sheet(store, caller, table.into(), workbook, default_org, chosen, dry_run, today, progress).await
}

/// What a data workbook brings besides its members' rows: the levels' history by member number
/// and the organisations (both empty for any other list).
#[derive(Default)]
pub struct Workbook {
    pub levels: HashMap<String, Vec<LevelsRow>>,
    pub places: HashMap<String, Vec<PlaceRow>>,
    pub tree: Vec<TreeItem>,
    /// The work history's and the family's rows by member number: (row, cells).
    pub work: dangbo_import::Keyed,
    pub family: dangbo_import::Keyed,
}

/// A file's items for one member.
type Lists = (Option<Vec<dangbo_core::member::WorkInput>>, Option<Vec<dangbo_core::member::RelativeInput>>);

/// The work history and family a data workbook gives a member (`None`: the sheets say nothing
/// of them), each row beside the member's name, the relation by its word or code.
fn file_rows(
    name: &str,
    work: Option<&Vec<(usize, Vec<String>)>>,
    family: Option<&Vec<(usize, Vec<String>)>>,
    relations: &HashMap<String, dangbo_core::member::Relation>,
) -> Result<Lists, FieldErrors> {
    use dangbo_core::text::fold;
    let mut e = FieldErrors::new();
    let mut check = |field: &str, rows: &[(usize, Vec<String>)]| {
        if let Some((row, _)) = rows.iter().find(|(_, c)| fold(&c[1]) != fold(name)) {
            e.add_with(field, "err-places-name", vec![("row", row.to_string())]);
        }
    };
    work.inspect(|w| check("work_history", w));
    family.inspect(|f| check("family", f));
    let work = work.map(|rows| rows.iter().map(|(_, c)| dangbo_core::member::WorkInput { from: c[2].clone(), to: c[3].clone(), work: c[4].clone() }).collect());
    let family = family.map(|rows| {
        rows.iter()
            .map(|(_, c)| dangbo_core::member::RelativeInput {
                relation: relations.get(&fold(&c[2])).map(|r| r.as_str().to_string()).unwrap_or_else(|| c[2].clone()),
                name: c[3].clone(),
                birth_year: c[4].clone(),
                occupation: c[5].clone(),
                residence: c[6].clone(),
                history: c[7].clone(),
            })
            .collect()
    });
    e.into_result((work, family))
}

/// Each value of a stored enum by its label in either language, folded (as a data workbook
/// writes it, or a person types it).
fn by_label<T: Copy>(all: &[T], key: impl Fn(T) -> String) -> HashMap<String, T> {
    let langs = [I18n::new(crate::i18n::Lang::Vi), I18n::new(crate::i18n::Lang::En)];
    all.iter().flat_map(|v| langs.iter().map(|i| (dangbo_core::text::fold(&i.t(&key(*v))), *v)).collect::<Vec<_>>()).collect()
}

/// The organisations' rows parsed, the kind and field recognised by their labels in either
/// language (as the export writes them) or their codes.
fn tree_items(rows: &[TreeRow], today: NaiveDate) -> Vec<TreeItem> {
    use dangbo_core::org::{Field, OrgKind};
    use dangbo_core::text::fold;
    let kinds = by_label(OrgKind::ALL, OrgKind::message_key);
    let fields = by_label(Field::ALL, Field::message_key);
    dangbo_core::register::tree::parse_tree(rows, |s| kinds.get(&fold(s)).copied(), |s| fields.get(&fold(s)).copied(), today)
        .into_iter()
        .map(|(row, new)| TreeItem { row, new })
        .collect()
}

/// Maps, parses and imports (or checks) the rows of a member list, whole or streamed, with the
/// levels' sheet of a data workbook by member number (empty for any other list). Columns are
/// read by the mappings `chosen` now, then those remembered from earlier imports, then by
/// spelling. Rows are parsed as the store reads them, one batch at a time; a row the file
/// cannot give (a CSV cut or damaged mid-way) is a problem of that row, so nothing is written.
#[allow(clippy::too_many_arguments)]
pub async fn import_sheet(
    store: &Store,
    caller: &Caller,
    sheet: Sheet,
    workbook: Workbook,
    default_org: Option<&str>,
    chosen: &[(String, String)],
    dry_run: bool,
    today: NaiveDate,
    progress: Progress<'_>,
) -> Result<(Mapping, ImportReport, Option<&'static str>), ImportFailure> {
    let mut rules: Vec<(String, String)> = chosen.to_vec();
    rules.extend(store.import_mappings(caller).await.map_err(ImportFailure::Store)?.into_iter().filter(|(h, _)| !chosen.iter().any(|(c, _)| c == h)));
    let mapping = Mapping::with(&sheet.headers, &rules);
    let missing = mapping.missing(default_org.is_some());
    if !missing.is_empty() {
        return Err(ImportFailure::MissingColumns(missing, mapping));
    }
    let list = |items: Vec<dangbo_db::RefItem>| items.into_iter().map(|r| (r.code, r.name, r.aliases)).collect::<Vec<_>>();
    let ethnicities = list(store.ref_items("ethnicity").await.map_err(ImportFailure::Store)?);
    let religions = list(store.ref_items("religion").await.map_err(ImportFailure::Store)?);
    let Workbook { levels, places, tree, work, family } = workbook;
    let relations = by_label(dangbo_core::member::Relation::ALL, dangbo_core::member::Relation::message_key);
    let total = sheet.len.unwrap_or(0);
    let mut last_row = 0;
    let parsed = sheet.rows.enumerate().map(|(i, r)| {
        if i % 1000 == 0 {
            progress(i, total);
        }
        match r {
            Ok((row, cells)) => {
                last_row = row;
                let mut r = row_to_input(row, &cells, &mapping, default_org, &ethnicities, &religions);
                let serial = Some(r.serial.as_str()).filter(|s| !s.is_empty());
                let (w, f) = (serial.and_then(|s| work.get(s)), serial.and_then(|s| family.get(s)));
                let name = dangbo_core::text::full_name(&r.input.family_name, &r.input.middle_name, &r.input.given_name);
                let lists = file_rows(&name, w, f, &relations);
                if let Ok((w, f)) = &lists {
                    (r.input.file.work, r.input.file.family) = (w.clone(), f.clone());
                }
                let mut item = ImportItem::new(r.row, r.input, today);
                if let Err(e) = lists {
                    match &mut item.new {
                        Ok(_) => item.new = Err(e),
                        Err(errors) => errors.0.extend(e.0),
                    }
                }
                let history = levels.get(&r.serial).filter(|_| !r.serial.is_empty()).map(Vec::as_slice).unwrap_or_default();
                let full_name = item.new.as_ref().map(|n| n.person.full_name()).unwrap_or_default();
                let moves = places.get(&r.serial).filter(|_| !r.serial.is_empty()).map(Vec::as_slice).unwrap_or_default();
                let extras = Extras::parse(&full_name, history, &r.exempt_from, &r.exempt_ground, today).and_then(|mut x| match &item.new {
                    Ok(n) if !moves.is_empty() => parse_places(&full_name, n.org.as_str(), n.party.ceremony_date, moves, today).map(|p| {
                        x.places = p;
                        x
                    }),
                    _ => Ok(x),
                });
                match (extras, &mut item.new) {
                    (Ok(extras), _) => item.extras = extras,
                    (Err(e), Ok(_)) => item.new = Err(e),
                    (Err(e), Err(errors)) => errors.0.extend(e.0),
                }
                item
            }
            Err(e) => ImportItem { row: last_row + 1, input: Default::default(), new: Err(FieldErrors::single("file", e.key())), extras: Extras::default() },
        }
    });
    let report = store.import_register(caller, tree, parsed, dry_run, today).await.map_err(ImportFailure::Store)?;
    Ok((mapping, report, sheet.converted_from))
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
            if let Some(sheet) = p.sheet {
                let column = TREE_FIELDS.iter().position(|f| *f == p.field).map(|c| TREE_HEADERS[c]).unwrap_or_default();
                let message = i.field_message(&p.field, p.key, &p.args);
                return i.args(
                    "import-problem-sheet",
                    &[("sheet", sheet.to_string()), ("row", p.row.to_string()), ("column", column.to_string()), ("message", message)],
                );
            }
            let column = mapping.header_of(&p.field).map(str::to_string).unwrap_or_else(|| i.t(&format!("field-{}", p.field)));
            let message = i.field_message(&p.field, p.key, &p.args);
            i.args("import-problem", &[("row", p.row.to_string()), ("column", column), ("message", message)])
        })
        .collect()
}

/// One line per updated member: "Dòng 4 — Nguyễn Văn An: Điện thoại: — → 0912…; …", the
/// first [`dangbo_db::MAX_CHANGES_LISTED`] of them.
pub fn change_lines(report: &ImportReport, i: &I18n) -> Vec<String> {
    let value = |v: &str| if v.is_empty() { "—".to_string() } else { v.to_string() };
    report
        .changes
        .iter()
        .map(|c| {
            let fields = c.fields.iter().map(|(f, a, b)| format!("{}: {} → {}", i.t(&format!("field-{f}")), value(a), value(b))).collect::<Vec<_>>().join("; ");
            i.args("import-change", &[("row", c.row.to_string()), ("name", c.name.clone()), ("changes", fields)])
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
    let line = i.args(
        key,
        &[
            ("rows", i.num(report.rows as i64)),
            ("created", i.num(report.created as i64)),
            ("updated", i.num(report.updated as i64)),
            ("unchanged", i.num(report.unchanged as i64)),
            ("problems", i.num(report.problems.len() as i64)),
        ],
    );
    match (report.orgs_created, report.problems.is_empty(), dry_run) {
        (0, _, _) | (_, false, _) => line,
        (n, true, true) => format!("{line} {}", i.t1("import-summary-orgs-dry-run", "orgs", &i.num(n as i64))),
        (n, true, false) => format!("{line} {}", i.t1("import-summary-orgs", "orgs", &i.num(n as i64))),
    }
}
