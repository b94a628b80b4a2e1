//! Issue 14 end to end with real processes: a `fudao-server` publishing its public address, a
//! coach's `fudao` printing a plan offline, the QR code decoded from the rendered page
//! (pdftoppm + zbarimg), the page opened in headless Chromium at phone size (390×844,
//! screenshot in target/screenshots/) and its form filled in and submitted there through
//! chromedriver, the rating pulled by the coach's `fudao sync` and counted by `fudao kpi --json`
//! under its source.
//!
//! Needs Debian's poppler-utils, zbar-tools, curl, chromium and chromium-driver
//! (scripts/setup-debian.sh). Outside CI, a missing browser falls back to posting the form with
//! curl; in CI (`CI` set) a missing browser fails the test.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

#[path = "../../fudao-server/tests/common/process.rs"]
mod process;

const PASSWORD: &str = "评价测试-Passw0rd";
const TEAM: &str = "历下区辅导队";

fn fudao_bin() -> &'static str {
    env!("CARGO_BIN_EXE_fudao")
}

fn server_bin() -> &'static Path {
    process::server_bin(
        Path::new(fudao_bin()),
        Path::new(env!("CARGO_MANIFEST_DIR")),
    )
}

fn have(tool: &str, arg: &str) -> bool {
    let ok = Command::new(tool)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !ok {
        eprintln!("SKIPPED: `{tool}` is not installed (run scripts/setup-debian.sh)");
    }
    ok
}

