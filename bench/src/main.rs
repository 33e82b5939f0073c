//! dangbo's benchmarks (see bench/README.md): each measure beside its floor, measured in the
//! same run, on SQLite and on PostgreSQL. Prints a Markdown table for docs/benchmarks.md.

mod fees;
mod hostile;
mod load;
mod procs;

use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use clap::Parser;
use dangbo_core::demo::scale::Scale;
use dangbo_db::{Caller, MemberFilter, Store};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "dangbo_bench", about = "dangbo benchmarks: measures and their floors on SQLite and PostgreSQL")]
struct Args {
    /// commune, province or national: the dataset (generated on the first run, then reused).
    #[arg(long, default_value = "province")]
    scale: String,
    /// Which databases: sqlite, postgres or both.
    #[arg(long, default_value = "sqlite,postgres")]
    backends: String,
    /// SQLite file of the dataset (default bench-data/<scale>.sqlite3).
    #[arg(long)]
    sqlite: Option<String>,
    /// PostgreSQL server URL without database; databases dangbo_bench_<scale> and
    /// dangbo_bench_import are created there.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    postgres: String,
    /// Seconds per load run.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Members in the import file (the measure: a million).
    #[arg(long, default_value_t = 1_000_000)]
    import_rows: usize,
    /// Skip measures by name: search, forms, pages, import, export, start, fees.
    #[arg(long, value_delimiter = ',')]
    skip: Vec<String>,
    /// Only the hostile-input checks (a fresh demo on SQLite; see hostile.rs), as CI runs them.
    #[arg(long)]
    hostile: bool,
}

/// One line of the results: (measure, value, floor, unit).
pub struct Line {
    pub measure: String,
    pub value: f64,
    pub floor: Option<f64>,
    pub unit: &'static str,
}

fn line(measure: impl Into<String>, value: f64, floor: Option<f64>, unit: &'static str) -> Line {
    Line { measure: measure.into(), value, floor, unit }
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    if args.hostile {
        return hostile::run(args.seconds).await;
    }
    let scale = Scale::parse(&args.scale).context("--scale: commune, province or national")?;
    let mut results: Vec<(String, Vec<Line>)> = Vec::new();
    for backend in args.backends.split(',').map(str::trim) {
        let url = match backend {
            "sqlite" => format!("sqlite://{}", args.sqlite.clone().unwrap_or_else(|| format!("bench-data/{}.sqlite3", scale.as_str()))),
            "postgres" => procs::postgres_db(&args.postgres, &format!("dangbo_bench_{}", scale.as_str()), false).await?,
            other => anyhow::bail!("unknown backend {other}"),
        };
        eprintln!("== {backend}: {url}");
        // A measure that fails stops this backend's run, but what was measured before it is
        // still printed (a failed import once lost a national run's half hour of figures).
        let mut lines = Vec::new();
        if let Err(e) = run(&args, scale, backend, &url, &mut lines).await {
            eprintln!("{backend}: stopped: {e:#}");
        }
        results.push((backend.to_string(), lines));
    }
    print_table(&results);
    Ok(())
}

async fn run(args: &Args, scale: Scale, backend: &str, url: &str, out: &mut Vec<Line>) -> Result<()> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    if store.is_empty().await? {
        eprintln!("generating the {} dataset", scale.as_str());
        let r = procs::timed(&[url, "demo", "load", "--scale", scale.as_str()])?;
        out.push(line(format!("generate {} dataset: time", scale.as_str()), r.seconds, None, "s"));
        out.push(line(format!("generate {} dataset: peak RSS", scale.as_str()), r.peak_mb, None, "MB"));
    }
    let today = chrono::Utc::now().date_naive();
    let skip = |name: &str| args.skip.iter().any(|s| s == name);
    let time = Duration::from_secs(args.seconds);
    let server = procs::Server::start(url).await?;
    if !skip("start") {
        out.push(line("server cold start (to first /healthz)", server.cold_start_ms, None, "ms"));
        out.push(line("server idle RSS", server.idle_rss_mb(), None, "MB"));
    }
    if !skip("search") {
        search(&store, &server, today, time, out).await?;
    }
    if !skip("forms") {
        forms(&store, today, scale, out).await?;
    }
    if !skip("pages") {
        pages(&store, &server, time, out).await?;
    }
    drop(server);
    if !skip("export") {
        let file = std::env::temp_dir().join(format!("dangbo-bench-{backend}.xlsx"));
        let r = procs::timed(&[url, "export", "register", "--org", "P01", "--out", file.to_str().unwrap_or("x.xlsx")])?;
        let members = store.summary(&Caller::system(), "P01", today).await?.total();
        out.push(line(format!("XLSX register export, {members} members: time"), r.seconds, None, "s"));
        out.push(line("XLSX register export: peak RSS", r.peak_mb, None, "MB"));
    }
    if !skip("fees") {
        fees::run(&store, today, out).await?;
    }
    if !skip("import") {
        import(args, backend, out).await?;
    }
    Ok(())
}

