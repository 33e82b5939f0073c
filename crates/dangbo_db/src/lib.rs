//! The dangbo store: the only crate that speaks SQL.
//!
//! One [`Store`] over SQLite (default, embedded) and PostgreSQL, chosen once from the URL.
//! Queries are written once in portable SQL with `$N` placeholders and run through sqlx's
//! runtime `Any` driver; see ARCHITECTURE.md for why. Every call that reads or writes members or
//! organisations takes a [`Caller`], whose scope is part of the SQL: no handler can forget it.

mod audit;
mod auth;
mod backend_steps;
mod backup;
mod bulk;
mod cadre;
mod candidates;
mod cards;
mod command;
mod committee;
mod courses;
mod data_tree;
#[cfg(feature = "demo")]
mod demo;
#[cfg(feature = "demo")]
mod demo_discipline;
#[cfg(feature = "demo")]
mod demo_fees;
#[cfg(feature = "demo")]
mod demo_ratings;
#[cfg(feature = "demo")]
mod demo_scale;
#[cfg(feature = "bench")]
mod demo_scale_fees;
#[cfg(feature = "demo")]
mod demo_secretaries;
mod discipline;
mod due;
mod error;
mod fee_stale;
mod fees;
#[cfg(feature = "bench")]
mod floor;
mod home;
mod import;
mod meetings;
mod members;
mod movements;
mod org_changes;
mod org_heirs;
mod org_lookup;
mod orgs;
mod photos;
mod planning;
mod portability;
mod profile;
mod ratings;
mod refdata;
mod register;
mod rows;
mod rules;
mod scope;
mod stats;
mod stored_enums;
mod tally;
mod targets;
#[cfg(feature = "test-support")]
pub mod test_support;
mod todo;

pub use audit::{AuditFilter, AuditRow, MAX_AUDIT_ROWS};
pub use auth::{
    Action, Caller, MAX_FAILURES, MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, MAX_PASSWORD_CHECKS, MAX_QUEUED_PASSWORD_CHECKS, NewUser, Role,
    SessionInfo, TokenRow, UserRow,
};
pub use cadre::{ExamResultRow, ExamStats, LocalityReport, MoveMatrix, MoveRow, PositionRow};
pub use candidates::{CandidateDetail, CandidateItem, CertificateRow, StepRow};
pub use cards::{CardEntry, CardEntryKind};
pub use committee::Seat;
pub use courses::{CourseDetail, CourseItem, EnrolmentRow, ParticipantRow};
pub use data_tree::DataTree;
#[cfg(feature = "demo")]
pub use demo::DEMO_USERS;
#[cfg(feature = "demo")]
pub use demo_scale::{SCALE_USERS, ScaleLoaded, ScaleProgress};
pub use discipline::{CaseRow, CaseStepRow, CaseView, ComplaintRow, DisciplineSummary, InspectionPlan, PenaltyRow, PlanItemRow};
pub use due::TodoRow;
pub use error::DbError;
pub use fees::book::{BookLine, FeeBook};
pub use fees::import::{PaymentImport, RowProblems};
pub use fees::relief::ReliefRow;
pub use fees::remit::{NewRemittance, ReconRow, Reconciliation, RemittanceRow};
pub use fees::{
    ArrearsRow, FeeLine, FeeSheet, MAX_AHEAD, MAX_PAYMENT, MAX_PAYMENTS, MemberFees, MonthFee, NewPayment, OrgFeeMonth, OrgFeesYear, parse_paid_on,
};
pub use home::{Behind, BranchMonth, Home};
pub use import::{ImportChange, ImportItem, ImportProblem, ImportReport, MAX_CHANGES_LISTED, TreeItem};
pub use meetings::{
    AssignmentRow, AttendanceRow, BranchYear, DocumentRow, MeetingDetail, MeetingItem, MeetingReport, ProposalRow, RosterRow, StudyReport, SupervisorRow,
    TaskRow, VoteRow,
};
pub use members::{MAX_PAGE, MemberDetail, MemberEventRow, MemberFilter, MemberItem, MemberPage, NOT_RECORDED};
pub use movements::Movements;
pub use org_lookup::ReorgPreview;
pub use org_lookup::{MAX_CHOICES, OrgChoice};
pub use orgs::{OrgHistoryRow, OrgNode, OrgRow, Summary};
pub use planning::{CycleDetail, PlannedRow};
pub use profile::MemberProfile;
pub use ratings::{MAX_RATINGS, NewRatings, RatingCounts, RatingLine, RatingSheet, RatingSummary, StageRating};
pub use refdata::RefItem;
pub use rules::RuleVersionInput;
pub use stats::{Breakdown, MemberStats, PressFigures, QualityRow};
pub use targets::TargetRow;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};
use std::str::FromStr;
use std::sync::Arc;
use tokio::sync::Mutex;