struct Srv(Child);
impl Drop for Srv {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn fudao(db: &Path, args: &[&str]) -> Output {
    Command::new(fudao_bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .env("FUDAO_PASSWORD", PASSWORD)
        .env("FUDAO_DB_KEY", fudao_store::keys::TEST_KEY_HEX)
        .env_remove("FUDAO_DB")
        .output()
        .expect("run fudao")
}

fn ok(db: &Path, args: &[&str]) -> Output {
    let o = fudao(db, args);
    assert!(
        o.status.success(),
        "fudao {args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn json(db: &Path, args: &[&str]) -> Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    serde_json::from_slice(&ok(db, &a).stdout).expect("JSON output")
}

fn screenshots_dir() -> PathBuf {
    // The repository's target/screenshots (beside the app's e2e screenshots), whatever
    // CARGO_TARGET_DIR is.
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A WebDriver session on Debian's chromedriver, spoken over plain HTTP with curl (W3C
/// WebDriver is JSON over HTTP; no client crate needed for five commands).
struct Browser {
    driver: std::process::Child,
    base: String,
}

impl Browser {
    /// `None` when chromedriver or chromium is missing (outside CI; CI installs both).
    fn start() -> Option<Browser> {
        if !(have("chromedriver", "--version") && have("chromium", "--version")) {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have chromium and chromium-driver (scripts/setup-debian.sh)"
            );
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut b = Browser {
            driver,
            base: format!("http://127.0.0.1:{port}"),
        };
        let caps = serde_json::json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                         "--window-size=390,844", "--force-device-scale-factor=1"],
                // A phone's viewport (a desktop window is at least 500 px wide).
                "mobileEmulation": {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 1.0}},
            }
        }}});
        // The driver needs a moment to listen.
        let mut session = None;
        for _ in 0..50 {
            let r = b.call("POST", "/session", Some(&caps));
            if let Some(id) = r["value"]["sessionId"].as_str() {
                session = Some(id.to_string());
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        b.base = format!(
            "{}/session/{}",
            b.base,
            session.expect("a chromedriver session")
        );
        Some(b)
    }

    fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> serde_json::Value {
        let mut c = Command::new("curl");
        c.args(["-s", "--max-time", "60", "-X", method])
            .arg(format!("{}{path}", self.base));
        if let Some(b) = body {
            c.args(["-H", "Content-Type: application/json", "-d", &b.to_string()]);
        }
        let o = c.output().unwrap();
        serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null)
    }

    fn find(&self, css: &str) -> String {
        let r = self.call(
            "POST",
            "/element",
            Some(&serde_json::json!({"using": "css selector", "value": css})),
        );
        r["value"]["element-6066-11e4-a52e-4f735466cecf"]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {r}"))
            .to_string()
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        self.call(
            "POST",
            &format!("/element/{e}/click"),
            Some(&serde_json::json!({})),
        );
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.call(
            "POST",
            &format!("/element/{e}/value"),
            Some(&serde_json::json!({"text": text})),
        );
    }

    fn open(&self, url: &str) {
        self.call("POST", "/url", Some(&serde_json::json!({"url": url})));
    }

    fn source(&self) -> String {
        self.call("GET", "/source", None)["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn screenshot(&self, png: &Path) {
        use std::io::Write;
        let b64 = self.call("GET", "/screenshot", None)["value"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        // coreutils' base64 decodes it (no crate for one call).
        let mut d = Command::new("base64")
            .arg("-d")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        d.stdin.take().unwrap().write_all(b64.as_bytes()).unwrap();
        let o = d.wait_with_output().unwrap();
        assert!(
            o.status.success() && o.stdout.starts_with(b"\x89PNG"),
            "a PNG screenshot"
        );
        std::fs::write(png, o.stdout).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.call("DELETE", "", None);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[test]
fn a_printed_plan_collects_the_firms_rating_end_to_end() {
    if !(have("pdftoppm", "-v") && have("zbarimg", "--version") && have("curl", "--version")) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server_db = format!("sqlite:{}", dir.path().join("server.db").display());
    let admin = |args: &[&str]| process::admin(server_bin(), &server_db, PASSWORD, args);
    admin(&["team", "add", TEAM, "--focus", "历下区"]);
    admin(&[
        "user", "add", "wang", "--team", TEAM, "--role", "coach", "--name", "王晓",
    ]);
    admin(&[
        "user",
        "add",
        "zhao",
        "--team",
        TEAM,
        "--role",
        "lead",
        "--name",
        "赵队长",
    ]);
    // A free port, so that the public address can name it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let public = format!("http://127.0.0.1:{port}");
    // An invalid public address is refused before serving.
    let o = Command::new(server_bin())
        .args(["--db", &server_db, "serve", "--listen", "127.0.0.1:0"])
        .args(["--public-url", "ftp://fk.example.cn"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("invalid public URL"));
    let mut child = Command::new(server_bin())
        .args(["--db", &server_db, "serve", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["--public-url", &format!("{public}/")])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _srv = Srv(child);
    assert!(line.contains("listening"), "{line}");

    // The coach: a plan printed before login carries no code, and says so.
    let coach = dir.path().join("wang.db");
    let uscc = fudao_core::uscc::compose("91", "370102", "MA3FB001").unwrap();
    ok(
        &coach,
        &[
            "firm",
            "add",
            "--uscc",
            &uscc,
            "--name",
            "济南<量子>精密机械有限公司",
        ],
    );
    let early = dir.path().join("early.pdf");
    let o = ok(&coach, &["plan", &uscc, "--out", early.to_str().unwrap()]);
    let note = String::from_utf8_lossy(&o.stderr);
    assert!(
        note.contains("未印满意度评价二维码") && note.contains("no feedback QR code"),
        "{note}"
    );
    // (A demo-free database: log in, take the team's rows, assign the firm to the coach.)
    let me = json(&coach, &["login", "--server", &public, "--user", "wang"]);
    assert_eq!(me["public_url"], public.as_str(), "{me}");
    let me_id = me["user_id"].as_str().unwrap().to_string();
    ok(&coach, &["sync"]);
    ok(
        &coach,
        &["firm", "set", &uscc, &format!("coach_id={me_id}")],
    );

    // Printed offline (the server is not contacted by `plan`): the link is queued.
    let pdf = dir.path().join("plan.pdf");
    let printed = json(&coach, &["plan", &uscc, "--out", pdf.to_str().unwrap()]);
    let url = printed["feedback_url"]
        .as_str()
        .expect("a feedback link")
        .to_string();
    assert!(url.starts_with(&format!("{public}/f/")), "{url}");
    // Decode the code from the rendered pages.
    let prefix = dir.path().join("page");
    let o = Command::new("pdftoppm")
        .args(["-r", "150", "-png"])
        .arg(&pdf)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(o.status.success());
    let mut decoded = Vec::new();
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("page"))
        .collect();
    pages.sort();
    for p in &pages {
        let o = Command::new("zbarimg")
            .args(["--raw", "-q"])
            .arg(p)
            .output()
            .unwrap();
        decoded.extend(
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        );
    }
    assert_eq!(decoded, vec![url.clone()], "one code, the printed link");
    let curl = |args: &[&str]| -> (String, String) {
        let o = Command::new("curl")
            .args(["-s", "-o", "-", "-w", "\n%{http_code}"])
            .args(args)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        let (body, code) = text.rsplit_once('\n').unwrap();
        (body.to_string(), code.to_string())
    };
    assert_eq!(curl(&[&url]).1, "404", "not registered before the sync");
    ok(&coach, &["sync"]);
    let (page, code) = curl(&[&url]);
    assert_eq!(code, "200");
    assert!(page.contains("济南&lt;量子&gt;精密机械有限公司"));
    assert!(page.contains("王晓（历下区辅导队）"), "{page}");
    assert!(page.len() < 50 * 1024);

    // The firm opens the link on a phone (a real browser at 390×844), sees the form and
    // submits it: 不满意, need not met, a comment with markup.
    if let Some(b) = Browser::start() {
        b.open(&url);
        let dom = b.source();
        assert!(
            dom.contains("金融辅导满意度评价") && dom.contains("提交评价"),
            "{dom}"
        );
        let shot = screenshots_dir().join("feedback-page-390x844.png");
        b.screenshot(&shot);
        assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);
        // PNG header: width at bytes 16..20.
        let png = std::fs::read(&shot).unwrap();
        assert_eq!(
            u32::from_be_bytes(png[16..20].try_into().unwrap()),
            390,
            "phone width"
        );
        b.click("input[name=rating][value=unsatisfied]");
        b.click("input[name=need_met][value=no]");
        b.type_into("textarea[name=comment]", "<b>放款太慢</b>");
        b.click("button[type=submit]");
        let mut thanks = String::new();
        for _ in 0..50 {
            thanks = b.source();
            if thanks.contains("感谢您的评价") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        assert!(thanks.contains("感谢您的评价"), "{thanks}");
        assert!(thanks.contains("<dd>不满意</dd>"), "{thanks}");
        // The comment comes back as text, never as markup.
        assert!(thanks.contains("&lt;b&gt;放款太慢&lt;/b&gt;"), "{thanks}");
        // Opened again, the page shows the answers given and allows changing them.
        b.open(&url);
        let again = b.source();
        assert!(again.contains("您已提交过评价"), "{again}");
        b.screenshot(&screenshots_dir().join("feedback-page-after-390x844.png"));
    } else {
        // Outside CI without a browser: the same form post over plain HTTP.
        let (thanks, code) = curl(&[
            "--data-urlencode",
            "rating=unsatisfied",
            "--data-urlencode",
            "need_met=no",
            "--data-urlencode",
            "comment=<b>放款太慢</b>",
            &url,
        ]);
        assert_eq!(code, "200", "{thanks}");
        assert!(thanks.contains("&lt;b&gt;放款太慢&lt;/b&gt;"));
    }

    // The coach's sync brings it down; the KPI counts it under 扫码评价.
    ok(&coach, &["sync"]);
    let list = json(&coach, &["feedback", "list", &uscc]);
    let rows = list.as_array().expect("array");
    assert_eq!(rows.len(), 1, "{list}");
    assert_eq!(rows[0]["source"], "qr");
    assert_eq!(rows[0]["rating"], "unsatisfied");
    assert_eq!(rows[0]["need_met"], false);
    assert_eq!(rows[0]["comment"], "<b>放款太慢</b>");
    // 不满意 on the coach's device: the 回访 follow-up with its task, once (a second sync,
    // which pushes it, adds none).
    let follow_ups = |db: &std::path::Path| {
        let v = json(db, &["visit", "list", &uscc]);
        v.as_array()
            .expect("array")
            .iter()
            .filter(|x| x["notes"].as_str().unwrap_or("").starts_with("回访"))
            .cloned()
            .collect::<Vec<_>>()
    };
    let f = follow_ups(&coach);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["coach_ids"][0], me_id.as_str(), "{f:?}");
    assert_eq!(f[0]["tasks"].as_array().unwrap().len(), 1, "{f:?}");
    assert_eq!(f[0]["tasks"][0]["done"], false);
    ok(&coach, &["sync"]);
    assert_eq!(follow_ups(&coach).len(), 1);
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive()
        .to_string();
    let k = json(
        &coach,
        &[
            "kpi",
            "--from",
            "2020-01-01",
            "--to",
            &today,
            "--today",
            &today,
        ],
    );
    let qr = k["satisfaction"]["by_source"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["source"] == "qr")
        .cloned()
        .unwrap_or_else(|| panic!("no qr group: {}", k["satisfaction"]));
    assert_eq!(qr["count"], 1);
    assert_eq!(qr["unsatisfied"], 1);
    // The lead's device pulls it too.
    let lead = dir.path().join("zhao.db");
    ok(&lead, &["login", "--server", &public, "--user", "zhao"]);
    ok(&lead, &["sync"]);
    let l = json(&lead, &["feedback", "list", &uscc]);
    assert_eq!(l.as_array().unwrap().len(), 1);
    // The lead gets the coach's follow-up and makes none of its own.
    let lf = follow_ups(&lead);
    assert_eq!(lf.len(), 1, "{lf:?}");
    assert_eq!(lf[0]["id"], f[0]["id"]);
}
