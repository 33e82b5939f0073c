//! The annual review of members (issue 26): a branch's or grassroots organisation's sheet of
//! a year (every member it rates, with the self-assessment, the branch's proposal and the
//! decision), the ratings of a stage recorded for many members in one command — the decision
//! checked against the quota of its grassroots organisation — and the summary of a subtree.

use crate::command::Right;
use crate::due::TodoRow;
use crate::orgs::org_in_tx;
use crate::rows::{decoded, iso};
use crate::scope::ORG_IN_SCOPE;
use crate::{Caller, DbError, Store, new_id, now};
use chrono::NaiveDate;
use dangbo_core::FieldErrors;
use dangbo_core::org::OrgKind;
use dangbo_core::rating::{Level, Rated, Regime, Stage, quota, year_end};
use dangbo_core::rules::{RuleBook, RuleId};
use dangbo_core::todo::{Due as TodoDue, TodoKind};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// The most members rated in one command (a grassroots organisation's decision).
pub const MAX_RATINGS: usize = 2_000;
/// The longest decision number.
pub const MAX_DECISION_NO: usize = dangbo_core::fee::relief::MAX_DECISION_NO;
/// Those rated: members in full and on probation (members excused from Party work, miễn sinh
/// hoạt, are not rated: an inference, not confirmed by the sources).
const RATED: &str = "('probationary', 'full')";

/// One stage's rating of a member.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageRating {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "htt"))]
    pub level: Level,
    pub score: Option<i64>,
    pub decision_no: Option<String>,
}

/// A member on a sheet.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingLine {
    pub member_id: String,
    pub full_name: String,
    /// The member's branch (code, name).
    pub branch: String,
    pub branch_name: String,
    #[serde(rename = "self")]
    pub self_assessed: Option<StageRating>,
    pub proposed: Option<StageRating>,
    pub decided: Option<StageRating>,
}

/// The members an organisation rates for a year, with their ratings so far.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingSheet {
    pub org: String,
    pub org_name: String,
    pub year: i32,
    /// The regime of the year's review (code, citation), whether it scores, its bands.
    pub regime: String,
    pub citation: String,
    pub scored: bool,
    pub bands: Vec<i64>,
    /// The quota on HTXSNV, in hundredths of a percent of HTTNV, and its citation.
    pub quota: i64,
    pub quota_rule: String,
    pub lines: Vec<RatingLine>,
}

/// Ratings of one stage to record.
#[derive(Debug, Clone)]
pub struct NewRatings {
    pub year: i32,
    pub stage: Stage,
    pub ratings: Vec<(String, Rated)>,
    /// The decision's number and date (a decision only).
    pub decision: Option<(String, NaiveDate)>,
}

/// The date a year's review is judged on: the year's end, or today while the year runs.
fn review_on(year: i32, today: NaiveDate) -> Result<NaiveDate, DbError> {
    let end = year_end(year).filter(|_| (1930..=2100).contains(&year)).ok_or_else(|| DbError::field("year", "err-number"))?;
    Ok(end.min(today))
}

/// The members rated in the subtree under `path` (today's tree) on `on`, sorted by given name:
/// (id, name, branch code, branch name).
async fn rated_members(tx: &mut Transaction<'static, Any>, path: &str, on: NaiveDate) -> Result<Vec<(String, String, String, String)>, DbError> {
    let sql = format!(
        "SELECT m.id, m.full_name, o.code, o.name FROM member_span ms JOIN member m ON m.id = ms.member_id JOIN org o ON o.id = ms.org_id
         WHERE o.path LIKE $1 AND ms.status IN {RATED} AND ms.valid_from <= $2 AND (ms.valid_to IS NULL OR ms.valid_to > $2)
         ORDER BY m.sort_key, m.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(format!("{path}%")).bind(iso(on)).fetch_all(&mut **tx).await?;
    rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("full_name")?, r.try_get("code")?, r.try_get("name")?))).collect()
}

/// The ratings of `year` of the members under `path`: (member, stage) → rating.
async fn ratings_under(tx: &mut Transaction<'static, Any>, path: &str, on: NaiveDate, year: i32) -> Result<HashMap<(String, Stage), StageRating>, DbError> {
    let sql = format!(
        "SELECT r.member_id, r.stage, r.level, r.score, r.decision_no FROM member_rating r
         WHERE r.year = $3 AND r.member_id IN (SELECT ms.member_id FROM member_span ms JOIN org o ON o.id = ms.org_id
             WHERE o.path LIKE $1 AND ms.status IN {RATED} AND ms.valid_from <= $2 AND (ms.valid_to IS NULL OR ms.valid_to > $2))"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(format!("{path}%")).bind(iso(on)).bind(i64::from(year)).fetch_all(&mut **tx).await?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in &rows {
        let stage = decoded(&r.try_get::<String, _>("stage")?, Stage::parse, "rating Stage")?;
        let level = decoded(&r.try_get::<String, _>("level")?, Level::parse, "rating Level")?;
        out.insert((r.try_get("member_id")?, stage), StageRating { level, score: r.try_get("score")?, decision_no: r.try_get("decision_no")? });
    }
    Ok(out)
}

