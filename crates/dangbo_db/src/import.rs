//! Importing members in one transaction: every row is checked (scope, organisation, reference
//! lists, duplicates in the file and in the register); a dry run, or any problem, rolls back.
//! A row whose CCCD (else card number, else name + birth date + joining date) is already in
//! the register is left unchanged, so the same file imported twice changes nothing.

use crate::members::insert_member;
use crate::orgs::org_in_tx;
use crate::{Caller, DbError, Store, new_id};
use dangbo_core::FieldErrors;
use dangbo_core::event::EventData;
use dangbo_core::member::NewMember;
use serde::Serialize;
use std::collections::HashMap;

/// One problem of one row.
#[derive(Debug, Clone, Serialize)]
pub struct ImportProblem {
    /// The row's number in the file (1-based).
    pub row: usize,
    pub field: String,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub unchanged: usize,
    pub problems: Vec<ImportProblem>,
    /// Whether the rows were written (false for a dry run or when any row has a problem).
    pub committed: bool,
}

fn push(report: &mut ImportReport, row: usize, e: FieldErrors) {
    for (field, err) in e.0 {
        report.problems.push(ImportProblem { row, field, key: err.key, args: err.args });
    }
}

impl Store {
    /// Imports parsed rows (`Err` rows carry their parse problems) all or nothing.
    pub async fn import_members(&self, caller: &Caller, rows: Vec<(usize, Result<NewMember, FieldErrors>)>, dry_run: bool) -> Result<ImportReport, DbError> {
        if !caller.can_write() {
            return Err(DbError::Forbidden);
        }
        let mut report = ImportReport { rows: rows.len(), ..Default::default() };
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut w = self.write().await?;
        for (row, parsed) in rows {
            let new = match parsed {
                Ok(n) => n,
                Err(e) => {
                    push(&mut report, row, e);
                    continue;
                }
            };
            // Duplicates inside the file.
            let mut dup = FieldErrors::new();
            for (field, key) in [("cccd", new.person.cccd.clone()), ("card_no", new.party.card_no.clone())] {
                if let Some(first) = key.and_then(|k| seen.insert(format!("{field}:{k}"), row)) {
                    dup.add_with(field, "err-duplicate-in-file", vec![("row", first.to_string())]);
                }
            }
            if !dup.is_empty() {
                push(&mut report, row, dup);
                continue;
            }
            // Already in the register: nothing to do.
            let existing: Option<String> = match (&new.person.cccd, &new.party.card_no) {
                (Some(c), _) => sqlx::query_scalar("SELECT id FROM member WHERE cccd = $1").bind(c).fetch_optional(&mut *w.tx).await?,
                (None, Some(card)) => sqlx::query_scalar("SELECT id FROM member WHERE card_no = $1").bind(card).fetch_optional(&mut *w.tx).await?,
                // Old registers often have neither: the same name, birth and joining date.
                (None, None) => {
                    sqlx::query_scalar("SELECT id FROM member WHERE full_name = $1 AND birth_date = $2 AND ceremony_date = $3")
                        .bind(new.person.full_name())
                        .bind(crate::rows::iso(new.person.birth_date))
                        .bind(crate::rows::iso(new.party.ceremony_date))
                        .fetch_optional(&mut *w.tx)
                        .await?
                }
            };
            if existing.is_some() {
                report.unchanged += 1;
                continue;
            }
            match self.import_one(&mut w.tx, caller, new).await {
                Ok(()) => report.created += 1,
                Err(DbError::Invalid(e)) => push(&mut report, row, e),
                Err(e) => return Err(e),
            }
        }
        if dry_run || !report.problems.is_empty() {
            w.tx.rollback().await?;
        } else {
            w.commit().await?;
            report.committed = true;
        }
        Ok(report)
    }

    async fn import_one(&self, tx: &mut sqlx::Transaction<'static, sqlx::Any>, caller: &Caller, new: NewMember) -> Result<(), DbError> {
        let org = org_in_tx(tx, caller, new.org.as_str()).await?.ok_or_else(|| DbError::field("org", "err-org-unknown"))?;
        if !org.kind.holds_members() {
            return Err(DbError::field("org", "err-org-not-branch"));
        }
        if org.ended_on.is_some() || org.founded_on > new.party.ceremony_date {
            return Err(DbError::field("org", "err-org-not-alive"));
        }
        let mut e = FieldErrors::new();
        if !self.ref_exists(tx, "ethnicity", &new.person.ethnicity).await? {
            e.add("ethnicity", "err-choice");
        }
        if !self.ref_exists(tx, "religion", &new.person.religion).await? {
            e.add("religion", "err-choice");
        }
        e.into_result(()).map_err(DbError::Invalid)?;
        let mut events = vec![(
            new.party.ceremony_date,
            EventData::Admitted { person: new.person.clone(), party: new.party.clone(), org_id: org.id.clone() },
            new.basis.clone(),
        )];
        if let Some(f) = new.full_date {
            events.push((f, EventData::Recognised {}, Default::default()));
        }
        insert_member(tx, caller, &new_id(), events).await
    }
}

impl Store {
    /// The column mappings remembered from earlier imports: (header key, field).
    pub async fn import_mappings(&self) -> Result<Vec<(String, String)>, DbError> {
        Ok(sqlx::query_as("SELECT header, field FROM import_mapping ORDER BY header").fetch_all(&self.pool).await?)
    }

    /// Remembers how columns with these headers are read (a later choice replaces an earlier one).
    pub async fn remember_mappings(&self, caller: &Caller, chosen: &[(String, String)]) -> Result<(), DbError> {
        if !caller.can_write() {
            return Err(DbError::Forbidden);
        }
        let mut w = self.write().await?;
        for (header, field) in chosen {
            sqlx::query("DELETE FROM import_mapping WHERE header = $1").bind(header).execute(&mut *w.tx).await?;
            sqlx::query("INSERT INTO import_mapping (header, field, recorded_by, recorded_at) VALUES ($1, $2, $3, $4)")
                .bind(header)
                .bind(field)
                .bind(&caller.username)
                .bind(crate::now())
                .execute(&mut *w.tx)
                .await?;
        }
        crate::audit::record(&mut w.tx, caller, "import.mapping", "import_mapping", "", None, Some(serde_json::json!(chosen))).await?;
        w.commit().await
    }
}
