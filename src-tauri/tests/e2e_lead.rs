//! End-to-end test of a team lead's day in the real app window: log in to a real
//! `fudao-server`, sync the team's caseload, edit a firm that a coach edits at the same time,
//! see the conflict side by side, keep one value, sync it back, assign the firm to the coach,
//! and export the team KPIs.
//!
//! The coach works through the library (their own database, the same sync engine the CLI
//! uses); the server is the real binary (`FUDAO_SERVER_BIN`, or built on first use). Run
//! through `scripts/app-e2e.sh`, like `e2e.rs`.

mod common;
#[path = "../../crates/fudao-server/tests/common/process.rs"]
mod process;

use calamine::{open_workbook_auto, Data, Reader};
use common::{app_path, launch, saved_dir, Ui};
use fantoccini::key::Key;
use fudao_core::model::Firm;
use fudao_store::sync::Session;
use fudao_store::Store;
use fudao_sync::client::Client;
use fudao_sync::engine::{self, SyncOptions};
use process::{admin, server_bin, Server};
use std::path::Path;
use std::time::{Duration, Instant};
use uuid::Uuid;

const PASSWORD: &str = "辅导队-Passw0rd";
const TEAM: &str = "历下区辅导队";
const FIRM: &str = "济南星火量子科技有限公司";
/// How long a sync in the app may take against the debug-build server on a busy machine.
const SYNC_WAIT: Duration = Duration::from_secs(60);

/// A coach's device: a local database logged in to the server.
struct Coach {
    store: Store,
    client: Client,
}

impl Coach {
    async fn login(db: &Path, url: &str, user: &str) -> Coach {
        let mut store = common::open_store(db);
        let anon = Client::new(url).unwrap();
        let r = anon.login(user, PASSWORD, store.device_id()).await.unwrap();
        store.set_actor(Some(r.user.user_id));
        store
            .set_session(&Session {
                server: url.to_string(),
                token: r.token.clone(),
                user: r.user,
            })
            .unwrap();
        Coach {
            store,
            client: anon.with_token(r.token),
        }
    }
    async fn sync(&self) {
        engine::sync(
            &self.client,
            &self.store,
            SyncOptions::default(),
            &mut |_| {},
        )
        .await
        .unwrap();
    }
    fn firm(&self, id: Uuid) -> Firm {
        self.store.get::<Firm>(id).unwrap().unwrap()
    }
    fn set_staff(&mut self, id: Uuid, staff: u32) {
        let mut f = self.firm(id);
        f.staff = Some(staff);
        self.store.put(&f).unwrap();
    }
}

/// Polls `f` until it returns `Some`, for up to 15 s.
async fn eventually<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "{what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn sync_in_app(ui: &Ui) {
    ui.click("nav-sync").await;
    ui.click("sync-now").await;
    ui.wait_text_within("同步完成", SYNC_WAIT).await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the built app under Xvfb through tauri-driver: run scripts/app-e2e.sh"]
