//! The processes a benchmark runs: the `dangbo` binary beside this one, timed with
//! `/usr/bin/time` for peak RSS, and the server under load.

use anyhow::{Context, Result, bail};
use dangbo_core::demo::scale;
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The `dangbo` binary built beside this one (`cargo build --release -p dangbo -p dangbo_bench`).
pub fn dangbo() -> Result<std::path::PathBuf> {
    let exe = std::env::current_exe()?;
    let bin = exe.with_file_name("dangbo");
    anyhow::ensure!(bin.exists(), "{} is missing: build it with `cargo build --release -p dangbo`", bin.display());
    Ok(bin)
}

pub async fn postgres_db(server: &str, name: &str, fresh: bool) -> Result<String> {
    Ok(dangbo_db::test_support::postgres_database(server, name, fresh).await?)
}

pub struct Timed {
    pub seconds: f64,
    pub peak_mb: f64,
}

/// Runs `dangbo --database-url ARGS[0] ARGS[1..]` under `/usr/bin/time`: wall time and peak RSS.
pub fn timed(args: &[&str]) -> Result<Timed> {
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("peak-rss-kb %M")
        .arg(dangbo()?)
        .arg("--database-url")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("/usr/bin/time (Debian package time) runs dangbo")?;
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!("dangbo {}: {}\n{}", args[1..].join(" "), out.status, stderr);
    }
    let kb: f64 = stderr.lines().rev().find_map(|l| l.strip_prefix("peak-rss-kb ")).and_then(|v| v.trim().parse().ok()).unwrap_or(f64::NAN);
    Ok(Timed { seconds, peak_mb: kb / 1024.0 })
}

/// A running `dangbo serve`.
pub struct Server {
    child: Child,
    pub addr: String,
    pub cold_start_ms: f64,
}

impl Server {
    pub async fn start(url: &str) -> Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let addr = format!("127.0.0.1:{port}");
        let started = Instant::now();
        let child = Command::new(dangbo()?)
            .args(["--database-url", url, "serve", "--listen", &addr])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let mut server = Server { child, addr, cold_start_ms: 0.0 };
        while !crate::load::ok(&server.addr, "/healthz").await {
            anyhow::ensure!(started.elapsed() < Duration::from_secs(300), "the server did not start");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        server.cold_start_ms = started.elapsed().as_secs_f64() * 1000.0;
        tokio::time::sleep(Duration::from_secs(1)).await;
        Ok(server)
    }

    /// Resident memory now, from /proc.
    pub fn idle_rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok()).unwrap_or(f64::NAN)
            / 1024.0
    }

    /// Logs in through the login form; returns the session cookie ("name=value").
    pub async fn login(&self, user: &str, password: &str) -> Result<String> {
        let (status, headers) = crate::load::post_form(&self.addr, "/login", format!("username={user}&password={password}&next=/")).await?;
        headers
            .iter()
            .find(|(k, _)| k == "set-cookie")
            .and_then(|(_, v)| v.split(';').next())
            .map(str::to_string)
            .with_context(|| format!("login as {user}: status {status}, no session cookie"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes `rows` generated members (communes after the first of province 1) as an
/// organisation board's CSV, each in a branch of the first commune, which the database holds.
pub async fn write_import_csv(path: &std::path::Path, rows: usize, url: &str) -> Result<()> {
    let store = dangbo_db::Store::connect(url).await?;
    let names: std::collections::HashMap<String, String> = store.ref_items("ethnicity").await?.into_iter().map(|i| (i.code, i.name)).collect();
    let today = chrono::Utc::now().date_naive();
    let branches: Vec<String> = scale::commune(1, 0, 0, 0, today).orgs.iter().filter(|o| o.kind.holds_members()).map(|o| o.code.clone()).collect();
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(f, "Họ và tên,Giới tính,Ngày sinh,Dân tộc,Tôn giáo,Số CCCD,Ngày quyết định kết nạp,Ngày vào Đảng,Ngày chính thức,Mã chi bộ")?;
    let (mut written, mut c, mut first) = (0, 1, 10_000u64);
    let dmy = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    while written < rows {
        // The generator numbers a CCCD's last six digits by member number within a province:
        // a new province per million members keeps the file's CCCDs distinct (one province
        // throughout repeated them after ~990,000 rows, and the import rightly refused the file).
        let commune = scale::commune(1, usize::try_from(first / 1_000_000)?, c, first, today);
        first += commune.members.len() as u64;
        c += 1;
        for m in commune.members.iter().filter(|m| m.derived.status.counted()) {
            if written == rows {
                break;
            }
            let (p, party) = (&m.derived.person, &m.derived.party);
            let sex = if p.sex.as_str() == "female" { "Nữ" } else { "Nam" };
            let full = m.derived.full_date.map(dmy).unwrap_or_default();
            let eth = names.get(&p.ethnicity).cloned().unwrap_or_default();
            let cccd = p.cccd.clone().unwrap_or_default();
            let branch = &branches[written % branches.len()];
            writeln!(
                f,
                "{},{sex},{},{eth},{},{cccd},{},{},{full},{branch}",
                p.full_name(),
                dmy(p.birth_date),
                p.religion,
                dmy(party.admission_decision_date),
                dmy(party.ceremony_date)
            )?;
            written += 1;
        }
    }
    f.flush()?;
    store.close().await;
    Ok(())
}