/// Which database the store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The default database: a SQLite file beside the working directory.
pub const DEFAULT_URL: &str = "sqlite://dangbo-data/dangbo.sqlite3";

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The normalised URL (for pg_dump); never logged.
    url: String,
    /// SQLite allows one writer; serialising write transactions here avoids SQLITE_BUSY on
    /// lock upgrades. PostgreSQL needs no such lock.
    write_lock: Arc<Mutex<()>>,
    /// Openings of members' files, logged by group commit.
    openings: Arc<audit::OpeningLog>,
    /// Login attempts at one username are checked one at a time.
    login_turns: Arc<auth::LoginTurns>,
    /// Waits for the write lock (and, on SQLite, the database's), for an operator's metrics.
    waits: Arc<WriteWaits>,
}

#[derive(Default)]
struct WriteWaits {
    count: std::sync::atomic::AtomicU64,
    micros: std::sync::atomic::AtomicU64,
}

/// What an operator watches of the store (the metrics endpoint).
#[derive(Debug, Clone, Copy)]
pub struct StoreStats {
    /// Connections open in the pool, and how many of them idle.
    pub connections: u32,
    pub idle: u32,
    /// Write transactions begun since start, and the seconds they waited for the write lock
    /// in all (on SQLite the one writer; on PostgreSQL only the connection).
    pub writes: u64,
    pub write_wait_seconds: f64,
}

/// The time above which a statement is logged as slow.
pub const SLOW_STATEMENT: std::time::Duration = std::time::Duration::from_millis(500);

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Store {
    /// Connects to `url` (`sqlite://…`, `sqlite:///abs/path`, `postgres://…`). A SQLite file and
    /// its folder are created when missing.
    #[tracing::instrument(skip_all)]
    pub async fn connect(url: &str) -> Result<Store, DbError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = normalise_url(url)?;
        // A statement slower than this is logged (a warning, in the span of the store call and
        // the request that ran it: a member list's names its plan).
        let opts = AnyConnectOptions::from_str(&url).map_err(|e| DbError::Config(e.to_string()))?.log_slow_statements(log::LevelFilter::Warn, SLOW_STATEMENT);
        let mut pool = AnyPoolOptions::new();
        if backend == Backend::Sqlite {
            pool = pool.max_connections(4).after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;").await?;
                    Ok(())
                })
            });
        } else {
            // The lists' optional filters (`$n = '' OR …`) have no good generic plan: once a
            // prepared statement has run five times PostgreSQL may switch to one, and the demo's
            // member count then took 9,035 ms instead of 4 ms (a nested loop over every member ×
            // organisation). Each execution is planned for its values instead (planning ~1 ms).
            pool = pool.max_connections(16).after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("SET plan_cache_mode = force_custom_plan").await?;
                    Ok(())
                })
            });
        }
        let pool = pool.connect_with(opts).await.map_err(DbError::from)?;
        Ok(Store { pool, backend, url, write_lock: Arc::new(Mutex::new(())), openings: Arc::default(), login_turns: Arc::default(), waits: Arc::default() })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations and loads the reference lists when they are empty.
    #[tracing::instrument(skip_all)]
    pub async fn migrate(&self) -> Result<(), DbError> {
        let applied = || async { sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(&self.pool).await.unwrap_or(0) };
        let before = applied().await;
        MIGRATOR.run(&self.pool).await.map_err(|e| DbError::Internal(e.into()))?;
        backend_steps::run(self).await?;
        stored_enums::ensure(self).await?;
        refdata::seed(self).await?;
        rules::seed(self).await?;
        // Only a migration can leave derived rows missing; a plain restart skips the check (a
        // scan of every member at national size).
        if applied().await != before {
            org_heirs::backfill(self).await?;
            let rebuilt = members::rebuild_missing(self).await?;
            if rebuilt > 0 {
                tracing::info!(rebuilt, "derived member rows rebuilt after migration");
            }
        }
        tally::ensure(self).await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction (holding the SQLite write lock for its whole life).
    pub(crate) async fn write(&self) -> Result<WriteTx<'_>, DbError> {
        let asked = std::time::Instant::now();
        let (guard, tx) = match self.backend {
            // IMMEDIATE takes the database's write lock at once, waiting up to busy_timeout for
            // another process (a command-line import) to let go; a deferred transaction that
            // read first could not wait when it came to write (SQLITE_BUSY at once).
            Backend::Sqlite => (Some(self.write_lock.lock().await), self.pool.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres => (None, self.pool.begin().await?),
        };
        use std::sync::atomic::Ordering::Relaxed;
        self.waits.count.fetch_add(1, Relaxed);
        self.waits.micros.fetch_add(asked.elapsed().as_micros() as u64, Relaxed);
        Ok(WriteTx { tx, guard })
    }

    /// The pool and the write lock as they stand.
    pub fn stats(&self) -> StoreStats {
        use std::sync::atomic::Ordering::Relaxed;
        StoreStats {
            connections: self.pool.size(),
            idle: self.pool.num_idle() as u32,
            writes: self.waits.count.load(Relaxed),
            write_wait_seconds: self.waits.micros.load(Relaxed) as f64 / 1e6,
        }
    }

    /// Whether the database holds no organisation yet (the demo loads only into an empty one).
    #[tracing::instrument(skip_all)]
    pub async fn is_empty(&self) -> Result<bool, DbError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org").fetch_one(&self.pool).await?;
        Ok(n == 0)
    }
}

