//! The organisations a data workbook brings: each one the register does not hold is founded
//! in the import's one transaction, with its periods (name, kind, parent), its end and its
//! successor, before its members are filed in it; each one the register holds must be the same
//! organisation today (kind, parent, end), and is left as it is.
//!
//! Founding needs the committee's right (as on the page that founds one), a period without a
//! parent the admin's; each period's parent is in the caller's subtree or founded by the same
//! sheet (in any order), alive on the day the period begins and of a kind that may hold it.

use super::{Checks, ImportReport};
use crate::bulk::{AUDIT_LOG, Bulk, ORG, ORG_EVENT, ORG_SPAN, Val};
use crate::orgs::{OrgRow, alive_on, org_any, org_in_tx, parent_allowed};
use crate::rows::iso;
use crate::{Caller, DbError, new_id, now};
use dangbo_core::FieldErrors;
use dangbo_core::org::OrgKind;
use dangbo_core::register::tree::{MAX_TREE_ROWS, OrgData};
use dangbo_core::tally::TreeSpan;
use std::collections::{HashMap, HashSet};

/// One organisation of the organisations' sheet, parsed.
#[derive(Debug, Clone)]
pub struct TreeItem {
    /// The row of its first period (or of its first problem) in the sheet.
    pub row: usize,
    pub new: Result<OrgData, FieldErrors>,
}

/// An organisation to found, as it will be.
pub(super) struct Planned {
    /// The row of its first period.
    row: usize,
    org: OrgRow,
    data: OrgData,
    /// Each period's parent's id.
    parent_ids: Vec<Option<String>>,
    heir_id: Option<String>,
}

impl Planned {
    pub(super) fn ended(&self) -> bool {
        self.org.ended_on.is_some()
    }
}

/// A parent as the checks see it: its id, path, and its kind on a day.
struct Parent {
    id: String,
    path: String,
    kind: OrgKind,
}

