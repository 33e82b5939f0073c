//! A small loopback load tool: N clients, each on its own keep-alive HTTP/1.1 connection (like
//! wrk), or N tasks calling the store directly (the floors), for a fixed time.

use anyhow::{Result, bail};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Latencies of one run.
pub struct Run {
    pub samples: Vec<Duration>,
    pub elapsed: Duration,
}

impl Run {
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.samples.is_empty() {
            return f64::NAN;
        }
        let mut s = self.samples.clone();
        s.sort();
        let i = ((s.len() as f64 - 1.0) * q).round() as usize;
        s[i].as_secs_f64() * 1000.0
    }
    pub fn per_second(&self) -> f64 {
        self.samples.len() as f64 / self.elapsed.as_secs_f64()
    }
}

fn merge(parts: Vec<Vec<Duration>>, started: Instant) -> Run {
    Run { samples: parts.into_iter().flatten().collect(), elapsed: started.elapsed() }
}

/// GET requests over `paths` (round robin) from `clients` connections for `time`.
pub async fn http(addr: &str, clients: usize, time: Duration, paths: Arc<Vec<String>>, headers: Arc<Vec<(String, String)>>) -> Result<Run> {
    let started = Instant::now();
    let end = started + time;
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (addr, paths, headers) = (addr.to_string(), paths.clone(), headers.clone());
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(&addr).await?;
            stream.set_nodelay(true)?;
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
            tokio::spawn(conn);
            let mut samples = Vec::new();
            let mut i = c;
            while Instant::now() < end {
                let path = &paths[i % paths.len()];
                i += clients;
                let mut req = hyper::Request::get(path.as_str()).header("host", addr.as_str());
                for (k, v) in headers.iter() {
                    req = req.header(k.as_str(), v.as_str());
                }
                let t = Instant::now();
                let res = sender.send_request(req.body(Empty::<Bytes>::new())?).await?;
                let status = res.status();
                res.into_body().collect().await?;
                if !status.is_success() {
                    bail!("GET {path}: {status}");
                }
                samples.push(t.elapsed());
            }
            anyhow::Ok(samples)
        }));
    }
    let mut parts = Vec::new();
    for t in tasks {
        parts.push(t.await??);
    }
    Ok(merge(parts, started))
}

/// `op(i)` from `clients` tasks for `time`.
pub async fn calls<F, Fut>(clients: usize, time: Duration, op: F) -> Result<Run>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<()>> + Send,
{
    let op = Arc::new(op);
    let started = Instant::now();
    let end = started + time;
    let mut tasks = Vec::new();
    for c in 0..clients {
        let op = op.clone();
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut i = c;
            while Instant::now() < end {
                let t = Instant::now();
                op(i).await?;
                samples.push(t.elapsed());
                i += clients;
            }
            anyhow::Ok(samples)
        }));
    }
    let mut parts = Vec::new();
    for t in tasks {
        parts.push(t.await??);
    }
    Ok(merge(parts, started))
}

/// One request with a body; returns the status and the response headers.
pub async fn post_form(addr: &str, path: &str, body: String) -> Result<(u16, Vec<(String, String)>)> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let req = hyper::Request::post(path)
        .header("host", addr)
        .header("origin", format!("http://{addr}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(http_body_util::Full::new(Bytes::from(body)))?;
    let res = sender.send_request(req).await?;
    let headers = res.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string())).collect();
    Ok((res.status().as_u16(), headers))
}

/// Whether `GET path` answers 200.
pub async fn ok(addr: &str, path: &str) -> bool {
    let Ok(stream) = tokio::net::TcpStream::connect(addr).await else { return false };
    let Ok((mut sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await else { return false };
    tokio::spawn(conn);
    let Ok(req) = hyper::Request::get(path).header("host", addr).body(Empty::<Bytes>::new()) else { return false };
    matches!(sender.send_request(req).await, Ok(r) if r.status().is_success())
}
