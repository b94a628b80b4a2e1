//! The HTTP client of the sync protocol: reqwest with rustls, gzip both ways, retries with
//! exponential backoff on network errors and 502/503/504 (every call is idempotent: pushes
//! are keyed by mutation id, pulls by cursor).

use crate::protocol::*;
use fudao_core::Msg;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::Write;
use std::time::Duration;
use uuid::Uuid;

/// Why a call failed. Messages tell the user what to do.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("无法连接同步服务器（已重试{attempts}次），本地数据未改动，请检查网络后重试 / cannot reach the sync server after {attempts} attempts; local data is unchanged, check the network and retry: {detail}")]
    Network { attempts: u32, detail: String },
    #[error("客户端版本过旧，请升级后再同步；未同步的修改已保留 / this client is too old for the server, upgrade it and sync again; unsynced changes are kept: {0}")]
    UpgradeRequired(Msg),
    #[error("登录已失效，请重新登录（fudao login） / not logged in or the session expired, run `fudao login`: {0}")]
    Unauthorized(Msg),
    #[error("服务器拒绝请求 / the server refused the request ({status}): {error}")]
    Api { status: u16, error: ApiError },
    #[error("服务器地址无效 / invalid server URL: {0}")]
    BadUrl(String),
    #[error("服务器响应无法解析 / the server's response could not be read: {0}")]
    Protocol(String),
    #[error("服务器响应超过{limit_mib} MB的上限，已中止，本地数据未改动；请联系管理员 / the server's response exceeds the {limit_mib} MB limit; stopped with local data unchanged, contact your administrator")]
    TooLarge { limit_mib: usize },
}

impl ClientError {
    /// The stable error code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ClientError::Network { .. } => ErrorCode::Unavailable,
            ClientError::UpgradeRequired(_) => ErrorCode::UpgradeRequired,
            ClientError::Unauthorized(_) => ErrorCode::Unauthorized,
            ClientError::Api { error, .. } => error.code,
            ClientError::BadUrl(_) => ErrorCode::BadRequest,
            ClientError::Protocol(_) => ErrorCode::Internal,
            ClientError::TooLarge { .. } => ErrorCode::TooLarge,
        }
    }
}

/// Retry policy for network errors.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 5,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
    retry: Retry,
    protocol: u32,
}

/// Request bodies larger than this are gzip-compressed.
const GZIP_THRESHOLD: usize = 1024;

/// Largest successful response body read, after gzip decoding: four times the largest pull
/// page a server sends ([`MAX_PULL_PAGE_BYTES`]). A larger body (a hostile or broken server,
/// or a decompression bomb) is refused before it is held whole.
pub const MAX_RESPONSE_BYTES: usize = 4 * MAX_PULL_PAGE_BYTES;
/// Largest error response body read; the rest is dropped.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// Why a response body was not read whole.
enum BodyError {
    TooLarge,
    /// The connection broke mid-body.
    Cut(String),
}

