//! The store's contract: one suite, run on SQLite and on PostgreSQL.

mod access;
mod backup;
mod cadre;
mod cards;
mod demo;
mod discipline;
mod fee_levels;
mod fees;
mod heirs;
mod import;
mod import_tree;
mod lifecycle;
mod meetings;
mod members;
mod orgs;
mod ratings;
mod scale;
mod security;
mod tally;

use chrono::NaiveDate;
use dangbo_core::member::MemberInput;
use dangbo_core::org::NewOrgInput;
use dangbo_db::test_support::TestDb;
use dangbo_db::{Caller, NewUser, Role, Store};

pub fn d(s: &str) -> NaiveDate {
    dangbo_core::date::parse(s).expect("test date")
}

pub fn today() -> NaiveDate {
    d("2026-11-27")
}

/// Runs `f` once per backend, each with a fresh database.
pub async fn each_backend<F, Fut>(f: F)
where
    F: Fn(Store, &'static str) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for db in TestDb::all().await {
        f(db.store.clone(), db.name).await;
        db.finish().await;
    }
}

pub fn admin() -> Caller {
    Caller::system()
}

pub async fn org(store: &Store, code: &str, kind: &str, parent: Option<&str>, founded: &str) {
    let input = NewOrgInput {
        code: code.into(),
        name: format!("Tổ chức {code}"),
        kind: kind.into(),
        field: "residential".into(),
        parent: parent.map(Into::into),
        founded_on: founded.into(),
        ..Default::default()
    };
    store.create_org(&admin(), input.parse(today()).expect("valid org")).await.expect("org created");
}

/// P (province) → C (grassroots committee) → B1, B2 (branches); G (grassroots branch) under P.
pub async fn small_tree(store: &Store) {
    org(store, "P", "province", None, "2000-01-01").await;
    org(store, "C", "grassroots_committee", Some("P"), "2000-01-01").await;
    org(store, "B1", "subordinate_branch", Some("C"), "2000-01-01").await;
    org(store, "B2", "subordinate_branch", Some("C"), "2000-01-01").await;
    org(store, "G", "grassroots_branch", Some("P"), "2000-01-01").await;
}

pub fn member_input(org: &str, family: &str, middle: &str, given: &str) -> MemberInput {
    MemberInput {
        org: org.into(),
        family_name: family.into(),
        middle_name: middle.into(),
        given_name: given.into(),
        sex: "male".into(),
        birth_date: "1980-01-01".into(),
        admission_decision_date: "2010-03-01".into(),
        ceremony_date: "2010-03-15".into(),
        full_date: Some("2011-03-15".into()),
        ..Default::default()
    }
}

pub async fn add_member(store: &Store, input: MemberInput) -> String {
    store.create_member(&admin(), input.parse(today()).expect("valid member")).await.expect("member created")
}

pub async fn user(store: &Store, username: &str, role: Role, org: Option<&str>) -> Caller {
    store.create_user(&admin(), NewUser { username, password: "hoa-sen-no-sang-9", role, org_code: org, member_id: None }).await.expect("user created");
    store.caller_by_username(username).await.unwrap().unwrap()
}
