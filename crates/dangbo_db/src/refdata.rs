//! Reference lists (ethnic groups, religions, education and theory levels), seeded from the
//! CSV files in `data/` into `ref_item` on first migration; afterwards they are data.

use crate::{DbError, Store};
use sqlx::Row;

const ETHNIC: &str = include_str!("../../../data/ethnic-groups.csv");
const RELIGIONS: &str = include_str!("../../../data/religions.csv");
const LEVELS: &str = include_str!("../../../data/levels.csv");

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefItem {
    pub code: String,
    pub name: String,
    /// Other spellings, separated by ';'.
    pub aliases: String,
}

fn rows() -> Vec<(String, String, String, String, i64)> {
    let mut out = Vec::new();
    for (i, line) in ETHNIC.lines().skip(1).enumerate() {
        let f: Vec<&str> = line.splitn(3, ',').collect();
        if f.len() >= 2 {
            out.push(("ethnicity".into(), f[0].into(), f[1].into(), f.get(2).unwrap_or(&"").to_string(), i as i64));
        }
    }
    for (i, line) in RELIGIONS.lines().skip(1).enumerate() {
        let f: Vec<&str> = line.splitn(2, ',').collect();
        if !f[0].is_empty() {
            out.push(("religion".into(), f[0].into(), f[0].into(), f.get(1).unwrap_or(&"").to_string(), i as i64));
        }
    }
    for line in LEVELS.lines().skip(1) {
        let f: Vec<&str> = line.splitn(4, ',').collect();
        if f.len() >= 3 {
            out.push((f[0].into(), f[2].into(), f[2].into(), f.get(3).unwrap_or(&"").to_string(), f[1].parse().unwrap_or(0)));
        }
    }
    out
}

pub(crate) async fn seed(store: &Store) -> Result<(), DbError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ref_item").fetch_one(&store.pool).await?;
    if n > 0 {
        return Ok(());
    }
    store
        .upkeep("reference lists seeded", async |tx| {
            for (kind, code, name, aliases, ord) in rows() {
                sqlx::query("INSERT INTO ref_item (kind, code, name, aliases, ord) VALUES ($1, $2, $3, $4, $5)")
                    .bind(kind)
                    .bind(code)
                    .bind(name)
                    .bind(aliases)
                    .bind(ord)
                    .execute(&mut **tx)
                    .await?;
            }
            Ok(())
        })
        .await
}

impl Store {
    /// The items of one reference list, in their order.
    #[tracing::instrument(skip_all)]
    pub async fn ref_items(&self, kind: &str) -> Result<Vec<RefItem>, DbError> {
        let rows = sqlx::query("SELECT code, name, aliases FROM ref_item WHERE kind = $1 ORDER BY ord, code").bind(kind).fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(RefItem { code: r.try_get("code")?, name: r.try_get("name")?, aliases: r.try_get("aliases")? })).collect()
    }

    pub(crate) async fn ref_exists(&self, tx: &mut sqlx::Transaction<'static, sqlx::Any>, kind: &str, code: &str) -> Result<bool, DbError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ref_item WHERE kind = $1 AND code = $2").bind(kind).bind(code).fetch_one(&mut **tx).await?;
        Ok(n > 0)
    }
}
