//! Fudao's central sync server: the HTTP API ([`http`]), the protocol semantics written once
//! ([`logic`]) against one storage trait ([`storage::Tx`]) with SQLite ([`sqlite`]) and
//! PostgreSQL ([`postgres`]) backends, and authentication ([`auth`]).
//! See `docs/sync.md`.

pub mod auth;
pub mod feedback_page;
pub mod http;
pub mod logic;
pub mod pgtls;
pub mod postgres;
mod schema;
pub mod sqlite;
pub mod storage;

pub use http::{router, AppState, ServerConfig};
pub use storage::{Storage, StoreError};

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Serves the API on `listener` until `shutdown` completes, then drains open requests.
/// With `tls` = (certificate PEM, key PEM) the server terminates TLS with rustls.
///
/// Connections are bounded ([`ServerConfig`]): at most `max_connections` open at once (the
/// next one is accepted and closed at once, so it does not wait in the kernel's queue), the
/// TLS handshake and each request's headers must arrive within `header_timeout`, a connection
/// with no bytes moving for `idle_timeout` is closed, and a request is answered within
/// `request_timeout` (or `408`).
pub async fn serve(
    state: AppState,
    listener: std::net::TcpListener,
    tls: Option<(PathBuf, PathBuf)>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    let cfg = state.cfg.clone();
    let app = router(state);
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let acceptor = match tls {
        None => None,
        Some((cert, key)) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key).await?;
            Some(tokio_rustls::TlsAcceptor::from(config.get_inner()))
        }
    };
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(cfg.header_timeout)
        .max_buf_size(64 * 1024);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(32);
    let builder = Arc::new(builder);
    let slots = Arc::new(tokio::sync::Semaphore::new(cfg.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut warned_full = false;
    loop {
        let (stream, addr) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            if !warned_full {
                tracing::warn!(
                    max = cfg.max_connections,
                    "connection limit reached; closing new connections"
                );
                warned_full = true;
            }
            drop(stream);
            continue;
        };
        warned_full = false;
        let _ = stream.set_nodelay(true);
        let io = idle::IdleTimeout::new(stream, cfg.idle_timeout);
        let svc = app.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(addr));
                let svc = svc.clone();
                async move {
                    use tower::ServiceExt;
                    svc.oneshot(req.map(axum::body::Body::new)).await
                }
            });
        let builder = builder.clone();
        let acceptor = acceptor.clone();
        let header_timeout = cfg.header_timeout;
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let _slot = slot;
            match acceptor {
                None => {
                    let conn = builder.serve_connection(TokioIo::new(io), service);
                    let _ = watcher.watch(conn.into_owned()).await;
                }
                Some(acceptor) => {
                    let tls = match tokio::time::timeout(header_timeout, acceptor.accept(io)).await
                    {
                        Ok(Ok(s)) => s,
                        _ => return,
                    };
                    let conn = builder.serve_connection(TokioIo::new(tls), service);
                    let _ = watcher.watch(conn.into_owned()).await;
                }
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("open connections did not finish within 10 s of shutdown");
    }
    Ok(())
}

mod idle {
    //! A connection closed when no byte moves either way for a while.
    use std::future::Future;
    use std::io;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use std::time::Duration;
    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
    use tokio::time::{Instant, Sleep};

    pub struct IdleTimeout<T> {
        io: T,
        timeout: Duration,
        deadline: Pin<Box<Sleep>>,
    }

    impl<T> IdleTimeout<T> {
        pub fn new(io: T, timeout: Duration) -> Self {
            IdleTimeout {
                io,
                timeout,
                deadline: Box::pin(tokio::time::sleep(timeout)),
            }
        }
        fn progressed(&mut self) {
            self.deadline.as_mut().reset(Instant::now() + self.timeout);
        }
        fn expired(&mut self, cx: &mut Context<'_>) -> bool {
            self.deadline.as_mut().poll(cx).is_ready()
        }
    }

    fn timed_out() -> io::Error {
        io::Error::new(io::ErrorKind::TimedOut, "connection idle")
    }

    impl<T: AsyncRead + Unpin> AsyncRead for IdleTimeout<T> {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            let this = self.get_mut();
            match Pin::new(&mut this.io).poll_read(cx, buf) {
                Poll::Ready(r) => {
                    this.progressed();
                    Poll::Ready(r)
                }
                Poll::Pending if this.expired(cx) => Poll::Ready(Err(timed_out())),
                Poll::Pending => Poll::Pending,
            }
        }
    }

    impl<T: AsyncWrite + Unpin> AsyncWrite for IdleTimeout<T> {
        fn poll_write(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            let this = self.get_mut();
            match Pin::new(&mut this.io).poll_write(cx, buf) {
                Poll::Ready(r) => {
                    this.progressed();
                    Poll::Ready(r)
                }
                Poll::Pending if this.expired(cx) => Poll::Ready(Err(timed_out())),
                Poll::Pending => Poll::Pending,
            }
        }
        fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            let this = self.get_mut();
            match Pin::new(&mut this.io).poll_flush(cx) {
                Poll::Pending if this.expired(cx) => Poll::Ready(Err(timed_out())),
                other => other,
            }
        }
        fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
        }
        fn poll_write_vectored(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            bufs: &[io::IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            let this = self.get_mut();
            match Pin::new(&mut this.io).poll_write_vectored(cx, bufs) {
                Poll::Ready(r) => {
                    this.progressed();
                    Poll::Ready(r)
                }
                Poll::Pending if this.expired(cx) => Poll::Ready(Err(timed_out())),
                Poll::Pending => Poll::Pending,
            }
        }
        fn is_write_vectored(&self) -> bool {
            self.io.is_write_vectored()
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
