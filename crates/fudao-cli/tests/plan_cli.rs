//! End-to-end tests of `fudao catalog` and `fudao plan` on a `fudao demo` database: the real
//! binary, the real store, real PDFs checked with poppler's `pdftotext`.

use fudao_core::model::Firm;
use fudao_core::plan::{plan_headings, plan_horizon, Plan};
use fudao_store::Store;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2026-11-26";

mod common;
use common::fudao;

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn demo_db(dir: &Path, firms: usize) -> PathBuf {
    let db = dir.join("demo.db");
    ok(&fudao(
        &db,
        &[
            "demo",
            "--firms",
            &firms.to_string(),
            "--seed",
            "7",
            "--today",
            TODAY,
        ],
    ));
    db
}

fn firms(db: &Path) -> Vec<Firm> {
    let mut v: Vec<Firm> = Store::open_with_key(db, &fudao_store::DbKey::test_key())
        .unwrap()
        .list()
        .unwrap();
    v.sort_by(|a, b| a.uscc.cmp(&b.uscc));
    v
}

fn pdftotext(pdf: &Path) -> String {
    let o = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed (poppler-utils)");
    assert!(o.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8(o.stdout).unwrap()
}

/// Text with the white space pdftotext inserts for layout removed.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn plan_for_one_firm_prints_every_section_and_is_stored_and_versioned() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo_db(tmp.path(), 12);
    let all = firms(&db);
    // A firm with needs makes the richest plan; any firm must work.
    let firm = &all[0];
    let pdf = tmp.path().join("out/plan.pdf");
    ok(&fudao(
        &db,
        &[
            "plan",
            &firm.uscc,
            "--out",
            pdf.to_str().unwrap(),
            "--today",
            TODAY,
        ],
    ));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let text = squeeze(&pdftotext(&pdf));
    assert!(text.contains(&squeeze(&firm.name)), "firm name missing");
    assert!(text.contains(&firm.uscc), "USCC missing");
    let stored: Vec<Plan> =
        serde_json::from_str(&ok(&fudao(&db, &["--json", "plan", "list", &firm.uscc]))).unwrap();
    for h in plan_headings(&stored[0]) {
        assert!(text.contains(&h), "heading {h} missing");
    }
    assert!(text.contains("一企一策融资服务方案"));

    // Stored as version 1 draft; a second run re-renders the same plan.
    let list = ok(&fudao(&db, &["--json", "plan", "list", &firm.uscc]));
    let plans: Vec<Plan> = serde_json::from_str(&list).unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].version, 1);
    assert_eq!(plans[0].firm_id, firm.id);
    ok(&fudao(
        &db,
        &[
            "plan",
            &firm.uscc,
            "--out",
            pdf.to_str().unwrap(),
            "--today",
            TODAY,
        ],
    ));
    let plans: Vec<Plan> =
        serde_json::from_str(&ok(&fudao(&db, &["--json", "plan", "list", &firm.uscc]))).unwrap();
    assert_eq!(plans.len(), 1);

    // Confirm, then confirming again is refused; a redraft makes version 2.
    ok(&fudao(
        &db,
        &["plan", "confirm", &firm.uscc, "--today", TODAY],
    ));
    let again = fudao(&db, &["plan", "confirm", &firm.uscc]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("已确认"));
    ok(&fudao(
        &db,
        &[
            "plan",
            &firm.uscc,
            "--redraft",
            "--out",
            pdf.to_str().unwrap(),
            "--today",
            TODAY,
        ],
    ));
    let plans: Vec<Plan> =
        serde_json::from_str(&ok(&fudao(&db, &["--json", "plan", "list", &firm.uscc]))).unwrap();
    let versions: Vec<(u32, String)> = plans
        .iter()
        .map(|p| (p.version, p.status.key().to_string()))
        .collect();
    assert_eq!(
        versions,
        [(2, "draft".to_string()), (1, "confirmed".to_string())]
    );
    assert!(squeeze(&pdftotext(&pdf)).contains("第2版"));
}