/// Members by their decided level for a year, and those counted but not yet decided.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingCounts {
    pub htxs: i64,
    pub htt: i64,
    pub ht: i64,
    pub khtnv: i64,
    pub not_rated: i64,
}

/// The ratings of a subtree's members for a year.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingSummary {
    pub org: String,
    pub org_name: String,
    pub year: i32,
    pub regime: String,
    /// The regime's regulation and guidance.
    pub citation: String,
    pub members: RatingCounts,
}

/// Which organisations rate: a branch proposes, a grassroots organisation decides (a grassroots
/// branch does both).
fn may_rate(kind: OrgKind, stage: Stage) -> bool {
    match stage {
        Stage::SelfAssessed | Stage::Branch => kind.holds_members(),
        Stage::Decision => kind.is_grassroots(),
    }
}

impl Store {
    /// The sheet of `code` for `year`: the members a branch or a grassroots organisation rates
    /// (none for the levels above).
    #[tracing::instrument(skip_all)]
    pub async fn rating_sheet(&self, caller: &Caller, code: &str, year: i32, today: NaiveDate) -> Result<RatingSheet, DbError> {
        let on = review_on(year, today)?;
        let org = self.org(caller, code).await?;
        let mut tx = self.read().await?;
        // The levels above rate no member themselves: their sheet is empty.
        let members = if org.kind.holds_members() || org.kind.is_grassroots() { rated_members(&mut tx, &org.path, on).await? } else { Vec::new() };
        let mut ratings = ratings_under(&mut tx, &org.path, on, year).await?;
        let book = crate::rules::load_rules(&mut tx).await?;
        tx.rollback().await?;
        let regime = Regime::of_year(year);
        let end = year_end(year).expect("a checked year");
        let q = book.get(RuleId::RatingExcellentQuota, end);
        let lines = members
            .into_iter()
            .map(|(id, full_name, branch, branch_name)| {
                let mut take = |s: Stage| ratings.remove(&(id.clone(), s));
                RatingLine {
                    self_assessed: take(Stage::SelfAssessed),
                    proposed: take(Stage::Branch),
                    decided: take(Stage::Decision),
                    member_id: id,
                    full_name,
                    branch,
                    branch_name,
                }
            })
            .collect();
        Ok(RatingSheet {
            org: org.code,
            org_name: org.name,
            year,
            regime: regime.code.into(),
            citation: regime.citation.into(),
            scored: regime.scored,
            bands: if regime.scored { dangbo_core::rating::bands(&book, end) } else { Vec::new() },
            quota: q.value.number(),
            quota_rule: q.citation.clone(),
            lines,
        })
    }

