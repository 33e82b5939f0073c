//! Rules and the working-day calendar as data: seeded from dangbo_core's built-in versions and
//! `data/holidays.csv` at migration, then added to by an admin (every change audited).

use crate::command::Right;
use crate::rows::{date, iso};
use crate::{Caller, DbError, Store, now};
use chrono::NaiveDate;
use dangbo_core::FieldErrors;
use dangbo_core::calendar::{CalendarDay, DayKind, WorkCalendar};
use dangbo_core::rules::{RuleBook, RuleId, RuleValue, RuleVersion, builtin};
use sqlx::{Any, Row, Transaction};

const HOLIDAYS: &str = include_str!("../../../data/holidays.csv");

/// A new rule version or calendar day as typed by an admin.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleVersionInput {
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub effective_from: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub citation: String,
    /// "1" / "true" when the source is confirmed.
    #[serde(default)]
    pub confirmed: Option<String>,
}

impl RuleVersionInput {
    pub fn parse(&self) -> Result<RuleVersion, FieldErrors> {
        let mut e = FieldErrors::new();
        let rule = RuleId::parse(self.rule.trim());
        match rule {
            None => e.add("rule", "err-choice"),
            Some(r) if r.locked() => e.add("rule", "err-rule-locked"),
            _ => {}
        }
        let from = dangbo_core::date::parse(&self.effective_from);
        if from.is_none() {
            e.add("effective_from", if self.effective_from.trim().is_empty() { "err-required" } else { "err-date-invalid" });
        }
        let value = rule.and_then(|r| RuleValue::parse(r.unit(), &self.value));
        if rule.is_some() && value.is_none() {
            e.add("value", "err-rule-value");
        }
        let citation = dangbo_core::text::clean(&self.citation);
        if citation.is_empty() {
            e.add("citation", "err-required");
        }
        let confirmed = matches!(self.confirmed.as_deref().map(str::trim), Some("1" | "true" | "on"));
        match (rule, from, value) {
            (Some(rule), Some(effective_from), Some(value)) if e.is_empty() => Ok(RuleVersion { rule, effective_from, value, citation, confirmed }),
            _ => Err(e),
        }
    }
}

pub(crate) async fn seed(store: &Store) -> Result<(), DbError> {
    store
        .upkeep("built-in rules and holidays seeded", async |tx| {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rule_version").fetch_one(&mut **tx).await?;
            if n == 0 {
                for v in builtin() {
                    insert_version(tx, "system", &v).await?;
                }
            }
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM calendar_day").fetch_one(&mut **tx).await?;
            if n == 0 {
                for line in HOLIDAYS.lines().skip(1) {
                    let f: Vec<&str> = line.splitn(3, ',').collect();
                    if f.len() == 3 {
                        sqlx::query("INSERT INTO calendar_day (day, kind, name, recorded_by, recorded_at) VALUES ($1, $2, $3, 'system', $4)")
                            .bind(f[0])
                            .bind(f[1])
                            .bind(f[2])
                            .bind(now())
                            .execute(&mut **tx)
                            .await?;
                    }
                }
            }
            Ok(())
        })
        .await
}

