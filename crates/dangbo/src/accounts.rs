//! `dangbo user …` and `dangbo token …`: accounts and credentials from the server's terminal,
//! audited under the person at it (`cli:` and the OS user, or `--actor`).

use crate::describe;
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use dangbo_db::{Caller, NewUser, Role, Store};
use std::io::Read;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// admin, staff, secretary, viewer or member.
        #[arg(long)]
        role: String,
        /// The organisation (code) whose subtree the user sees; required except for admin.
        #[arg(long)]
        org: Option<String>,
        /// The member id (role member only).
        #[arg(long)]
        member: Option<String>,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List users with their live sessions and tokens.
    List,
    /// Disable a user: their sessions end and their tokens open nothing.
    Disable { username: String },
    /// Enable a disabled user again.
    Enable { username: String },
    /// Reset a user's password (ends their sessions): a new one is made up and shown once, or
    /// read from standard input with --password-stdin.
    Password {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user (shown once).
    Create {
        #[arg(long)]
        username: String,
        /// Days the token stays valid (1 to 3650).
        #[arg(long, default_value_t = 90)]
        days: u32,
    },
    /// List tokens (never the tokens themselves), of one user or all.
    List {
        #[arg(long)]
        username: Option<String>,
    },
    /// Revoke a token by its id (from `token list`).
    Revoke { id: String },
}

/// The person at the terminal: `--actor`, else the OS user.
pub fn operator(actor: Option<&str>) -> Caller {
    let name = actor
        .map(str::to_string)
        .or_else(|| std::env::var("SUDO_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "unknown".into());
    let name: String = name.trim().chars().filter(|c| !c.is_control()).take(64).collect();
    Caller::operator(&format!("cli:{name}"))
}

fn read_password() -> Result<String> {
    let mut password = String::new();
    std::io::stdin().take(4096).read_to_string(&mut password)?;
    Ok(password.trim_end_matches(['\n', '\r']).to_string())
}

pub async fn user(store: &Store, op: &Caller, command: UserCommand) -> Result<()> {
    let fail = |what: &'static str| move |e: dangbo_db::DbError| anyhow::anyhow!("{what}: {}", describe(&e));
    match command {
        UserCommand::Add { username, role, org, member, password_stdin: _ } => {
            let role = Role::parse(&role).with_context(|| format!("unknown role {role}: use admin, staff, secretary, viewer or member"))?;
            if role != Role::Admin && org.is_none() {
                bail!("--org is required for the role {}", role.as_str());
            }
            let password = read_password()?;
            store
                .create_user(op, NewUser { username: &username, password: &password, role, org_code: org.as_deref(), member_id: member.as_deref() })
                .await
                .map_err(fail("cannot add the user"))?;
            println!("User {username} added.");
        }
        UserCommand::List => {
            for u in store.users(op).await.map_err(fail("cannot list users"))? {
                let state = if u.active { "active" } else { "DISABLED" };
                println!("{}\t{}\t{}\t{state}\tsessions {}\ttokens {}", u.username, u.role, u.org_code.unwrap_or_default(), u.sessions, u.tokens);
            }
        }
        UserCommand::Disable { username } => {
            store.set_user_active(op, &username, false).await.map_err(fail("cannot disable the user"))?;
            println!("User {username} disabled; their sessions ended.");
        }
        UserCommand::Enable { username } => {
            store.set_user_active(op, &username, true).await.map_err(fail("cannot enable the user"))?;
            println!("User {username} enabled.");
        }
        UserCommand::Password { username, password_stdin } => {
            let given = if password_stdin { Some(read_password()?) } else { None };
            let pw = store.reset_password(op, &username, given.as_deref()).await.map_err(fail("cannot set the password"))?;
            if given.is_none() {
                println!("Mật khẩu mới / new password (shown once): {pw}");
            } else {
                println!("Password of {username} set; their sessions ended.");
            }
        }
    }
    Ok(())
}

pub async fn token(store: &Store, op: &Caller, command: TokenCommand) -> Result<()> {
    let fail = |what: &'static str| move |e: dangbo_db::DbError| anyhow::anyhow!("{what}: {}", describe(&e));
    match command {
        TokenCommand::Create { username, days } => {
            let (_, token) = store.create_token_for(op, &username, days).await.map_err(fail("cannot create a token"))?;
            println!("{token}");
        }
        TokenCommand::List { username } => {
            for t in store.tokens(op, username.as_deref()).await.map_err(fail("cannot list tokens"))? {
                let state = match (&t.revoked_at, &t.expires_at) {
                    (Some(at), _) => format!("revoked {at}"),
                    (None, Some(until)) if t.live => format!("valid until {until}"),
                    (None, Some(until)) => format!("expired {until}"),
                    (None, None) => "no expiry".into(),
                };
                println!("{}\t{}\tcreated {}\t{state}", t.id, t.username, t.created_at);
            }
        }
        TokenCommand::Revoke { id } => {
            store.revoke_token(op, &id).await.map_err(fail("cannot revoke the token"))?;
            println!("Token {id} revoked.");
        }
    }
    Ok(())
}
