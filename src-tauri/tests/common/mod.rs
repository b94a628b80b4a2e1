//! Shared harness of the WebDriver tests: tauri-driver on free ports, a fantoccini session on
//! the real app window, helpers that find elements by `data-testid`.
#![allow(dead_code)]

pub mod watchdog;

/// The key of the suites' encrypted databases: `FUDAO_DB_KEY` when set, else the well-known
/// test key. The app under test gets the same one (see [`launch`]).
pub fn db_key() -> fudao_store::DbKey {
    fudao_store::DbKey::from_env()
        .expect("FUDAO_DB_KEY must be 64 hex digits")
        .unwrap_or_else(fudao_store::DbKey::test_key)
}

/// Opens a suite's database with [`db_key`] (never the OS keystore, which the app under test
/// does not use either).
#[allow(dead_code)]
pub fn open_store(db: impl AsRef<Path>) -> fudao_store::Store {
    fudao_store::Store::open_with_key(db, &db_key()).expect("open the suite's database")
}

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use watchdog::Watchdog;

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

/// tauri-driver in a process group of its own (with WebKitWebDriver and the app under it).
/// Stopped with SIGTERM so that it shuts its children down; whatever is left of the group after
/// 5 s (a WebKitWebDriver stuck on a command) is killed, so a stuck driver never keeps the test
/// process waiting. Its output goes to a log file, never to our pipes.
pub struct Driver(pub Child);
impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.0.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // SIGTERM reached tauri-driver; its children may still be shutting down.
        std::thread::sleep(Duration::from_millis(200));
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.wait();
    }
}

pub struct Ui {
    pub c: Client,
    pub shots: PathBuf,
    /// Every WebDriver command goes through it: logged, and bounded in time.
    pub watchdog: Watchdog,
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
    /// Saves a screenshot named after a failed step, for the CI artifacts. It is taken from
    /// the X server, so it works even when the WebDriver session is stuck.
    pub async fn fail_shot(&self, step: &str) {
        if let Ok(png) = x_screenshot() {
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
    /// Clicks the element `id`; one that React replaced between finding and clicking (stale)
    /// is looked up again.
    pub async fn click(&self, id: &str) {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.by_id(id).await.click().await {
                Ok(()) => return,
                Err(e) if attempt < 4 && format!("{e:?}").contains("StaleElementReference") => {
                    eprintln!("clicking {id} found a stale element; looking it up again");
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                Err(e) => {
                    self.fail_shot(id).await;
                    panic!("cannot click {id}: {e}");
                }
            }
        }
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
        self.wait_text_within(s, Duration::from_secs(15)).await
    }
    /// As [`Ui::wait_text`] with another limit, for steps that wait on a server (a debug-build
    /// fudao-server on a loaded machine once took over 15 s to answer a sync).
    pub async fn wait_text_within(&self, s: &str, limit: Duration) {
        let start = Instant::now();
        loop {
            if self.body_text().await.contains(s) {
                return;
            }
            if start.elapsed() > limit {
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
    /// Saves a screenshot of the app window as `name.png`. Taken from the X server, not over
    /// WebDriver: WebKitWebDriver's screenshot waits for the web process to present a new frame,
    /// and with compositing off a page that has nothing to repaint never presents one, so the
    /// command never answered (docs/app.md, "Why the e2e suites hung").
    pub async fn shot(&self, name: &str) {
        // Let fonts and transitions settle.
        tokio::time::sleep(Duration::from_millis(400)).await;
        self.watchdog.note(&format!("screenshot {name} (X server)"));
        let png = x_screenshot().unwrap_or_else(|e| panic!("screenshot {name}: {e}"));
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

/// A PNG of the app window, taken from the X server (`xwininfo` finds the window, ImageMagick's
/// `import` grabs it); the whole screen if the window cannot be told apart.
pub fn x_screenshot() -> Result<Vec<u8>, String> {
    let window = app_window();
    let target = window.as_deref().unwrap_or("root");
    let out = Command::new("import")
        .args(["-window", target, "png:-"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("import (imagemagick): {e}"))?;
    if !out.status.success() || out.stdout.is_empty() {
        return Err(format!(
            "import -window {target} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out.stdout)
}

/// The X id of the app's top-level window: the largest mapped window of class `fudao-app`.
fn app_window() -> Option<String> {
    let out = Command::new("xwininfo")
        .args(["-root", "-children"])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut best: Option<(u64, String)> = None;
    for line in text.lines() {
        let line = line.trim();
        if !line.starts_with("0x") || !line.to_ascii_lowercase().contains("fudao") {
            continue;
        }
        let id = line.split_whitespace().next()?.to_string();
        // "… 1360x860+0+0  +0+0": the first token of the form WxH+X+Y.
        let area = line.split_whitespace().skip(1).find_map(|t| {
            if !t.contains('+') {
                return None;
            }
            let (w, rest) = t.split_once('x')?;
            let h = rest.split('+').next()?;
            Some(w.parse::<u64>().ok()? * h.parse::<u64>().ok()?)
        });
        if let Some(area) = area {
            if area > 10_000 && best.as_ref().is_none_or(|(a, _)| area > *a) {
                best = Some((area, id));
            }
        }
    }
    best.map(|(_, id)| id)
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
    let suite = suite_name();
    let logs = repo_root().join("target/e2e-logs");
    std::fs::create_dir_all(&logs).unwrap();
    let driver_log = std::fs::File::create(logs.join(format!("{suite}-driver.log"))).unwrap();
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
            .env("FUDAO_DB_KEY", db_key().to_hex().as_str())
            .env("FUDAO_E2E_SAVE_DIR", saved_dir(tmp))
            .env("FUDAO_E2E_OPEN_FILE", open_file(tmp))
            .env("XDG_DATA_HOME", tmp.join("data"))
            .env("XDG_CONFIG_HOME", tmp.join("config"))
            .env("XDG_CACHE_HOME", tmp.join("cache"))
            .stdin(Stdio::null())
            .stdout(driver_log.try_clone().unwrap())
            .stderr(driver_log)
            .process_group(0)
            .spawn()
            .expect("tauri-driver not found: cargo install tauri-driver --locked"),
    );
    wait_port(port, Duration::from_secs(20));
    let log = logs.join(format!("{suite}-webdriver.log"));
    let watchdog = Watchdog::start(port, &log, watchdog::command_timeout()).await;
    eprintln!("e2e: WebDriver commands are logged to {}", log.display());
    let caps = json!({ "browserName": "wry", "tauri:options": { "application": app } });
    let caps = caps.as_object().unwrap().clone();
    let c = ClientBuilder::native()
        .capabilities(caps)
        .connect(&watchdog.url())
        .await
        .expect("WebDriver session");
    wait_port(native, Duration::from_secs(20));
    (driver, Ui { c, shots, watchdog })
}

/// The test binary's name without cargo's hash (`e2e`, `e2e_lead`), naming its log files.
fn suite_name() -> String {
    let exe = std::env::current_exe().unwrap();
    let stem = exe.file_stem().unwrap().to_string_lossy().to_string();
    match stem.rsplit_once('-') {
        Some((name, hash)) if hash.chars().all(|c| c.is_ascii_hexdigit()) => name.to_string(),
        _ => stem,
    }
}
