//! Users, sessions, API tokens, the login throttle, and the [`Caller`] every scoped call takes.

mod password;
mod tokens;

use crate::command::Right;
use crate::{DbError, Store, new_id, now};
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// What a user may do, over which part of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything, everywhere.
    Admin,
    /// Committee office / organisation board: read and write in the subtree.
    Staff,
    /// Bí thư chi bộ: read and write in the branch.
    Secretary,
    /// Read-only in the subtree.
    Viewer,
    /// A member of an inspection commission (ủy ban kiểm tra): reads the subtree, and alone
    /// (with admins) sees and records its inspection cases and discipline, which the office
    /// and secretaries do not.
    Inspector,
    /// Own record only.
    Member,
}

/// What a user does, for the role × action table (ARCHITECTURE.md "Who may do what"): the
/// store checks it in every command before anything is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read in the scope.
    Read,
    /// The branch's own work: members' events of the branch, meetings and minutes, candidates'
    /// branch steps, tasks, proposals, positions, classes.
    BranchWork,
    /// What belongs to the committee: admission decisions and committee resolutions,
    /// recognition as full member, expulsion, striking off, re-admission, study documents,
    /// supervisors, and the tree itself (create, rename, move, merge, dissolve).
    Committee,
    /// Users, rules, the calendar.
    Administer,
    /// Inspection cases, discipline and complaints: confidential to the inspection commission.
    Inspect,
}

impl Action {
    pub const ALL: &[Action] = &[Action::Read, Action::BranchWork, Action::Committee, Action::Administer, Action::Inspect];
}

impl Role {
    /// The role × action table.
    pub fn may(self, action: Action) -> bool {
        match action {
            Action::Read => true,
            Action::BranchWork => matches!(self, Role::Admin | Role::Staff | Role::Secretary),
            Action::Committee => matches!(self, Role::Admin | Role::Staff),
            Action::Administer => self == Role::Admin,
            Action::Inspect => matches!(self, Role::Admin | Role::Inspector),
        }
    }

    pub const ALL: &[Role] = &[Role::Admin, Role::Staff, Role::Secretary, Role::Viewer, Role::Inspector, Role::Member];

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "admin" => Role::Admin,
            "staff" => Role::Staff,
            "secretary" => Role::Secretary,
            "viewer" => Role::Viewer,
            "inspector" => Role::Inspector,
            "member" => Role::Member,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Secretary => "secretary",
            Role::Viewer => "viewer",
            Role::Inspector => "inspector",
            Role::Member => "member",
        }
    }
}

/// The authenticated user behind a request, with the scope the store applies to every query.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub username: String,
    pub role: Role,
    /// The organisation of the grant (none for admin).
    pub org_code: Option<String>,
    /// The current path of the granted organisation: the subtree this caller sees.
    pub(crate) scope_path: Option<String>,
    pub member_id: Option<String>,
    /// Inside a command: the scope is the caller's own subtree alone, without the ended
    /// organisations it inherited and may only read (`org_heirs`).
    pub(crate) writing: bool,
}

impl Caller {
    pub fn can_write(&self) -> bool {
        self.role.may(Action::BranchWork)
    }
    /// May decide what belongs to the committee and restructure the tree.
    pub fn is_committee(&self) -> bool {
        self.role.may(Action::Committee)
    }
    pub fn may(&self, action: Action) -> bool {
        self.role.may(action)
    }
    pub fn is_admin(&self) -> bool {
        self.role.may(Action::Administer)
    }
    /// The identity used for writes done by the system itself (migrations, the demo loader).
    pub fn system() -> Caller {
        Caller::operator("system")
    }
    /// A person at the server's terminal (the command line), with every right, audited under
    /// their name (`cli:` and the OS user or `--actor`).
    pub fn operator(name: &str) -> Caller {
        Caller { user_id: name.into(), username: name.into(), role: Role::Admin, org_code: None, scope_path: None, member_id: None, writing: false }
    }
    /// No rights at all: whom an audit row of a login attempt names.
    pub(crate) fn named(username: &str) -> Caller {
        Caller { user_id: String::new(), username: username.into(), role: Role::Member, org_code: None, scope_path: None, member_id: None, writing: false }
    }
}

