//! Loads the Đầm Hà demo (dangbo_core::demo) into an empty database through the ordinary
//! write paths, in one transaction.

use crate::auth::{NewUser, Role};
use crate::members::insert_member;
use crate::orgs::{apply_org_event, create_org_tx, org_in_tx};
use crate::{Caller, DbError, Store, new_id};
use chrono::NaiveDate;
use dangbo_core::demo::{self, DemoEvent};
use dangbo_core::event::EventData;
use dangbo_core::org::Basis;
use std::collections::HashMap;

/// The demo logins: (username, password, role, organisation).
pub const DEMO_USERS: &[(&str, &str, Role, Option<&str>)] = &[
    ("admin", "dangbo-admin", Role::Admin, None),
    ("quangninh", "dangbo-quangninh", Role::Staff, Some(demo::ROOT)),
    ("thitran", "dangbo-thitran", Role::Viewer, Some("DH-TT")),
    ("bithu", "dangbo-bithu", Role::Secretary, Some("DH-TT-01")),
];

impl Store {
    /// Loads the demo into an empty database. Returns false (and changes nothing) when the
    /// database already holds organisations.
    pub async fn load_demo(&self, seed: u64, today: NaiveDate) -> Result<bool, DbError> {
        if !self.is_empty().await? {
            return Ok(false);
        }
        let demo = demo::dam_ha(seed, today);
        let system = Caller::system();
        let mut w = self.write().await?;
        let mut ids: HashMap<String, String> = HashMap::new();
        for o in &demo.orgs {
            let row = create_org_tx(&mut w.tx, &system, o).await?;
            ids.insert(row.code.clone(), row.id.clone());
        }
        let id_of = |code: &str| ids.get(code).cloned().ok_or_else(|| DbError::Internal(anyhow::anyhow!("demo org {code} missing")));
        for m in &demo.members {
            let mut events = Vec::with_capacity(m.events.len());
            for (on, ev) in &m.events {
                let (data, basis) = match ev {
                    DemoEvent::Admitted { person, party, org } => {
                        let b = Basis {
                            decision_no: party.admission_decision_no.clone(),
                            decision_date: Some(party.admission_decision_date),
                            issuer: Some("Ban Thường vụ Huyện ủy Đầm Hà".into()),
                        };
                        (EventData::Admitted { person: person.clone(), party: party.clone(), org_id: id_of(org)? }, b)
                    }
                    DemoEvent::TransferredIn { person, party, org, full_date, from } => (
                        EventData::TransferredIn {
                            person: person.clone(),
                            party: party.clone(),
                            org_id: id_of(org)?,
                            status: demo::first_status(ev),
                            full_date: Some(*full_date),
                            from: from.clone(),
                        },
                        Basis::default(),
                    ),
                    DemoEvent::Recognised => (EventData::Recognised {}, Basis::default()),
                    DemoEvent::Transferred { org, basis } => (EventData::Transferred { org_id: id_of(org)? }, basis.clone()),
                    DemoEvent::TransferredOut { destination } => (EventData::TransferredOut { destination: destination.clone() }, Basis::default()),
                    DemoEvent::Exempted => (EventData::Exempted {}, Basis::default()),
                    DemoEvent::StruckOff => (EventData::StruckOff { reason: String::new() }, Basis::default()),
                    DemoEvent::Deceased => (EventData::Deceased {}, Basis::default()),
                };
                events.push((*on, data, basis));
            }
            insert_member(&mut w.tx, &system, &new_id(), events).await?;
        }
        for (code, ev) in &demo.org_events {
            let org = org_in_tx(&mut w.tx, &system, code).await?.ok_or_else(|| DbError::Internal(anyhow::anyhow!("demo org {code} missing")))?;
            apply_org_event(&mut w.tx, &system, &org, ev).await?;
        }
        w.commit().await?;
        for (username, password, role, org) in DEMO_USERS {
            self.create_user(&system, NewUser { username, password, role: *role, org_code: *org, member_id: None }).await?;
        }
        Ok(true)
    }
}