#[test]
fn plan_all_renders_every_firm_and_isolates_a_bad_one() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo_db(tmp.path(), 20);
    // A firm whose name the font cannot print: rendering it must fail alone.
    {
        let mut s = Store::open_with_key(&db, &fudao_store::DbKey::test_key()).unwrap();
        let mut bad = firms(&db)[0].clone();
        bad.id = uuid::Uuid::from_u128(0xBAD);
        bad.uscc = "91370100MA3C00000X".into();
        bad.uscc_override = Some("测试用".into());
        bad.name = "济南\u{1F600}表情科技有限公司".into();
        s.put(&bad).unwrap();
    }
    let out_dir = tmp.path().join("plans");
    let o = fudao(
        &db,
        &[
            "--json",
            "plan",
            "--all",
            "--out-dir",
            out_dir.to_str().unwrap(),
            "--today",
            TODAY,
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["firms"], 21);
    assert_eq!(summary["succeeded"], 20);
    assert_eq!(summary["failed"], 1);
    assert_eq!(summary["plans_stored"], 20);
    assert_eq!(summary["failures"][0]["uscc"], "91370100MA3C00000X");
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("生成方案 (plans) "),
        "no progress lines without --progress off a terminal"
    );
    let pdfs = std::fs::read_dir(&out_dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "pdf")
        })
        .count();
    assert_eq!(pdfs, 20);
    // Every good firm's PDF names the firm.
    for f in firms(&db)
        .iter()
        .filter(|f| f.id != uuid::Uuid::from_u128(0xBAD))
        .take(3)
    {
        let stem: String = f
            .name
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(40)
            .collect();
        let path = out_dir.join(format!("{}_{}.pdf", f.uscc, stem));
        assert!(squeeze(&pdftotext(&path)).contains(&squeeze(&f.name)));
    }

    // --team limits the batch to one team's firms.
    let team = {
        let s = Store::open_with_key(&db, &fudao_store::DbKey::test_key()).unwrap();
        let teams: Vec<fudao_core::model::Team> = s.list().unwrap();
        teams[0].clone()
    };
    let expected = firms(&db)
        .iter()
        .filter(|f| f.team_id == Some(team.id))
        .count();
    let o = fudao(
        &db,
        &[
            "--json",
            "plan",
            "--all",
            "--team",
            &team.id.to_string(),
            "--out-dir",
            tmp.path().join("team").to_str().unwrap(),
            "--today",
            TODAY,
            "--progress",
        ],
    );
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["firms"], expected as u64);
    // --progress without a terminal: count lines on stderr, ending with the total.
    let err = String::from_utf8_lossy(&o.stderr);
    let last = err
        .lines()
        .rfind(|l| l.starts_with("生成方案 (plans) "))
        .unwrap_or_else(|| panic!("no progress line: {err}"));
    assert_eq!(last, format!("生成方案 (plans) {expected}/{expected}"));
    // Per-plan figures: medians within maxima, sizes of real PDFs.
    let (med, max) = (
        summary["ms_median"].as_f64().unwrap(),
        summary["ms_max"].as_f64().unwrap(),
    );
    assert!(med > 0.0 && med <= max, "{med} {max}");
    let (bmed, bmax) = (
        summary["bytes_median"].as_u64().unwrap(),
        summary["bytes_max"].as_u64().unwrap(),
    );
    assert!(bmed > 10_000 && bmed <= bmax, "{bmed} {bmax}");
    // Plans already exist: nothing new is stored.
    assert_eq!(summary["plans_stored"], 0);
}

