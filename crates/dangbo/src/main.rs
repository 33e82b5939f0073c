//! dangbo: the one binary. `serve`, `migrate`, `user add`, `token create`.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use dangbo_db::{Caller, Store};
mod accounts;

/// jemalloc, with its background threads, gives memory freed after a burst (a register's PDF
/// laid out by typst, hundreds of logins) back to the system within seconds; glibc's allocator
/// kept what each worker thread had used (189 MB after four PDFs of a town, never returned).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use accounts::{TokenCommand, UserCommand};

#[derive(Parser)]
#[command(name = "dangbo", version, about = "dangbo — sổ tay công tác Đảng ở cơ sở / the grassroots Party work register")]
struct Cli {
    /// Database URL: sqlite://path/file.sqlite3 (default, created when missing) or postgres://…
    #[arg(long, global = true, env = "DANGBO_DATABASE_URL", default_value = dangbo_db::DEFAULT_URL)]
    database_url: String,
    /// Who is at the terminal, for the audit log (default: the operating-system user).
    #[arg(long, global = true, env = "DANGBO_ACTOR")]
    actor: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web UI and API (migrates the database first).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", env = "DANGBO_LISTEN")]
        listen: String,
        /// Load the Đầm Hà demo into an empty database and print the demo logins.
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (when served over HTTPS).
        #[arg(long, env = "DANGBO_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Serve the operator's metrics at /metrics (Prometheus text; an admin's API token).
        #[arg(long, env = "DANGBO_METRICS")]
        metrics: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Write a consistent copy of the database to FILE (online; SQLite: VACUUM INTO,
    /// PostgreSQL: pg_dump).
    Backup { file: std::path::PathBuf },
    /// Restore a backup FILE into an empty database.
    Restore { file: std::path::PathBuf },
    /// The demo data.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Import data from a file.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Export data to a file.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Load the Đầm Hà demo into an empty database; with --scale, a synthetic dataset of a
    /// commune (~1,700 members), a province (~165,000) or the nation (~5.6 million) instead.
    Load {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// commune, province or national.
        #[arg(long)]
        scale: Option<String>,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// A member list (XLSX, XLS, or CSV in UTF-8 or Windows-1258), all rows or none; rows whose
    /// CCCD or card number is already in the register are left unchanged.
    Members {
        file: std::path::PathBuf,
        /// Branch code for rows without a branch-code column.
        #[arg(long)]
        org: Option<String>,
        /// Check every row and report, import nothing.
        #[arg(long)]
        dry_run: bool,
        /// Read a column by hand: "HEADER=field" (field empty: ignore the column); repeatable.
        /// The choice is remembered for later imports.
        #[arg(long = "map", value_name = "HEADER=FIELD")]
        map: Vec<String>,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// The member register (sổ danh sách đảng viên, 7-HSĐV) of an organisation's subtree;
    /// the format follows the file name: .xlsx or .csv.
    Register {
        #[arg(long)]
        org: String,
        /// dd/mm/yyyy or YYYY-MM-DD; default today.
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// The register's full data as XLSX (every field, the branch by code, the levels with
    /// their dates on a second sheet), which `dangbo import members` reads back.
    Data {
        #[arg(long)]
        org: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("Lỗi / Error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // The chain of causes, without a backtrace: this is for the person at the terminal.
            eprintln!("Lỗi / Error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    if let Command::Restore { file } = &cli.command {
        Store::restore(&cli.database_url, file).await.map_err(|e| anyhow::anyhow!("restore failed: {}", describe(&e)))?;
        println!("Đã khôi phục {} / Restored.", file.display());
        return Ok(());
    }
    let store = Store::connect(&cli.database_url).await.with_context(|| format!("cannot open the database {}", redact(&cli.database_url)))?;
    store.migrate().await.context("migration failed")?;
    let operator = accounts::operator(cli.actor.as_deref());
    match cli.command {
        Command::Migrate => println!("Database is up to date."),
        Command::Serve { listen, demo, secure_cookies, metrics } => serve(store, &listen, demo, secure_cookies, metrics).await?,
        Command::User { command } => accounts::user(&store, &operator, command).await?,
        Command::Restore { .. } => unreachable!("handled before connecting"),
        Command::Backup { file } => {
            store.backup(&file).await.map_err(|e| anyhow::anyhow!("backup failed: {}", describe(&e)))?;
            println!("Đã sao lưu vào {} / Backed up.", file.display());
        }
        Command::Export { command: ExportCommand::Register { org, as_of, out } } => export_register(&store, &operator, &org, as_of.as_deref(), &out).await?,
        Command::Export { command: ExportCommand::Data { org, out } } => export_data(&store, &operator, &org, &out).await?,
        Command::Demo { command: DemoCommand::Load { seed, scale: Some(scale) } } => load_scale(&store, &scale, seed).await?,
        Command::Demo { command: DemoCommand::Load { seed, scale: None } } => {
            let spin = spinner("Đang nạp dữ liệu mẫu / loading the demo");
            let loaded = store.load_demo(seed, dangbo_web::Clock::system().today()).await;
            spin.finish_and_clear();
            if loaded.map_err(|e| anyhow::anyhow!("demo: {}", describe(&e)))? {
                println!("Đã nạp dữ liệu mẫu Đảng bộ huyện Đầm Hà. / The Đầm Hà demo is loaded.");
            } else {
                bail!("the database is not empty; the demo loads only into an empty one");
            }
        }
        Command::Import { command: ImportCommand::Members { file, org, dry_run, map } } => {
            import_members(&store, &operator, &file, org.as_deref(), dry_run, &map).await?
        }
        Command::Token { command } => accounts::token(&store, &operator, command).await?,
    }
    Ok(())
}

async fn import_members(store: &Store, operator: &Caller, file: &std::path::Path, org: Option<&str>, dry_run: bool, map: &[String]) -> Result<()> {
    let mut chosen = Vec::new();
    for m in map {
        let (h, f) = m.split_once('=').with_context(|| format!("--map {m}: expected HEADER=FIELD"))?;
        let f = f.trim();
        if !f.is_empty() && !dangbo_import::fields().any(|x| x == f) {
            bail!("--map {m}: unknown field {f} (one of: {})", dangbo_import::fields().collect::<Vec<_>>().join(", "));
        }
        chosen.push((dangbo_import::header_key(h), f.to_string()));
    }
    if !chosen.is_empty() {
        store.remember_mappings(operator, &chosen).await?;
    }
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let i = dangbo_web::i18n::I18n::new(dangbo_web::Lang::Vi);
    let today = dangbo_web::Clock::system().today();
    // A CSV file streams (any size, memory stays flat); a workbook is read whole.
    let lower = name.to_ascii_lowercase();
    let streamed = lower.ends_with(".csv") || lower.ends_with(".txt");
    let template =
        if streamed { "{msg} {spinner} {pos} dòng / rows · {elapsed}" } else { "{msg} {bar:30} {pos}/{len} dòng / rows · {elapsed} (còn / left {eta})" };
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.set_message(if dry_run { "Đang kiểm tra / checking" } else { "Đang nhập / importing" });
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let caller = operator.clone();
    let result = if streamed {
        let reader = std::io::BufReader::new(std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?);
        match dangbo_import::stream_csv(reader) {
            Ok(sheet) => dangbo_web::import::import_sheet(store, &caller, sheet, Default::default(), org, &chosen, dry_run, today, &progress).await,
            Err(e) => Err(dangbo_web::import::ImportFailure::File(e.key())),
        }
    } else {
        let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let limits = dangbo_web::limits::Limits::default();
        dangbo_web::import::import_members(store, &limits, &caller, name.to_string(), bytes, org, &chosen, dry_run, today, &progress).await
    };
    bar.finish_and_clear();
    let (mapping, report, converted) = result.map_err(|e| anyhow::anyhow!("{}", e.message(&i)))?;
    if let Some(line) = dangbo_web::import::converted_line(converted, &i) {
        println!("{line}");
    }
    for line in dangbo_web::import::problem_lines(&report, &mapping, &i) {
        println!("{line}");
    }
    for line in dangbo_web::import::change_lines(&report, &i) {
        println!("{line}");
    }
    println!("{}", dangbo_web::import::summary_line(&report, dry_run, &i));
    if !report.problems.is_empty() {
        bail!("{} lỗi / problems", report.problems.len());
    }
    Ok(())
}

async fn export_data(store: &Store, operator: &Caller, org: &str, out: &std::path::Path) -> Result<()> {
    if out.extension().and_then(|e| e.to_str()) != Some("xlsx") {
        bail!("--out must end in .xlsx");
    }
    let today = dangbo_web::Clock::system().today();
    let name = store.org(operator, org).await.map_err(|e| anyhow::anyhow!("{}", describe(&e)))?.name;
    let spin = spinner("Đang xuất / exporting");
    let mut wb = dangbo_reports::member_data::DataWorkbook::new(&dangbo_web::export::data_title(&name, today))?;
    let tree = store.data_tree(operator, org).await.map_err(|e| anyhow::anyhow!("{}", describe(&e)))?;
    dangbo_web::export::data_tree(&mut wb, &tree.orgs).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))?;
    let mut failed = None;
    let n = store
        .member_data_each(operator, org, &tree, today, usize::MAX, |m| {
            if failed.is_none()
                && let Err(e) = wb.push(&m)
            {
                failed = Some(e.to_string());
            }
            Ok(())
        })
        .await
        .map_err(|e| anyhow::anyhow!("{}", describe(&e)))?
        .unwrap_or_default();
    if let Some(e) = failed {
        bail!("cannot write {}: {e}", out.display());
    }
    wb.finish()?.save(out).with_context(|| format!("cannot write {}", out.display()))?;
    spin.finish_and_clear();
    println!("{n} đảng viên → {}", out.display());
    Ok(())
}

async fn export_register(store: &Store, operator: &Caller, org: &str, as_of: Option<&str>, out: &std::path::Path) -> Result<()> {
    let today = dangbo_web::Clock::system().today();
    let date = match as_of {
        None => today,
        Some(s) => dangbo_core::date::parse(s).with_context(|| format!("--as-of {s} is not a date (dd/mm/yyyy)"))?,
    };
    let caller = operator.clone();
    let spin = spinner("Đang xuất / exporting");
    let n = match out.extension().and_then(|e| e.to_str()) {
        Some("csv") => {
            let file = std::fs::File::create(out).with_context(|| format!("cannot write {}", out.display()))?;
            let mut w = dangbo_reports::register::CsvRegister::new(std::io::BufWriter::new(file))?;
            let n = stream_register(store, &caller, org, date, out, |r| w.push(r)).await?;
            w.finish()?;
            n
        }
        Some("xlsx") => {
            let name = store.org(&caller, org).await.map_err(|e| anyhow::anyhow!("{}", describe(&e)))?.name;
            let title = format!("Sổ danh sách đảng viên — {name} — {}", dangbo_core::date::display(date));
            let mut x = dangbo_reports::register::XlsxRegister::new(&title, "Danh sách")?;
            let n = stream_register(store, &caller, org, date, out, |r| x.push(r)).await?;
            x.finish()?.save(out).with_context(|| format!("cannot write {}", out.display()))?;
            n
        }
        _ => bail!("--out must end in .xlsx or .csv"),
    };
    spin.finish_and_clear();
    println!("{n} đảng viên → {}", out.display());
    Ok(())
}

/// Streams the register rows, localised, from the database into `push` (memory stays flat for
/// a province). Returns the number of rows; the first write error stops the export.
async fn stream_register<E: std::fmt::Display>(
    store: &Store,
    caller: &Caller,
    org: &str,
    date: chrono::NaiveDate,
    out: &std::path::Path,
    mut push: impl FnMut(&dangbo_core::register::RegisterRow) -> Result<(), E>,
) -> Result<usize> {
    let i = dangbo_web::i18n::I18n::new(dangbo_web::Lang::Vi);
    let mut failed = None;
    let n = store
        .register_each(caller, org, date, |mut r| {
            dangbo_web::export::localise_register(std::slice::from_mut(&mut r), i);
            if failed.is_none()
                && let Err(e) = push(&r)
            {
                failed = Some(e.to_string());
            }
            Ok(())
        })
        .await
        .map_err(|e| anyhow::anyhow!("{}", describe(&e)))?;
    if let Some(e) = failed {
        bail!("cannot write {}: {e}", out.display());
    }
    Ok(n)
}

/// Loads a generated dataset with a progress bar per commune.
async fn load_scale(store: &Store, scale: &str, seed: u64) -> Result<()> {
    let Some(scale) = dangbo_core::demo::scale::Scale::parse(scale) else {
        bail!("--scale {scale}: expected commune, province or national");
    };
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} xã / communes · {msg} · {elapsed} (còn / left {eta})") {
        bar.set_style(style);
    }
    let started = std::time::Instant::now();
    let loaded = store
        .load_scale(scale, seed, dangbo_web::Clock::system().today(), |p| {
            bar.set_length(p.communes_total);
            bar.set_position(p.communes_done);
            bar.set_message(format!("{} đảng viên / members, {} dòng / rows", p.loaded.members, p.loaded.rows));
        })
        .await
        .map_err(|e| anyhow::anyhow!("demo: {}", describe(&e)))?;
    bar.finish_and_clear();
    let Some(l) = loaded else {
        bail!("the database is not empty; the demo loads only into an empty one");
    };
    let secs = started.elapsed().as_secs_f64();
    println!(
        "Đã nạp: {} tổ chức, {} đảng viên, {} sự kiện ({} dòng) trong {:.1} s / loaded: {} organisations, {} members, {} events ({} rows) in {:.1} s ({:.0} rows/s)",
        l.organisations,
        l.members,
        l.events,
        l.rows,
        secs,
        l.organisations,
        l.members,
        l.events,
        l.rows,
        secs,
        l.rows as f64 / secs
    );
    for (user, password, role, org) in dangbo_db::SCALE_USERS {
        println!("  {user} / {password} ({}, {})", role.as_str(), org.unwrap_or("*"));
    }
    Ok(())
}

/// A spinner with the elapsed time on stderr while a long command runs (hidden when stderr is
/// not a terminal, so scripts and logs stay clean).
fn spinner(what: &str) -> indicatif::ProgressBar {
    let p = indicatif::ProgressBar::new_spinner();
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
        p.set_style(style);
    }
    p.set_message(what.to_string());
    p.enable_steady_tick(std::time::Duration::from_millis(120));
    p
}

pub(crate) fn describe(e: &dangbo_db::DbError) -> String {
    let i = dangbo_web::i18n::I18n::new(dangbo_web::Lang::Vi);
    match e {
        dangbo_db::DbError::Invalid(f) => i.field_errors(f).into_values().collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

fn redact(url: &str) -> String {
    match url.split_once('@') {
        Some((head, tail)) if head.contains("://") => format!("{}://…@{tail}", head.split("://").next().unwrap_or("")),
        _ => url.to_string(),
    }
}

async fn serve(store: Store, listen: &str, demo: bool, secure_cookies: bool, metrics: bool) -> Result<()> {
    let clock = dangbo_web::Clock::system();
    if demo {
        if store.load_demo(1, clock.today()).await.map_err(|e| anyhow::anyhow!("demo: {e}"))? {
            println!("Đã nạp dữ liệu mẫu Đảng bộ huyện Đầm Hà. / The Đầm Hà demo is loaded.");
        } else {
            println!("Cơ sở dữ liệu đã có dữ liệu; không nạp lại dữ liệu mẫu. / The database is not empty; the demo was not loaded again.");
        }
        println!("Demo logins (username / password):");
        for (u, p, role, org) in dangbo_db::DEMO_USERS {
            println!("  {u} / {p}  ({}{})", role.as_str(), org.map(|o| format!(" {o}")).unwrap_or_default());
        }
    }
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    println!("dangbo: http://{addr}/");
    let metrics = metrics.then(dangbo_web::metrics::Metrics::new);
    let state = dangbo_web::AppState { store, clock, secure_cookies, limits: dangbo_web::limits::Limits::from_env(), metrics };
    dangbo_web::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
