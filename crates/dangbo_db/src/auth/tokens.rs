//! The lifecycle of credentials: API tokens with an expiry, revoked one by one or all at once;
//! users listed, disabled and enabled; passwords changed by their owner or reset by an admin.
//! Disabling a user or setting their password ends their sessions. Every change is audited.

use super::{CALLER_SQL, Caller, caller_from, hash_token, password, random_token};
use crate::command::Right;
use crate::{DbError, Store, new_id, now};
use sqlx::Row;

/// How long a token lives when its creator does not say.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;
/// The longest life a token may be given.
pub const MAX_TOKEN_DAYS: u32 = 3650;

/// One API token of a user (never the token itself: only its hash is stored).
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenRow {
    pub id: String,
    pub username: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    /// Neither revoked nor expired: it opens the API now.
    pub live: bool,
}

/// One user account.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRow {
    pub username: String,
    pub role: String,
    pub org_code: Option<String>,
    pub active: bool,
    pub sessions: i64,
    pub tokens: i64,
}

fn in_days(days: u32) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days as i64)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

impl Store {
    /// Creates an API bearer token for `username`, valid [`DEFAULT_TOKEN_DAYS`] days.
    #[tracing::instrument(skip_all)]
    pub async fn create_token(&self, actor: &Caller, username: &str) -> Result<String, DbError> {
        Ok(self.create_token_for(actor, username, DEFAULT_TOKEN_DAYS).await?.1)
    }

    /// Creates an API bearer token for `username`, valid `days` days (1 to [`MAX_TOKEN_DAYS`]);
    /// returns its id and the token (shown once: only its hash is stored).
    #[tracing::instrument(skip_all)]
    pub async fn create_token_for(&self, actor: &Caller, username: &str, days: u32) -> Result<(String, String), DbError> {
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(DbError::field("days", "err-token-days"));
        }
        self.command(actor, Right::Admin, async |c| {
            let user_id = user_id(&mut c.tx, username).await?;
            let token = format!("dbt_{}", random_token());
            let id = new_id();
            let expires = in_days(days);
            sqlx::query("INSERT INTO api_token (id, user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&id)
                .bind(&user_id)
                .bind(hash_token(&token))
                .bind(now())
                .bind(&expires)
                .execute(&mut *c.tx)
                .await?;
            c.audit("token.create", "user", &user_id, None, Some(serde_json::json!({"token_id": id, "expires_at": expires}))).await?;
            Ok((id, token))
        })
        .await
    }

    /// The caller behind a bearer token that is neither revoked nor expired.
    #[tracing::instrument(skip_all)]
    pub async fn caller_by_token(&self, token: &str) -> Result<Option<Caller>, DbError> {
        if token.len() > 128 {
            return Ok(None);
        }
        let sql = format!(
            "{CALLER_SQL} JOIN api_token t ON t.user_id = u.id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.active = 1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(hash_token(token)).bind(now()).fetch_optional(&self.pool).await?;
        row.map(|r| caller_from(&r)).transpose()
    }

    /// Every token, or those of one user, newest first. Admins only.
    #[tracing::instrument(skip_all)]
    pub async fn tokens(&self, actor: &Caller, username: Option<&str>) -> Result<Vec<TokenRow>, DbError> {
        if !actor.is_admin() {
            return Err(DbError::Forbidden);
        }
        let rows = sqlx::query(
            "SELECT t.id, u.username, t.created_at, t.expires_at, t.revoked_at FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE ($1 = '' OR u.username = $1) ORDER BY t.id DESC",
        )
        .bind(username.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        let now = now();
        rows.iter()
            .map(|r| {
                let (expires_at, revoked_at): (Option<String>, Option<String>) = (r.try_get("expires_at")?, r.try_get("revoked_at")?);
                let live = revoked_at.is_none() && expires_at.as_deref().is_none_or(|e| e > now.as_str());
                Ok(TokenRow { id: r.try_get("id")?, username: r.try_get("username")?, created_at: r.try_get("created_at")?, expires_at, revoked_at, live })
            })
            .collect()
    }

    /// Revokes one token by its id; from then on it opens nothing. Admins only.
    #[tracing::instrument(skip_all)]
    pub async fn revoke_token(&self, actor: &Caller, token_id: &str) -> Result<(), DbError> {
        self.command(actor, Right::Admin, async |c| {
            let user_id: String = sqlx::query_scalar("SELECT user_id FROM api_token WHERE id = $1 AND revoked_at IS NULL")
                .bind(token_id)
                .fetch_optional(&mut *c.tx)
                .await?
                .ok_or(DbError::NotFound)?;
            sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE id = $2").bind(now()).bind(token_id).execute(&mut *c.tx).await?;
            c.audit("token.revoke", "user", &user_id, None, Some(serde_json::json!({"token_id": token_id}))).await?;
            Ok(())
        })
        .await
    }

    /// Every user with their live sessions and tokens. Admins only.
    #[tracing::instrument(skip_all)]
    pub async fn users(&self, actor: &Caller) -> Result<Vec<UserRow>, DbError> {
        if !actor.is_admin() {
            return Err(DbError::Forbidden);
        }
        let rows = sqlx::query(
            "SELECT u.username, u.role, o.code, u.active, \
             (SELECT COUNT(*) FROM app_session s WHERE s.user_id = u.id AND s.expires_at > $1) AS sessions, \
             (SELECT COUNT(*) FROM api_token t WHERE t.user_id = u.id AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $1)) AS tokens \
             FROM app_user u LEFT JOIN org o ON o.id = u.org_id ORDER BY u.username",
        )
        .bind(now())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(UserRow {
                    username: r.try_get("username")?,
                    role: r.try_get("role")?,
                    org_code: r.try_get("code")?,
                    active: r.try_get::<i64, _>("active")? == 1,
                    sessions: r.try_get("sessions")?,
                    tokens: r.try_get("tokens")?,
                })
            })
            .collect()
    }