/// Member search through the API, scoped to a commune and to a province, against the same
/// SELECT run directly.
async fn search(store: &Store, server: &procs::Server, today: NaiveDate, time: Duration, out: &mut Vec<Line>) -> Result<()> {
    let admin = Caller::system();
    let sample = store.list_members(&admin, &MemberFilter { org: Some("P01-X001".into()), limit: 200, ..Default::default() }, today).await?;
    // Half the queries typed with diacritics, half without, as people do.
    let queries: Vec<String> =
        sample.items.iter().enumerate().map(|(i, m)| if i % 2 == 0 { m.full_name.clone() } else { dangbo_core::text::fold(&m.full_name) }).collect();
    for (user, code) in [("xa", "P01-X001"), ("tinh", "P01")] {
        let token = store.create_token(&admin, user).await?;
        let headers = Arc::new(vec![("authorization".to_string(), format!("Bearer {token}"))]);
        let paths: Arc<Vec<String>> = Arc::new(queries.iter().map(|q| format!("/api/v1/members?org={code}&limit=20&q={}", urlencode(q))).collect());
        let path = store.floor_org_path(code).await?;
        let folded: Arc<Vec<String>> = Arc::new(queries.iter().map(|q| dangbo_core::text::fold(q)).collect());
        for clients in [1, 32] {
            let http = load::http(&server.addr, clients, time, paths.clone(), headers.clone()).await?;
            let (s, p, f) = (store.clone(), path.clone(), folded.clone());
            let floor = load::calls(clients, time, move |i| {
                let (s, p, q) = (s.clone(), p.clone(), f[i % f.len()].clone());
                async move {
                    s.floor_search(&p, &q, today, 20).await?;
                    Ok(())
                }
            })
            .await?;
            for (q, name) in [(0.5, "p50"), (0.99, "p99")] {
                out.push(line(format!("search, {code} scope, {clients} client(s): {name}"), http.quantile_ms(q), Some(floor.quantile_ms(q)), "ms"));
            }
        }
    }
    Ok(())
}

/// The member form (every dimension) for the nation, a province and a commune, today and five
/// years back, against hand-written GROUP BYs.
async fn forms(store: &Store, today: NaiveDate, scale: Scale, out: &mut Vec<Line>) -> Result<()> {
    let admin = Caller::system();
    let past = today.with_year(today.year() - 5).unwrap_or(today);
    let mut scopes = vec![("P01", "province"), ("P01-X001", "commune")];
    if scale == Scale::National {
        scopes.insert(0, ("TW", "nation"));
    }
    for (code, label) in scopes {
        let path = store.floor_org_path(code).await?;
        for (date, when) in [(today, "today"), (past, "5 years back")] {
            let runs = if label == "nation" { 2 } else { 5 };
            let mut best = f64::MAX;
            let mut floor = f64::MAX;
            for _ in 0..runs {
                let t = Instant::now();
                let stats = store.member_stats(&admin, code, date).await?;
                best = best.min(t.elapsed().as_secs_f64() * 1000.0);
                let t = Instant::now();
                let n = store.floor_form(&path, date).await?;
                floor = floor.min(t.elapsed().as_secs_f64() * 1000.0);
                if label != "nation" || date == today {
                    anyhow::ensure!(n == stats.total || date != today, "{code}: floor {n} vs form {}", stats.total);
                }
            }
            out.push(line(format!("member form, {label} ({code}), {when}"), best, Some(floor), "ms"));
        }
    }
    Ok(())
}

