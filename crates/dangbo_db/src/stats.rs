//! Statistics of a subtree: members by dimension as of a date, and the figures of the seed
//! article for a period. Counted in SQL (GROUP BY), never by loading members.

use crate::rows::iso;
use crate::scope::{MEMBER_IN_SCOPE, SUBTREE_AS_OF};
use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use dangbo_core::member::AgeBand;
use serde::Serialize;
use sqlx::Row;

/// Members counted on one date, split by one dimension. `value` is the stored value
/// (a status, a sex, an ethnic group code, a level name, an age band).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Breakdown {
    pub dimension: &'static str,
    /// A tuple: an array of its values in order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<serde_json::Value>>))]
    pub rows: Vec<(String, i64)>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberStats {
    pub code: String,
    pub name: String,
    pub as_of: NaiveDate,
    pub total: i64,
    pub breakdowns: Vec<Breakdown>,
}

/// The statistical sentences of the seed article, for a subtree and a period. A figure whose
/// capability has not landed yet is `None` (null in JSON), never 0.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PressFigures {
    pub code: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub grassroots_orgs: Option<i64>,
    pub members: Option<i64>,
    pub awareness_classes: Option<i64>,
    pub awareness_trainees: Option<i64>,
    pub admitted: Option<i64>,
    pub exam_candidates_commune: Option<i64>,
    pub exam_candidates_district: Option<i64>,
    pub moves_total: Option<i64>,
    pub moves_upper_to_commune: Option<i64>,
    pub moves_commune_to_upper: Option<i64>,
    pub moves_commune_to_commune: Option<i64>,
    pub moves_cross_sector: Option<i64>,
    pub units_with_nonlocal_secretary: Option<i64>,
    pub units_total: Option<i64>,
}

/// The dimensions of the member form: (name, SQL expression over `ms` and `m`). The
/// expressions are fixed text, never user input. Levels are read from the span in force on the
/// date (they are dated facts), the other traits from the member.
const DIMENSIONS: &[(&str, &str)] = &[
    ("status", "ms.status"),
    ("sex", "m.sex"),
    ("age", "age"),
    ("ethnicity", "m.ethnicity"),
    ("religion", "m.religion"),
    ("education", "ms.education"),
    ("professional", "ms.professional"),
    ("theory", "ms.theory"),
];

/// A member's age band as SQL, from [`AgeBand`]'s values: born after the band's first bound
/// (`$6`, `$7`, … one per band but the last, bound from `AgeBand::birth_bounds`) or in the last.
fn age_case() -> String {
    let (last, banded) = AgeBand::ALL.split_last().expect("age bands");
    let whens: String = banded.iter().enumerate().map(|(i, b)| format!("WHEN m.birth_date > ${} THEN '{}' ", 6 + i, b.as_str())).collect();
    format!("CASE {whens}ELSE '{}' END", last.as_str())
}

impl Store {
    /// Members of `code`'s subtree on `as_of`, by status, sex, age band, ethnicity, religion and
    /// levels. Every breakdown adds up to `total`.
    #[tracing::instrument(skip_all)]
    pub async fn member_stats(&self, caller: &Caller, code: &str, as_of: NaiveDate) -> Result<MemberStats, DbError> {
        let org = self.org(caller, code).await?;
        // The Centre and the provinces read their kept counts (a few thousand rows instead of
        // every member); the caller may see the organisation, so every member under it.
        let counts = if dangbo_core::tally::kept(org.kind) && crate::tally::ready(self).await? {
            crate::tally::counts(self, &org.id, as_of).await?
        } else {
            self.count_members(caller, &org, as_of).await?
        };
        // The total is the status breakdown's (every member has one status): a second count of
        // the subtree, as the summary makes, doubled the form's time.
        let total = counts[0].values().sum();
        let breakdowns = DIMENSIONS.iter().zip(counts).map(|((name, _), c)| Breakdown { dimension: name, rows: c.into_iter().collect() }).collect();
        let name = self.org_name_on(&org.id, as_of).await?.unwrap_or(org.name);
        Ok(MemberStats { code: org.code, name, as_of, total, breakdowns })
    }

    /// The member form's counts of `org`'s subtree on `as_of`, counted member by member.
    async fn count_members(&self, caller: &Caller, org: &crate::OrgRow, as_of: NaiveDate) -> Result<Vec<std::collections::BTreeMap<String, i64>>, DbError> {
        let s = caller.scope();
        let d = iso(as_of);
        let bounds: Vec<String> = AgeBand::ALL[..AgeBand::ALL.len() - 1].iter().map(|b| b.birth_bounds(as_of).0.map(iso).unwrap_or_default()).collect();
        // One pass over the subtree's members, kept (MATERIALIZED) and counted once per
        // dimension: a commune's form is ~75 rows instead of the ~600 combinations of all eight
        // dimensions, a province's ~80 instead of ~11,000 — on SQLite every row returned costs
        // a message between threads, more than the counting.
        let columns: Vec<String> =
            DIMENSIONS.iter().enumerate().map(|(i, (name, expr))| format!("{} AS d{i}", if *name == "age" { age_case() } else { expr.to_string() })).collect();
        let sub = self.subtree_sql(as_of, &org.path, 10).await?;
        let with = match sub.with {
            "" => "WITH".to_string(),
            w => format!("{w},"),
        };
        let counts = (0..DIMENSIONS.len())
            .map(|i| format!("SELECT CAST({i} AS BIGINT) AS dimension, d{i} AS value, COUNT(*) AS n FROM x GROUP BY d{i}"))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let sql = format!(
            "{with} x AS MATERIALIZED (SELECT {cols} FROM member_span ms JOIN org o ON o.id = ms.org_id JOIN member m ON m.id = ms.member_id
             WHERE {cond} AND ms.valid_from <= $5 AND (ms.valid_to IS NULL OR ms.valid_to > $5) AND {MEMBER_IN_SCOPE})
             {counts}",
            cond = sub.cond,
            cols = columns.join(", "),
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(&s.self_id).bind(&org.id).bind(&d);
        for b in &bounds {
            q = q.bind(b.clone());
        }
        q = q.bind(sub.from.clone()).bind(sub.to.clone());
        let mut counts: Vec<std::collections::BTreeMap<String, i64>> = DIMENSIONS.iter().map(|_| Default::default()).collect();
        for r in q.fetch_all(&self.pool).await? {
            let k: i64 = r.try_get("dimension")?;
            let c = counts.get_mut(usize::try_from(k).unwrap_or(usize::MAX)).ok_or_else(|| DbError::Internal(anyhow::anyhow!("form dimension {k}")))?;
            *c.entry(r.try_get::<String, _>("value")?).or_default() += r.try_get::<i64, _>("n")?;
        }
        Ok(counts)
    }