/// Reads a response body of at most `max` bytes (as decoded), chunk by chunk.
async fn read_body(mut resp: reqwest::Response, max: usize) -> Result<Vec<u8>, BodyError> {
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| BodyError::Cut(e.to_string()))?
    {
        if body.len() + chunk.len() > max {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl Client {
    /// A client for `base_url` (`http://host:port` or `https://…`).
    pub fn new(base_url: &str) -> Result<Self, ClientError> {
        let base = base_url.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError::BadUrl(base));
        }
        let http = reqwest::Client::builder()
            .gzip(true)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .user_agent(concat!("fudao/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::BadUrl(e.to_string()))?;
        Ok(Client {
            http,
            base,
            token: None,
            retry: Retry::default(),
            protocol: PROTOCOL_VERSION,
        })
    }
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }
    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }
    /// Pretend to speak another protocol version (tests of the upgrade path).
    pub fn with_protocol_version(mut self, v: u32) -> Self {
        self.protocol = v;
        self
    }
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// A warning when passwords and tokens would travel in clear text: `http://` to a host
    /// other than this machine. `None` for `https://` and loopback addresses.
    pub fn cleartext_warning(&self) -> Option<Msg> {
        let rest = self.base.strip_prefix("http://")?;
        let hostport = rest.split(['/', '?', '#']).next().unwrap_or("");
        let hostport = hostport.rsplit('@').next().unwrap_or(hostport);
        let host = if let Some(h) = hostport.strip_prefix('[') {
            h.split(']').next().unwrap_or("")
        } else {
            hostport.split(':').next().unwrap_or("")
        };
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if loopback {
            return None;
        }
        Some(Msg::new(
            format!("警告：与 {host} 的连接未加密（http://），密码和令牌可能被截获；请使用 https:// 地址"),
            format!("warning: the connection to {host} is not encrypted (http://); the password and token can be intercepted; use an https:// address"),
        ))
    }

    pub async fn health(&self) -> Result<Health, ClientError> {
        self.call::<(), Health>(reqwest::Method::GET, "/healthz", None)
            .await
    }
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        device_id: Uuid,
    ) -> Result<LoginResponse, ClientError> {
        let req = LoginRequest {
            username: username.to_string(),
            password: password.to_string(),
            device_id,
        };
        self.call(reqwest::Method::POST, "/v1/login", Some(&req))
            .await
    }
    pub async fn logout(&self) -> Result<(), ClientError> {
        self.call::<(), serde_json::Value>(reqwest::Method::POST, "/v1/logout", None)
            .await
            .map(|_| ())
    }
    pub async fn me(&self) -> Result<Me, ClientError> {
        self.call::<(), Me>(reqwest::Method::GET, "/v1/me", None)
            .await
    }
    pub async fn push(&self, req: &PushRequest) -> Result<PushResponse, ClientError> {
        self.call(reqwest::Method::POST, "/v1/push", Some(req))
            .await
    }
    pub async fn pull(&self, req: &PullRequest) -> Result<PullResponse, ClientError> {
        self.call(reqwest::Method::POST, "/v1/pull", Some(req))
            .await
    }
    /// [`Client::pull`] with the page's size in bytes as received (decoded).
    pub async fn pull_sized(
        &self,
        req: &PullRequest,
    ) -> Result<(PullResponse, usize), ClientError> {
        self.call_sized(reqwest::Method::POST, "/v1/pull", Some(req))
            .await
    }
    /// Every open conflict in one response, as clients before paging asked (the server
    /// answers at most [`MAX_CONFLICTS_UNPAGED`]).
    pub async fn conflicts(&self) -> Result<ConflictList, ClientError> {
        self.call::<(), ConflictList>(reqwest::Method::GET, "/v1/conflicts", None)
            .await
    }
    /// One page of the open conflicts: at most `limit`, after the conflict `after` names.
    pub async fn conflicts_page(
        &self,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<ConflictList, ClientError> {
        let mut path = format!("/v1/conflicts?limit={limit}");
        if let Some(a) = after {
            path.push_str(&format!("&after={a}"));
        }
        self.call::<(), ConflictList>(reqwest::Method::GET, &path, None)
            .await
    }
    pub async fn resolve_conflict(
        &self,
        id: Uuid,
        resolution: Resolution,
    ) -> Result<Conflict, ClientError> {
        self.call(
            reqwest::Method::POST,
            &format!("/v1/conflicts/{id}/resolve"),
            Some(&ResolveRequest { resolution }),
        )
        .await
    }

    async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<R, ClientError> {
        Ok(self.call_sized(method, path, body).await?.0)
    }

    /// One call, retried on network errors: the decoded response and its size in bytes.
    async fn call_sized<B: Serialize, R: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(R, usize), ClientError> {
        let payload = match body {
            Some(b) => {
                let json =
                    serde_json::to_vec(b).map_err(|e| ClientError::Protocol(e.to_string()))?;
                if json.len() > GZIP_THRESHOLD {
                    let mut enc =
                        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                    enc.write_all(&json)
                        .and_then(|_| enc.finish())
                        .map(|z| Some((z, true)))
                        .map_err(|e| ClientError::Protocol(e.to_string()))?
                } else {
                    Some((json, false))
                }
            }
            None => None,
        };
        let url = format!("{}{}", self.base, path);
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let mut rb = self
                .http
                .request(method.clone(), &url)
                .header(HEADER_PROTOCOL, self.protocol.to_string())
                .header(HEADER_SCHEMA, SCHEMA_VERSION.to_string());
            if let Some(t) = &self.token {
                rb = rb.bearer_auth(t);
            }
            if let Some((bytes, gz)) = &payload {
                rb = rb
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(bytes.clone());
                if *gz {
                    rb = rb.header(reqwest::header::CONTENT_ENCODING, "gzip");
                }
            }
            let retryable_err = match rb.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    if resp.status().is_success() {
                        return match read_body(resp, MAX_RESPONSE_BYTES).await {
                            Ok(b) => serde_json::from_slice(&b)
                                .map(|r| (r, b.len()))
                                .map_err(|e| ClientError::Protocol(e.to_string())),
                            Err(BodyError::TooLarge) => Err(ClientError::TooLarge {
                                limit_mib: MAX_RESPONSE_BYTES >> 20,
                            }),
                            // The body was cut off: treat like a dropped connection.
                            Err(BodyError::Cut(e)) => {
                                if attempt >= self.retry.attempts {
                                    return Err(ClientError::Network {
                                        attempts: attempt,
                                        detail: e,
                                    });
                                }
                                self.backoff(attempt).await;
                                continue;
                            }
                        };
                    }
                    if matches!(status, 502..=504) {
                        format!("HTTP {status}")
                    } else {
                        let text = read_body(resp, MAX_ERROR_BODY_BYTES)
                            .await
                            .unwrap_or_default();
                        let error: ApiError = serde_json::from_slice(&text).unwrap_or_else(|_| {
                            ApiError::new(
                                ErrorCode::Internal,
                                format!("服务器返回了无法识别的错误（HTTP {status}）"),
                                format!("unrecognised error response (HTTP {status})"),
                            )
                        });
                        return Err(match status {
                            426 => ClientError::UpgradeRequired(error.message),
                            401 if error.code == ErrorCode::Unauthorized => {
                                ClientError::Unauthorized(error.message)
                            }
                            _ => ClientError::Api { status, error },
                        });
                    }
                }
                Err(e) => e.to_string(),
            };
            if attempt >= self.retry.attempts {
                return Err(ClientError::Network {
                    attempts: attempt,
                    detail: retryable_err,
                });
            }
            self.backoff(attempt).await;
        }
    }

    async fn backoff(&self, attempt: u32) {
        let factor = 1u32 << attempt.saturating_sub(1).min(10);
        let d = self
            .retry
            .base_delay
            .saturating_mul(factor)
            .min(self.retry.max_delay);
        // Spread retries of many clients: up to +50% derived from the clock's nanoseconds.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|t| t.subsec_nanos())
            .unwrap_or(0);
        let jitter = d.mul_f64(f64::from(nanos % 500) / 1000.0);
        tokio::time::sleep(d + jitter).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A one-shot HTTP server that answers every request with `status` and `body`.
    async fn canned(status: &'static str, body: &'static str) -> String {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = l.accept().await {
                let mut buf = vec![0u8; 8192];
                let _ = s.read(&mut buf).await;
                let resp = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(resp.as_bytes()).await;
            }
        });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn upgrade_required_is_a_distinct_error() {
        let url = canned(
            "426 Upgrade Required",
            r#"{"code":"upgrade_required","message":{"zh":"请升级","en":"upgrade"}}"#,
        )
        .await;
        let c = Client::new(&url).unwrap();
        let e = c.me().await.unwrap_err();
        assert!(matches!(e, ClientError::UpgradeRequired(_)), "{e:?}");
        assert_eq!(e.code(), codes::UPGRADE_REQUIRED);
    }

    /// A server that answers every request with 200, `headers` and `body` repeated until
    /// `total` bytes are written or the client hangs up.
    async fn streaming(headers: String, body: Vec<u8>, total: usize) -> String {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = l.accept().await {
                let (headers, body) = (headers.clone(), body.clone());
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 8192];
                    let _ = s.read(&mut buf).await;
                    let head = format!("HTTP/1.1 200 OK\r\nconnection: close\r\n{headers}\r\n");
                    if s.write_all(head.as_bytes()).await.is_err() {
                        return;
                    }
                    let mut sent = 0;
                    while sent < total {
                        let n = body.len().min(total - sent);
                        if s.write_all(&body[..n]).await.is_err() {
                            return;
                        }
                        sent += n;
                    }
                });
            }
        });
        format!("http://{addr}")
    }

    fn quick(url: &str) -> Client {
        Client::new(url).unwrap().with_retry(Retry {
            attempts: 1,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(1),
        })
    }

    #[tokio::test]
    async fn a_response_over_the_limit_is_refused_however_it_is_sent() {
        let limit = MAX_RESPONSE_BYTES;
        // Announced: refused from its header, before a byte of the body is read.
        let announced = streaming(
            format!(
                "content-type: application/json\r\ncontent-length: {}\r\n",
                limit + 1
            ),
            b"{}".to_vec(),
            2,
        )
        .await;
        // Unannounced: a body that runs until the connection closes.
        let endless = streaming(
            "content-type: application/json\r\n".into(),
            vec![b' '; 1 << 20],
            limit + (2 << 20),
        )
        .await;
        // Small on the wire, over the limit once decoded (a decompression bomb).
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![b' '; limit + 1]).unwrap();
        let bomb = gz.finish().unwrap();
        assert!(bomb.len() < limit / 100, "{}", bomb.len());
        let bombed = streaming(
            format!(
                "content-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n",
                bomb.len()
            ),
            bomb.clone(),
            bomb.len(),
        )
        .await;
        for url in [announced, endless, bombed] {
            let e = quick(&url).health().await.unwrap_err();
            assert!(
                matches!(e, ClientError::TooLarge { limit_mib } if limit_mib == limit >> 20),
                "{url}: {e:?}"
            );
            assert_eq!(e.code(), ErrorCode::TooLarge);
            assert!(e.to_string().contains("上限"), "{e}");
        }
        // The same body within the limit is read (and fails only as JSON it is not).
        let fits = streaming(
            "content-type: application/json\r\n".into(),
            vec![b' '; 1 << 20],
            limit - 1,
        )
        .await;
        let e = quick(&fits).health().await.unwrap_err();
        assert!(matches!(e, ClientError::Protocol(_)), "{e:?}");
    }

    /// A server whose every answer names a next page (empty, or the same one again) does not
    /// keep the sync's conflict list asking forever.
    #[tokio::test]
    async fn a_conflict_list_that_never_ends_is_cut_short() {
        for body in [
            r#"{"conflicts":[],"next":"0190a000-0000-7000-8000-000000000001"}"#,
            r#"{"conflicts":[],"next":"0190a000-0000-7000-8000-000000000002","extra":1}"#,
        ] {
            let url = streaming(
                "content-type: application/json\r\n".into(),
                body.as_bytes().to_vec(),
                body.len(),
            )
            .await;
            let c = quick(&url);
            let (open, more) = tokio::time::timeout(
                Duration::from_secs(10),
                crate::engine::open_conflicts(&c, 500),
            )
            .await
            .expect("the list ends")
            .unwrap();
            assert!(open.is_empty() && !more);
        }
    }

    #[tokio::test]
    async fn network_errors_are_retried_then_reported() {
        // Port 1 (tcpmux): privileged, so no test's server can be listening there. A port
        // bound and dropped here was free for the next test to take: once, the over-the-limit
        // test's server answered this one (CI, 2026-12-04).
        let c = Client::new("http://127.0.0.1:1")
            .unwrap()
            .with_retry(Retry {
                attempts: 3,
                base_delay: Duration::from_millis(5),
                max_delay: Duration::from_millis(20),
            });
        let e = c.health().await.unwrap_err();
        match e {
            ClientError::Network { attempts, .. } => assert_eq!(attempts, 3),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn rejects_non_http_urls() {
        assert!(matches!(
            Client::new("ftp://x"),
            Err(ClientError::BadUrl(_))
        ));
    }
}

/// The local `meta` key under which clients keep [`PendingRevoke`]s (a JSON array).
pub const PENDING_REVOKE_KEY: &str = "sync_pending_revoke";

/// A session token to revoke at the next contact with its server (a logout while offline).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PendingRevoke {
    pub server: String,
    pub token: String,
}

