//! The HTTP API (axum). Every error is `{ code, message, details }`; internals are logged,
//! never sent.

use crate::auth::{self, Gate, LoginPolicy};
use crate::logic::{self, Actor};
use crate::storage::{Storage, StoreError};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{
    ConnectInfo, DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State,
};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use fudao_sync::*;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use uuid::Uuid;

/// Server settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub token_ttl: chrono::Duration,
    /// Largest request body, after decompression.
    pub max_body_bytes: usize,
    /// Login backoff and per-address budget.
    pub login: LoginPolicy,
    /// Password checks (argon2id, 19 MiB each) running at once; more wait.
    pub max_concurrent_hashes: usize,
    /// How long a login waits for a hashing slot before `503`.
    pub hash_wait: Duration,
    /// TLS handshake and request headers must arrive within this.
    pub header_timeout: Duration,
    /// A connection with no bytes moving either way for this long is closed. Keep it above
    /// `request_timeout`.
    pub idle_timeout: Duration,
    /// A request not answered within this is answered `408`.
    pub request_timeout: Duration,
    /// Open connections at most; the next one is closed at once.
    pub max_connections: usize,
    /// Fault injection for tests: exit the process right after the N-th push transaction
    /// committed, before answering (`FUDAO_FAILPOINT=exit_after_push_commit:N`).
    pub exit_after_push_commits: Option<u64>,
    /// The public address of firm-facing pages (`--public-url`), published to clients at
    /// login and by `/v1/me`; validated by [`crate::feedback_page::parse_public_url`].
    pub public_url: Option<String>,
    /// Feedback page requests per address within `feedback_window`.
    pub feedback_per_address: u32,
    /// Feedback submissions per token within `feedback_window`.
    pub feedback_per_token: u32,
    pub feedback_window: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            token_ttl: chrono::Duration::days(30),
            max_body_bytes: 8 * 1024 * 1024,
            login: LoginPolicy::default(),
            max_concurrent_hashes: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
                .clamp(1, 8),
            hash_wait: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(30),
            max_connections: 2048,
            exit_after_push_commits: None,
            public_url: None,
            feedback_per_address: 30,
            feedback_per_token: 10,
            feedback_window: Duration::from_secs(600),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub storage: Storage,
    pub cfg: Arc<ServerConfig>,
    hash_slots: Arc<tokio::sync::Semaphore>,
    hasher: Arc<auth::Hasher>,
    push_commits: Arc<AtomicU64>,
}

impl AppState {
    pub fn new(storage: Storage, cfg: ServerConfig) -> Self {
        AppState {
            storage,
            hash_slots: Arc::new(tokio::sync::Semaphore::new(
                cfg.max_concurrent_hashes.max(1),
            )),
            hasher: Arc::new(auth::Hasher::new(cfg.max_concurrent_hashes)),
            cfg: Arc::new(cfg),
            push_commits: Arc::new(AtomicU64::new(0)),
        }
    }
}

/// An error response.
#[derive(Debug)]
pub struct ApiErr(pub StatusCode, pub ApiError);

impl ApiErr {
    fn new(status: StatusCode, code: ErrorCode, zh: &str, en: &str) -> Self {
        ApiErr(status, ApiError::new(code, zh, en))
    }
    fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "未登录或登录已失效，请重新登录",
            "not logged in or the session expired; log in again",
        )
    }
    fn bad_request(en: &str, details: String) -> Self {
        ApiErr(
            StatusCode::BAD_REQUEST,
            ApiError::new(ErrorCode::BadRequest, "请求格式不正确", en)
                .with_details(serde_json::Value::String(details)),
        )
    }
    fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::TooLarge,
            "请求过大，请分批同步",
            "request too large; send smaller batches",
        )
    }
    fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "未找到",
            "not found",
        )
    }
}

impl ApiErr {
    fn rate_limited(wait: Duration) -> Self {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        ApiErr(
            StatusCode::TOO_MANY_REQUESTS,
            ApiError::new(
                ErrorCode::RateLimited,
                format!("登录尝试过多，请{secs}秒后再试"),
                format!("too many login attempts; try again in {secs} s"),
            )
            .with_details(serde_json::json!({ "retry_after_secs": secs })),
        )
    }
    fn forbidden(code: ErrorCode, zh: &str, en: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, zh, en)
    }
}