/// The organisation page and a member's profile, logged in, against an empty handler.
async fn pages(store: &Store, server: &procs::Server, time: Duration, out: &mut Vec<Line>) -> Result<()> {
    let cookie = server.login("xa", "dangbo-xa").await?;
    let headers = Arc::new(vec![("cookie".to_string(), cookie)]);
    let sample = store
        .list_members(&Caller::system(), &MemberFilter { org: Some("P01-X001".into()), limit: 100, ..Default::default() }, chrono::Utc::now().date_naive())
        .await?;
    let floor = load::http(&server.addr, 32, time, Arc::new(vec!["/healthz".into()]), Arc::new(Vec::new())).await?;
    let org = load::http(&server.addr, 32, time, Arc::new(vec!["/orgs/P01-X001-01".into()]), headers.clone()).await?;
    let profiles: Vec<String> = sample.items.iter().map(|m| format!("/members/{}", m.id)).collect();
    let profile = load::http(&server.addr, 32, time, Arc::new(profiles), headers).await?;
    for (name, run) in [("organisation page", &org), ("member profile page", &profile)] {
        out.push(line(format!("{name}, 32 clients: requests/s"), run.per_second(), Some(floor.per_second()), "req/s"));
        out.push(line(format!("{name}, 32 clients: p99"), run.quantile_ms(0.99), Some(floor.quantile_ms(0.99)), "ms"));
    }
    Ok(())
}

/// Importing a CSV of generated members into a database holding one commune's organisations.
async fn import(args: &Args, backend: &str, out: &mut Vec<Line>) -> Result<()> {
    let url = match backend {
        "sqlite" => {
            let f = std::env::temp_dir().join("dangbo-bench-import.sqlite3");
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", f.display()));
            }
            format!("sqlite://{}", f.display())
        }
        _ => procs::postgres_db(&args.postgres, "dangbo_bench_import", true).await?,
    };
    procs::timed(&[&url, "demo", "load", "--scale", "commune"])?;
    let csv = std::env::temp_dir().join("dangbo-bench-import.csv");
    procs::write_import_csv(&csv, args.import_rows, &url).await?;
    let r = procs::timed(&[&url, "import", "members", csv.to_str().unwrap_or("x.csv")])?;
    // Floor: the database copying the same rows itself into twins of the tables (see
    // `Store::floor_import`): what this machine's database can write, whatever the program.
    let store = dangbo_db::Store::connect(&url).await?;
    let t = std::time::Instant::now();
    let members = store.floor_import().await?;
    let floor = members as f64 / t.elapsed().as_secs_f64();
    store.close().await;
    out.push(line(format!("import {} members from CSV: rows/s", args.import_rows), args.import_rows as f64 / r.seconds, Some(floor), "rows/s"));
    out.push(line("import from CSV: peak RSS", r.peak_mb, None, "MB"));
    Ok(())
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn print_table(results: &[(String, Vec<Line>)]) {
    let names: Vec<&str> = results.iter().map(|r| r.0.as_str()).collect();
    print!("| measure |");
    for n in &names {
        print!(" {n} | {n} floor | ratio |");
    }
    println!();
    println!("|---|{}", "---:|---:|---:|".repeat(names.len()));
    // Every measure of any backend, in the order first met (a backend whose dataset already
    // existed has no "generate" lines: a dash, never another measure's figure).
    let mut measures: Vec<&Line> = Vec::new();
    for l in results.iter().flat_map(|r| &r.1) {
        if !measures.iter().any(|m| m.measure == l.measure) {
            measures.push(l);
        }
    }
    for l in measures {
        print!("| {} ({}) |", l.measure, l.unit);
        for (_, lines) in results {
            match lines.iter().find(|x| x.measure == l.measure) {
                Some(x) => match x.floor {
                    Some(f) => print!(" {} | {} | {:.2} |", fmt(x.value), fmt(f), x.value / f),
                    None => print!(" {} | – | – |", fmt(x.value)),
                },
                None => print!(" – | – | – |"),
            }
        }
        println!();
    }
}

fn fmt(v: f64) -> String {
    if v >= 100.0 { format!("{v:.0}") } else { format!("{v:.2}") }
}
