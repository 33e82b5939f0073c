//! View models and askama page types. Every page is a typed template; text comes from the
//! catalogs through [`Ctx`].

use crate::error::ErrorKind;
use crate::i18n::{I18n, Lang};
use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use std::collections::{BTreeMap, HashMap};

/// What every page needs: the language, the user, the CSRF token, the current path.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub i18n: I18n,
    pub user: Option<String>,
    pub is_admin: bool,
    pub can_write: bool,
    /// May decide for the committee and restructure the tree.
    pub is_committee: bool,
    /// Sees and records inspection cases (the inspection commission, admins).
    pub is_inspector: bool,
    /// A branch secretary's branch: the menu leads to it and its meetings.
    pub branch: Option<String>,
    pub csrf: String,
    pub path: String,
}

impl Ctx {
    pub fn anonymous(lang: Lang, path: &str) -> Ctx {
        Ctx {
            i18n: I18n::new(lang),
            user: None,
            is_admin: false,
            can_write: false,
            is_committee: false,
            is_inspector: false,
            branch: None,
            csrf: String::new(),
            path: path.to_string(),
        }
    }
    pub fn t(&self, key: &str) -> String {
        self.i18n.t(key)
    }
    pub fn field(&self, name: &str) -> String {
        self.i18n.t(&format!("field-{name}"))
    }
    pub fn lang(&self) -> &'static str {
        self.i18n.lang.code()
    }
    pub fn other_lang(&self) -> &'static str {
        self.i18n.lang.other().code()
    }
    pub fn back(&self) -> String {
        crate::auth::urlencode(&self.path)
    }
}

/// Submitted values and their error messages, for re-rendering a form.
#[derive(Debug, Clone, Default)]
pub struct FormView {
    pub values: HashMap<String, String>,
    pub errors: BTreeMap<String, String>,
}

impl FormView {
    pub fn value(&self, k: &str) -> &str {
        self.values.get(k).map(String::as_str).unwrap_or("")
    }
    pub fn error(&self, k: &str) -> Option<&str> {
        self.errors.get(k).map(String::as_str)
    }
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
    /// Whether any filter beyond the search text is set (the filter box then starts open).
    pub fn has_filters(&self) -> bool {
        ["org", "status", "sex", "ethnicity", "age"].iter().any(|k| !self.value(k).is_empty()) || self.has_errors()
    }
    pub fn selected(&self, k: &str, v: &str) -> bool {
        self.value(k) == v
    }
    /// Whether any of the fields has a value or an error (a folded part of a form opens).
    pub fn has_any(&self, keys: &[&str]) -> bool {
        keys.iter().any(|k| !self.value(k).is_empty() || self.errors.contains_key(*k))
    }
}

/// A choice in a select box.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// Renders a template, or the internal-error status when rendering fails.
/// A page shown again with the problems of refused input (422).
pub fn render_invalid<T: Template>(t: &T) -> Response {
    let mut r = render(t);
    *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    r
}

pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            crate::error::WebError(ErrorKind::Internal).into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: Ctx,
    pub message: String,
}

pub fn error_page(i18n: I18n, kind: ErrorKind) -> Response {
    let page = ErrorPage { ctx: Ctx::anonymous(i18n.lang, "/"), message: i18n.t(kind.message_key()) };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub ctx: Ctx,
    pub error: Option<String>,
    pub next: String,
    pub username: String,
}

/// One line of an organisation tree.
#[derive(Debug, Clone)]
pub struct NodeView {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub depth: usize,
    pub members: String,
    pub grassroots: bool,
    pub ended: Option<String>,
}

#[derive(Template)]
#[template(path = "orgs.html")]
pub struct OrgsPage {
    pub ctx: Ctx,
    pub as_of: String,
    pub as_of_display: String,
    pub nodes: Vec<NodeView>,
}

#[derive(Debug, Clone)]
pub struct HistoryView {
    pub date: String,
    pub kind: String,
    pub detail: String,
    pub basis: String,
}

#[derive(Debug, Clone)]
pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub org: String,
    pub status: String,
    pub birth: String,
    pub joined: String,
}