impl IntoResponse for ApiErr {
    fn into_response(self) -> Response {
        let retry = self
            .1
            .details
            .get("retry_after_secs")
            .and_then(serde_json::Value::as_u64);
        let mut r = (self.0, Json(self.1)).into_response();
        if let Some(s) = retry {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        r
    }
}

impl From<StoreError> for ApiErr {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "storage error");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "服务器暂时无法处理请求，请稍后重试",
            "the server cannot handle the request right now; retry later",
        )
    }
}

/// A JSON body whose rejections use the API error shape.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiErr;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiErr> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(JsonBody(v)),
            Err(r) => Err(map_json_rejection(r)),
        }
    }
}

fn map_json_rejection(r: JsonRejection) -> ApiErr {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiErr::too_large();
    }
    match r {
        JsonRejection::MissingJsonContentType(_) => ApiErr::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::BadRequest,
            "请求须为 JSON",
            "expected Content-Type: application/json",
        ),
        other => ApiErr::bad_request("malformed request body", other.body_text()),
    }
}

/// The authenticated caller of a request.
pub struct Auth {
    pub actor: Actor,
    pub name: String,
    pub token_hash: String,
    /// The device the token was issued to.
    pub device_id: Uuid,
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiErr;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiErr> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() < 200)
            .ok_or_else(ApiErr::unauthorized)?;
        let hash = auth::token_hash(token);
        let h = hash.clone();
        let now = Utc::now();
        let user = st
            .storage
            .run(move |tx| {
                let Some(t) = tx.get_token(&h)? else {
                    return Ok(None);
                };
                if t.revoked || t.expires_at <= now {
                    return Ok(None);
                }
                Ok(tx
                    .user_by_id(t.user_id)?
                    .filter(|u| u.user.active)
                    .map(|u| (u.user, t.device_id)))
            })
            .await?
            .ok_or_else(ApiErr::unauthorized)?;
        let (user, device_id) = user;
        Ok(Auth {
            actor: Actor::from_user(&user),
            name: user.name,
            token_hash: hash,
            device_id,
        })
    }
}

async fn version_check(req: Request, next: Next) -> Response {
    let (p, s) = {
        let get = |h: &str| {
            req.headers()
                .get(h)
                .and_then(|v| v.to_str().ok())
                .and_then(|s| s.trim().parse::<u32>().ok())
        };
        (get(HEADER_PROTOCOL), get(HEADER_SCHEMA))
    };
    if p != Some(PROTOCOL_VERSION) || s != Some(SCHEMA_VERSION) {
        return ApiErr(
            StatusCode::UPGRADE_REQUIRED,
            ApiError::new(
                ErrorCode::UpgradeRequired,
                "客户端版本与服务器不兼容，请升级辅导助手后再同步；未同步的修改会保留",
                "this client's protocol does not match the server; upgrade the app and sync again (unsynced changes are kept)",
            )
            .with_details(serde_json::json!({
                "server_protocol": PROTOCOL_VERSION,
                "server_schema": SCHEMA_VERSION,
                "client_protocol": p,
                "client_schema": s,
            })),
        )
        .into_response();
    }
    next.run(req).await
}

async fn health(State(st): State<AppState>) -> Result<Json<Health>, ApiErr> {
    st.storage.run(|tx| tx.list_scopes().map(|_| ())).await?;
    Ok(Json(Health {
        status: "ok".into(),
        protocol: PROTOCOL_VERSION,
        schema: SCHEMA_VERSION,
    }))
}

/// The OpenAPI document (hand-written; a test checks it lists every route).
pub const OPENAPI: &str = include_str!("openapi.json");

async fn openapi() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        OPENAPI,
    )
        .into_response()
}

fn dummy_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| auth::hash_password("fudao-timing-equaliser").unwrap_or_default())
}