async fn lead_syncs_resolves_a_conflict_and_exports_kpis() {
    let tmp = tempfile::tempdir().unwrap();
    let app = app_path();

    // The server, set up with its own admin commands.
    let bin = server_bin(&app, Path::new(env!("CARGO_MANIFEST_DIR")));
    let server_db = format!("sqlite:{}", tmp.path().join("server.db").display());
    admin(bin, &server_db, PASSWORD, &["team", "add", TEAM]);
    for (user, role, name) in [("zhao", "lead", "赵队长"), ("wang", "coach", "王晓")] {
        admin(
            bin,
            &server_db,
            PASSWORD,
            &[
                "user", "add", user, "--team", TEAM, "--role", role, "--name", name,
            ],
        );
    }
    let server = Server::start(bin, &server_db, "127.0.0.1:0");
    let url = server.url();

    // Coach 王晓 records a firm at the firm's office and syncs it.
    let mut wang = Coach::login(&tmp.path().join("wang.db"), &url, "wang").await;
    let uscc = fudao_core::uscc::compose("91", "370102", "MA3D8KQ5").unwrap();
    let mut firm = Firm::new(Uuid::now_v7(), &uscc, FIRM);
    firm.staff = Some(12);
    wang.store.put(&firm).unwrap();
    wang.sync().await;

    // The lead opens the app on an empty database and logs in.
    let lead_db = tmp.path().join("zhao.db");
    drop(common::open_store(&lead_db));
    let (driver, ui) = launch(&app, &lead_db, tmp.path()).await;
    ui.wait_text("本年度指标").await;
    ui.click("nav-sync").await;
    ui.wait_text("尚未登录同步服务器").await;
    ui.type_into("sync-server", &url).await;
    ui.type_into("sync-username", "zhao").await;
    ui.type_into("sync-password", PASSWORD).await;
    ui.click("sync-login").await;
    ui.wait_text_of("sync-user", "赵队长").await;
    ui.click("sync-now").await;
    ui.wait_text_within("同步完成", SYNC_WAIT).await;
    ui.wait_text_of("outbox", "0").await;
    ui.shot("17-sync-logged-in").await;

    // The team's firm arrived; the lead corrects its staff count.
    ui.click("nav-firms").await;
    ui.wait_text_of("firm-count", "共 1 家企业").await;
    ui.click_css("[data-testid='firm-row'][data-index='0']")
        .await;
    ui.wait_text_of("firm-title", FIRM).await;
    ui.type_into("f-staff", "30").await;
    ui.input("f-staff")
        .await
        .send_keys(&(Key::Control + "s"))
        .await
        .unwrap();
    eventually("the lead's edit was not saved", || {
        let s = fudao_store::Store::open_with_key(&lead_db, &common::db_key()).ok()?;
        let f = s.get::<Firm>(firm.id).ok()??;
        (f.staff == Some(30)).then_some(())
    })
    .await;

    // Meanwhile the coach sets the same field to another value and syncs first.
    wang.set_staff(firm.id, 20);
    wang.sync().await;

    // The lead's sync shows the conflict side by side: base, mine, theirs.
    sync_in_app(&ui).await;
    let conflict = ui.by_id("conflict").await;
    let cell = |id: &'static str| {
        let conflict = conflict.clone();
        async move {
            conflict
                .find(fantoccini::Locator::Css(&format!("[data-testid='{id}']")))
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let (base, mine, theirs) = (
        cell("conflict-base").await,
        cell("conflict-mine").await,
        cell("conflict-theirs").await,
    );
    let field = ui.text_of("conflict-field").await;
    assert_eq!(field, "职工总数", "the field is named, not keyed");
    assert!(base.contains("12"), "base shows {base:?}");
    assert!(mine.contains("30"), "mine shows {mine:?}");
    assert!(theirs.contains("20"), "theirs shows {theirs:?}");
    ui.shot("18-sync-conflict").await;

    // Keep the lead's value and send it.
    ui.click("keep-mine").await;
    ui.wait_gone("conflict").await;
    ui.wait_text("没有待解决的冲突").await;
    sync_in_app(&ui).await;
    ui.wait_text_of("outbox", "0").await;
    wang.sync().await;
    assert_eq!(
        wang.firm(firm.id).staff,
        Some(30),
        "the coach receives the value the lead kept"
    );

    // Caseload assignment: the lead lists the firm and assigns it to 王晓 in bulk.
    ui.click("nav-firms").await;
    ui.type_into("firm-search", "星火").await;
    ui.wait_text_of("firm-count", "找到 1 家企业").await;
    ui.click("assign-matching").await;
    ui.click_css("[data-testid='assign-coach'] .ant-select-selector")
        .await;
    ui.click_css(".ant-select-item-option[title='王晓（历下区辅导队）']")
        .await;
    ui.click("assign-ok").await;
    ui.wait_text("已为 1 家企业更换辅导员").await;
    ui.shot("18b-firms-assigned").await;
    sync_in_app(&ui).await;
    wang.sync().await;
    assert_eq!(
        wang.firm(firm.id).coach_id,
        wang.store.actor(),
        "the coach receives the assignment"
    );

    // Team KPIs, exported to .xlsx (the save dialog resolves to the e2e folder).
    ui.click("nav-team").await;
    ui.by_id("member-row").await;
    ui.wait_text("王晓").await;
    ui.click("export-team").await;
    ui.wait_text("已导出到").await;
    ui.shot("19-team-export").await;

    // 退出登录 revokes the token on the server, not only on this laptop.
    let token = common::open_store(&lead_db)
        .session()
        .unwrap()
        .expect("the lead is logged in")
        .token;
    let old = Client::new(&url).unwrap().with_token(token);
    old.me().await.expect("the token works while logged in");
    ui.click("nav-sync").await;
    ui.click("sync-logout").await;
    ui.wait_text("尚未登录同步服务器").await;
    assert!(
        old.me().await.is_err(),
        "the server still accepts the token after 退出登录"
    );

    ui.c.close().await.unwrap();
    drop(driver);
    drop(server);

    let xlsx = std::fs::read_dir(saved_dir(tmp.path()))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .expect("an exported .xlsx file");
    let mut book = open_workbook_auto(&xlsx).unwrap();
    let sheets = book.sheet_names().to_vec();
    assert!(sheets.len() >= 2, "sheets {sheets:?}");
    let first = book.worksheet_range(&sheets[0]).unwrap();
    let cells: Vec<String> = first
        .rows()
        .flat_map(|r| r.iter())
        .filter_map(|c| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    for who in ["王晓", "赵队长"] {
        assert!(
            cells.iter().any(|c| c.contains(who)),
            "{who} missing from the KPI sheet: {cells:?}"
        );
    }
}