/// A new user, checked by [`Store::create_user`].
pub struct NewUser<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub org_code: Option<&'a str>,
    pub member_id: Option<&'a str>,
}

/// A freshly opened session: the cookie value (shown once) and its CSRF token.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub token: String,
    pub csrf_token: String,
}

pub use password::{QUEUE as MAX_QUEUED_PASSWORD_CHECKS, WORKERS as MAX_PASSWORD_CHECKS};
pub use tokens::{TokenRow, UserRow};

const SESSION_HOURS: i64 = 12;
/// Failed logins allowed for one username from one address in [`THROTTLE_MINUTES`]: the owner
/// at another address is not locked out by someone else's guesses.
pub const MAX_FAILURES: i64 = 5;
/// Failed logins allowed from one address, whatever the usernames (an office behind one NAT
/// shares it).
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
/// Failed logins allowed for one username from all addresses together (a guessing botnet).
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 50;
const THROTTLE_MINUTES: i64 = 15;
/// The longest username looked up.
const MAX_USERNAME: usize = 64;

pub(crate) fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub(crate) fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

/// A caller's columns, read by name in [`caller_from`].
pub(crate) const CALLER_SQL: &str =
    "SELECT u.id, u.username, u.role, o.code AS org_code, o.path AS scope_path, u.member_id FROM app_user u LEFT JOIN org o ON o.id = u.org_id";

pub(crate) fn caller_from(row: &sqlx::any::AnyRow) -> Result<Caller, DbError> {
    let role: String = row.try_get("role")?;
    Ok(Caller {
        user_id: row.try_get("id")?,
        username: row.try_get("username")?,
        role: crate::rows::decoded(&role, Role::parse, "Role")?,
        org_code: row.try_get("org_code")?,
        scope_path: row.try_get("scope_path")?,
        member_id: row.try_get("member_id")?,
        writing: false,
    })
}

