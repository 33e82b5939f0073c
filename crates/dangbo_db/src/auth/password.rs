//! Password hashing and checking on two threads of their own.
//!
//! Argon2id costs ~19 MiB and tens of milliseconds a check. Run on the shared blocking pool, a
//! burst of logins spread those buffers over many threads and many allocator arenas, which
//! kept them (200 parallel wrong logins took the server from 18 MiB to 4.7 GB). Here at most
//! [`WORKERS`] checks run at once, always on the same threads, so the memory they use stays
//! bounded and is reused; at most [`QUEUE`] more wait, and a request beyond that is refused at
//! once (429) instead of queueing without bound.

use crate::DbError;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, LazyLock, Mutex};
use tokio::sync::oneshot;

/// Password checks running at once.
pub const WORKERS: usize = 2;
/// Password checks waiting beyond those.
pub const QUEUE: usize = 32;

enum Job {
    Hash(String, oneshot::Sender<Result<String, DbError>>),
    Verify(String, String, oneshot::Sender<bool>),
}

static JOBS: LazyLock<SyncSender<Job>> = LazyLock::new(|| {
    let (tx, rx) = sync_channel::<Job>(QUEUE);
    let rx = Arc::new(Mutex::new(rx));
    for n in 0..WORKERS {
        let rx = rx.clone();
        let spawned = std::thread::Builder::new().name(format!("dangbo-password-{n}")).spawn(move || work(&rx));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start a password thread");
        }
    }
    tx
});

fn work(rx: &Mutex<Receiver<Job>>) {
    loop {
        let job = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        match job {
            Ok(Job::Hash(pw, reply)) => {
                let _ = reply.send(hash_now(&pw));
            }
            Ok(Job::Verify(pw, phc, reply)) => {
                let _ = reply.send(Argon2::default().verify_password(pw.as_bytes(), phc.as_str()).is_ok());
            }
            Err(_) => return,
        }
    }
}

fn hash_now(password: &str) -> Result<String, DbError> {
    let h: PasswordHash = Argon2::default().hash_password(password.as_bytes()).map_err(|e| DbError::Internal(anyhow::anyhow!("argon2: {e}")))?;
    Ok(h.to_string())
}

fn submit(job: Job) -> Result<(), DbError> {
    match JOBS.try_send(job) {
        Ok(()) => Ok(()),
        Err(TrySendError::Full(_)) => Err(DbError::RateLimited),
        Err(TrySendError::Disconnected(_)) => Err(DbError::Internal(anyhow::anyhow!("password threads gone"))),
    }
}

/// Hashes a password with Argon2id (PHC string) on the password threads.
pub async fn hash(password: &str) -> Result<String, DbError> {
    let (tx, rx) = oneshot::channel();
    submit(Job::Hash(password.to_string(), tx))?;
    rx.await.map_err(|_| DbError::Internal(anyhow::anyhow!("password thread dropped a job")))?
}

/// Whether `password` matches the PHC string `phc`, checked on the password threads.
pub async fn verify(password: &str, phc: &str) -> Result<bool, DbError> {
    let (tx, rx) = oneshot::channel();
    submit(Job::Verify(password.to_string(), phc.to_string(), tx))?;
    rx.await.map_err(|_| DbError::Internal(anyhow::anyhow!("password thread dropped a job")))
}

/// A hash to check unknown usernames against, so they cost the same time as known ones.
pub async fn dummy_hash() -> Result<String, DbError> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY.get_or_try_init(|| hash("not a password")).await.cloned()
}