    /// The seed article's figures for `code` and [from, to]. Organisations and members are
    /// counted on `to`, like the units and their secretaries; exams, moves, classes and
    /// admissions in the period.
    #[tracing::instrument(skip_all)]
    pub async fn press_figures(&self, caller: &Caller, code: &str, from: NaiveDate, to: NaiveDate) -> Result<PressFigures, DbError> {
        let summary = self.summary(caller, code, to).await?;
        let admitted = self.admissions(caller, code, from, to).await?;
        let (classes, trainees) = self.awareness_figures(caller, code, from, to).await?;
        let exams = self.exam_stats(caller, code, from, to).await?;
        let moves = self.move_matrix(caller, code, from, to).await?;
        let locality = self.locality_report(caller, code, to).await?;
        Ok(PressFigures {
            code: summary.code.clone(),
            from,
            to,
            grassroots_orgs: Some(summary.grassroots_orgs),
            members: Some(summary.total()),
            awareness_classes: Some(classes),
            awareness_trainees: Some(trainees),
            admitted: Some(admitted),
            exam_candidates_commune: Some(exams.commune),
            exam_candidates_district: Some(exams.district),
            moves_total: Some(moves.total),
            moves_upper_to_commune: Some(moves.upper_to_commune),
            moves_commune_to_upper: Some(moves.commune_to_upper),
            moves_commune_to_commune: Some(moves.commune_to_commune),
            moves_cross_sector: Some(moves.cross_sector),
            units_with_nonlocal_secretary: Some(locality.units_with_nonlocal_secretary),
            units_total: Some(locality.units_total),
        })
    }
}

/// Data-quality counts of one branch's current members.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityRow {
    pub code: String,
    pub name: String,
    pub members: i64,
    /// No CCCD recorded.
    pub missing_cccd: i64,
    /// Under 18 on the admission decision date (a wrong birth or admission date, most often).
    pub under_18_at_admission: i64,
    /// Another member with the same full name and date of birth (a possible double entry).
    pub possible_duplicates: i64,
    /// A full member with no card number.
    pub full_without_card: i64,
}

impl Store {
    /// Missing or suspicious fields of the members of `code`'s subtree on `as_of`, per branch.
    #[tracing::instrument(skip_all)]
    pub async fn data_quality(&self, caller: &Caller, code: &str, as_of: NaiveDate) -> Result<Vec<QualityRow>, DbError> {
        let org = self.org(caller, code).await?;
        let s = caller.scope();
        let sql = format!(
            "{SUBTREE_AS_OF} SELECT o.code, sub.name, COUNT(*) AS members,
                CAST(SUM(CASE WHEN m.cccd IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS missing_cccd,
                CAST(SUM(CASE WHEN e.age_at_admission < $6 THEN 1 ELSE 0 END) AS BIGINT) AS under_age,
                CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM member d WHERE d.full_name = m.full_name AND d.birth_date = m.birth_date AND d.id <> m.id) THEN 1 ELSE 0 END) AS BIGINT) AS duplicates,
                CAST(SUM(CASE WHEN m.card_no IS NULL AND ms.status <> 'probationary' THEN 1 ELSE 0 END) AS BIGINT) AS without_card
             FROM sub CROSS JOIN member_span ms JOIN org o ON o.id = ms.org_id JOIN member m ON m.id = ms.member_id
             LEFT JOIN member_episode e ON e.member_id = m.id AND e.episode = m.episode
             WHERE ms.org_id = sub.id AND ms.valid_from <= $5 AND (ms.valid_to IS NULL OR ms.valid_to > $5) AND {MEMBER_IN_SCOPE}
             GROUP BY o.code, sub.name ORDER BY o.code"
        );
        // Younger than the rule's minimum age (in whole years, as age_at_admission is kept).
        let min_age = self.rule_book().await?.number(dangbo_core::rules::RuleId::AdmissionMinAgeMonths, as_of) / 12;
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(&s.self_id)
            .bind(&org.id)
            .bind(iso(as_of))
            .bind(min_age)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(QualityRow {
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    members: r.try_get("members")?,
                    missing_cccd: r.try_get("missing_cccd")?,
                    under_18_at_admission: r.try_get("under_age")?,
                    possible_duplicates: r.try_get("duplicates")?,
                    full_without_card: r.try_get("without_card")?,
                })
            })
            .collect()
    }
}