#[derive(Template)]
#[template(path = "org.html")]
pub struct OrgPage {
    pub ctx: Ctx,
    pub as_of: String,
    pub as_of_display: String,
    pub code: String,
    pub name: String,
    pub facts: Vec<(String, String)>,
    pub counts: Vec<(String, String)>,
    pub existed: bool,
    pub ended: Option<String>,
    pub holds_members: bool,
    pub children: Vec<NodeView>,
    pub members: Vec<MemberRow>,
    pub members_total: String,
    pub history: Vec<HistoryView>,
    /// Organisations that ended into this one, whose history its users read: (code, name,
    /// "ended on …", the last day they existed as ISO).
    pub predecessors: Vec<(String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "members.html")]
pub struct MembersPage {
    pub ctx: Ctx,
    pub form: FormView,
    pub statuses: Vec<Choice>,
    pub ethnicities: Vec<Choice>,
    pub ages: Vec<Choice>,
    /// The organisations to filter by, when few enough for a list.
    pub orgs: Option<Vec<Choice>>,
    pub total: String,
    pub rows: Vec<MemberRow>,
    pub next_url: Option<String>,
    pub first_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct EventView {
    pub id: String,
    pub date: String,
    pub kind: String,
    pub detail: String,
    pub basis: String,
    pub recorded: String,
    /// The last transfer letter issued: printable from here.
    pub letter: bool,
}

#[derive(Template)]
#[template(path = "member.html")]
pub struct MemberPage {
    pub ctx: Ctx,
    pub id: String,
    /// The member's branch (where cadre records start from).
    pub org_code: String,
    pub name: String,
    pub status: String,
    pub person: Vec<(String, String)>,
    pub party: Vec<(String, String)>,
    pub timeline: Vec<EventView>,
    pub form: FormView,
    /// A transfer is under way: its letter can be printed.
    pub transfer_pending: bool,
    /// What can be recorded about the member: (form, label, when to use it).
    pub actions: Vec<(String, String, String)>,
    /// Positions and moves (cadre work), one line each.
    pub positions: Vec<String>,
    /// Areas or topics the member is assigned to follow.
    pub assignments: Vec<String>,
    /// Courses and contests taken part in.
    pub courses: Vec<String>,
    /// Branch votes about the member: (meeting link, line).
    pub votes: Vec<(String, String)>,
    /// Penalties (kỷ luật), one line each.
    pub penalties: Vec<String>,
    pub moves: Vec<String>,
    /// A photo is on file (`/members/{id}/photo`).
    pub has_photo: bool,
}

/// The reference lists a person form offers.
#[derive(Debug, Clone)]
pub struct PersonChoices {
    pub ethnicities: Vec<Choice>,
    pub religions: Vec<Choice>,
    pub education: Vec<Choice>,
    pub professional: Vec<Choice>,
    pub theory: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "member_new.html")]
pub struct MemberNewPage {
    pub ctx: Ctx,
    pub form: FormView,
    /// The branches to choose from, when few enough for a list.
    pub branches: Option<Vec<Choice>>,
    pub choices: PersonChoices,
}

#[derive(Template)]
#[template(path = "org_new.html")]
pub struct OrgNewPage {
    pub ctx: Ctx,
    pub parent: Option<(String, String)>,
    pub form: FormView,
    pub kinds: Vec<Choice>,
    pub fields: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "org_change.html")]
pub struct OrgChangePage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub form: FormView,
    pub kinds: Vec<Choice>,
    /// What the change touches: member count, probationary members and open candidates.
    pub members: String,
    pub probationary: Vec<(String, String)>,
    pub candidates: Vec<(String, String, String)>,
    /// A merger or dissolution asked once: shown again with what it fixes, to confirm.
    pub confirming: bool,
}

#[derive(Debug, Clone)]
pub struct AuditView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub ctx: Ctx,
    pub rows: Vec<AuditView>,
    pub form: FormView,
}

#[derive(Debug, Clone)]
pub struct StatRow {
    pub label: String,
    pub count: String,
    pub share: String,
    pub link: Option<String>,
}

#[derive(Debug, Clone)]
pub struct StatTable {
    pub title: String,
    pub rows: Vec<StatRow>,
}