impl Checks<'_> {
    /// Checks every organisation of the sheet; those to found, each after its parents.
    /// Problems go into the report, naming the sheet.
    pub(super) async fn plan_tree(&mut self, items: Vec<TreeItem>, report: &mut ImportReport) -> Result<Vec<Planned>, DbError> {
        let mut planned: Vec<Planned> = Vec::new();
        if items.len() > MAX_TREE_ROWS {
            report.push_tree(items[MAX_TREE_ROWS].row, FieldErrors::single("code", "err-import-tree-too-large"));
            return Ok(planned);
        }
        let mut pending: Vec<(usize, OrgData)> = Vec::new();
        let mut seen = HashSet::new();
        for item in items {
            match item.new {
                Err(e) => report.push_tree(item.row, e),
                Ok(o) if !seen.insert(o.code.clone()) => report.push_tree(item.row, FieldErrors::single("code", "err-import-tree-twice")),
                Ok(o) => pending.push((item.row, o)),
            }
        }
        // Each pass plans the organisations none of whose parents still wait; what is left
        // when a pass plans nothing names parents the register and the sheet lack.
        let mut waiting: HashSet<String> = pending.iter().map(|(_, o)| o.code.clone()).collect();
        while !pending.is_empty() {
            let stuck = pending.iter().all(|(_, o)| waits(o, &waiting));
            let (now, later): (Vec<_>, Vec<_>) = pending.into_iter().partition(|(_, o)| stuck || !waits(o, &waiting));
            pending = later;
            for (row, o) in now {
                waiting.remove(&o.code);
                match self.plan_one(row, o, &planned).await? {
                    Ok(None) => {}
                    Ok(Some(p)) => {
                        let key = if p.org.kind.holds_members() { Ok(p.org.clone()) } else { Err("err-org-not-branch") };
                        self.orgs.insert(p.org.code.clone(), key);
                        planned.push(p);
                    }
                    Err(e) => report.push_tree(row, e),
                }
            }
        }
        self.plan_heirs(&mut planned, report).await?;
        Ok(planned)
    }

    /// `None` when the register holds the organisation already; else what it will be.
    async fn plan_one(&mut self, row: usize, data: OrgData, planned: &[Planned]) -> Result<Result<Option<Planned>, FieldErrors>, DbError> {
        let last = data.last().clone();
        if let Some(o) = org_any(&mut self.tx, &data.code).await? {
            let same = o.kind == last.kind && o.parent == last.parent && o.ended_on == last.to;
            return Ok(if same { Ok(None) } else { Err(FieldErrors::single("code", "err-import-org-differs")) });
        }
        if !self.caller.is_committee() {
            return Ok(Err(FieldErrors::single("code", "err-import-org-right")));
        }
        let mut parents: Vec<Option<Parent>> = Vec::new();
        for s in &data.spans {
            let parent = match &s.parent {
                None if self.caller.is_admin() => None,
                None => return Ok(Err(FieldErrors::single("parent", "err-required"))),
                Some(code) => match self.parent_on(code, s.from, s.to.is_none(), planned).await? {
                    Err(key) => return Ok(Err(FieldErrors::single("parent", key))),
                    Ok(p) if !parent_allowed(p.kind, s.kind) => return Ok(Err(FieldErrors::single("parent", "err-org-parent-kind"))),
                    Ok(p) => Some(p),
                },
            };
            parents.push(parent);
        }
        let id = new_id();
        let path = format!("{}{id}/", parents.last().and_then(|p| p.as_ref()).map(|p| p.path.as_str()).unwrap_or("/"));
        let org = OrgRow {
            id,
            code: data.code.clone(),
            name: last.name.clone(),
            kind: last.kind,
            field: data.field.as_str().to_string(),
            parent: last.parent.clone(),
            founded_on: data.founded_on(),
            ended_on: last.to,
            path,
        };
        let parent_ids = parents.into_iter().map(|p| p.map(|p| p.id)).collect();
        Ok(Ok(Some(Planned { row, org, data, parent_ids, heir_id: None })))
    }

    /// The parent `code` of a period from `on`: founded by the sheet or in the caller's
    /// subtree, alive that day (and today, for the period in force).
    async fn parent_on(&mut self, code: &str, on: chrono::NaiveDate, open: bool, planned: &[Planned]) -> Result<Result<Parent, &'static str>, DbError> {
        if let Some(p) = planned.iter().find(|p| p.org.code == code) {
            return Ok(match p.data.span_on(on) {
                Some(s) if !open || p.org.ended_on.is_none() => Ok(Parent { id: p.org.id.clone(), path: p.org.path.clone(), kind: s.kind }),
                _ => Err("err-org-not-alive"),
            });
        }
        Ok(match org_in_tx(&mut self.tx, self.caller, code).await? {
            None => Err("err-org-unknown"),
            Some(o) if (open && o.ended_on.is_some()) || !alive_on(&mut self.tx, &o.id, on).await? => Err("err-org-not-alive"),
            Some(o) => Ok(Parent { id: o.id, path: o.path, kind: o.kind }),
        })
    }

    /// Each ended organisation's successor: founded by the sheet or in the register, alive on
    /// the day it took over.
    async fn plan_heirs(&mut self, planned: &mut [Planned], report: &mut ImportReport) -> Result<(), DbError> {
        let by_code: HashMap<String, (String, Option<chrono::NaiveDate>, chrono::NaiveDate)> =
            planned.iter().map(|p| (p.org.code.clone(), (p.org.id.clone(), p.org.ended_on, p.org.founded_on))).collect();
        for p in planned.iter_mut() {
            let (Some(heir), Some(on)) = (p.data.heir.clone(), p.org.ended_on) else { continue };
            let found = match by_code.get(&heir) {
                Some((id, end, from)) if *from <= on && end.is_none_or(|e| e > on) => Ok(id.clone()),
                Some(_) => Err("err-org-not-alive"),
                None => match org_in_tx(&mut self.tx, self.caller, &heir).await? {
                    None => Err("err-org-unknown"),
                    Some(o) if !alive_on(&mut self.tx, &o.id, on).await? => Err("err-org-not-alive"),
                    Some(o) => Ok(o.id),
                },
            };
            match found {
                Ok(id) => p.heir_id = Some(id),
                Err(key) => report.push_tree(p.row, FieldErrors::single("heir", key)),
            }
        }
        Ok(())
    }
}

/// Whether one of `o`'s parents is still waiting to be planned.
fn waits(o: &OrgData, waiting: &HashSet<String>) -> bool {
    o.spans.iter().filter_map(|s| s.parent.as_ref()).any(|p| *p != o.code && waiting.contains(p))
}