    /// The decided ratings of `year` of the members of `code`'s subtree as it stood on the
    /// review date, and how many are not yet decided.
    #[tracing::instrument(skip_all)]
    pub async fn rating_summary(&self, caller: &Caller, code: &str, year: i32, today: NaiveDate) -> Result<RatingSummary, DbError> {
        let on = review_on(year, today)?;
        let org = self.org(caller, code).await?;
        let orgs: Vec<String> = self.subtree_orgs(caller, code, on).await?.into_keys().collect();
        let mut tx = self.read().await?;
        let mut counts = RatingCounts::default();
        for chunk in orgs.chunks(500) {
            let list = (3..chunk.len() + 3).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
            let sql = format!(
                "SELECT r.level, COUNT(*) AS n FROM member_span ms
                   LEFT JOIN member_rating r ON r.member_id = ms.member_id AND r.year = $2 AND r.stage = 'decision'
                 WHERE ms.org_id IN ({list}) AND ms.status IN {RATED} AND ms.valid_from <= $1 AND (ms.valid_to IS NULL OR ms.valid_to > $1)
                 GROUP BY r.level"
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(iso(on)).bind(i64::from(year));
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(&mut *tx).await? {
                let n: i64 = r.try_get("n")?;
                match r.try_get::<Option<String>, _>("level")? {
                    None => counts.not_rated += n,
                    Some(l) => match decoded(&l, Level::parse, "rating Level")? {
                        Level::Excellent => counts.htxs += n,
                        Level::Good => counts.htt += n,
                        Level::Done => counts.ht += n,
                        Level::NotDone => counts.khtnv += n,
                    },
                }
            }
        }
        tx.rollback().await?;
        let regime = Regime::of_year(year);
        Ok(RatingSummary { org: org.code, org_name: org.name, year, regime: regime.code.into(), citation: regime.citation.into(), members: counts })
    }

    /// Records the ratings of one stage for members of `code` in one command: the self-
    /// assessments and proposals of a branch (replacing earlier ones until a decision is made),
    /// or the decision of a grassroots organisation — only on the branch's proposal, once, and
    /// within the quota of HTXSNV over all its members' decisions of the year.
    #[tracing::instrument(skip_all)]
    pub async fn record_ratings(&self, caller: &Caller, code: &str, new: &NewRatings, today: NaiveDate) -> Result<usize, DbError> {
        if new.ratings.len() > MAX_RATINGS {
            return Err(DbError::field("ratings", "err-too-many"));
        }
        let on = review_on(new.year, today)?;
        self.command(caller, Right::Write, async |c| {
            let org = org_in_tx(&mut c.tx, c.caller, code).await?.ok_or(DbError::NotFound)?;
            if !may_rate(org.kind, new.stage) {
                return Err(DbError::field("stage", "err-rating-org"));
            }
            let members: HashMap<String, String> = rated_members(&mut c.tx, &org.path, on).await?.into_iter().map(|(id, name, ..)| (id, name)).collect();
            let existing = ratings_under(&mut c.tx, &org.path, on, new.year).await?;
            let mut e = FieldErrors::new();
            let decision = check_decision(new, today, &mut e);
            for (id, rated) in &new.ratings {
                let field = format!("level.{id}");
                if !members.contains_key(id) {
                    e.add(&field, "err-rating-not-member");
                } else if existing.contains_key(&(id.clone(), Stage::Decision)) {
                    e.add(&field, "err-rating-decided");
                } else if new.stage == Stage::Decision && !existing.contains_key(&(id.clone(), Stage::Branch)) {
                    e.add(&field, "err-rating-no-proposal");
                } else if rated.score.is_some() && !Regime::of_year(new.year).scored {
                    e.add(&format!("score.{id}"), "err-rating-no-score");
                }
            }
            if new.stage == Stage::Decision {
                let book = crate::rules::load_rules(&mut c.tx).await?;
                check_quota(&book, on, new, &existing, &mut e);
                check_disciplined(&mut c.tx, &book, new, &mut e).await?;
            }
            e.into_result(()).map_err(DbError::Invalid)?;
            write(&mut c.tx, &org.id, &c.caller.username, new, decision.as_ref()).await?;
            let summary =
                serde_json::json!({"year": new.year, "stage": new.stage.as_str(), "members": new.ratings.len(), "decision": decision.as_ref().map(|d| &d.0)});
            c.audit(&format!("rating.{}", new.stage.as_str()), "org", &org.code, None, Some(summary)).await?;
            Ok(new.ratings.len())
        })
        .await
    }
}

/// Members of the caller's scope, still counted, whose last decided ratings are "did not
/// complete tasks" for the rule's number of years running (QĐ 24 §8.1: two years in breach of
/// member standing): the branch considers striking them off. Shown with the rule's citation;
/// nothing is applied.
pub(crate) async fn ratings_due(tx: &mut Transaction<'static, Any>, caller: &Caller, book: &RuleBook, today: NaiveDate) -> Result<Vec<TodoRow>, DbError> {
    let s = caller.scope();
    let sql = format!(
        "SELECT m.id, m.full_name, o.code AS org, o.name AS org_name, r.year, r.level FROM member_rating r JOIN member m ON m.id = r.member_id JOIN org o ON o.id = m.org_id
         WHERE r.stage = 'decision' AND m.status IN {RATED} AND {ORG_IN_SCOPE}
           AND r.member_id IN (SELECT k.member_id FROM member_rating k WHERE k.stage = 'decision' AND k.level = 'khtnv')
         ORDER BY m.id, r.year DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.all).bind(&s.prefix).fetch_all(&mut **tx).await?;
    let run = book.number(RuleId::RatingNotDoneYears, today).max(1) as usize;
    // Per member (rows come by member): the decided years, newest first, and a row for names.
    type Decided<'r> = (String, Vec<(i32, Level)>, &'r sqlx::any::AnyRow);
    let mut by: Vec<Decided> = Vec::new();
    for r in &rows {
        let id: String = r.try_get("id")?;
        let year = i32::try_from(r.try_get::<i64, _>("year")?).map_err(|_| DbError::Internal(anyhow::anyhow!("stored rating year does not fit")))?;
        let level = decoded(&r.try_get::<String, _>("level")?, Level::parse, "rating Level")?;
        match by.last_mut() {
            Some((last, years, _)) if *last == id => years.push((year, level)),
            _ => by.push((id, vec![(year, level)], r)),
        }
    }
    let mut out = Vec::new();
    for (id, years, r) in by {
        // The latest years, newest first: each the year before the last, all KHTNV.
        let latest = &years[..run.min(years.len())];
        let consecutive = latest.windows(2).all(|w| w[1].0 == w[0].0 - 1);
        if latest.len() < run || !consecutive || latest.iter().any(|(_, l)| *l != Level::NotDone) {
            continue;
        }
        let end = year_end(latest[0].0).unwrap_or(today);
        let due = TodoDue::of(TodoKind::RatingNotDoneRun, RuleId::RatingNotDoneYears, end, end, book);
        out.push(TodoRow {
            overdue: due.overdue(today),
            kind: due.kind,
            subject: "member",
            full_name: r.try_get("full_name")?,
            org: r.try_get("org")?,
            org_name: r.try_get("org_name")?,
            id,
            from: due.from,
            due: due.due,
            rule: due.rule,
            citation: due.citation,
            confirmed: due.confirmed,
            milestone: None,
            unpaid_months: None,
        });
    }
    Ok(out)
}