impl Store {
    /// Adds a user. Every role but admin needs an organisation (member: a member id).
    #[tracing::instrument(skip_all)]
    pub async fn create_user(&self, actor: &Caller, u: NewUser<'_>) -> Result<String, DbError> {
        if !actor.is_admin() {
            return Err(DbError::Forbidden);
        }
        let username = u.username.trim();
        if username.is_empty() || username.len() > 64 || !username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
            return Err(DbError::field("username", "err-username"));
        }
        if let Some(key) = dangbo_core::password::problem(u.password, username) {
            return Err(DbError::field("password", key));
        }
        self.add_user(actor, u).await
    }

    /// Adds a user without the password rule: the demo's published logins only.
    pub(crate) async fn add_user(&self, actor: &Caller, u: NewUser<'_>) -> Result<String, DbError> {
        let username = u.username.trim();
        let hash = password::hash(u.password).await?;
        self.command(actor, Right::Admin, async |c| {
            let org_id: Option<String> = match (u.role, u.org_code) {
                (Role::Admin, _) => None,
                (_, None) => return Err(DbError::field("org", "err-required")),
                (_, Some(code)) => Some(
                    sqlx::query_scalar("SELECT id FROM org WHERE code = $1")
                        .bind(code.trim().to_ascii_uppercase())
                        .fetch_optional(&mut *c.tx)
                        .await?
                        .ok_or_else(|| DbError::field("org", "err-org-unknown"))?,
                ),
            };
            let member_id = match (u.role, u.member_id) {
                (Role::Member, None) => return Err(DbError::field("member", "err-required")),
                (Role::Member, Some(id)) => {
                    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM member WHERE id = $1").bind(id.trim()).fetch_one(&mut *c.tx).await?;
                    if n == 0 {
                        return Err(DbError::field("member", "err-member-unknown"));
                    }
                    Some(id.trim().to_string())
                }
                _ => None,
            };
            let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM app_user WHERE username = $1").bind(username).fetch_one(&mut *c.tx).await?;
            if taken > 0 {
                return Err(DbError::field("username", "err-username-taken"));
            }
            let id = new_id();
            sqlx::query(
                "INSERT INTO app_user (id, username, password_hash, role, org_id, member_id, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
            )
            .bind(&id)
            .bind(username)
            .bind(&hash)
            .bind(u.role.as_str())
            .bind(&org_id)
            .bind(&member_id)
            .bind(now())
            .execute(&mut *c.tx)
            .await?;
            let after = serde_json::json!({"username": username, "role": u.role.as_str(), "org": u.org_code});
            c.audit("user.create", "user", &id, None, Some(after)).await?;
            Ok(id)
        })
        .await
    }

    /// Checks a password and opens a session. Refuses, whatever the password, while this
    /// username has had [`MAX_FAILURES`] recent failures from this address, the address
    /// [`MAX_FAILURES_PER_ADDRESS`], or the username [`MAX_FAILURES_PER_ACCOUNT`] from anywhere.
    /// Attempts at one username are checked one at a time, so a burst of guesses cannot all
    /// pass the count before any is recorded. Every attempt, refused or not, is audited.
    #[tracing::instrument(skip_all)]
    pub async fn login(&self, username: &str, password: &str, ip: &str) -> Result<Option<SessionInfo>, DbError> {
        let username = username.trim();
        let ip: String = ip.chars().take(64).collect();
        if username.is_empty() || username.len() > MAX_USERNAME || password.chars().count() > dangbo_core::password::MAX_CHARS {
            return Ok(None);
        }
        let turn = self.login_turns.turn(username).await;
        let since = (chrono::Utc::now() - chrono::Duration::minutes(THROTTLE_MINUTES)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let recent = "SELECT COUNT(*) FROM login_attempt WHERE ok = 0 AND at > $1 AND";
        let sql = format!("SELECT ({recent} username = $2 AND ip = $3) AS pair, ({recent} ip = $3) AS address, ({recent} username = $2) AS account");
        let counts = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&since).bind(username).bind(&ip).fetch_one(&self.pool).await?;
        let (pair, address, account): (i64, i64, i64) = (counts.try_get("pair")?, counts.try_get("address")?, counts.try_get("account")?);
        if pair >= MAX_FAILURES || address >= MAX_FAILURES_PER_ADDRESS || account >= MAX_FAILURES_PER_ACCOUNT {
            self.log_read(&Caller::named(username), "login.refused", "user", username, serde_json::json!({"ip": ip})).await?;
            return Err(DbError::RateLimited);
        }
        let row = sqlx::query("SELECT id, password_hash FROM app_user WHERE username = $1 AND active = 1").bind(username).fetch_optional(&self.pool).await?;
        let (user_id, phc): (Option<String>, String) = match row {
            Some(r) => (Some(r.try_get("id")?), r.try_get("password_hash")?),
            // Verify against a dummy hash so an unknown name costs the same time as a known one.
            None => (None, password::dummy_hash().await?),
        };
        let ok = password::verify(password, &phc).await? && user_id.is_some();
        let actor = Caller::named(username);
        let session = self
            .command(&actor, Right::Any, async |c| {
                // Housekeeping on the way: expired sessions and day-old attempts go.
                sqlx::query("DELETE FROM app_session WHERE expires_at < $1").bind(now()).execute(&mut *c.tx).await?;
                let day_ago = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
                sqlx::query("DELETE FROM login_attempt WHERE at < $1").bind(day_ago).execute(&mut *c.tx).await?;
                sqlx::query("INSERT INTO login_attempt (id, username, ip, at, ok) VALUES ($1, $2, $3, $4, $5)")
                    .bind(new_id())
                    .bind(username)
                    .bind(&ip)
                    .bind(now())
                    .bind(ok as i64)
                    .execute(&mut *c.tx)
                    .await?;
                let session = match (ok, user_id) {
                    (true, Some(uid)) => {
                        let token = random_token();
                        let csrf_token = random_token();
                        let expires = (chrono::Utc::now() + chrono::Duration::hours(SESSION_HOURS)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
                        sqlx::query("INSERT INTO app_session (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                            .bind(hash_token(&token))
                            .bind(&uid)
                            .bind(&csrf_token)
                            .bind(now())
                            .bind(expires)
                            .execute(&mut *c.tx)
                            .await?;
                        c.audit("login.ok", "user", &uid, None, Some(serde_json::json!({"ip": ip}))).await?;
                        Some(SessionInfo { token, csrf_token })
                    }
                    _ => {
                        c.audit("login.failed", "user", username, None, Some(serde_json::json!({"ip": ip}))).await?;
                        None
                    }
                };
                Ok(session)
            })
            .await;
        drop(turn);
        session
    }

    /// The caller and CSRF token behind a session cookie, if the session is live.
    #[tracing::instrument(skip_all)]
    pub async fn session(&self, token: &str) -> Result<Option<(Caller, String)>, DbError> {
        let sql = "SELECT u.id, u.username, u.role, o.code AS org_code, o.path AS scope_path, u.member_id, s.csrf_token FROM app_session s JOIN app_user u ON u.id = s.user_id LEFT JOIN org o ON o.id = u.org_id WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.active = 1";
        let row = sqlx::query(sql).bind(hash_token(token)).bind(now()).fetch_optional(&self.pool).await?;
        match row {
            None => Ok(None),
            Some(r) => Ok(Some((caller_from(&r)?, r.try_get("csrf_token")?))),
        }
    }

    /// Closes a session (an unknown or expired one is already closed).
    #[tracing::instrument(skip_all)]
    pub async fn logout(&self, token: &str) -> Result<(), DbError> {
        let Some((caller, _)) = self.session(token).await? else { return Ok(()) };
        self.command(&caller, Right::Any, async |c| {
            sqlx::query("DELETE FROM app_session WHERE id_hash = $1").bind(hash_token(token)).execute(&mut *c.tx).await?;
            c.audit("logout", "user", &caller.user_id, None, None).await
        })
        .await
    }

    /// The caller for a username (CLI use).
    #[tracing::instrument(skip_all)]
    pub async fn caller_by_username(&self, username: &str) -> Result<Option<Caller>, DbError> {
        let sql = format!("{CALLER_SQL} WHERE u.username = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(username).fetch_optional(&self.pool).await?;
        row.map(|r| caller_from(&r)).transpose()
    }
}

/// One check at a time per username, within this process: the throttle's count and the
/// attempt it then records cannot interleave with another attempt at the same account.
#[derive(Default)]
pub(crate) struct LoginTurns(std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>>);

pub(crate) struct Turn<'a> {
    turns: &'a LoginTurns,
    key: String,
    _guard: tokio::sync::OwnedMutexGuard<()>,
}

impl LoginTurns {
    pub(crate) async fn turn(&self, username: &str) -> Turn<'_> {
        let key = username.to_lowercase();
        let lock = self.0.lock().unwrap_or_else(|e| e.into_inner()).entry(key.clone()).or_default().clone();
        Turn { turns: self, key, _guard: lock.lock_owned().await }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        // The map holds only usernames with an attempt under way: an entry goes when nobody
        // else holds or waits for it (its lock is referenced by the map and this guard alone).
        let mut map = self.turns.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.get(&self.key).is_some_and(|l| std::sync::Arc::strong_count(l) <= 2) {
            map.remove(&self.key);
        }
    }
}
