//! TLS (rustls) for PostgreSQL connections, when the database URL asks for it with
//! `sslmode`: `require` encrypts without checking the certificate (libpq's meaning),
//! `verify-ca` and `verify-full` check the certificate chain against `sslrootcert=FILE` (PEM)
//! or the Mozilla roots (webpki-roots) and the host name. `disable`, `allow`, `prefer` or no
//! `sslmode`: no TLS, as before.

use crate::storage::{Result, StoreError};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect};

/// Takes `sslmode` (and `sslrootcert`) out of a `postgres://` URL: the URL for
/// tokio-postgres (with `sslmode=require` when TLS is wanted) and the TLS connector.
pub fn split_sslmode(url: &str) -> Result<(String, Option<MakeRustls>)> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), None));
    };
    let mut mode = None;
    let mut root = None;
    let mut rest = Vec::new();
    for kv in query.split('&').filter(|s| !s.is_empty()) {
        match kv.split_once('=') {
            Some(("sslmode", v)) => mode = Some(v.to_string()),
            Some(("sslrootcert", v)) => root = Some(v.to_string()),
            _ => rest.push(kv.to_string()),
        }
    }
    let verify = match mode.as_deref() {
        None | Some("disable") | Some("allow") | Some("prefer") => {
            if let Some(m) = &mode {
                rest.push(format!(
                    "sslmode={}",
                    if m == "allow" { "prefer" } else { m }
                ));
            }
            let q = rest.join("&");
            let u = if q.is_empty() {
                base.to_string()
            } else {
                format!("{base}?{q}")
            };
            return Ok((u, None));
        }
        Some("require") => false,
        Some("verify-ca") | Some("verify-full") => true,
        Some(other) => {
            return Err(StoreError::Tls(format!(
                "unknown sslmode `{other}` (disable | prefer | require | verify-ca | verify-full)"
            )))
        }
    };
    rest.push("sslmode=require".into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Tls(e.to_string()))?;
    let config = if verify {
        let mut roots = rustls::RootCertStore::empty();
        match &root {
            Some(path) => {
                for c in CertificateDer::pem_file_iter(path)
                    .map_err(|e| StoreError::Tls(format!("sslrootcert {path}: {e}")))?
                {
                    let c = c.map_err(|e| StoreError::Tls(format!("sslrootcert {path}: {e}")))?;
                    roots
                        .add(c)
                        .map_err(|e| StoreError::Tls(format!("sslrootcert {path}: {e}")))?;
                }
            }
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify(provider)))
            .with_no_client_auth()
    };
    Ok((
        format!("{base}?{}", rest.join("&")),
        Some(MakeRustls {
            config: Arc::new(config),
        }),
    ))
}

/// `sslmode=require`: encryption without certificate checks (signatures are still verified,
/// so the session key belongs to whoever holds the presented certificate).
#[derive(Debug)]
struct NoVerify(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A tokio-postgres TLS connector backed by rustls.
#[derive(Clone)]
pub struct MakeRustls {
    config: Arc<rustls::ClientConfig>,
}

impl<S> MakeTlsConnect<S> for MakeRustls
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type TlsConnect = RustlsConnect;
    type Error = io::Error;
    fn make_tls_connect(&mut self, domain: &str) -> io::Result<RustlsConnect> {
        let name = ServerName::try_from(domain.to_string())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        Ok(RustlsConnect {
            name,
            connector: tokio_rustls::TlsConnector::from(self.config.clone()),
        })
    }
}

pub struct RustlsConnect {
    name: ServerName<'static>,
    connector: tokio_rustls::TlsConnector,
}

type ConnectFuture<S> = Pin<Box<dyn Future<Output = io::Result<RustlsStream<S>>> + Send>>;

impl<S> TlsConnect<S> for RustlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type Error = io::Error;
    type Future = ConnectFuture<S>;
    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move {
            let s = self.connector.connect(self.name, stream).await?;
            Ok(RustlsStream(Box::new(s)))
        })
    }
}

pub struct RustlsStream<S>(Box<tokio_rustls::client::TlsStream<S>>);

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for RustlsStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for RustlsStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> tokio_postgres::tls::TlsStream for RustlsStream<S> {
    fn channel_binding(&self) -> ChannelBinding {
        ChannelBinding::none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_is_taken_out_of_the_url() {
        let (u, t) = split_sslmode("postgres://a@h/db").unwrap();
        assert_eq!(u, "postgres://a@h/db");
        assert!(t.is_none());
        let (u, t) = split_sslmode("postgres://a@h/db?sslmode=disable&connect_timeout=5").unwrap();
        assert_eq!(u, "postgres://a@h/db?connect_timeout=5&sslmode=disable");
        assert!(t.is_none());
        let (u, t) = split_sslmode("postgres://a@h/db?sslmode=verify-full").unwrap();
        assert_eq!(u, "postgres://a@h/db?sslmode=require");
        assert!(t.is_some());
        let (u, t) = split_sslmode("postgres://a@h/db?sslmode=require&application_name=x").unwrap();
        assert_eq!(u, "postgres://a@h/db?application_name=x&sslmode=require");
        assert!(t.is_some());
        assert!(split_sslmode("postgres://a@h/db?sslmode=sometimes").is_err());
        assert!(
            split_sslmode("postgres://a@h/db?sslmode=verify-ca&sslrootcert=/nonexistent.pem")
                .is_err()
        );
    }
}