#[derive(Template)]
#[template(path = "stats.html")]
pub struct StatsPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    /// "Đã kết thúc ngày …" for an organisation merged or dissolved.
    pub ended: Option<String>,
    pub as_of: String,
    pub as_of_display: String,
    pub as_of_label: String,
    pub chart: String,
    pub total: String,
    pub tables: Vec<StatTable>,
    pub from_display: String,
    pub to_display: String,
    pub paragraph: String,
    /// (label, value, link to the persons behind it)
    pub press: Vec<(String, String, Option<String>)>,
    /// Movements in the period: (label, value).
    pub movements: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct QualityView {
    pub code: String,
    pub name: String,
    pub members: String,
    pub missing_cccd: String,
    pub under_18: String,
    pub duplicates: String,
    pub no_card: String,
}

#[derive(Template)]
#[template(path = "quality.html")]
pub struct QualityPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub as_of: String,
    pub as_of_label: String,
    pub rows: Vec<QualityView>,
}

#[derive(Template)]
#[template(path = "import.html")]
pub struct ImportPage {
    pub ctx: Ctx,
    pub org: String,
    /// The branches rows without one go to, when few enough for a list.
    pub branches: Option<Vec<Choice>>,
    pub summary: Option<String>,
    pub problems: Vec<String>,
    /// What the file changes for members already in the register (the first of them), and a
    /// line saying how many more.
    pub changes: Vec<String>,
    pub more_changes: Option<String>,
    /// How each column was read: (header, field); empty when no file was read.
    pub columns: Vec<(String, String)>,
    /// The fields a column can hold, for choosing by hand.
    pub fields: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "member_edit.html")]
pub struct MemberEditPage {
    pub ctx: Ctx,
    pub id: String,
    pub name: String,
    pub form: FormView,
    pub choices: PersonChoices,
}

#[derive(Template)]
#[template(path = "member_rows.html")]
pub struct MemberRowsPage {
    pub ctx: Ctx,
    pub id: String,
    pub name: String,
    pub work: Vec<dangbo_core::member::WorkInput>,
    pub family: Vec<dangbo_core::member::RelativeInput>,
    pub relations: Vec<Choice>,
    /// Problems of the lines, each naming its line.
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "admissions.html")]
pub struct AdmissionsPage {
    pub ctx: Ctx,
    pub title: String,
    pub code: String,
    pub name: String,
    pub total: String,
    pub rows: Vec<MemberRow>,
    pub next_url: Option<String>,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub ctx: Ctx,
    pub form: FormView,
}

#[derive(Debug, Clone)]
pub struct UserView {
    pub username: String,
    pub role: String,
    pub org: String,
    pub state: String,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct TokenView {
    pub id: String,
    pub username: String,
    pub created: String,
    pub state: String,
    pub live: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub ctx: Ctx,
    pub message: Option<String>,
    pub users: Vec<UserView>,
    pub tokens: Vec<TokenView>,
}

#[derive(Template)]
#[template(path = "cases.html")]
pub struct CasesPage {
    pub ctx: Ctx,
    pub code: String,
    /// (link, opened on, member, kind, state).
    pub rows: Vec<(String, String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "case_new.html")]
pub struct CaseNewPage {
    pub ctx: Ctx,
    pub id: String,
    pub name: String,
    pub kinds: Vec<Choice>,
    /// This year's programme items of the inspector's organisation.
    pub plan_items: Vec<Choice>,
    pub input: dangbo_core::discipline::CaseInput,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "case.html")]
pub struct CasePage {
    pub ctx: Ctx,
    pub id: String,
    pub title: String,
    pub member_id: String,
    pub org: String,
    pub matter: String,
    pub opened: String,
    pub violation: String,
    /// How and when it ended.
    pub closed: Option<String>,
    pub time_barred: bool,
    pub steps: Vec<String>,
    pub penalty: Option<String>,
    pub has_penalty: bool,
    pub limitation: Vec<String>,
    pub complaints: Vec<String>,
    pub step_kinds: Vec<Choice>,
    pub outcomes: Vec<Choice>,
    pub penalties: Vec<Choice>,
    pub bodies: Vec<Choice>,
    pub to_orgs: Vec<Choice>,
    /// A complaint waits for its resolution.
    pub open_complaint: bool,
    pub results: Vec<Choice>,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "inspection_plan.html")]
pub struct PlanPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub year: i32,
    /// (kind, target, matter, months, team, progress).
    pub items: Vec<(String, String, String, String, String, String)>,
    pub can_add: bool,
    pub kinds: Vec<Choice>,
    pub targets: Vec<Choice>,
    pub input: dangbo_core::discipline::PlanItemInput,
    pub errors: Vec<String>,
}
