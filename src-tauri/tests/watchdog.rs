//! The e2e harness's WebDriver watchdog (tests/common/watchdog.rs): a command that never answers
//! fails its step within seconds, naming the command, instead of hanging the suite. Runs
//! without a display against a fake WebDriver server whose `find element` never answers.

mod common;

use bytes::Bytes;
use common::watchdog::{command_name, Watchdog};
use common::Ui;
use http_body_util::Full;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::time::{Duration, Instant};

/// A WebDriver server that opens sessions and answers `get title`, but never answers
/// `find element`.
async fn fake_webdriver() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let svc =
                    hyper::service::service_fn(|req: Request<hyper::body::Incoming>| async move {
                        let path = req.uri().path().to_string();
                        let value = if path == "/session" {
                            serde_json::json!({ "sessionId": "s1", "capabilities": {} })
                        } else if path.ends_with("/title") {
                            serde_json::json!("金融辅导工作台")
                        } else if path.ends_with("/element") {
                            tokio::time::sleep(Duration::from_secs(3600)).await;
                            serde_json::Value::Null
                        } else {
                            serde_json::Value::Null
                        };
                        let body = serde_json::json!({ "value": value }).to_string();
                        Ok::<_, Infallible>(
                            Response::builder()
                                .header("content-type", "application/json")
                                .body(Full::new(Bytes::from(body)))
                                .unwrap(),
                        )
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread")]
async fn a_command_that_never_answers_fails_its_step_naming_the_command() {
    let tmp = tempfile::tempdir().unwrap();
    let upstream = fake_webdriver().await;
    let log = tmp.path().join("webdriver.log");
    let watchdog = Watchdog::start(upstream, &log, Duration::from_secs(2)).await;
    let c = fantoccini::ClientBuilder::native()
        .connect(&watchdog.url())
        .await
        .unwrap();
    assert_eq!(
        c.title().await.unwrap(),
        "金融辅导工作台",
        "answered commands pass through"
    );
    let ui = Ui {
        c,
        shots: tmp.path().to_path_buf(),
        watchdog,
    };
    let start = Instant::now();
    let step = tokio::spawn(async move {
        ui.by_id("firm-title").await;
    });
    let Err(failure) = step.await else {
        panic!("the step must fail")
    };
    let elapsed = start.elapsed();
    let message = failure
        .into_panic()
        .downcast::<String>()
        .map(|s| *s)
        .unwrap_or_default();
    assert!(
        elapsed < Duration::from_secs(60),
        "the hung step failed only after {elapsed:?}"
    );
    assert!(
        message.contains("find element") && message.contains("did not answer"),
        "the failure names the command: {message}"
    );
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("-> #2 get title"), "log:\n{logged}");
    assert!(
        logged.contains("!! #3 find element: no answer within 2s"),
        "log:\n{logged}"
    );
}

#[test]
fn commands_are_named_as_in_the_w3c_spec() {
    for (method, path, name) in [
        ("POST", "/session", "new session"),
        ("DELETE", "/session/abc", "delete session"),
        ("GET", "/session/abc/screenshot", "take screenshot"),
        ("POST", "/session/abc/element", "find element"),
        ("GET", "/session/abc/element/active", "get active element"),
        (
            "POST",
            "/session/abc/element/e-1/value",
            "element send keys",
        ),
        ("POST", "/session/abc/element/e-1/click", "element click"),
        (
            "GET",
            "/session/abc/element/e-1/attribute/title",
            "get element attribute title",
        ),
        (
            "POST",
            "/session/abc/element/e-1/elements",
            "find elements from element",
        ),
        ("POST", "/session/abc/execute/sync", "execute script"),
        (
            "POST",
            "/session/abc/window/maximize",
            "POST window/maximize",
        ),
    ] {
        assert_eq!(command_name(method, path), name, "{method} {path}");
    }
}