async fn insert_version(tx: &mut Transaction<'static, Any>, by: &str, v: &RuleVersion) -> Result<(), DbError> {
    // Any rule may change what a month owes (the fees' rules, the probation that counts a member).
    crate::fee_stale::touch_all(tx).await?;
    sqlx::query("DELETE FROM rule_version WHERE rule_id = $1 AND effective_from = $2")
        .bind(v.rule.as_str())
        .bind(iso(v.effective_from))
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO rule_version (rule_id, effective_from, value, citation, confirmed, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(v.rule.as_str())
        .bind(iso(v.effective_from))
        .bind(v.value.text())
        .bind(&v.citation)
        .bind(v.confirmed as i64)
        .bind(by)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn load_rules(tx: &mut Transaction<'static, Any>) -> Result<RuleBook, DbError> {
    let rows = sqlx::query("SELECT rule_id, effective_from, value, citation, confirmed FROM rule_version").fetch_all(&mut **tx).await?;
    let mut versions = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: String = r.try_get("rule_id")?;
        // An older build never runs on a newer database (the migrator refuses), so a rule it
        // does not know is damage, not news: it fails loudly.
        let rule = crate::rows::decoded(&id, RuleId::parse, "RuleId")?;
        let value = crate::rows::decoded(&r.try_get::<String, _>("value")?, |v| RuleValue::parse(rule.unit(), v), "RuleValue")?;
        versions.push(RuleVersion {
            rule,
            effective_from: date(&r.try_get::<String, _>("effective_from")?)?,
            value,
            citation: r.try_get("citation")?,
            confirmed: r.try_get::<i64, _>("confirmed")? != 0,
        });
    }
    Ok(RuleBook::new(versions))
}

pub(crate) async fn load_calendar(tx: &mut Transaction<'static, Any>) -> Result<WorkCalendar, DbError> {
    Ok(WorkCalendar::new(calendar_days(tx, None).await?))
}

async fn calendar_days(tx: &mut Transaction<'static, Any>, year: Option<i32>) -> Result<Vec<CalendarDay>, DbError> {
    let (from, to) = match year {
        Some(y) => (format!("{y:04}-01-01"), format!("{y:04}-12-31")),
        None => ("0000-01-01".to_string(), "9999-12-31".to_string()),
    };
    let rows =
        sqlx::query("SELECT day, kind, name FROM calendar_day WHERE day >= $1 AND day <= $2 ORDER BY day").bind(from).bind(to).fetch_all(&mut **tx).await?;
    rows.iter()
        .map(|r| {
            Ok(CalendarDay {
                day: date(&r.try_get::<String, _>("day")?)?,
                kind: crate::rows::decoded(&r.try_get::<String, _>("kind")?, DayKind::parse, "DayKind")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

impl Store {
    /// Every rule version (stored, with built-ins for rules never stored).
    #[tracing::instrument(skip_all)]
    pub async fn rule_book(&self) -> Result<RuleBook, DbError> {
        let mut tx = self.read().await?;
        let book = load_rules(&mut tx).await?;
        tx.commit().await?;
        Ok(book)
    }

    /// Adds (or replaces, for the same rule and date) a rule version. Admins only.
    #[tracing::instrument(skip_all)]
    pub async fn put_rule_version(&self, caller: &Caller, v: RuleVersion) -> Result<(), DbError> {
        self.command(caller, Right::Admin, async |c| {
            let before: Option<String> = sqlx::query_scalar("SELECT value FROM rule_version WHERE rule_id = $1 AND effective_from = $2")
                .bind(v.rule.as_str())
                .bind(iso(v.effective_from))
                .fetch_optional(&mut *c.tx)
                .await?;
            insert_version(&mut c.tx, &caller.username, &v).await?;
            let id = format!("{}@{}", v.rule.as_str(), iso(v.effective_from));
            let after = serde_json::json!({ "value": v.value.text(), "citation": v.citation, "confirmed": v.confirmed });
            c.audit("rule.put", "rule", &id, before.map(|b| serde_json::json!({ "value": b })), Some(after)).await?;
            Ok(())
        })
        .await
    }

    /// The calendar entries of one year.
    #[tracing::instrument(skip_all)]
    pub async fn calendar_year(&self, year: i32) -> Result<Vec<CalendarDay>, DbError> {
        let mut tx = self.read().await?;
        let days = calendar_days(&mut tx, Some(year)).await?;
        tx.commit().await?;
        Ok(days)
    }

    /// Sets a day's entry (a holiday or a make-up working day), or removes it with `kind` None.
    #[tracing::instrument(skip_all)]
    pub async fn put_calendar_day(&self, caller: &Caller, day: NaiveDate, kind: Option<DayKind>, name: &str) -> Result<(), DbError> {
        let name = dangbo_core::text::clean(name);
        if kind.is_some() && name.is_empty() {
            return Err(DbError::field("name", "err-required"));
        }
        self.command(caller, Right::Admin, async |c| {
            sqlx::query("DELETE FROM calendar_day WHERE day = $1").bind(iso(day)).execute(&mut *c.tx).await?;
            if let Some(k) = kind {
                sqlx::query("INSERT INTO calendar_day (day, kind, name, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(iso(day))
                    .bind(k.as_str())
                    .bind(&name)
                    .bind(&caller.username)
                    .bind(now())
                    .execute(&mut *c.tx)
                    .await?;
            }
            let after = kind.map(|k| serde_json::json!({ "kind": k.as_str(), "name": name }));
            c.audit("calendar.put", "calendar_day", &iso(day), None, after).await?;
            Ok(())
        })
        .await
    }

    /// The calendar as the deadline engine sees it.
    #[tracing::instrument(skip_all)]
    pub async fn work_calendar(&self) -> Result<WorkCalendar, DbError> {
        let mut tx = self.read().await?;
        let cal = load_calendar(&mut tx).await?;
        tx.commit().await?;
        Ok(cal)
    }
}