/// Revokes each token on its server (`/v1/logout`). Returns the ones whose server could not
/// be reached, to try again later; a token the server no longer accepts (expired, revoked,
/// the user disabled) counts as revoked.
pub async fn revoke_tokens(pending: Vec<PendingRevoke>, retry: Retry) -> Vec<PendingRevoke> {
    let mut left = Vec::new();
    for p in pending {
        let Ok(c) = Client::new(&p.server) else {
            continue;
        };
        match c
            .with_token(p.token.clone())
            .with_retry(retry)
            .logout()
            .await
        {
            Ok(()) | Err(ClientError::Unauthorized(_)) => {}
            Err(ClientError::Network { .. }) => left.push(p),
            Err(ClientError::Api { status, .. }) if status >= 500 => left.push(p),
            Err(_) => {}
        }
    }
    left
}

#[cfg(test)]
mod cleartext_tests {
    use super::*;

    #[test]
    fn warns_on_http_to_another_host_only() {
        let w = |u: &str| Client::new(u).unwrap().cleartext_warning().is_some();
        assert!(w("http://fudao.example.cn"));
        assert!(w("http://10.0.0.5:8470/"));
        assert!(w("http://user@192.168.1.2:80"));
        assert!(!w("https://fudao.example.cn"));
        assert!(!w("http://127.0.0.1:8470"));
        assert!(!w("http://localhost:8470"));
        assert!(!w("http://[::1]:8470"));
        assert!(w("http://[2001:db8::1]:8470"));
    }
}
