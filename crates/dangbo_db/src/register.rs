//! The member register of a subtree as of a date (for exports), sorted by given name.

use crate::rows::{date, iso, opt_date};
use crate::scope::{MEMBER_IN_SCOPE, SUBTREE_AS_OF};
use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use dangbo_core::event::{EventRecord, replay_by};
use dangbo_core::register::RegisterRow;
use dangbo_core::register::data::MemberData;
use futures_util::TryStreamExt;
use sqlx::Row;

impl Store {
    /// Every member counted in `code`'s subtree on `as_of`. `sex` and `status` hold the stored
    /// codes (the caller puts labels on them); `ethnicity` holds the group's name.
    #[tracing::instrument(skip_all)]
    pub async fn register(&self, caller: &Caller, code: &str, as_of: NaiveDate) -> Result<Vec<RegisterRow>, DbError> {
        let mut out = Vec::new();
        self.register_each(caller, code, as_of, |r| {
            out.push(r);
            Ok(())
        })
        .await?;
        Ok(out)
    }

    /// As [`Store::register`], one row at a time to `f`, in order, without holding the list
    /// (an export of a province streams). Returns the number of rows.
    #[tracing::instrument(skip_all)]
    pub async fn register_each(
        &self,
        caller: &Caller,
        code: &str,
        as_of: NaiveDate,
        mut f: impl FnMut(RegisterRow) -> Result<(), DbError>,
    ) -> Result<usize, DbError> {
        let org = self.org(caller, code).await?;
        let s = caller.scope();
        let sql = format!(
            "{SUBTREE_AS_OF} SELECT m.full_name, m.sex, m.birth_date, COALESCE(r.name, m.ethnicity) AS ethnicity, m.religion, m.home_town, ms.education, ms.theory,
                ms.professional, ms.occupation, m.ceremony_date, m.full_date, m.card_no, m.bio_no, sub.name AS branch, ms.status
             FROM sub CROSS JOIN member_span ms JOIN org o ON o.id = ms.org_id JOIN member m ON m.id = ms.member_id
             LEFT JOIN ref_item r ON r.kind = 'ethnicity' AND r.code = m.ethnicity
             WHERE ms.org_id = sub.id AND ms.valid_from <= $5 AND (ms.valid_to IS NULL OR ms.valid_to > $5) AND {MEMBER_IN_SCOPE}
             ORDER BY m.sort_key, m.id"
        );
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(&s.self_id).bind(&org.id).bind(iso(as_of)).fetch(&self.pool);
        let mut n = 0;
        while let Some(r) = rows.try_next().await? {
            f(row_of(&r)?)?;
            n += 1;
        }
        drop(rows);
        // The whole register is a read of many confidential files: logged before it leaves.
        self.log_read(caller, "register.export", "org", &org.id, serde_json::json!({"org": org.code, "as_of": iso(as_of), "rows": n})).await?;
        Ok(n)
    }
}

/// Members whose events are read in one query when the data workbook is written.
const DATA_CHUNK: usize = 500;

/// What the data workbook needs of a member before their events: id, branch, group names.
type DataHead = (String, String, String, String, String);

impl Store {
    /// Every member counted in `code`'s subtree today, as the data workbook carries them with
    /// `tree` (its [`Store::data_tree`]: the members' places name its organisations) (every
    /// field of the file, the levels' history, an exemption), sorted by given name, one at a
    /// time to `f`. Events are read a chunk of members at a time, so memory stays flat. `None`
    /// (and nothing read past the list of members) when there are more than `max_rows`.
    #[tracing::instrument(skip_all)]
    pub async fn member_data_each(
        &self,
        caller: &Caller,
        code: &str,
        tree: &crate::DataTree,
        today: NaiveDate,
        max_rows: usize,
        mut f: impl FnMut(MemberData) -> Result<(), DbError>,
    ) -> Result<Option<usize>, DbError> {
        let org = self.org(caller, code).await?;
        let s = caller.scope();
        let sql = format!(
            "{SUBTREE_AS_OF} SELECT m.id, o.code, sub.name, COALESCE(r.name, m.ethnicity) AS ethnicity, COALESCE(g.name, m.religion) AS religion
             FROM sub CROSS JOIN member_span ms JOIN org o ON o.id = ms.org_id JOIN member m ON m.id = ms.member_id
             LEFT JOIN ref_item r ON r.kind = 'ethnicity' AND r.code = m.ethnicity
             LEFT JOIN ref_item g ON g.kind = 'religion' AND g.code = m.religion
             WHERE ms.org_id = sub.id AND ms.valid_from <= $5 AND (ms.valid_to IS NULL OR ms.valid_to > $5) AND {MEMBER_IN_SCOPE}
             ORDER BY m.sort_key, m.id"
        );
        let mut tx = self.read().await?;
        let heads: Vec<DataHead> =
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).bind(&s.self_id).bind(&org.id).bind(iso(today)).fetch_all(&mut *tx).await?;
        if heads.len() > max_rows {
            return Ok(None);
        }
        let book = crate::rules::load_rules(&mut tx).await?;
        for chunk in heads.chunks(DATA_CHUNK) {
            let sql = format!(
                "SELECT member_id, id, seq, effective_on, data FROM member_event WHERE member_id IN ({}) ORDER BY member_id, seq",
                (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for h in chunk {
                q = q.bind(&h.0);
            }
            let mut events: std::collections::HashMap<String, Vec<EventRecord>> = std::collections::HashMap::new();
            for r in q.fetch_all(&mut *tx).await? {
                events.entry(r.try_get("member_id")?).or_default().push(EventRecord {
                    id: r.try_get("id")?,
                    seq: r.try_get("seq")?,
                    effective_on: date(&r.try_get::<String, _>("effective_on")?)?,
                    data: serde_json::from_str(&r.try_get::<String, _>("data")?)?,
                });
            }
            for (id, org_code, org_name, ethnicity, religion) in chunk {
                let records = events.remove(id).unwrap_or_default();
                let d = replay_by(&records, &book)?;
                let code_of = |id: &str| tree.codes.get(id).cloned();
                f(MemberData::of(&d, &records, (org_code.clone(), org_name.clone()), ethnicity.clone(), religion.clone(), code_of))?;
            }
        }
        tx.rollback().await?;
        let n = heads.len();
        self.log_read(caller, "register.data_export", "org", &org.id, serde_json::json!({"org": org.code, "as_of": iso(today), "rows": n})).await?;
        Ok(Some(n))
    }
}

fn row_of(r: &sqlx::any::AnyRow) -> Result<RegisterRow, DbError> {
    Ok(RegisterRow {
        full_name: r.try_get("full_name")?,
        sex: r.try_get("sex")?,
        birth_date: date(&r.try_get::<String, _>("birth_date")?)?,
        ethnicity: r.try_get("ethnicity")?,
        religion: r.try_get("religion")?,
        home_town: r.try_get("home_town")?,
        education: r.try_get("education")?,
        theory: r.try_get("theory")?,
        professional: r.try_get("professional")?,
        occupation: r.try_get("occupation")?,
        ceremony_date: date(&r.try_get::<String, _>("ceremony_date")?)?,
        full_date: opt_date(r.try_get("full_date")?)?,
        card_no: r.try_get::<Option<String>, _>("card_no")?.unwrap_or_default(),
        bio_no: r.try_get::<Option<String>, _>("bio_no")?.unwrap_or_default(),
        branch: r.try_get("branch")?,
        status: r.try_get("status")?,
    })
}
