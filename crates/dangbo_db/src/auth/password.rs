//! Password hashing and checking on two threads of their own.
//!
//! Argon2id costs ~19 MiB and tens of milliseconds a check. Allocated afresh for every check
//! (64-byte aligned), glibc kept each buffer resident: ten wrong logins one after another took
//! the server from 42 to 204 MB, and 200 parallel ones to 4.7 GB. Here each of [`WORKERS`]
//! threads owns one buffer, reused by every hash and check it runs through a burst and given
//! back after a quiet spell, so the memory is bounded by the workers; at most [`QUEUE`] more
//! checks wait, and a request beyond that is refused at once (429) instead of queueing without
//! bound. Each worker waits on the queue with its own timeout (a multi-consumer channel): when
//! they took turns on one locked receiver, the worker left waiting for the lock never saw its
//! quiet spell and kept its 19 MiB for the server's life (CI's login burst: 102 MB a minute
//! after, against 100).

use crate::DbError;
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use flume::{Receiver, RecvTimeoutError, Sender, TrySendError};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::oneshot;

/// Password checks running at once.
pub const WORKERS: usize = 2;
/// Password checks waiting beyond those.
pub const QUEUE: usize = 32;

enum Job {
    Hash(String, oneshot::Sender<Result<String, DbError>>),
    Verify(String, String, oneshot::Sender<bool>),
}

static JOBS: LazyLock<Sender<Job>> = LazyLock::new(|| {
    let (tx, rx) = flume::bounded::<Job>(QUEUE);
    for n in 0..WORKERS {
        let rx = rx.clone();
        let spawned = std::thread::Builder::new().name(format!("dangbo-password-{n}")).spawn(move || work(&rx));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start a password thread");
        }
    }
    tx
});

/// The most memory a stored hash may ask a check for (Argon2's memory cost, in 1 KiB blocks):
/// 64 MiB, over three times today's parameters.
const MAX_BLOCKS: usize = 64 * 1024;

/// How long a worker keeps its buffer with nothing to do before it gives it back.
const IDLE: std::time::Duration = std::time::Duration::from_secs(5);

/// Workers holding a buffer now (what a quiet spell brings back to zero).
static HELD: AtomicUsize = AtomicUsize::new(0);

fn work(rx: &Receiver<Job>) {
    let mut blocks: Vec<Block> = Vec::new();
    loop {
        let job = match rx.recv_timeout(IDLE) {
            Ok(job) => job,
            Err(RecvTimeoutError::Timeout) => {
                // A quiet spell: the buffer goes back to the allocator (and, with the server's
                // jemalloc, to the system) until the next burst.
                if !blocks.is_empty() {
                    blocks = Vec::new();
                    HELD.fetch_sub(1, Ordering::Relaxed);
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let had = !blocks.is_empty();
        match job {
            Job::Hash(pw, reply) => {
                let _ = reply.send(hash_with(&mut blocks, &pw));
            }
            Job::Verify(pw, phc, reply) => {
                let _ = reply.send(verify_with(&mut blocks, &pw, &phc));
            }
        }
        if !had && !blocks.is_empty() {
            HELD.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// `blocks` grown to `n` blocks (never shrunk: the thread's one buffer).
fn memory(blocks: &mut Vec<Block>, n: usize) -> Option<&mut [Block]> {
    if n > MAX_BLOCKS {
        return None;
    }
    if blocks.len() < n {
        blocks.resize(n, Block::new());
    }
    blocks.get_mut(..n)
}

/// Argon2id with the default parameters and a random salt, as a PHC string.
fn hash_with(blocks: &mut Vec<Block>, password: &str) -> Result<String, DbError> {
    let fail = |e: &dyn std::fmt::Display| DbError::Internal(anyhow::anyhow!("argon2: {e}"));
    let params = Params::default();
    let salt: [u8; 16] = rand::random();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let mem = memory(blocks, params.block_count()).ok_or_else(|| fail(&"memory"))?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, mem)
        .map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(Salt::new(&salt).map_err(|e| fail(&e))?),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` gives the hash stored in `phc` (compared in constant time).
fn verify_with(blocks: &mut Vec<Block>, password: &str, phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else { return false };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else { return false };
    let (Ok(params), Ok(algorithm)) = (Params::try_from(&hash), Algorithm::try_from(hash.algorithm.as_str())) else { return false };
    let version = match hash.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let mut out = vec![0u8; expected.len()];
    let Some(mem) = memory(blocks, params.block_count()) else { return false };
    let argon = Argon2::new(algorithm, version, params);
    argon.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, mem).is_ok() && Output::new(&out).is_ok_and(|o| o == *expected)
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

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[test]
    fn hashes_check_with_the_argon2_crate_both_ways() {
        let mut blocks = Vec::new();
        let ours = hash_with(&mut blocks, "hoa-sen-no-sang-9").unwrap();
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ours}");
        assert!(Argon2::default().verify_password(b"hoa-sen-no-sang-9", ours.as_str()).is_ok());
        assert!(verify_with(&mut blocks, "hoa-sen-no-sang-9", &ours));
        assert!(!verify_with(&mut blocks, "hoa-sen-no-sang-8", &ours));
        let theirs = Argon2::default().hash_password(b"la-xanh").unwrap().to_string();
        assert!(verify_with(&mut blocks, "la-xanh", &theirs));
        assert!(!verify_with(&mut blocks, "la-xanh", "not a hash"));
        assert!(!verify_with(&mut blocks, "x", "$argon2id$v=19$m=2000000,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"), "a hostile memory cost");
        assert_eq!(blocks.len(), Params::default().block_count(), "one buffer, reused");
    }

    /// Every worker gives its buffer back after a burst, not only the one that happened to wait
    /// on the queue last.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn every_worker_lets_go_of_its_buffer_after_a_quiet_spell() {
        let phc = hash("một mật khẩu").await.unwrap();
        let checks = (0..8).map(|n| {
            let phc = phc.clone();
            tokio::spawn(async move { verify(&format!("sai-{n}"), &phc).await })
        });
        for check in checks.collect::<Vec<_>>() {
            assert!(!check.await.unwrap().unwrap());
        }
        assert_eq!(HELD.load(Ordering::Relaxed), WORKERS, "both workers took a buffer in the burst");
        tokio::time::sleep(IDLE * 2 + std::time::Duration::from_secs(1)).await;
        assert_eq!(HELD.load(Ordering::Relaxed), 0, "a worker kept its buffer");
    }
}