#[test]
fn catalog_list_and_import_bump_the_version() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo_db(tmp.path(), 3);
    let c: serde_json::Value =
        serde_json::from_str(&ok(&fudao(&db, &["--json", "catalog", "list"]))).unwrap();
    assert_eq!(c["version"], 1);
    let n = c["products"].as_array().unwrap().len();
    assert!(n >= 25);
    let table = ok(&fudao(&db, &["catalog", "list"]));
    assert!(table.contains("知惠贷"));

    // Change one product's rate and add one; import.
    let mut cat = c.clone();
    let i = cat["products"]
        .as_array()
        .unwrap()
        .iter()
        .position(|p| p["code"] == "QLKC-XY-01")
        .unwrap();
    cat["products"][i]["rate_max_bp"] = serde_json::json!(490);
    let mut extra = cat["products"][1].clone();
    extra["id"] = serde_json::json!("0190f0f0-0000-7000-8000-000000000001");
    extra["code"] = serde_json::json!("TEST-NEW-01");
    cat["products"].as_array_mut().unwrap().push(extra);
    let file = tmp.path().join("cat.json");
    std::fs::write(&file, serde_json::to_string(&cat).unwrap()).unwrap();
    let r: serde_json::Value = serde_json::from_str(&ok(&fudao(
        &db,
        &["--json", "catalog", "import", file.to_str().unwrap()],
    )))
    .unwrap();
    assert_eq!(r["version"], 2);
    assert_eq!(r["added"], 1);
    assert_eq!(r["updated"], 1);
    assert_eq!(r["unchanged"], n as u64 - 1);
    let c2: serde_json::Value =
        serde_json::from_str(&ok(&fudao(&db, &["--json", "catalog", "list"]))).unwrap();
    assert_eq!(c2["version"], 2);
    assert_eq!(c2["products"].as_array().unwrap().len(), n + 1);

    // An invalid catalogue is refused with the bilingual reason, and nothing changes.
    cat["products"][0]["amount_min"] = serde_json::json!(999_999_999_999i64);
    std::fs::write(&file, serde_json::to_string(&cat).unwrap()).unwrap();
    let bad = fudao(&db, &["catalog", "import", file.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("额度下限"), "{err}");
    let c3: serde_json::Value =
        serde_json::from_str(&ok(&fudao(&db, &["--json", "catalog", "list"]))).unwrap();
    assert_eq!(c3["version"], 2);
}

