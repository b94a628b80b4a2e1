//! Shared harness of the WebDriver tests: tauri-driver on free ports, a fantoccini session on
//! the real app window, helpers that find elements by `data-testid`.
#![allow(dead_code)]

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn wait_port(port: u16, timeout: Duration) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < timeout,
            "port {port} did not open within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// tauri-driver, stopped with SIGTERM (SIGKILL would leave WebKitWebDriver holding our pipes).
pub struct Driver(pub Child);
impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status();
        let _ = self.0.wait();
    }
}

pub struct Ui {
    pub c: Client,
    pub shots: PathBuf,
}

impl Ui {
    pub async fn by_id(&self, id: &str) -> Element {
        self.by_id_within(id, Duration::from_secs(15)).await
    }
    /// As [`Ui::by_id`] with a longer wait, for slow steps (the PDF in a debug build on a busy
    /// machine).
    pub async fn by_id_within(&self, id: &str, wait: Duration) -> Element {
        let sel = format!("[data-testid='{id}']");
        match self
            .c
            .wait()
            .at_most(wait)
            .for_element(Locator::Css(&sel))
            .await
        {
            Ok(el) => el,
            Err(e) => {
                self.fail_shot(id).await;
                panic!(
                    "no element {sel}: {e}; the page shows:\n{}",
                    self.body_text().await
                )
            }
        }
    }
    /// Saves a screenshot named after a failed step, for the CI artifacts.
    pub async fn fail_shot(&self, step: &str) {
        if let Ok(png) = self.c.screenshot().await {
            let _ = std::fs::write(self.shots.join(format!("FAILED-{step}.png")), png);
        }
    }
    pub async fn input(&self, id: &str) -> Element {
        let el = self.by_id(id).await;
        // antd wraps some inputs: the test id may sit on the wrapper or on the input itself.
        if el.tag_name().await.unwrap() == "input" || el.tag_name().await.unwrap() == "textarea" {
            el
        } else {
            el.find(Locator::Css("input, textarea")).await.unwrap()
        }
    }
    /// Replaces the text of the input `id`. React may re-render the input between finding and
    /// typing (a drawer opening, a form re-mounting): a stale element is looked up again.
    pub async fn type_into(&self, id: &str, text: &str) {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let el = self.input(id).await;
            let typed = async {
                // A toast may sit over the middle of the input and take the click; sending keys
                // focuses the element anyway (WebDriver's Element Send Keys), so a refused
                // click is not an error.
                let _ = el.click().await;
                el.send_keys(&(Key::Control + "a")).await?;
                el.send_keys(&Key::Backspace.to_string()).await?;
                if !text.is_empty() {
                    el.send_keys(text).await?;
                }
                Ok::<(), fantoccini::error::CmdError>(())
            }
            .await;
            match typed {
                Ok(()) => return,
                Err(e) if attempt < 4 => {
                    eprintln!("typing into {id} failed ({e}); looking it up again");
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                Err(e) => {
                    self.fail_shot(id).await;
                    panic!("cannot type into {id}: {e}");
                }
            }
        }
    }
    /// Clicks the element `loc` finds once it can be clicked (antd animates dropdowns and
    /// drawers in: the element exists before it takes clicks).
    pub async fn click_css(&self, css: &str) {
        let start = Instant::now();
        loop {
            let res = match self.c.find(Locator::Css(css)).await {
                Ok(el) => el.click().await,
                Err(e) => Err(e),
            };
            match res {
                Ok(()) => return,
                Err(e) if start.elapsed() > Duration::from_secs(15) => {
                    self.fail_shot("click").await;
                    panic!("cannot click {css}: {e}");
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }
    pub async fn click(&self, id: &str) {
        self.by_id(id).await.click().await.unwrap();
    }
    pub async fn text_of(&self, id: &str) -> String {
        self.by_id(id).await.text().await.unwrap()
    }
    /// Waits until the element's text contains `needle` (antd fades messages in).
    pub async fn wait_text_of(&self, id: &str, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let t = self.text_of(id).await;
            if t.contains(needle) {
                return t;
            }
            if start.elapsed() > Duration::from_secs(15) {
                self.fail_shot(id).await;
                panic!("{id} never showed {needle:?}; it shows {t:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    pub async fn body_text(&self) -> String {
        self.c
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
    /// Waits until the page text contains `s`.
    pub async fn wait_text(&self, s: &str) {
        let start = Instant::now();
        loop {
            if self.body_text().await.contains(s) {
                return;
            }
            if start.elapsed() > Duration::from_secs(15) {
                self.fail_shot("wait-text").await;
                panic!(
                    "page never showed {s:?}; it shows:\n{}",
                    self.body_text().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    pub async fn wait_gone(&self, id: &str) {
        let sel = format!("[data-testid='{id}']");
        let start = Instant::now();
        // A node removed while WebKit collects the matches gives StaleElementReference:
        // that is "not gone yet", so look again.
        while !self
            .c
            .find_all(Locator::Css(&sel))
            .await
            .is_ok_and(|found| found.is_empty())
        {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "{sel} did not go away"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    pub async fn shot(&self, name: &str) {
        // Let fonts and transitions settle.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = self.c.screenshot().await.unwrap();
        assert!(
            png.len() > 10_000,
            "screenshot {name} is suspiciously small ({} bytes)",
            png.len()
        );
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
    }
    pub async fn tab(&self, label: &str) {
        let xp = format!("//div[@role='tab' and normalize-space(.)='{label}']");
        self.c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::XPath(&xp))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
}

/// Where the app's save dialogs write during a WebDriver run.
pub fn saved_dir(tmp: &Path) -> PathBuf {
    tmp.join("saved")
}

/// The file the app's open dialogs pick during a WebDriver run (the test writes it).
pub fn open_file(tmp: &Path) -> PathBuf {
    tmp.join("open").join("firms.csv")
}

/// The app binary: `FUDAO_APP_BIN` or the one cargo built for the integration tests.
pub fn app_path() -> PathBuf {
    let app = std::env::var("FUDAO_APP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_BIN_EXE_fudao-app")));
    assert!(
        app.is_absolute() && app.exists(),
        "{} must be an existing absolute path",
        app.display()
    );
    app
}

/// Starts tauri-driver (the app gets `FUDAO_DB=db` and XDG dirs under `tmp`) and opens a
/// WebDriver session on the app window. Save dialogs write into [`saved_dir`]`(tmp)` and open
/// dialogs pick [`open_file`]`(tmp)` instead of showing GTK's file chooser, which WebDriver
/// cannot drive.
pub async fn launch(app: &Path, db: &Path, tmp: &Path) -> (Driver, Ui) {
    let shots = repo_root().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    std::fs::create_dir_all(saved_dir(tmp)).unwrap();
    let (port, native) = (free_port(), free_port());
    let driver = Driver(
        Command::new(std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into()))
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("FUDAO_DB", db)
            // The databases are encrypted: headless, the app gets the key from FUDAO_DB_KEY.
            .env(
                "FUDAO_DB_KEY",
                std::env::var("FUDAO_DB_KEY")
                    .unwrap_or_else(|_| fudao_store::keys::TEST_KEY_HEX.into()),
            )
            .env("FUDAO_E2E_SAVE_DIR", saved_dir(tmp))
            .env("FUDAO_E2E_OPEN_FILE", open_file(tmp))
            .env("XDG_DATA_HOME", tmp.join("data"))
            .env("XDG_CONFIG_HOME", tmp.join("config"))
            .env("XDG_CACHE_HOME", tmp.join("cache"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver not found: cargo install tauri-driver --locked"),
    );
    wait_port(port, Duration::from_secs(20));
    let caps = json!({ "browserName": "wry", "tauri:options": { "application": app } });
    let caps = caps.as_object().unwrap().clone();
    let c = ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("WebDriver session");
    wait_port(native, Duration::from_secs(20));
    (driver, Ui { c, shots })
}
