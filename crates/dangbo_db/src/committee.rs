//! The composition of an organisation's committee on a date: who held which post, from the
//! dated positions (so any past term can be read back).

use crate::rows::{date, iso, opt_date};
use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use dangbo_core::cadre::{PostBasis, Title};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Seat {
    pub member_id: String,
    pub full_name: String,
    pub title: Title,
    pub from_on: NaiveDate,
    pub to_on: Option<NaiveDate>,
    pub local: Option<bool>,
    pub basis: Option<PostBasis>,
}

impl Store {
    /// The posts of `code` on `on`, secretary first.
    #[tracing::instrument(skip_all)]
    pub async fn committee(&self, caller: &Caller, code: &str, on: NaiveDate) -> Result<Vec<Seat>, DbError> {
        let org = self.org(caller, code).await?;
        let rows = sqlx::query(
            "SELECT p.member_id, m.full_name, p.title, p.from_on, p.to_on, p.local, p.basis FROM position p JOIN member m ON m.id = p.member_id
             WHERE p.org_id = $1 AND p.from_on <= $2 AND (p.to_on IS NULL OR p.to_on > $2) ORDER BY m.sort_key, p.id",
        )
        .bind(&org.id)
        .bind(iso(on))
        .fetch_all(&self.pool)
        .await?;
        let mut seats = rows
            .iter()
            .map(|r| {
                Ok(Seat {
                    member_id: r.try_get("member_id")?,
                    full_name: r.try_get("full_name")?,
                    title: crate::rows::decoded(&r.try_get::<String, _>("title")?, Title::parse, "Title")?,
                    from_on: date(&r.try_get::<String, _>("from_on")?)?,
                    to_on: opt_date(r.try_get("to_on")?)?,
                    local: r.try_get::<Option<i64>, _>("local")?.map(|l| l != 0),
                    basis: r.try_get::<Option<String>, _>("basis")?.map(|b| crate::rows::decoded(&b, PostBasis::parse, "PostBasis")).transpose()?,
                })
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        let rank = |t: Title| Title::ALL.iter().position(|x| *x == t).unwrap_or(usize::MAX);
        seats.sort_by_key(|s| rank(s.title));
        Ok(seats)
    }
}
