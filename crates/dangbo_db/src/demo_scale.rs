//! Loads the synthetic dataset of `dangbo_core::demo::scale` (commune, province or national)
//! into an empty database through the bulk path: one transaction per province, one commune in
//! memory at a time.

use crate::auth::{NewUser, Role};
use crate::bulk::{Bulk, MEMBER, MEMBER_EPISODE, MEMBER_EVENT, MEMBER_SPAN, MEMBER_WORD, ORG, ORG_EVENT, ORG_SPAN, SEARCH_WORD, Val};
use crate::command::Right;
use crate::members::{episode_values, event_values, is_name_word, member_values, span_values, word_values, words_of};
use crate::rows::iso;
use crate::{Caller, DbError, Store};
use chrono::NaiveDate;
use dangbo_core::demo::scale::{self, GenCommune, GenOrg, REORGANISED_ON, Scale, gen_id};
use dangbo_core::org::OrgKind;
use dangbo_core::text;

/// The logins of a generated dataset: (username, password, role, organisation code).
pub const SCALE_USERS: &[(&str, &str, Role, Option<&str>)] = &[
    ("admin", "dangbo-admin", Role::Admin, None),
    ("tinh", "dangbo-tinh", Role::Staff, Some("P01")),
    ("xa", "dangbo-xa", Role::Staff, Some("P01-X001")),
    ("chibo", "dangbo-chibo", Role::Secretary, Some("P01-X001-01")),
];

/// What a load wrote.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScaleLoaded {
    pub organisations: u64,
    pub members: u64,
    pub events: u64,
    /// Rows written in all tables.
    pub rows: u64,
}

/// Progress of a load: communes done of all, and what was written so far.
pub struct ScaleProgress<'a> {
    pub communes_done: u64,
    pub communes_total: u64,
    pub loaded: &'a ScaleLoaded,
}

const RECORDED_BY: &str = "demo";

fn recorded_at(on: NaiveDate) -> String {
    format!("{}T00:00:00.000000Z", iso(on))
}

impl Store {
    /// Loads the `scale` dataset into an empty database. Returns `None` (and writes nothing)
    /// when the database already holds organisations.
    #[tracing::instrument(skip_all)]
    pub async fn load_scale(&self, scale: Scale, seed: u64, today: NaiveDate, progress: impl Fn(ScaleProgress)) -> Result<Option<ScaleLoaded>, DbError> {
        if !self.is_empty().await? {
            return Ok(None);
        }
        crate::tally::invalidate(self).await?;
        let mut loaded = ScaleLoaded::default();
        let mut dictionary = std::collections::HashSet::new();
        let total: u64 = (0..scale.provinces()).map(|p| scale.communes(p) as u64).sum();
        let mut done = 0;
        for p in 0..scale.provinces() {
            let rows_before = loaded.rows;
            let mut bulk = self.bulk(256).await?;
            let mut org_events = 0u64;
            if p == 0 {
                push_org(&mut bulk, &scale::central(), p, &mut org_events).await?;
                loaded.organisations += 1;
            }
            for o in scale::province_frame(scale, p) {
                push_org(&mut bulk, &o, p, &mut org_events).await?;
                loaded.organisations += 1;
            }
            let mut first = 0u64;
            for c in 0..scale.communes(p) {
                let commune = scale::commune(seed, p, c, first, today);
                first += commune.members.len() as u64;
                push_commune(&mut bulk, &commune, p, &mut org_events, &mut loaded).await?;
                for m in &commune.members {
                    for w in words_of(&m.derived.person.search_text(None)) {
                        if is_name_word(&w) && dictionary.insert(w.clone()) {
                            bulk.push(SEARCH_WORD, vec![w.into_bytes().into()]).await?;
                        }
                    }
                }
                done += 1;
                loaded.rows = rows_before + bulk.written;
                progress(ScaleProgress { communes_done: done, communes_total: total, loaded: &loaded });
            }
            loaded.rows = rows_before + bulk.commit().await?;
        }
        self.after_scale_load(scale, seed, &loaded).await?;
        Ok(Some(loaded))
    }

