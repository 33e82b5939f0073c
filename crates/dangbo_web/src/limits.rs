//! The server's bounds on slow work: how many uploads are read and how many papers rendered at
//! once. Work beyond the bound waits its turn for a while, then gets 503 "busy" — it never piles
//! up memory. Every limit is listed in docs/security.md.

use crate::error::{ErrorKind, WebError};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a request waits for a free slot before it is told the server is busy.
const QUEUE_WAIT: Duration = Duration::from_secs(20);

#[derive(Clone)]
pub struct Limits {
    /// Spreadsheets read at once (`DANGBO_MAX_PARSES`, default 2).
    parses: Arc<Semaphore>,
    /// PDF and XLSX documents rendered at once (`DANGBO_MAX_RENDERS`, default 2).
    renders: Arc<Semaphore>,
}

/// Spreadsheets read, and papers rendered, at once unless the environment says otherwise.
const DEFAULT_SLOTS: usize = 2;

impl Default for Limits {
    fn default() -> Self {
        Limits::new(DEFAULT_SLOTS, DEFAULT_SLOTS)
    }
}

impl Limits {
    pub fn new(parses: usize, renders: usize) -> Limits {
        Limits { parses: Arc::new(Semaphore::new(parses)), renders: Arc::new(Semaphore::new(renders)) }
    }

    /// The defaults, with any bound set in the environment (a positive whole number).
    pub fn from_env() -> Limits {
        let get = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).filter(|n| *n > 0).unwrap_or(DEFAULT_SLOTS);
        Limits::new(get("DANGBO_MAX_PARSES"), get("DANGBO_MAX_RENDERS"))
    }

    /// Runs `work` on the blocking pool once a parse slot is free.
    pub async fn parse<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, WebError> {
        run(&self.parses, work).await
    }

    /// Runs `work` on the blocking pool once a render slot is free.
    pub async fn render<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, WebError> {
        run(&self.renders, work).await
    }
}

async fn run<T: Send + 'static>(slots: &Arc<Semaphore>, work: impl FnOnce() -> T + Send + 'static) -> Result<T, WebError> {
    let permit: OwnedSemaphorePermit =
        tokio::time::timeout(QUEUE_WAIT, slots.clone().acquire_owned()).await.map_err(|_| WebError(ErrorKind::Busy))?.map_err(|_| WebError(ErrorKind::Busy))?;
    // The permit moves into the task: a client that disconnects cannot free the slot while the
    // work still runs.
    tokio::task::spawn_blocking(move || {
        let out = work();
        drop(permit);
        out
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "blocking task failed");
        WebError(ErrorKind::Internal)
    })
}
