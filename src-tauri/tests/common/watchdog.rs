//! A WebDriver watchdog: a small HTTP proxy between fantoccini and tauri-driver that logs every
//! WebDriver command with a timestamp and gives each its own time limit.
//!
//! fantoccini has no timeout of its own, and WebKitWebDriver can leave a command unanswered
//! (docs/app.md, "Why the e2e suites hung"): without a bound, a suite then waits silently until
//! the outer `timeout` kills it minutes later. Through the proxy, a command that does not answer
//! within its limit gets a W3C `timeout` error naming the command, so the step that sent it
//! fails at once with that name; every later command fails fast too (the session is stuck behind
//! the hung one), so retry loops in the harness end in seconds instead of minutes.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::convert::Infallible;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The limit of one WebDriver command: `FUDAO_E2E_CMD_TIMEOUT` seconds, else 30 s. Creating
/// the session (which starts the app) gets four times as long.
pub fn command_timeout() -> Duration {
    std::env::var("FUDAO_E2E_CMD_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(Duration::from_secs(30))
}

struct State {
    upstream: String,
    limit: Duration,
    start: Instant,
    seq: AtomicU64,
    log: Mutex<File>,
    log_path: PathBuf,
    /// The first command that did not answer; once set, every command fails at once.
    hung: Mutex<Option<String>>,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl State {
    fn line(&self, text: &str) {
        let t = self.start.elapsed().as_secs_f64();
        let mut f = self.log.lock().unwrap();
        let _ = writeln!(f, "{t:9.3}s {text}");
        let _ = f.flush();
    }
}

/// A running watchdog: point the WebDriver client at [`Watchdog::url`].
pub struct Watchdog {
    pub port: u16,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Watchdog {
    /// Proxies `127.0.0.1:{upstream_port}`, logging to `log_path` (truncated), each command
    /// bounded by `limit`.
    pub async fn start(upstream_port: u16, log_path: &Path, limit: Duration) -> Watchdog {
        if let Some(dir) = log_path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State {
            upstream: format!("http://127.0.0.1:{upstream_port}"),
            limit,
            start: Instant::now(),
            seq: AtomicU64::new(0),
            log: Mutex::new(File::create(log_path).unwrap()),
            log_path: log_path.to_path_buf(),
            hung: Mutex::new(None),
            client: Client::builder(TokioExecutor::new()).build_http(),
        });
        let st = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let st = st.clone();
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req| handle(st.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        Watchdog { port, state, task }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// How many commands went through, and the one that hung, if any.
    pub fn summary(&self) -> (u64, Option<String>) {
        (
            self.state.seq.load(Ordering::SeqCst),
            self.state.hung.lock().unwrap().clone(),
        )
    }

    pub fn log_path(&self) -> &Path {
        &self.state.log_path
    }

    /// Writes a free-form line (a test step) into the command log.
    pub fn note(&self, text: &str) {
        self.state.line(&format!("== {text}"));
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(
    st: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().clone();
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let name = command_name(method.as_str(), &path);
    let n = st.seq.fetch_add(1, Ordering::SeqCst) + 1;
    if let Some(first) = st.hung.lock().unwrap().clone() {
        st.line(&format!("-> #{n} {name}: refused, `{first}` hung before"));
        return Ok(error(&format!(
            "WebDriver command `{name}` not sent: the earlier command `{first}` did \
                 not answer and the session is stuck (log: {})",
            st.log_path.display()
        )));
    }
    let content_type = req.headers().get(hyper::header::CONTENT_TYPE).cloned();
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return Ok(error(&format!("reading the request of `{name}`: {e}"))),
    };
    st.line(&format!("-> #{n} {name}"));
    let mut up = Request::builder()
        .method(method.clone())
        .uri(format!("{}{path}", st.upstream));
    if let Some(ct) = content_type {
        up = up.header(hyper::header::CONTENT_TYPE, ct);
    }
    let up = up.body(Full::new(body)).unwrap();
    // Creating a session starts the app (a debug build on a busy machine): allow it longer.
    let limit = if method == hyper::Method::POST && path == "/session" {
        st.limit * 4
    } else {
        st.limit
    };
    let sent = Instant::now();
    let answer = tokio::time::timeout(limit, async {
        let resp = st.client.request(up).await.map_err(|e| e.to_string())?;
        let (parts, body) = resp.into_parts();
        let bytes = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok::<_, String>((parts, bytes))
    })
    .await;
    let ms = sent.elapsed().as_millis();
    match answer {
        Ok(Ok((parts, bytes))) => {
            st.line(&format!("<- #{n} {} in {ms} ms", parts.status.as_u16()));
            let mut resp = Response::builder().status(parts.status);
            for (k, v) in parts.headers.iter() {
                if k != hyper::header::TRANSFER_ENCODING && k != hyper::header::CONTENT_LENGTH {
                    resp = resp.header(k, v);
                }
            }
            Ok(resp.body(Full::new(bytes)).unwrap())
        }
        Ok(Err(e)) => {
            st.line(&format!("<- #{n} transport error after {ms} ms: {e}"));
            Ok(error(&format!("WebDriver command `{name}` failed: {e}")))
        }
        Err(_) => {
            *st.hung.lock().unwrap() = Some(name.clone());
            st.line(&format!("!! #{n} {name}: no answer within {limit:?}"));
            let msg = format!(
                "WebDriver command `{name}` ({method} {path}) did not answer within {limit:?} \
                 (log: {})",
                st.log_path.display()
            );
            eprintln!("watchdog: {msg}");
            Ok(error(&msg))
        }
    }
}

/// A W3C WebDriver error response (`timeout`), which fantoccini turns into a command error
/// carrying `message`.
fn error(message: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({
        "value": { "error": "timeout", "message": message, "stacktrace": "" }
    });
    Response::builder()
        .status(StatusCode::INTERNAL_SERVER_ERROR)
        .header(
            hyper::header::CONTENT_TYPE,
            "application/json; charset=utf-8",
        )
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

/// The W3C name of a WebDriver command (`take screenshot`, `element send keys`, …) from its
/// method and path; session and element ids are left out.
pub fn command_name(method: &str, path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    // segs[0] = "session", segs[1] = session id, the rest names the command.
    if segs.first() != Some(&"session") {
        return format!("{method} {path}");
    }
    if segs.len() == 1 {
        return "new session".into();
    }
    if segs.len() == 2 {
        return if method == "DELETE" {
            "delete session".into()
        } else {
            format!("{method} session")
        };
    }
    // Elide element and shadow-root ids.
    let mut rest: Vec<&str> = Vec::new();
    let mut i = 2;
    while i < segs.len() {
        rest.push(segs[i]);
        if (segs[i] == "element" || segs[i] == "shadow" || segs[i] == "frame")
            && i + 1 < segs.len()
            && !matches!(segs[i + 1], "active" | "parent")
        {
            rest.push("{id}");
            i += 1;
        }
        i += 1;
    }
    let key = rest.join("/");
    let known = match (method, key.as_str()) {
        ("POST", "url") => "navigate to",
        ("GET", "url") => "get current url",
        ("GET", "title") => "get title",
        ("GET", "source") => "get page source",
        ("POST", "element") => "find element",
        ("POST", "elements") => "find elements",
        ("GET", "element/active") => "get active element",
        ("POST", "element/{id}/element") => "find element from element",
        ("POST", "element/{id}/elements") => "find elements from element",
        ("POST", "element/{id}/click") => "element click",
        ("POST", "element/{id}/clear") => "element clear",
        ("POST", "element/{id}/value") => "element send keys",
        ("GET", "element/{id}/text") => "get element text",
        ("GET", "element/{id}/name") => "get element tag name",
        ("GET", "element/{id}/rect") => "get element rect",
        ("GET", "element/{id}/enabled") => "is element enabled",
        ("GET", "element/{id}/displayed") => "is element displayed",
        ("GET", "element/{id}/selected") => "is element selected",
        ("GET", "element/{id}/screenshot") => "take element screenshot",
        ("GET", "screenshot") => "take screenshot",
        ("POST", "execute/sync") => "execute script",
        ("POST", "execute/async") => "execute async script",
        ("POST", "actions") => "perform actions",
        ("DELETE", "actions") => "release actions",
        ("GET", "window") => "get window handle",
        ("DELETE", "window") => "close window",
        ("GET", "window/rect") => "get window rect",
        ("POST", "window/rect") => "set window rect",
        _ => "",
    };
    if !known.is_empty() {
        return known.into();
    }
    if let Some(attr) = key.strip_prefix("element/{id}/attribute/") {
        return format!("get element attribute {attr}");
    }
    if let Some(prop) = key.strip_prefix("element/{id}/property/") {
        return format!("get element property {prop}");
    }
    if let Some(prop) = key.strip_prefix("element/{id}/css/") {
        return format!("get element css value {prop}");
    }
    format!("{method} {key}")
}
