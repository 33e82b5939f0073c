//! The card book (sổ phát thẻ đảng viên) of a committee: every card issued, reissued or
//! withdrawn in its subtree in a period, from the members' events. A card is withdrawn when its
//! holder leaves the Party (struck off, expelled, left). Above the register (`members`).

use crate::rows::{date, iso};
use crate::scope::MEMBER_IN_SCOPE;
use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use dangbo_core::card::CardReason;
use dangbo_core::event::EventData;
use serde::Serialize;
use sqlx::Row;

/// What happened to a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CardEntryKind {
    Issued,
    Reissued,
    Withdrawn,
}

/// One line of the card book.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardEntry {
    pub on: NaiveDate,
    pub member_id: String,
    pub full_name: String,
    /// The member's branch today.
    pub branch: String,
    pub card_no: String,
    pub kind: CardEntryKind,
    /// Why a card was issued; for a withdrawal, the event that ended the membership.
    pub reason: String,
    pub decision_no: Option<String>,
}

impl Store {
    /// The card book of `code`'s subtree (today's tree) for the days `from`..=`to`, oldest
    /// first. A read of many members' names: logged.
    #[tracing::instrument(skip_all)]
    pub async fn card_book(&self, caller: &Caller, code: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<CardEntry>, DbError> {
        let root = self.org(caller, code).await?;
        let s = caller.scope();
        let sql = format!(
            "SELECT e.effective_on, e.kind, e.data, e.decision_no, m.id AS member_id, m.full_name, m.card_no AS held, o.name AS branch
               FROM org o JOIN member m ON m.org_id = o.id JOIN member_event e ON e.member_id = m.id
              WHERE o.path >= $6 AND o.path < $7 AND {MEMBER_IN_SCOPE}
                AND e.kind IN ('card_issued', 'struck_off', 'expelled', 'left') AND e.effective_on >= $4 AND e.effective_on <= $5
              ORDER BY e.effective_on, m.sort_key, e.seq"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(s.all)
            .bind(&s.prefix)
            .bind(&s.self_id)
            .bind(iso(from))
            .bind(iso(to))
            // The subtree as a range of paths ('/' is followed by '0'): an index range on both
            // databases, from the organisations to their members to their events.
            .bind(&root.path)
            .bind(format!("{}0", root.path.strip_suffix('/').unwrap_or(&root.path)))
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let data: EventData = serde_json::from_str(&r.try_get::<String, _>("data")?)?;
            let held: Option<String> = r.try_get("held")?;
            let (kind, card_no, reason) = match data {
                EventData::CardIssued { card_no, reason: CardReason::First } => (CardEntryKind::Issued, card_no, CardReason::First.as_str().to_string()),
                EventData::CardIssued { card_no, reason } => (CardEntryKind::Reissued, card_no, reason.as_str().to_string()),
                // Only a member who held a card gives one back.
                _ => match held {
                    Some(no) => (CardEntryKind::Withdrawn, no, r.try_get("kind")?),
                    None => continue,
                },
            };
            out.push(CardEntry {
                on: date(&r.try_get::<String, _>("effective_on")?)?,
                member_id: r.try_get("member_id")?,
                full_name: r.try_get("full_name")?,
                branch: r.try_get("branch")?,
                card_no,
                kind,
                reason,
                decision_no: r.try_get("decision_no")?,
            });
        }
        let detail = serde_json::json!({"from": iso(from), "to": iso(to), "rows": out.len()});
        self.log_read(caller, "card.book", "org", code, detail).await?;
        Ok(out)
    }
}