/// A decision needs its number and date (not in the future); other stages carry none.
fn check_decision(new: &NewRatings, today: NaiveDate, e: &mut FieldErrors) -> Option<(String, NaiveDate)> {
    if new.stage != Stage::Decision {
        return None;
    }
    let Some((no, date)) = &new.decision else {
        e.add("decision_no", "err-required");
        return None;
    };
    let no = dangbo_core::text::clean(no);
    if no.is_empty() {
        e.add("decision_no", "err-required");
    } else if no.chars().count() > MAX_DECISION_NO {
        e.add("decision_no", "err-too-long");
    }
    if *date > today {
        e.add("decision_date", "err-date-future");
    }
    Some((no, *date))
}

/// HTXSNV at most the quota's share of HTTNV over the grassroots organisation's decisions of
/// the year, those recorded and these together (HD 21-HD/BTCTW).
fn check_quota(book: &RuleBook, on: NaiveDate, new: &NewRatings, existing: &HashMap<(String, Stage), StageRating>, e: &mut FieldErrors) {
    let count = |l: Level| {
        existing.iter().filter(|((_, s), r)| *s == Stage::Decision && r.level == l).count() as i64
            + new.ratings.iter().filter(|(_, r)| r.level == l).count() as i64
    };
    let (excellent, good) = (count(Level::Excellent), count(Level::Good));
    let bp = book.number(RuleId::RatingExcellentQuota, year_end(new.year).unwrap_or(on));
    let max = quota(good, bp);
    if excellent > max {
        e.add_with(
            "level",
            "err-rating-quota",
            vec![("excellent", excellent.to_string()), ("good", good.to_string()), ("max", max.to_string()), ("percent", format!("{}", bp / 100))],
        );
    }
}

/// A member disciplined in the year (a penalty decided, not annulled) is rated KHTNV while the
/// rule says so (QĐ 124 Art. 12.4.3.d).
async fn check_disciplined(tx: &mut Transaction<'static, Any>, book: &RuleBook, new: &NewRatings, e: &mut FieldErrors) -> Result<(), DbError> {
    let Some(end) = year_end(new.year) else { return Ok(()) };
    let rule = book.get(RuleId::RatingDisciplinedNotDone, end);
    if rule.value.number() != 1 {
        return Ok(());
    }
    let disciplined = crate::discipline::disciplined_in(tx, new.year).await?;
    for (id, rated) in &new.ratings {
        if rated.level != Level::NotDone && disciplined.contains(id) {
            e.add_with(&format!("level.{id}"), "err-rating-disciplined", vec![("rule", rule.citation.clone())]);
        }
    }
    Ok(())
}

/// Replaces the stage's rows of these members and writes the new ones.
async fn write(tx: &mut Transaction<'static, Any>, org_id: &str, by: &str, new: &NewRatings, decision: Option<&(String, NaiveDate)>) -> Result<(), DbError> {
    let stamp = now();
    for (id, rated) in &new.ratings {
        sqlx::query("DELETE FROM member_rating WHERE member_id = $1 AND year = $2 AND stage = $3")
            .bind(id)
            .bind(i64::from(new.year))
            .bind(new.stage.as_str())
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO member_rating (id, member_id, year, stage, level, score, org_id, decision_no, decision_date, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(new_id())
        .bind(id)
        .bind(i64::from(new.year))
        .bind(new.stage.as_str())
        .bind(rated.level.as_str())
        .bind(rated.score)
        .bind(org_id)
        .bind(decision.map(|d| d.0.clone()))
        .bind(decision.map(|d| iso(d.1)))
        .bind(by)
        .bind(&stamp)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
