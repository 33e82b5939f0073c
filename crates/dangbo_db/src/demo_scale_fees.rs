//! A year of Party fees for a generated dataset (the benchmarks' province): every member's fee
//! basis by age (pensioners, students, insured employees and farmers by birth month), and each
//! month's payments of the members counted on its first day, at the amounts QĐ 342 (before
//! 2026) or QĐ 01 gives them, except members born on a 13th, who leave September to November
//! unpaid. Written set-based, one statement per month.

use crate::command::Right;
use crate::rows::iso;
use crate::{Caller, DbError, Store, now};
use dangbo_core::fee::Month;

/// What a category pays a month in the generated data, by regime (before 2026, from 2026).
const AMOUNTS: &str =
    "CASE f.category WHEN 'insured' THEN 62000 WHEN 'pensioner' THEN 24000 WHEN 'student' THEN (CASE WHEN $1 < '2026-02' THEN 3000 ELSE 5000 END)
     ELSE (CASE WHEN $1 < '2026-02' THEN 5000 ELSE 10000 END) END";

/// Every member's basis from 2015, by age and birth month.
const BASES: &str = "INSERT INTO fee_basis (member_id, from_month, category, base, recorded_by, recorded_at)
     SELECT m.id, '2015-01',
            CASE WHEN m.birth_date < '1960-01-01' THEN 'pensioner' WHEN m.birth_date >= '1998-01-01' THEN 'student'
                 WHEN substr(m.birth_date, 7, 1) IN ('0', '2', '4', '6', '8') THEN 'insured' ELSE 'farmer' END,
            CASE WHEN m.birth_date < '1960-01-01' THEN 4800000 WHEN m.birth_date >= '1998-01-01' THEN 0
                 WHEN substr(m.birth_date, 7, 1) IN ('0', '2', '4', '6', '8') THEN 6200000 ELSE 0 END,
            'demo', $1
     FROM member m";

impl Store {
    /// Writes `year`'s fees (and every member's basis) unless fees are recorded already.
    /// Returns the payments written.
    #[tracing::instrument(skip_all)]
    pub async fn generate_fees(&self, year: i32) -> Result<u64, DbError> {
        let written = self
            .command(&Caller::system(), Right::Admin, async |c| {
                let any: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 1 FROM fee_basis LIMIT 1) x").fetch_one(&mut *c.tx).await?;
                if any > 0 {
                    c.unaudited("nothing written: fees are recorded already");
                    return Ok(0);
                }
                sqlx::query(BASES).bind(now()).execute(&mut *c.tx).await?;
                let mut written = 0;
                for m in Month::of_year(year) {
                    let behind = if (9..=11).contains(&m.month) { "AND substr(m.birth_date, 9, 2) <> '13'" } else { "" };
                    let sql = format!(
                        "INSERT INTO fee_payment (id, member_id, month, org_id, amount, paid_on, channel, receipt, recorded_by, recorded_at)
                         SELECT ms.member_id || '-' || $1, ms.member_id, $1, ms.org_id, {AMOUNTS}, $2, 'cash', NULL, 'demo', $3
                         FROM member_span ms JOIN fee_basis f ON f.member_id = ms.member_id JOIN member m ON m.id = ms.member_id
                         WHERE ms.status IN ('probationary', 'full', 'exempt') AND ms.valid_from <= $4 AND (ms.valid_to IS NULL OR ms.valid_to > $4) {behind}"
                    );
                    let day = iso(m.first_day() + chrono::Days::new(9));
                    let r = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(m.iso()).bind(day).bind(now()).bind(iso(m.first_day())).execute(&mut *c.tx).await?;
                    written += r.rows_affected();
                }
                crate::fee_stale::touch_all(&mut c.tx).await?;
                c.audit("demo.fees", "database", "", None, Some(serde_json::json!({"year": year, "payments": written}))).await?;
                Ok(written)
            })
            .await?;
        if self.backend == crate::Backend::Postgres {
            sqlx::query("ANALYZE fee_payment").execute(&self.pool).await?;
            sqlx::query("ANALYZE fee_basis").execute(&self.pool).await?;
        }
        Ok(written)
    }

    /// The floor of a subtree's year: the same payments summed by month in one GROUP BY.
    pub async fn floor_fees(&self, path: &str, year: i32) -> Result<i64, DbError> {
        let total: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(p.amount) AS BIGINT) FROM fee_payment p JOIN org o ON o.id = p.org_id WHERE o.path LIKE $1 AND p.month >= $2 AND p.month <= $3",
        )
        .bind(format!("{path}%"))
        .bind(format!("{year:04}-01"))
        .bind(format!("{year:04}-12"))
        .fetch_one(&self.pool)
        .await?;
        Ok(total.unwrap_or(0))
    }

    /// Makes every kept fee sum stale, so that the next read of a year computes it (the bench's
    /// cold read).
    pub async fn forget_fee_sums(&self) -> Result<(), DbError> {
        self.command(&Caller::system(), Right::Admin, async |c| {
            crate::fee_stale::touch_all(&mut c.tx).await?;
            c.unaudited("derived sums only: nothing a user recorded changes");
            Ok(())
        })
        .await
    }

    /// The floor of reading a subtree's kept year: its rows read in one statement.
    pub async fn floor_fee_sums(&self, path: &str, year: i32) -> Result<i64, DbError> {
        let total: Option<i64> =
            sqlx::query_scalar("SELECT CAST(SUM(LENGTH(k.sums)) AS BIGINT) FROM fee_kept k JOIN org o ON o.id = k.org_id WHERE o.path LIKE $1 AND k.year = $2")
                .bind(format!("{path}%"))
                .bind(i64::from(year))
                .fetch_one(&self.pool)
                .await?;
        Ok(total.unwrap_or(0))
    }
}
