//! Movements in a period (biến động đảng viên): admissions and their make-up, re-admissions,
//! recognitions, arrivals from outside, and exits by kind, for a subtree. The subtree is every
//! organisation that belonged to it at any time in the period.

use crate::members::{MemberPage, decode_cursor, page_of};
use crate::rows::iso;
use crate::scope::MEMBER_IN_SCOPE;
use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Movements {
    pub admitted: i64,
    pub admitted_under_30: i64,
    pub admitted_women: i64,
    pub admitted_ethnic_minority: i64,
    pub admitted_religious: i64,
    pub readmitted: i64,
    pub recognised: i64,
    pub transferred_in: i64,
    pub transferred_out: i64,
    pub struck_off: i64,
    pub left: i64,
    pub expelled: i64,
    pub deceased: i64,
}

/// The organisations of `$4`'s subtree at any time in [$5, $6].
pub(crate) const SUBTREE_IN_PERIOD: &str = "WITH RECURSIVE sub(id) AS (
    SELECT CAST($4 AS TEXT)
    UNION
    SELECT sp.org_id FROM org_span sp JOIN sub ON sp.parent_id = sub.id WHERE sp.valid_from <= $6 AND (sp.valid_to IS NULL OR sp.valid_to > $5)
)";

impl Store {
    #[tracing::instrument(skip_all)]
    pub async fn movements(&self, caller: &Caller, code: &str, from: NaiveDate, to: NaiveDate) -> Result<Movements, DbError> {
        let org = self.org(caller, code).await?;
        let s = caller.scope();
        let admissions = format!(
            "{SUBTREE_IN_PERIOD} SELECT COUNT(*) AS admitted,
                CAST(COALESCE(SUM(CASE WHEN e.age_at_admission <= $7 THEN 1 ELSE 0 END), 0) AS BIGINT) AS young,
                CAST(COALESCE(SUM(CASE WHEN m.sex = 'female' THEN 1 ELSE 0 END), 0) AS BIGINT) AS women,
                CAST(COALESCE(SUM(CASE WHEN m.ethnicity <> $8 THEN 1 ELSE 0 END), 0) AS BIGINT) AS ethnic_minority,
                CAST(COALESCE(SUM(CASE WHEN m.religion <> $9 THEN 1 ELSE 0 END), 0) AS BIGINT) AS religious,
                CAST(COALESCE(SUM(CASE WHEN e.episode > 1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS readmitted
             {ADMISSIONS_FROM_WHERE} AND {MEMBER_IN_SCOPE}"
        );
        let recognitions = format!(
            "{SUBTREE_IN_PERIOD} SELECT COUNT(*) AS n FROM member_span ms JOIN sub ON sub.id = ms.org_id JOIN org o ON o.id = ms.org_id JOIN member m ON m.id = ms.member_id
             WHERE ms.status = 'full' AND ms.valid_from >= $5 AND ms.valid_from <= $6 AND {MEMBER_IN_SCOPE}
               AND EXISTS (SELECT 1 FROM member_span p WHERE p.member_id = ms.member_id AND p.status = 'probationary' AND p.valid_to = ms.valid_from)"
        );
        let arrivals = format!(
            "{SUBTREE_IN_PERIOD} SELECT COUNT(*) AS n FROM member_episode e JOIN member_span ms ON ms.member_id = e.member_id AND ms.episode = e.episode
               JOIN sub ON sub.id = ms.org_id JOIN org o ON o.id = ms.org_id JOIN member m ON m.id = e.member_id
             WHERE e.admitted_here = 0 AND ms.valid_from >= $5 AND ms.valid_from <= $6 AND {MEMBER_IN_SCOPE}
               AND ms.valid_from = (SELECT MIN(f.valid_from) FROM member_span f WHERE f.member_id = e.member_id)"
        );
        let exits = format!(
            "{SUBTREE_IN_PERIOD} SELECT m.status, COUNT(*) AS n FROM member m JOIN sub ON sub.id = m.org_id JOIN org o ON o.id = m.org_id
             WHERE m.exit_date >= $5 AND m.exit_date <= $6 AND {MEMBER_IN_SCOPE} GROUP BY m.status"
        );
        let bind = |sql: String| {
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(s.prefix.clone()).bind(s.self_id.clone()).bind(org.id.clone()).bind(iso(from)).bind(iso(to))
        };
        let a = bind(admissions)
            .bind(dangbo_core::member::YOUTH_MAX_AGE)
            .bind(dangbo_core::member::KINH)
            .bind(dangbo_core::member::NO_RELIGION)
            .fetch_one(&self.pool)
            .await?;
        let mut mv = Movements {
            admitted: a.try_get("admitted")?,
            admitted_under_30: a.try_get("young")?,
            admitted_women: a.try_get("women")?,
            admitted_ethnic_minority: a.try_get("ethnic_minority")?,
            admitted_religious: a.try_get("religious")?,
            readmitted: a.try_get("readmitted")?,
            recognised: bind(recognitions).fetch_one(&self.pool).await?.try_get("n")?,
            transferred_in: bind(arrivals).fetch_one(&self.pool).await?.try_get("n")?,
            ..Default::default()
        };
        for r in bind(exits).fetch_all(&self.pool).await? {
            let n: i64 = r.try_get("n")?;
            match r.try_get::<String, _>("status")?.as_str() {
                "transferred_out" => mv.transferred_out = n,
                "struck_off" => mv.struck_off = n,
                "left" => mv.left = n,
                "expelled" => mv.expelled = n,
                "deceased" => mv.deceased = n,
                _ => {}
            }
        }
        Ok(mv)
    }
}

/// Admissions (episodes admitted here) with a decision dated in [$5, $6] into the period subtree.
const ADMISSIONS_FROM_WHERE: &str = "FROM member_episode e JOIN sub ON sub.id = e.org_id JOIN org o ON o.id = e.org_id JOIN member m ON m.id = e.member_id
     WHERE e.admitted_here = 1 AND e.admission_decision_date >= $5 AND e.admission_decision_date <= $6";

impl Store {
    /// How many were admitted into `code`'s subtree with a decision dated in [from, to]: the
    /// organisations that belonged to the subtree at any time in the period count.
    #[tracing::instrument(skip_all)]
    pub async fn admissions(&self, caller: &Caller, code: &str, from: NaiveDate, to: NaiveDate) -> Result<i64, DbError> {
        let org = self.org(caller, code).await?;
        let s = caller.scope();
        let sql = format!("{SUBTREE_IN_PERIOD} SELECT COUNT(*) {ADMISSIONS_FROM_WHERE} AND {MEMBER_IN_SCOPE}");
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(&s.self_id)
            .bind(&org.id)
            .bind(iso(from))
            .bind(iso(to))
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// The people behind `admitted`: admissions into the subtree with a decision in [from, to],
    /// sorted by given name, one keyset page at a time.
    #[tracing::instrument(skip_all)]
    pub async fn list_admissions(
        &self,
        caller: &Caller,
        code: &str,
        from: NaiveDate,
        to: NaiveDate,
        limit: i64,
        cursor: Option<&str>,
    ) -> Result<MemberPage, DbError> {
        let org = self.org(caller, code).await?;
        let s = caller.scope();
        let (key, id) = cursor.and_then(decode_cursor).unwrap_or_default();
        let total = self.admissions(caller, code, from, to).await?;
        let from_where = format!("{ADMISSIONS_FROM_WHERE} AND {MEMBER_IN_SCOPE}");
        let sql = format!(
            "{SUBTREE_IN_PERIOD} SELECT m.id, m.full_name, o.code, o.name AS org_name, m.status, m.sex, m.birth_date, e.ceremony_date, m.sort_key {from_where}
               AND (length($7) = 0 OR m.sort_key > $7 OR (m.sort_key = $7 AND m.id > $8))
             ORDER BY m.sort_key, m.id LIMIT $9"
        );
        let limit = limit.clamp(1, 500);
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(&s.self_id)
            .bind(&org.id)
            .bind(iso(from))
            .bind(iso(to))
            .bind(key)
            .bind(id)
            .bind(limit + 1)
            .fetch_all(&self.pool)
            .await?;
        page_of(&rows, limit, total)
    }
}