pub(crate) struct WriteTx<'a> {
    pub tx: sqlx::Transaction<'static, sqlx::Any>,
    pub guard: Option<tokio::sync::MutexGuard<'a, ()>>,
}

impl WriteTx<'_> {
    pub async fn commit(self) -> Result<(), DbError> {
        self.tx.commit().await?;
        Ok(())
    }
}

fn normalise_url(url: &str) -> Result<(Backend, String), DbError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_string()));
    }
    let rest =
        url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).ok_or_else(|| DbError::Config(format!("unsupported database URL: {url}")))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        return Err(DbError::Config("an in-memory SQLite database cannot be shared by the pool; name a file".into()));
    }
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
        && !parent.exists()
    {
        std::fs::create_dir_all(parent).map_err(|e| DbError::Config(format!("cannot create {}: {e}", parent.display())))?;
        set_mode(parent, 0o700)?;
    }
    // The database holds members' files: its owner alone reads it. SQLite gives its WAL and
    // shared-memory files the database file's mode.
    if !query.contains("mode=ro") {
        private_file(std::path::Path::new(path))?;
    }
    let query = if query.contains("mode=") {
        query.to_string()
    } else if query.is_empty() {
        "mode=rwc".into()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok((Backend::Sqlite, format!("sqlite://{path}?{query}")))
}

/// Creates `path` empty with mode 0600 when missing, or narrows an existing file to 0600.
pub(crate) fn private_file(path: &std::path::Path) -> Result<(), DbError> {
    use std::os::unix::fs::OpenOptionsExt;
    let err = |e: std::io::Error| DbError::Config(format!("cannot create {}: {e}", path.display()));
    if path.exists() {
        return set_mode(path, 0o600);
    }
    std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(err)?;
    Ok(())
}

fn set_mode(path: &std::path::Path, mode: u32) -> Result<(), DbError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| DbError::Config(format!("cannot protect {}: {e}", path.display())))
}

/// Now as RFC 3339 UTC text (the store's instant format).
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/a.sqlite3");
        let (b, u) = normalise_url(&format!("sqlite://{}", path.display())).unwrap();
        assert_eq!(b, Backend::Sqlite);
        assert_eq!(u, format!("sqlite://{}?mode=rwc", path.display()));
        assert!(normalise_url("mysql://x").is_err());
    }

    #[test]
    fn the_database_and_its_folder_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/db.sqlite3");
        normalise_url(&format!("sqlite://{}", path.display())).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        let loose = dir.path().join("old.sqlite3");
        std::fs::write(&loose, b"").unwrap();
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
        normalise_url(&format!("sqlite://{}", loose.display())).unwrap();
        assert_eq!(std::fs::metadata(&loose).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