async fn login(
    State(st): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiErr> {
    if req.username.len() > 200 || req.password.len() > auth::MAX_PASSWORD_BYTES {
        return Err(ApiErr::bad_request(
            "username or password too long",
            String::new(),
        ));
    }
    let user_key = format!("user:{}@{}", req.username.trim().to_lowercase(), addr.ip());
    let addr_key = format!("ip:{}", addr.ip());
    let policy = st.cfg.login.clone();
    let (uk, ak) = (user_key.clone(), addr_key.clone());
    let now = Utc::now();
    let gate = st
        .storage
        .run(move |tx| auth::reserve_attempt(tx, &policy, &uk, &ak, now))
        .await?;
    if let Gate::Wait(wait) = gate {
        tracing::warn!(user = %req.username, ip = %addr.ip(), "login attempt refused by the limiter");
        return Err(ApiErr::rate_limited(wait));
    }
    // At most `max_concurrent_hashes` password checks at once: each costs argon2's 19 MiB.
    let slot =
        match tokio::time::timeout(st.cfg.hash_wait, st.hash_slots.clone().acquire_owned()).await {
            Ok(Ok(p)) => p,
            _ => {
                return Err(ApiErr::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::Unavailable,
                    "服务器繁忙，请稍后重试",
                    "the server is busy; retry later",
                ))
            }
        };
    let name = req.username.clone();
    let rec = st.storage.run(move |tx| tx.user_by_name(&name)).await?;
    let phc = rec
        .as_ref()
        .map(|r| r.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let password = req.password.clone();
    let ok = st.hasher.verify(password, phc).await;
    drop(slot);
    let rec = match (rec, ok) {
        (Some(r), true) => r,
        _ => {
            // The attempt was counted before the check.
            tracing::warn!(user = %req.username, ip = %addr.ip(), "failed login");
            return Err(ApiErr::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::BadCredentials,
                "用户名或密码错误",
                "wrong user name or password",
            ));
        }
    };
    if !rec.user.active {
        return Err(ApiErr::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "账号已停用，请联系管理员",
            "this account is disabled; contact the administrator",
        ));
    }
    let (token, hash) = auth::new_token();
    let now = Utc::now();
    let expires = now + st.cfg.token_ttl;
    let uid = rec.user.id;
    let device = req.device_id;
    let bound = st
        .storage
        .run(move |tx| {
            // The device belongs to the user who first logged in with it; another user may
            // take it over only while it has pushed nothing.
            match tx.get_device(device)? {
                Some(d) if d.user_id != uid && d.max_seq != Some(0) => return Ok(false),
                Some(d) if d.user_id == uid => {}
                _ => tx.put_device(
                    device,
                    &crate::storage::DeviceRecord {
                        user_id: uid,
                        max_seq: Some(0),
                    },
                    now,
                )?,
            }
            tx.insert_token(&hash, uid, device, now, expires)?;
            auth::attempt_succeeded(tx, &user_key, &addr_key)?;
            Ok(true)
        })
        .await?;
    if !bound {
        return Err(ApiErr::forbidden(
            ErrorCode::DeviceMismatch,
            "此设备编号已属于另一位用户，请使用新的本地数据库",
            "this device id belongs to another user; use a new local database",
        ));
    }
    tracing::info!(user = %rec.user.username, device = %device, "login");
    let actor = Actor::from_user(&rec.user);
    Ok(Json(LoginResponse {
        token,
        expires_at: expires,
        user: Me {
            public_url: st.cfg.public_url.clone(),
            ..actor.me(&rec.user.name)
        },
    }))
}

async fn logout(State(st): State<AppState>, a: Auth) -> Result<Json<serde_json::Value>, ApiErr> {
    let h = a.token_hash.clone();
    let event = crate::storage::SecurityEvent {
        at: Utc::now(),
        actor: format!("user:{}", a.actor.username),
        action: "token.revoke".into(),
        target: a.actor.username.clone(),
        detail: format!("logout, device {}", a.device_id),
    };
    st.storage
        .run(move |tx| {
            tx.revoke_token(&h)?;
            tx.insert_event(&event)
        })
        .await?;
    Ok(Json(serde_json::json!({"status": "ok"})))
}

async fn me(State(st): State<AppState>, a: Auth) -> Json<Me> {
    Json(Me {
        public_url: st.cfg.public_url.clone(),
        ..a.actor.me(&a.name)
    })
}