    async fn after_scale_load(&self, scale: Scale, seed: u64, loaded: &ScaleLoaded) -> Result<(), DbError> {
        let system = Caller::system();
        for (username, password, role, org) in SCALE_USERS {
            self.add_user(&system, NewUser { username, password, role: *role, org_code: *org, member_id: None }).await?;
        }
        self.command(&system, Right::Admin, async |c| {
            let data = serde_json::json!({"scale": scale.as_str(), "seed": seed, "loaded": loaded});
            c.audit("demo.scale", "database", "", None, Some(data)).await
        })
        .await?;
        if self.backend == crate::Backend::Postgres {
            // The rebuild's reads by subtree need the planner to know the tables' sizes.
            sqlx::query("ANALYZE").execute(&self.pool).await?;
        }
        crate::tally::rebuild(self).await?;
        // Fresh statistics for the planner after a load of this size.
        // PostgreSQL also marks the pages all-visible, so searches read the word index alone.
        let sql = if self.backend == crate::Backend::Postgres { "VACUUM ANALYZE" } else { "ANALYZE" };
        sqlx::query(sql).execute(&self.pool).await?;
        Ok(())
    }
}

async fn push_commune(bulk: &mut Bulk<'_>, commune: &GenCommune, p: usize, org_events: &mut u64, loaded: &mut ScaleLoaded) -> Result<(), DbError> {
    for o in &commune.orgs {
        push_org(bulk, o, p, org_events).await?;
        loaded.organisations += 1;
    }
    for m in &commune.members {
        let d = &m.derived;
        let first_on = m.events.first().map(|e| e.0.effective_on).unwrap_or(d.party.ceremony_date);
        bulk.push(MEMBER, member_values(&m.id, d, recorded_at(first_on))).await?;
        for (r, basis) in &m.events {
            bulk.push(MEMBER_EVENT, event_values(&m.id, r, basis, recorded_at(r.effective_on), RECORDED_BY)?).await?;
            loaded.events += 1;
        }
        for row in span_values(&m.id, d) {
            bulk.push(MEMBER_SPAN, row).await?;
        }
        for row in episode_values(&m.id, d) {
            bulk.push(MEMBER_EPISODE, row).await?;
        }
        let path = commune.orgs.iter().find(|o| o.id == d.org_id).map_or("", |o| o.path.as_str());
        for row in word_values(&m.id, d, path) {
            bulk.push(MEMBER_WORD, row).await?;
        }
        loaded.members += 1;
    }
    Ok(())
}

async fn push_org(bulk: &mut Bulk<'_>, o: &GenOrg, p: usize, org_events: &mut u64) -> Result<(), DbError> {
    bulk.push(
        ORG,
        vec![
            o.id.as_str().into(),
            o.code.as_str().into(),
            o.name.as_str().into(),
            o.kind.as_str().into(),
            o.field.as_str().into(),
            o.parent_id().into(),
            o.path.as_str().into(),
            iso(o.founded_on).into(),
            o.ended_on.map(iso).into(),
            text::name_sort_key("", "", &o.name).into(),
        ],
    )
    .await?;
    for (parent, from, to) in &o.spans {
        bulk.push(
            ORG_SPAN,
            vec![o.id.as_str().into(), parent.as_ref().into(), o.name.as_str().into(), o.kind.as_str().into(), iso(*from).into(), to.map(iso).into()],
        )
        .await?;
    }
    let first_parent = o.spans[0].0.clone();
    let founded = serde_json::json!({"code": o.code, "name": o.name, "type": o.kind.as_str(), "field": o.field.as_str(), "parent": first_parent});
    let mut events = vec![("founded", o.founded_on, founded)];
    if o.spans.len() > 1 {
        // Tổ chức lại 1/7/2025: the district ended, the grassroots organisation came under the commune.
        events.push(("moved", REORGANISED_ON, serde_json::json!({"from": first_parent, "to": o.parent_id()})));
    }
    if o.kind == OrgKind::District {
        events.push(("dissolved", REORGANISED_ON, serde_json::json!({"members_to": null})));
    }
    for (kind, on, data) in events {
        *org_events += 1;
        let row = vec![
            gen_id(8, p, *org_events).into(),
            o.id.as_str().into(),
            kind.into(),
            iso(on).into(),
            Val::Null,
            Val::Null,
            Val::Null,
            data.to_string().into(),
            recorded_at(on).into(),
            RECORDED_BY.into(),
        ];
        bulk.push(ORG_EVENT, row).await?;
    }
    Ok(())
}
