//! End-to-end test of the real app window: tauri-driver + WebKitWebDriver under Xvfb.
//!
//! Run through `scripts/app-e2e.sh`, which builds the app, starts Xvfb and sets
//! `FUDAO_APP_BIN` (absolute path of the built binary). Screenshots of every screen go to
//! `target/screenshots/`.

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use fudao_core::model::{Firm, Need, Visit};
use fudao_store::Store;
use serde_json::json;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NAME: &str = "济南量子云图科技有限公司";
/// Pinyin initials of [`NAME`]'s first characters: 济南量子云图 → jnlzyt.
const INITIALS: &str = "jnlzyt";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_port(port: u16, timeout: Duration) {
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
struct Driver(Child);
impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status();
        let _ = self.0.wait();
    }
}

struct Ui {
    c: Client,
    shots: PathBuf,
}

impl Ui {
    async fn by_id(&self, id: &str) -> Element {
        let sel = format!("[data-testid='{id}']");
        self.c
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(&sel))
            .await
            .unwrap_or_else(|e| panic!("no element {sel}: {e}"))
    }
    async fn input(&self, id: &str) -> Element {
        let el = self.by_id(id).await;
        // antd wraps some inputs: the test id may sit on the wrapper or on the input itself.
        if el.tag_name().await.unwrap() == "input" || el.tag_name().await.unwrap() == "textarea" {
            el
        } else {
            el.find(Locator::Css("input, textarea")).await.unwrap()
        }
    }
    async fn type_into(&self, id: &str, text: &str) {
        let el = self.input(id).await;
        el.click().await.unwrap();
        el.send_keys(&(Key::Control + "a")).await.unwrap();
        el.send_keys(&Key::Backspace.to_string()).await.unwrap();
        el.send_keys(text).await.unwrap();
    }
    async fn click(&self, id: &str) {
        self.by_id(id).await.click().await.unwrap();
    }
    async fn text_of(&self, id: &str) -> String {
        self.by_id(id).await.text().await.unwrap()
    }
    async fn body_text(&self) -> String {
        self.c
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
    /// Waits until the page text contains `s`.
    async fn wait_text(&self, s: &str) {
        let start = Instant::now();
        loop {
            if self.body_text().await.contains(s) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "page never showed {s:?}; it shows:\n{}",
                self.body_text().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    async fn wait_gone(&self, id: &str) {
        let sel = format!("[data-testid='{id}']");
        let start = Instant::now();
        while !self
            .c
            .find_all(Locator::Css(&sel))
            .await
            .unwrap()
            .is_empty()
        {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "{sel} did not go away"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    async fn shot(&self, name: &str) {
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
    async fn tab(&self, label: &str) {
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

fn seed(db: &Path) {
    let mut s = Store::open(db).unwrap();
    fudao_store::demo::generate(
        &mut s,
        &fudao_store::demo::DemoOptions {
            firms: 300,
            seed: 11,
            today: chrono::Local::now().date_naive(),
        },
    )
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the built app under Xvfb through tauri-driver: run scripts/app-e2e.sh"]
async fn coach_flow_in_the_real_window() {
    let app = PathBuf::from(
        std::env::var("FUDAO_APP_BIN")
            .expect("FUDAO_APP_BIN = absolute path of the built fudao-app"),
    );
    assert!(
        app.is_absolute() && app.exists(),
        "{} must be an existing absolute path",
        app.display()
    );
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("fudao.db");
    seed(&db);
    let shots = repo_root().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();

    let (port, native) = (free_port(), free_port());
    let driver = Driver(
        Command::new(std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into()))
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("FUDAO_DB", &db)
            .env("XDG_DATA_HOME", tmp.path().join("data"))
            .env("XDG_CONFIG_HOME", tmp.path().join("config"))
            .env("XDG_CACHE_HOME", tmp.path().join("cache"))
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
    let ui = Ui { c, shots };

    // Home, in Chinese, with the window title.
    assert!(ui.text_of("app-title").await.contains("金融辅导工作台"));
    let title = ui.c.title().await.unwrap();
    assert!(title.contains("金融辅导工作台"), "document title {title}");
    ui.wait_text("企业数").await;
    ui.shot("01-home").await;

    // Firms list: search by Chinese substring.
    ui.click("nav-firms").await;
    ui.type_into("firm-search", "科技").await;
    ui.by_id("firm-row").await;
    assert!(ui.text_of("firm-count").await.contains("找到"));
    ui.shot("02-firms-search").await;

    // Create a firm with validation errors, see them inline, then fix them.
    ui.click("new-firm").await;
    let valid = fudao_core::uscc::compose("91", "370102", "MA3C4QXY").unwrap();
    let mut invalid = valid.clone();
    let last = invalid.pop().unwrap();
    invalid.push(if last == '0' { '1' } else { '0' });
    ui.type_into("f-name", NAME).await;
    ui.type_into("f-uscc", &invalid).await;
    ui.type_into("f-staff", "10").await;
    ui.type_into("f-tech-staff", "12").await;
    let uscc_err = ui.text_of("err-uscc").await;
    assert!(uscc_err.contains("校验"), "inline USCC message: {uscc_err}");
    assert!(ui
        .text_of("err-tech_staff")
        .await
        .contains("科技人员数（12）不能多于职工总数（10）"));
    ui.click("save-firm").await;
    ui.wait_text("有字段未通过校验").await;
    assert!(
        ui.text_of("firm-title").await.contains("新建企业"),
        "an invalid firm must not be saved"
    );
    ui.shot("03-firm-validation").await;
    ui.type_into("f-uscc", &valid).await;
    ui.type_into("f-tech-staff", "8").await;
    ui.wait_gone("err-uscc").await;
    ui.wait_gone("err-tech_staff").await;
    // Ctrl+S saves.
    ui.input("f-name")
        .await
        .send_keys(&(Key::Control + "s"))
        .await
        .unwrap();
    let start = Instant::now();
    while !ui.text_of("firm-title").await.contains(NAME) {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "firm was not saved"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ui.shot("04-firm-overview").await;

    // Add a financing need.
    ui.tab("融资需求").await;
    ui.click("add-need").await;
    ui.type_into("n-amount", "500").await;
    ui.type_into("n-purpose", "购置研发设备").await;
    ui.click("save-need").await;
    ui.wait_gone("need-form").await;
    ui.by_id("need-card").await;
    ui.wait_text("购置研发设备").await;
    ui.wait_text("500 万元").await;
    ui.shot("05-firm-needs").await;

    // Log a visit with a follow-up task.
    ui.tab("走访记录").await;
    ui.click("add-visit").await;
    ui.type_into("v-notes", "实地走访，了解企业研发设备采购计划。")
        .await;
    ui.click("add-task").await;
    ui.type_into("v-task-title", "补充近三年财务报表").await;
    ui.click("save-visit").await;
    ui.wait_gone("visit-form").await;
    ui.by_id("visit-item").await;
    ui.wait_text("补充近三年财务报表").await;
    ui.shot("06-firm-visits").await;

    // Change history from the audit trail.
    ui.tab("变更记录").await;
    ui.wait_text("uscc").await;
    ui.shot("07-firm-history").await;

    // Search by pinyin initials with Ctrl+K from anywhere.
    ui.click("nav-home").await;
    ui.body_text().await;
    ui.c.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys(&(Key::Control + "k"))
        .await
        .unwrap();
    let active = ui.c.active_element().await.unwrap();
    active.send_keys(INITIALS).await.unwrap();
    let hit = ui.by_id("search-hit").await;
    assert!(
        hit.text().await.unwrap().contains(NAME),
        "initials search found {}",
        hit.text().await.unwrap()
    );
    ui.shot("08-search-initials").await;
    hit.click().await.unwrap();
    ui.wait_text(&valid).await;

    // Settings, then English.
    ui.click("nav-settings").await;
    assert!(ui.text_of("db-path").await.contains("fudao.db"));
    ui.shot("09-settings").await;
    ui.c.find(Locator::XPath(
        "//div[@data-testid='lang-switch']//*[normalize-space(text())='English']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    ui.wait_text("Settings").await;
    ui.click("nav-firms").await;
    ui.wait_text("New firm").await;
    ui.shot("10-firms-english").await;

    ui.c.close().await.unwrap();
    drop(driver);

    // The database holds what the UI said it saved.
    let s = Store::open(&db).unwrap();
    let firm: Firm = s.firm_by_uscc(&valid).unwrap().expect("firm saved");
    assert_eq!(
        (firm.name.as_str(), firm.staff, firm.tech_staff),
        (NAME, Some(10), Some(8))
    );
    let needs: Vec<Need> = s.needs_of_firm(firm.id).unwrap();
    assert_eq!(needs.len(), 1);
    assert_eq!(
        (needs[0].amount, needs[0].purpose.as_str()),
        (5_000_000, "购置研发设备")
    );
    let visits: Vec<Visit> = s.visits_of_firm(firm.id).unwrap();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0].tasks[0].title, "补充近三年财务报表");
}