async fn push(
    State(st): State<AppState>,
    a: Auth,
    JsonBody(req): JsonBody<PushRequest>,
) -> Result<Json<PushResponse>, ApiErr> {
    if req.mutations.len() > MAX_PUSH_MUTATIONS {
        return Err(ApiErr::too_large());
    }
    if req.device_id != a.device_id {
        return Err(ApiErr::forbidden(
            ErrorCode::DeviceMismatch,
            "推送的设备编号与登录时的设备不一致，请重新登录",
            "the push names another device than the one this session logged in with; log in again",
        ));
    }
    let actor = a.actor.clone();
    let now = Utc::now();
    let req = Arc::new(req);
    let r2 = req.clone();
    let results = st
        .storage
        .run(move |tx| logic::push(tx, &actor, r2.device_id, &r2.mutations, now))
        .await?
        .map_err(|logic::DeviceRefused| {
            ApiErr::forbidden(
                ErrorCode::DeviceMismatch,
                "此设备已属于另一位用户，请重新登录",
                "this device belongs to another user; log in again",
            )
        })?;
    if let Some(n) = st.cfg.exit_after_push_commits {
        if st.push_commits.fetch_add(1, Ordering::SeqCst) + 1 >= n {
            // Fault injection: the transaction is committed, the answer is never sent.
            eprintln!("failpoint: exiting after push commit");
            std::process::exit(75);
        }
    }
    let accepted = results.iter().filter(|o| o.result.is_accepted()).count();
    tracing::info!(
        user = %a.actor.username,
        device = %req.device_id,
        mutations = req.mutations.len(),
        accepted,
        "push"
    );
    Ok(Json(PushResponse { results }))
}

async fn pull(
    State(st): State<AppState>,
    a: Auth,
    JsonBody(req): JsonBody<PullRequest>,
) -> Result<Json<crate::storage::PullPage>, ApiErr> {
    let actor = a.actor.clone();
    let r = st
        .storage
        .run(move |tx| logic::pull(tx, &actor, req.cursor.as_deref(), req.limit))
        .await?;
    match r {
        Ok(p) => Ok(Json(p)),
        Err(logic::PullError::BadCursor) => {
            Err(ApiErr::bad_request("invalid cursor", String::new()))
        }
    }
}

async fn list_conflicts(
    State(st): State<AppState>,
    a: Auth,
    q: Result<Query<ConflictQuery>, QueryRejection>,
) -> Result<Json<ConflictList>, ApiErr> {
    let Query(q) = q.map_err(|e| ApiErr::bad_request("invalid query", e.body_text()))?;
    let actor = a.actor.clone();
    let list = st
        .storage
        .run(move |tx| logic::conflicts(tx, &actor, q.after, q.limit))
        .await?;
    Ok(Json(list))
}

async fn resolve_conflict(
    State(st): State<AppState>,
    a: Auth,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<ResolveRequest>,
) -> Result<Json<Conflict>, ApiErr> {
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiErr::bad_request("invalid conflict id", String::new()))?;
    let actor = a.actor.clone();
    let now = Utc::now();
    st.storage
        .run(move |tx| logic::resolve(tx, &actor, id, req.resolution, now))
        .await?
        .map(Json)
        .ok_or_else(ApiErr::not_found)
}

async fn fallback() -> ApiErr {
    ApiErr::not_found()
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    ApiErr::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Internal,
        "服务器内部错误",
        "internal server error",
    )
    .into_response()
}

/// The routes served under `/v1` (besides `/healthz` and `/openapi.json`).
pub const V1_ROUTES: &[(&str, &str)] = &[
    ("post", "/v1/login"),
    ("post", "/v1/logout"),
    ("get", "/v1/me"),
    ("post", "/v1/push"),
    ("post", "/v1/pull"),
    ("get", "/v1/conflicts"),
    ("post", "/v1/conflicts/{id}/resolve"),
];

pub fn router(state: AppState) -> Router {
    let max = state.cfg.max_body_bytes;
    let request_timeout = state.cfg.request_timeout;
    let v1 = Router::new()
        .route("/v1/login", post(login))
        .route("/v1/logout", post(logout))
        .route("/v1/me", get(me))
        .route("/v1/push", post(push))
        .route("/v1/pull", post(pull))
        .route("/v1/conflicts", get(list_conflicts))
        .route("/v1/conflicts/{id}/resolve", post(resolve_conflict))
        .layer(middleware::from_fn(version_check));
    Router::new()
        .route("/healthz", get(health))
        .route("/openapi.json", get(openapi))
        .merge(v1)
        .merge(crate::feedback_page::routes())
        .fallback(fallback)
        .layer(DefaultBodyLimit::max(max))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(RequestDecompressionLayer::new())
        // Fastest gzip: a pull page of 2,000 rows compresses ~10x at a fraction of the CPU
        // of the default level (the server's CPU is the bottleneck of an initial sync).
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