impl crate::tally::Adder {
    /// Knows an organisation the import founds (the kept counts of its members go up its
    /// branch of the tree as it was on each day).
    pub(super) fn plan_org(&mut self, p: &Planned) {
        let spans = p.data.spans.iter().zip(&p.parent_ids).map(|(s, parent)| TreeSpan { parent: parent.clone(), from: s.from, to: s.to }).collect();
        self.know(p.org.id.clone(), p.org.kind, spans);
    }
}

/// Founds the planned organisations through the bulk path (written before any member: the
/// bulk writer flushes organisations first), each with its periods, the events that made them
/// and an audit row.
pub(super) async fn write(bulk: &mut Bulk<'_>, caller: &Caller, planned: &[Planned]) -> Result<(), DbError> {
    for p in planned {
        let (o, at) = (&p.org, now());
        let values: Vec<Val> = vec![
            o.id.as_str().into(),
            o.code.as_str().into(),
            o.name.as_str().into(),
            o.kind.as_str().into(),
            o.field.as_str().into(),
            p.parent_ids.last().cloned().flatten().into(),
            o.path.as_str().into(),
            iso(o.founded_on).into(),
            o.ended_on.map(iso).into(),
            dangbo_core::text::name_sort_key("", "", &o.name).into(),
        ];
        bulk.push(ORG, values).await?;
        for (s, parent) in p.data.spans.iter().zip(&p.parent_ids) {
            let span =
                vec![o.id.as_str().into(), parent.as_deref().into(), s.name.as_str().into(), s.kind.as_str().into(), iso(s.from).into(), s.to.map(iso).into()];
            bulk.push(ORG_SPAN, span).await?;
        }
        for (kind, on, data) in events(p) {
            let event = vec![
                new_id().into(),
                o.id.as_str().into(),
                kind.into(),
                iso(on).into(),
                Val::Null,
                Val::Null,
                Val::Null,
                data.to_string().into(),
                at.clone().into(),
                caller.username.as_str().into(),
            ];
            bulk.push(ORG_EVENT, event).await?;
        }
        let after = serde_json::json!({"code": o.code, "field": o.field, "periods": p.data.spans.len(), "ended_on": o.ended_on.map(iso), "heir": p.data.heir});
        let audit = vec![
            new_id().into(),
            at.into(),
            caller.username.as_str().into(),
            "org.found".into(),
            "org".into(),
            o.id.as_str().into(),
            Val::Null,
            after.to_string().into(),
        ];
        bulk.push(AUDIT_LOG, audit).await?;
    }
    // The successor is named once every organisation is written (it may come later).
    if planned.iter().any(|p| p.heir_id.is_some()) {
        bulk.flush().await?;
        for p in planned {
            if let Some(h) = &p.heir_id {
                bulk.run("UPDATE org SET heir_id = $1 WHERE id = $2", vec![h.as_str().into(), p.org.id.as_str().into()]).await?;
            }
        }
    }
    Ok(())
}

/// The events an organisation's periods tell, as the pages that change the tree record them:
/// founded, then for each later period moved and/or renamed, then merged into its successor
/// or dissolved.
fn events(p: &Planned) -> Vec<(&'static str, chrono::NaiveDate, serde_json::Value)> {
    let spans = &p.data.spans;
    let first = &spans[0];
    let mut out = vec![(
        "founded",
        first.from,
        serde_json::json!({"code": p.org.code, "name": first.name, "type": first.kind.as_str(), "field": p.org.field, "parent": first.parent, "split_from": null}),
    )];
    for w in spans.windows(2) {
        if w[0].parent != w[1].parent {
            out.push(("moved", w[1].from, serde_json::json!({"from": w[0].parent, "to": w[1].parent})));
        }
        if w[0].name != w[1].name {
            out.push(("renamed", w[1].from, serde_json::json!({"from": w[0].name, "to": w[1].name})));
        }
    }
    if let Some(end) = p.org.ended_on {
        out.push(match &p.data.heir {
            Some(h) => ("merged", end, serde_json::json!({"into": h})),
            None => ("dissolved", end, serde_json::json!({"members_to": null})),
        });
    }
    out
}