    /// Disables (or enables again) a user. A disabled user's sessions end at once and their
    /// tokens open nothing; an admin cannot disable themselves. Admins only.
    #[tracing::instrument(skip_all)]
    pub async fn set_user_active(&self, actor: &Caller, username: &str, active: bool) -> Result<(), DbError> {
        if !active && actor.username == username {
            return Err(DbError::field("username", "err-user-self"));
        }
        self.command(actor, Right::Admin, async |c| {
            let user_id = user_id(&mut c.tx, username).await?;
            sqlx::query("UPDATE app_user SET active = $1 WHERE id = $2").bind(active as i64).bind(&user_id).execute(&mut *c.tx).await?;
            if !active {
                sqlx::query("DELETE FROM app_session WHERE user_id = $1").bind(&user_id).execute(&mut *c.tx).await?;
            }
            let action = if active { "user.enable" } else { "user.disable" };
            c.audit(action, "user", &user_id, None, None).await?;
            Ok(())
        })
        .await
    }

    /// Sets a user's password (an admin's reset: `new` is None and a password is made up and
    /// returned, to be shown once). Ends the user's sessions. Admins only.
    #[tracing::instrument(skip_all)]
    pub async fn reset_password(&self, actor: &Caller, username: &str, new: Option<&str>) -> Result<String, DbError> {
        if !actor.is_admin() {
            return Err(DbError::Forbidden);
        }
        let pw = match new {
            Some(p) => p.to_string(),
            None => made_up_password(),
        };
        self.store_password(actor, username, &pw, "user.password_reset").await?;
        Ok(pw)
    }

    /// A user changes their own password, giving the current one. Every session of theirs
    /// ends: they log in again with the new one.
    #[tracing::instrument(skip_all)]
    pub async fn change_password(&self, caller: &Caller, current: &str, new: &str) -> Result<(), DbError> {
        let phc: String = sqlx::query_scalar("SELECT password_hash FROM app_user WHERE id = $1 AND active = 1")
            .bind(&caller.user_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(DbError::Forbidden)?;
        if current.chars().count() > dangbo_core::password::MAX_CHARS || !password::verify(current, &phc).await? {
            return Err(DbError::field("current", "err-password-wrong"));
        }
        self.store_password(caller, &caller.username, new, "user.password_change").await
    }

    async fn store_password(&self, actor: &Caller, username: &str, new: &str, action: &str) -> Result<(), DbError> {
        if let Some(key) = dangbo_core::password::problem(new, username) {
            return Err(DbError::field("password", key));
        }
        let hash = password::hash(new).await?;
        self.command(actor, Right::Any, async |c| {
            let user_id = user_id(&mut c.tx, username).await?;
            sqlx::query("UPDATE app_user SET password_hash = $1 WHERE id = $2").bind(&hash).bind(&user_id).execute(&mut *c.tx).await?;
            sqlx::query("DELETE FROM app_session WHERE user_id = $1").bind(&user_id).execute(&mut *c.tx).await?;
            c.audit(action, "user", &user_id, None, None).await?;
            Ok(())
        })
        .await
    }
}

async fn user_id(tx: &mut sqlx::Transaction<'static, sqlx::Any>, username: &str) -> Result<String, DbError> {
    sqlx::query_scalar("SELECT id FROM app_user WHERE username = $1")
        .bind(username)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| DbError::field("username", "err-user-unknown"))
}

/// Four random words-like groups, easy to read aloud and type on a phone: 20 lowercase letters
/// and digits without look-alikes (about 100 bits).
fn made_up_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..4).map(|_| (0..5).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect::<String>()).collect::<Vec<_>>().join("-")
}
