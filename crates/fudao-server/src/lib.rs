//! Fudao's central sync server: the HTTP API ([`http`]), the protocol semantics written once
//! ([`logic`]) against one storage trait ([`storage::Tx`]) with SQLite ([`sqlite`]) and
//! PostgreSQL ([`postgres`]) backends, and authentication ([`auth`]).
//! See `docs/sync.md`.

pub mod auth;
pub mod http;
pub mod logic;
pub mod postgres;
pub mod sqlite;
pub mod storage;

pub use http::{router, AppState, ServerConfig};
pub use storage::{Storage, StoreError};

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Serves the API on `listener` until `shutdown` completes, then drains open requests.
/// With `tls` = (certificate PEM, key PEM) the server terminates TLS with rustls.
pub async fn serve(
    state: AppState,
    listener: std::net::TcpListener,
    tls: Option<(PathBuf, PathBuf)>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    listener.set_nonblocking(true)?;
    match tls {
        None => {
            let l = tokio::net::TcpListener::from_std(listener)?;
            axum::serve(l, app).with_graceful_shutdown(shutdown).await
        }
        Some((cert, key)) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key).await?;
            let handle = axum_server::Handle::new();
            let h2 = handle.clone();
            tokio::spawn(async move {
                shutdown.await;
                h2.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
            });
            axum_server::from_tcp_rustls(listener, config)
                .handle(handle)
                .serve(app)
                .await
        }
    }
}

/// A server running on a background task (tests, benchmarks).
pub struct RunningServer {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    /// Starts serving `storage` on 127.0.0.1 with an ephemeral port.
    pub async fn start(storage: Storage, cfg: ServerConfig) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let state = AppState::new(storage, cfg);
        let task = tokio::spawn(serve(state, listener, None, async move {
            let _ = rx.await;
        }));
        Ok(RunningServer {
            addr,
            stop: Some(tx),
            task,
        })
    }
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    /// Graceful shutdown.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = (&mut self.task).await;
    }
}
