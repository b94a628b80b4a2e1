//! End-to-end test of the real app window: tauri-driver + WebKitWebDriver under Xvfb.
//!
//! Run through `scripts/app-e2e.sh`: it builds the UI and runs this test under Xvfb with the
//! `custom-protocol` feature, so the binary cargo builds for the test serves `ui/dist`.
//! Screenshots of every screen go to
//! `target/screenshots/`.

mod common;

use common::{app_path, launch, open_file, saved_dir};
use fantoccini::key::Key;
use fantoccini::Locator;
use fudao_core::model::{Feedback, Firm, Need, Satisfaction, Visit};
use fudao_core::plan::Plan;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const NAME: &str = "济南量子云图科技有限公司";
/// Pinyin initials of [`NAME`]'s first characters: 济南量子云图 → jnlzyt.
const INITIALS: &str = "jnlzyt";

fn seed(db: &Path) {
    let mut s = common::open_store(db);
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
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("fudao.db");
    seed(&db);
    let tech = common::open_store(&db)
        .firm_ids(&fudao_store::list::FirmFilter {
            query: "科技".into(),
            ..Default::default()
        })
        .unwrap()
        .len();
    // The firm list the import step's open dialog picks.
    let imported = [
        (
            fudao_core::uscc::compose("91", "370112", "MA3E6RT1").unwrap(),
            "济南映山红光电科技有限公司",
            46,
        ),
        (
            fudao_core::uscc::compose("91", "370112", "MA3E6RT2").unwrap(),
            "济南青禾数智农业科技有限公司",
            23,
        ),
    ];
    let csv = open_file(tmp.path());
    std::fs::create_dir_all(csv.parent().unwrap()).unwrap();
    let mut text = String::from("统一社会信用代码,企业名称,在岗职工（人）\n");
    for (code, name, staff) in &imported {
        text.push_str(&format!("{code},{name},{staff}\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let (driver, ui) = launch(&app_path(), &db, tmp.path()).await;

    // Home, in Chinese, with the window title.
    assert!(ui.text_of("app-title").await.contains("金融辅导工作台"));
    let title = ui.c.title().await.unwrap();
    assert!(title.contains("金融辅导工作台"), "document title {title}");
    ui.wait_text("企业数").await;
    // Wait for the data, not just the titles.
    ui.wait_text("本年度指标").await;
    ui.wait_text("300").await;
    ui.shot("01-home").await;

    // Firms list: search by Chinese substring.
    ui.click("nav-firms").await;
    ui.wait_text_of("firm-count", "共 300 家企业").await;
    ui.type_into("firm-search", "科技").await;
    ui.click_css("[data-testid='firm-count'][data-query='科技']")
        .await;
    assert!(ui.text_of("firm-count").await.contains("找到"));
    // As many as the store finds, the first one shown in full.
    ui.wait_text_of("firm-count", &format!("找到 {tech} 家企业"))
        .await;
    // (WebKitWebDriver reports no text for ellipsised cells: read the name's title.)
    let first =
        ui.c.find(Locator::Css(
            "[data-testid='firm-row'][data-index='0'] [data-testid='firm-row-name']",
        ))
        .await
        .unwrap()
        .attr("title")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        first.contains("科技"),
        "first row {first:?} does not match 科技"
    );
    ui.shot("02-firms-search").await;
    // Every firm is listed without a query; a district filter narrows the list.
    ui.type_into("firm-search", "").await;
    ui.wait_text_of("firm-count", "共 300 家企业").await;
    ui.click_css("[data-testid='filter-district'] .ant-select-selector")
        .await;
    ui.click_css(".ant-select-item-option[title='历下区']")
        .await;
    ui.wait_text_of("firm-count", "找到").await;
    let filtered: u32 = ui
        .text_of("firm-count")
        .await
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .unwrap();
    assert!(
        filtered > 0 && filtered < 300,
        "district filter gives {filtered}"
    );
    ui.shot("02b-firms-filtered").await;

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
    ui.wait_text_of("err-uscc", "校验").await;
    ui.wait_text_of("err-tech_staff", "科技人员数（12）不能多于职工总数（10）")
        .await;
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
    ui.tab("走访记录/评价").await;
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

    // A rating the firm gave by phone: 不满意 (need not met) is listed with its source and
    // makes the coach's 回访 follow-up.
    ui.click("add-feedback").await;
    ui.by_id("feedback-form").await;
    ui.click_css(r#"label:has(input[data-testid="fb-rating-unsatisfied"])"#)
        .await;
    ui.click_css(r#"label:has(input[data-testid="fb-need-met-no"])"#)
        .await;
    ui.type_into("fb-comment", "放款周期太长").await;
    ui.click("save-feedback").await;
    ui.wait_gone("feedback-form").await;
    ui.wait_text_of("fb-item-rating", "不满意").await;
    ui.wait_text_of("fb-item-comment", "放款周期太长").await;
    ui.wait_text("回访").await;
    ui.shot("06c-firm-feedback").await;

    // 评估: score breakdown chart, designation gaps and risk grade.
    ui.tab("评估").await;
    ui.by_id("indicators").await;
    ui.by_id("risk-grade").await;
    ui.wait_text("科技型中小企业评价得分构成").await;
    assert!(
        ui.by_id("score-chart")
            .await
            .find(Locator::Css("svg"))
            .await
            .is_ok(),
        "the score chart is drawn"
    );
    ui.shot("06b-firm-evaluation").await;

    // Draft the 一企一策 plan and preview its PDF inside the app.
    ui.tab("一企一策").await;
    ui.click("draft-plan").await;
    ui.wait_text("一、企业概况").await;
    let number = ui.text_of("plan-number").await;
    assert!(!number.trim().is_empty(), "plan number shown");
    ui.shot("07-firm-plan").await;
    ui.click("preview-plan").await;
    let pages = ui.by_id_within("pdf-pages", Duration::from_secs(90)).await;
    let n: u32 = pages
        .attr("data-pages")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    assert!(n >= 1, "preview shows {n} pages");
    let canvases =
        ui.c.find_all(Locator::Css("[data-testid='pdf-page']"))
            .await
            .unwrap();
    assert_eq!(canvases.len() as u32, n, "one canvas per page");
    ui.shot("08-plan-pdf-preview").await;
    ui.c.find(Locator::Css(".ant-modal-close"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    ui.wait_gone("pdf-preview").await;
    // Save the PDF (the save dialog resolves to the e2e folder, see `common::launch`).
    ui.click("save-plan-pdf").await;
    ui.wait_text("已保存到").await;
    let saved_pdf = saved_dir(tmp.path()).join(format!("{}.pdf", number.trim()));

    // Change history from the audit trail.
    ui.tab("变更记录").await;
    ui.wait_text("新建记录").await;
    ui.shot("09-firm-history").await;

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
    assert_eq!(
        active.attr("id").await.unwrap().as_deref(),
        Some("global-search"),
        "Ctrl+K focuses the firm search"
    );
    active.send_keys(INITIALS).await.unwrap();
    // The dropdown fades in: wait until a hit shows the new firm's name.
    ui.by_id("search-hit").await;
    let start = Instant::now();
    let hit = loop {
        let mut found = None;
        for h in
            ui.c.find_all(Locator::Css("[data-testid='search-hit']"))
                .await
                .unwrap()
        {
            if h.text().await.unwrap_or_default().contains(NAME) {
                found = Some(h);
                break;
            }
        }
        if let Some(h) = found {
            break h;
        }
        if start.elapsed() > Duration::from_secs(15) {
            ui.fail_shot("search-initials").await;
            panic!("no search hit for initials {INITIALS} shows {NAME}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    ui.shot("10-search-initials").await;
    hit.click().await.unwrap();
    ui.wait_text(&valid).await;

    // 产品库: the catalogue and the firms a product fits.
    ui.click("nav-products").await;
    ui.click_css("[data-testid='product-row'] td").await;
    ui.wait_text_of("fits-checked", "已比对本机").await;
    ui.shot("13-products").await;
    ui.click_css(".ant-drawer-close").await;

    // 团队: KPIs by coach with charts.
    ui.click("nav-team").await;
    ui.by_id("member-row").await;
    ui.by_id("chart-by-coach").await;
    ui.shot("14-team").await;

    // 导入: a firm list whose staff column has a header the reader does not know; map it to
    // 从业人数 in the wizard, see the dry run, import.
    ui.click("nav-import").await;
    ui.shot("15-import").await;
    ui.click("import-pick").await;
    ui.wait_text_of("import-unknown", "在岗职工（人）").await;
    // The field list is long and virtualised: search it, as a user would.
    ui.click_css("[data-testid='import-map-0'] .ant-select-selector")
        .await;
    ui.c.find(Locator::Css("[data-testid='import-map-0'] input"))
        .await
        .unwrap()
        .send_keys("从业人数")
        .await
        .unwrap();
    ui.click_css(".ant-select-item-option[title='从业人数']")
        .await;
    ui.wait_text_of("import-columns", "在岗职工（人）").await;
    ui.shot("15b-import-mapped").await;
    ui.click("import-confirm").await;
    ui.wait_text_of("import-done", "新增 2 家").await;
    ui.shot("15c-import-done").await;

    // 同步 (the lead's suite, e2e_lead.rs, drives it against a server).
    ui.click("nav-sync").await;
    ui.wait_text("尚未登录同步服务器").await;
    ui.shot("16-sync").await;

    // Settings, then English.
    ui.click("nav-settings").await;
    assert!(ui.text_of("db-path").await.contains("fudao.db"));
    ui.shot("11-settings").await;
    // A backup into the save dialog's folder: the message names it when it is written.
    ui.click("backup").await;
    ui.wait_text("已备份到").await;
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
    ui.shot("12-firms-english").await;

    ui.c.close().await.unwrap();
    drop(driver);

    // The database holds what the UI said it saved.
    let s = common::open_store(&db);
    // The backup is a copy the same key opens, with the same firms.
    let backup = std::fs::read_dir(saved_dir(tmp.path()))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("fudao-backup-"))
        })
        .expect("the backup file");
    assert_eq!(
        common::open_store(&backup)
            .count(fudao_core::model::EntityKind::Firm)
            .unwrap(),
        s.count(fudao_core::model::EntityKind::Firm).unwrap()
    );
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
    // The visit logged in the window, and the 回访 follow-up of the 不满意 rating.
    let visits: Vec<Visit> = s.visits_of_firm(firm.id).unwrap();
    assert_eq!(visits.len(), 2, "{visits:?}");
    assert!(visits
        .iter()
        .any(|v| v.tasks.iter().any(|t| t.title == "补充近三年财务报表")));
    let feedback: Vec<Feedback> = s.children_of_firm(firm.id).unwrap();
    assert_eq!(feedback.len(), 1);
    assert_eq!(feedback[0].rating, Satisfaction::Unsatisfied);
    assert_eq!(feedback[0].need_met, Some(false));
    assert_eq!(feedback[0].comment, "放款周期太长");
    let follow_up = visits
        .iter()
        .find(|v| v.id == feedback[0].follow_up_id())
        .expect("the 回访 follow-up");
    assert_eq!(follow_up.tasks.len(), 1);
    let plans: Vec<Plan> = s.children_of_firm(firm.id).unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].number, number.trim());
    for (code, name, staff) in &imported {
        let f = s.firm_by_uscc(code).unwrap().expect("imported firm");
        assert_eq!(
            (f.name.as_str(), f.staff),
            (*name, Some(*staff)),
            "the mapped column filled 从业人数"
        );
    }
    // The PDF the app saved carries the firm's name as text (pdftotext from poppler-utils).
    let out = Command::new("pdftotext")
        .arg(&saved_pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(NAME), "PDF text lacks the firm name");
}