/// The whole demo batch (200 firms × 2 seeds), composed as `fudao plan --all` composes it:
/// every open reasonable need is answered in section 五 (its amount with a product or the
/// reason none fits), no term is short money for a long use, no bill product without bills, no
/// bond below its revenue floor, and no action is dated before the plan date unless it is a
/// carried-over 逾期 task.
#[test]
fn demo_batch_plans_answer_every_open_need_and_keep_the_action_plan_current() {
    use fudao_core::model::{FinancingKind, Need, NeedStatus, Visit};
    use fudao_core::money::fmt_wan_unit;
    use fudao_core::plan::{compose_plan, to_document, PlanInput};
    use fudao_core::product::{builtin_catalog, FundUse, LONG_TERM_MIN_MONTHS};
    use fudao_store::demo::{generate, DemoOptions};
    use std::collections::HashMap;

    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let horizon = plan_horizon(today);
    let catalog = builtin_catalog();
    let mut packages = 0;
    let mut with_products = 0;
    let mut long_items = 0;
    let mut overdue = 0;
    let mut omitted_capital = 0;
    let mut roadmap_dated = 0;
    let mut young_roadmaps = 0;
    for seed in [7, 11] {
        let mut store = Store::open_in_memory().unwrap();
        generate(
            &mut store,
            &DemoOptions {
                firms: 200,
                seed,
                today,
            },
        )
        .unwrap();
        let firms: Vec<Firm> = store.list().unwrap();
        assert_eq!(firms.len(), 200);
        let mut needs: HashMap<uuid::Uuid, Vec<Need>> = HashMap::new();
        for n in store.list::<Need>().unwrap() {
            needs.entry(n.firm_id).or_default().push(n);
        }
        let mut visits: HashMap<uuid::Uuid, Vec<Visit>> = HashMap::new();
        for v in store.list::<Visit>().unwrap() {
            visits.entry(v.firm_id).or_default().push(v);
        }
        for f in &firms {
            let ns = needs.get(&f.id).map(Vec::as_slice).unwrap_or(&[]);
            let vs = visits.get(&f.id).map(Vec::as_slice).unwrap_or(&[]);
            let plan = compose_plan(&PlanInput {
                firm: f,
                needs: ns,
                visits: vs,
                team_name: "测试辅导队",
                coach_name: "测试辅导员",
                catalog: &catalog,
                today,
                previous: None,
            });
            let c = &plan.content;
            let doc = to_document(&plan);
            let mut all = String::new();
            doc.for_each_text(|_, t| {
                all.push_str(t);
                all.push('\n');
            });
            let five = {
                let start = all.find("五、信贷支持方案").expect("section 五");
                let end = all[start..].find("、行动计划").map(|e| start + e).unwrap();
                &all[start..end]
            };
            let open: Vec<&Need> = ns
                .iter()
                .filter(|n| n.is_reasonable() == Some(true))
                .filter(|n| {
                    matches!(
                        n.status,
                        NeedStatus::Raised
                            | NeedStatus::Matching
                            | NeedStatus::Unmet
                            | NeedStatus::PartlyMet
                    )
                })
                .filter(|n| n.amount > n.disbursed_amount())
                .collect();
            for n in &open {
                let pk = c
                    .credit
                    .packages
                    .iter()
                    .find(|p| p.need_id == n.id)
                    .unwrap_or_else(|| panic!("{}: need {} has no package", f.name, n.id));
                packages += 1;
                assert_eq!(pk.remainder, n.amount - n.disbursed_amount());
                assert!(
                    five.contains(&fmt_wan_unit(n.amount)),
                    "{}: need amount {} not in section 五",
                    f.name,
                    fmt_wan_unit(n.amount)
                );
                assert!(
                    !pk.items.is_empty() || pk.no_fit.contains("暂无可直接申请的产品："),
                    "{}: need {} neither answered nor explained",
                    f.name,
                    n.id
                );
                if pk.items.is_empty() {
                    assert!(five.contains(&pk.no_fit));
                } else {
                    with_products += 1;
                    assert!(five.contains(&pk.items[0].product_name));
                }
                assert!(pk.next_due >= today && pk.next_due <= horizon);
                let long = FundUse::classify(&n.purpose).iter().any(|u| u.is_long());
                for it in &pk.items {
                    let p = catalog.product(it.product_id).unwrap();
                    let a = it.amount_yuan.expect("an amount");
                    assert!(a >= p.amount_min && a <= p.amount_max && a <= pk.remainder);
                    if long && matches!(n.kind, FinancingKind::Loan | FinancingKind::Guarantee) {
                        long_items += 1;
                        // Guarantee insurance has no repayment term of its own.
                        let Some(t) = it.term_months else {
                            assert_eq!(n.kind, FinancingKind::Guarantee, "{}", it.product_name);
                            continue;
                        };
                        assert!(
                            t >= LONG_TERM_MIN_MONTHS,
                            "{}: {} months of {} for {}",
                            f.name,
                            t,
                            it.product_name,
                            n.purpose
                        );
                    }
                    if it.product_code == "QCNS-PJ-01" {
                        assert!(f
                            .latest_year()
                            .and_then(|y| y.bills_receivable)
                            .is_some_and(|b| b > 0));
                    }
                    if it.kind.contains("科创票据") {
                        let rev = f.latest_year().and_then(|y| y.revenue).unwrap_or(0);
                        assert!(rev >= 100_000_000, "{}: bond at revenue {rev}", f.name);
                    }
                }
            }
            // What the next steps apply for, summed by product, stays within its ceiling.
            let mut leads: HashMap<uuid::Uuid, i64> = HashMap::new();
            for pk in &c.credit.packages {
                if let Some(first) = pk.items.first() {
                    *leads.entry(first.product_id).or_default() += first.amount_yuan.unwrap();
                }
            }
            for (id, total) in leads {
                let p = catalog.product(id).unwrap();
                assert!(
                    total <= p.amount_max,
                    "{}: {} applied for {total} > {}",
                    f.name,
                    p.name,
                    p.amount_max
                );
            }
            assert_eq!(
                c.credit.packages.len(),
                open.len()
                    + ns.iter()
                        .filter(|n| n.ruling.is_none()
                            && matches!(
                                n.status,
                                NeedStatus::Raised
                                    | NeedStatus::Matching
                                    | NeedStatus::Unmet
                                    | NeedStatus::PartlyMet
                            ))
                        .count(),
                "{}: a package for a need that is not open",
                f.name
            );
            assert_eq!(
                c.credit.text.contains("企业当前无待满足的融资需求"),
                c.credit.packages.is_empty()
                    && !ns
                        .iter()
                        .any(|n| !n.status.is_closed() && n.is_reasonable() != Some(false)),
                "{}: {}",
                f.name,
                c.credit.text
            );
            for a in &c.actions {
                assert!(
                    !a.owner.trim().is_empty(),
                    "{}: {} has no owner",
                    f.name,
                    a.task
                );
                assert!(
                    a.due >= today && a.due <= horizon,
                    "{}: {} due {}",
                    f.name,
                    a.task,
                    a.due
                );
                if let Some(o) = a.overdue_since {
                    assert!(o < today);
                    overdue += 1;
                }
            }
            let titles: Vec<&str> = c.actions.iter().map(|a| a.task.as_str()).collect();
            for (i, t) in titles.iter().enumerate() {
                assert!(!titles[..i].contains(t), "{}: {t} twice", f.name);
            }
            assert!(
                c.actions
                    .iter()
                    .filter(|a| a.task.contains("研发费用辅助账"))
                    .count()
                    <= 1,
                "{}: {:?}",
                f.name,
                titles
            );
            // The roadmap task is due by the roadmap's first date (评价入库 by 31 December,
            // a deadline to fix a condition), never after it. A certificate's expiry
            // ("有效期至…", "…到期") is not a date to do something by.
            if let Some(m) = c.measures.iter().find(|m| m.title == "资质培育路线") {
                let ch: Vec<char> = m.text.chars().collect();
                let expiry = |i: usize| {
                    let before: String = ch[i.saturating_sub(4)..i].iter().collect();
                    let after: String = ch[(i + 10).min(ch.len())..(i + 12).min(ch.len())]
                        .iter()
                        .collect();
                    before == "有效期至" || after == "到期"
                };
                let first = (0..ch.len().saturating_sub(9))
                    .filter(|&i| !expiry(i))
                    .filter_map(|i| {
                        let s: String = ch[i..i + 10].iter().collect();
                        chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()
                    })
                    .filter(|d| *d >= today)
                    .min();
                let task = c.actions.iter().find(|a| a.task.contains("资质培育路线"));
                if let (Some(first), Some(task)) = (first, task) {
                    roadmap_dated += 1;
                    assert!(
                        task.due <= first,
                        "{}: roadmap task due {} after the roadmap's date {first}",
                        f.name,
                        task.due
                    );
                }
            }
            // No advice to raise two-year growth before the firm has three financial years.
            if let Some(m) = c.measures.iter().find(|m| m.title == "资质培育路线") {
                let young = f
                    .founded
                    .zip(f.latest_year())
                    .is_some_and(|(d, y)| chrono::Datelike::year(&d) > y.year - 2);
                if young {
                    young_roadmaps += 1;
                    assert!(
                        !m.text.contains("提分空间较大的指标：")
                            || !m.text.contains("近2年主营业务收入平均增长率（"),
                        "{}: {}",
                        f.name,
                        m.text
                    );
                }
            }
            for t in &c.monitoring {
                assert!(t.due > today && t.due <= horizon, "{}: {:?}", f.name, t);
            }
            if !c.capital_market.relevant {
                omitted_capital += 1;
                assert!(!all.contains("资本市场路径"));
            }
            let headings = plan_headings(&plan);
            for h in &headings {
                assert!(all.contains(h.as_str()), "{}: {h}", f.name);
            }
        }
    }
    eprintln!(
        "packages {packages}, with products {with_products}, long-use items {long_items}, overdue tasks {overdue}, plans without 六 {omitted_capital}, dated roadmaps {roadmap_dated}"
    );
    // The batch exercises what it checks.
    assert!(packages > 100, "{packages} packages");
    assert!(
        with_products > packages / 2,
        "{with_products} of {packages}"
    );
    assert!(long_items > 50, "{long_items} long-use products");
    assert!(overdue > 20, "{overdue} overdue tasks");
    assert!(roadmap_dated > 50, "{roadmap_dated} dated roadmaps");
    assert!(
        young_roadmaps > 5,
        "{young_roadmaps} roadmaps of firms under three years"
    );
    assert!(
        omitted_capital > 10 && omitted_capital < 400,
        "{omitted_capital}"
    );
}
