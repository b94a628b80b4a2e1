use crate::dto::{self, merge_into, to_dto};
use fudao_core::model::{self as core, Entity};
use fudao_store::demo::{generate, DemoOptions};
use fudao_store::Store;
use std::path::PathBuf;

fn bindings_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts")
}

/// The committed TypeScript bindings must match what the Rust commands export.
/// `FUDAO_UPDATE_BINDINGS=1 cargo test -p fudao-app --lib bindings` rewrites them.
#[test]
fn bindings_are_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("bindings.ts");
    crate::export_bindings(&fresh).unwrap();
    let fresh = std::fs::read_to_string(&fresh).unwrap();
    if std::env::var_os("FUDAO_UPDATE_BINDINGS").is_some() {
        std::fs::write(bindings_path(), &fresh).unwrap();
    }
    assert!(fresh.contains("saveFirm"), "bindings lack saveFirm");
    assert!(
        fresh.contains("export type AppError"),
        "bindings lack AppError"
    );
    let committed = std::fs::read_to_string(bindings_path()).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/bindings.ts is out of date: run `FUDAO_UPDATE_BINDINGS=1 cargo test -p fudao-app --lib bindings`"
    );
}

fn demo_store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    generate(
        &mut s,
        &DemoOptions {
            firms: 60,
            seed: 7,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        },
    )
    .unwrap();
    s
}

/// Every demo row survives library → mirror → library unchanged, so editing in the app
/// never drops data the mirror does not show.
#[test]
fn demo_rows_round_trip() {
    let s = demo_store();
    let firms = s.list::<core::Firm>().unwrap();
    assert!(firms.len() >= 60);
    for f in &firms {
        let d: dto::Firm = to_dto(f).unwrap();
        let back: core::Firm = merge_into(f, &d).unwrap();
        assert_eq!(&back, f);
        // A brand-new row built from the mirror alone equals the original too.
        let fresh: core::Firm = merge_into(&core::Firm::new(f.id, "", ""), &d).unwrap();
        assert_eq!(&fresh, f);
    }
    let needs = s.list::<core::Need>().unwrap();
    assert!(!needs.is_empty());
    for n in &needs {
        let d: dto::Need = to_dto(n).unwrap();
        assert_eq!(&to_dto::<_, core::Need>(&d).unwrap(), n);
    }
    let visits = s.list::<core::Visit>().unwrap();
    assert!(!visits.is_empty());
    for v in &visits {
        let d: dto::Visit = to_dto(v).unwrap();
        assert_eq!(&to_dto::<_, core::Visit>(&d).unwrap(), v);
    }
}

#[test]
fn merge_keeps_unknown_keys_and_applies_nulls() {
    let mut f = core::Firm::new(
        uuid::Uuid::nil(),
        "91350100M000100Y43",
        "济南量子科技有限公司",
    );
    f.facts.srdi_score = Some(80);
    f.staff = Some(12);
    let mut d: dto::Firm = to_dto(&f).unwrap();
    d.staff = None;
    d.facts = serde_json::json!({});
    let back: core::Firm = merge_into(&f, &d).unwrap();
    assert_eq!(back.staff, None, "a cleared field is cleared");
    assert_eq!(
        back.facts.srdi_score,
        Some(80),
        "facts the UI did not send are kept"
    );
}

#[test]
fn validation_errors_map_to_field_details() {
    let mut f = core::Firm::new(uuid::Uuid::nil(), "91350100M000100Y44", "");
    f.staff = Some(1);
    f.tech_staff = Some(2);
    let err: crate::error::AppError =
        fudao_store::StoreError::Validation(f.validate().unwrap_err()).into();
    assert_eq!(err.code, "validation");
    let fields: Vec<&str> = err.details.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["name", "uscc", "tech_staff"]);
    assert!(err.details[2].message.zh.contains("科技人员数"));
}

#[test]
fn vocabulary_has_bilingual_labels() {
    let v = crate::commands::vocabulary();
    let disbursed = v.need_status.iter().find(|o| o.key == "disbursed").unwrap();
    assert_eq!(
        (disbursed.zh.as_str(), disbursed.en.as_str()),
        ("已放款", "Disbursed")
    );
    assert!(v
        .district
        .iter()
        .any(|o| o.key == "370102" && o.zh == "历下区"));
}

/// The firm list pages through the ids of the matching firms and sees writes made since.
#[test]
fn firm_list_pages_and_refreshes_after_writes() {
    use crate::firms::{page, ListCache};
    use fudao_store::list::FirmFilter;
    let mut s = demo_store();
    let cache = ListCache::default();
    let total = s.count(core::EntityKind::Firm).unwrap() as u32;
    let p1 = page(&s, &cache, FirmFilter::default(), 0, 25).unwrap();
    assert_eq!((p1.total, p1.offset, p1.rows.len()), (total, 0, 25));
    let p2 = page(&s, &cache, FirmFilter::default(), 25, 25).unwrap();
    assert!(p2.rows.iter().all(|r| p1.rows.iter().all(|x| x.id != r.id)));
    // Past the end: an empty page, offset clamped.
    let end = page(&s, &cache, FirmFilter::default(), 10_000, 25).unwrap();
    assert_eq!((end.offset, end.rows.len()), (total, 0));
    // A new firm shows up on the next request for the same filter.
    let f = core::Firm::new(
        uuid::Uuid::now_v7(),
        &fudao_core::uscc::compose("91", "370102", "MA3C4QXY").unwrap(),
        "阿尔法量子测试有限公司",
    );
    s.put(&f).unwrap();
    let again = page(&s, &cache, FirmFilter::default(), 0, 25).unwrap();
    assert_eq!(again.total, total + 1);
    let q = FirmFilter {
        query: "aeflz".into(),
        ..Default::default()
    };
    let hit = page(&s, &cache, q, 0, 25).unwrap();
    assert_eq!(hit.total, 1);
    assert_eq!(hit.rows[0].name, "阿尔法量子测试有限公司");
    // Past the ids ranked for the first page (200): every page is the matching slice of the
    // full ranking, for a broad query too.
    s.write(fudao_store::Source::Local, |w| {
        for i in 0..400 {
            let code = fudao_core::uscc::compose("91", "370102", &format!("MB{i:06}")).unwrap();
            w.put(&core::Firm::new(
                uuid::Uuid::now_v7(),
                &code,
                &format!("历下区科技{i:03}号有限公司"),
            ))?;
        }
        Ok(())
    })
    .unwrap();
    for query in ["", "公司", "科技"] {
        let f = FirmFilter {
            query: query.into(),
            ..Default::default()
        };
        let all = s.firm_ids(&f).unwrap();
        assert!(all.len() > 400, "{query}");
        for off in [0, 25, 190, 380, 430] {
            let p = page(&s, &cache, f.clone(), off, 25).unwrap();
            assert_eq!(p.total as usize, all.len(), "{query}");
            let want: Vec<uuid::Uuid> = all.iter().skip(off).take(25).copied().collect();
            let got: Vec<uuid::Uuid> = p.rows.iter().map(|r| r.id).collect();
            assert_eq!(got, want, "{query} at {off}");
        }
    }
}

/// The 评估 view carries the library's figures unchanged for every demo firm.
#[test]
fn evaluation_view_matches_the_library() {
    use fudao_core::eval::{evaluate, RuleBook};
    let s = demo_store();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let mut graded = std::collections::HashSet::new();
    for f in s.list::<core::Firm>().unwrap() {
        let e = evaluate(&f, today, RuleBook::builtin());
        let v = crate::eval::evaluation_of(&f, today).unwrap();
        assert_eq!(v.tech_sme.total, e.tech_sme.total);
        assert_eq!(v.tech_sme.indicators.len(), e.tech_sme.indicators.len());
        assert_eq!(v.tech_sme.verdict.key, e.tech_sme.verdict.key());
        assert_eq!(v.high_tech.items.len(), e.high_tech.items.len());
        assert_eq!(v.srdi.verdict.key, e.srdi.verdict.key());
        assert_eq!(
            (v.risk.score, v.risk.grade.as_str()),
            (e.risk.score, e.risk.grade.as_str())
        );
        assert_eq!(
            v.risk.groups.iter().map(|g| g.points).sum::<u32>(),
            e.risk.score,
            "group subtotals add up to the score"
        );
        graded.insert(v.risk.grade);
    }
    assert!(
        graded.len() >= 2,
        "demo firms span several risk grades: {graded:?}"
    );
}

/// Each product's fits agree with matching the whole catalogue firm by firm.
#[test]
fn product_fits_agree_with_matching() {
    use fudao_core::matching::match_products;
    let s = demo_store();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let firms: Vec<core::Firm> = s.list().unwrap();
    let needs: Vec<core::Need> = s.list().unwrap();
    let catalog = crate::plans::catalog(&s).unwrap();
    let mut any = 0;
    for p in catalog.products.iter().filter(|p| p.active).take(6) {
        let fits = crate::products::fits_of(&firms, &needs, p, today);
        assert_eq!(fits.checked as usize, firms.len());
        for f in &fits.eligible {
            let firm = firms.iter().find(|x| x.id == f.firm_id).unwrap();
            let r = match_products(firm, None, std::slice::from_ref(p), today);
            assert_eq!(
                r.eligible.len(),
                1,
                "{} is eligible for {}",
                firm.name,
                p.name
            );
        }
        assert!(fits.eligible.windows(2).all(|w| w[0].score >= w[1].score));
        any += fits.eligible_total + fits.near_miss_total;
    }
    assert!(any > 0, "demo firms fit some products");
}

/// The team view's per-coach figures are the library's KPIs for each coach, and the export
/// writes a workbook fudao-io can read back.
#[test]
fn team_overview_and_export() {
    use fudao_core::kpi::{compute, KpiParams, KpiRows, Scope};
    let s = demo_store();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let from = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let o = crate::team::overview(&s, from, today, today).unwrap();
    assert_eq!(o.months.len(), 11);
    assert!(!o.members.is_empty());
    let firms: Vec<core::Firm> = s.list().unwrap();
    assert_eq!(
        o.members.iter().map(|m| m.caseload).sum::<u32>() + o.unassigned,
        firms.len() as u32
    );
    let (teams, needs, visits, feedback) = (
        s.list().unwrap(),
        s.list().unwrap(),
        s.list().unwrap(),
        s.list().unwrap(),
    );
    // The library's KPIs from the whole documents, one coach at a time.
    let rows = KpiRows::from_entities(&teams, &firms, &needs, &visits, &feedback);
    let data = rows.data();
    for m in &o.members {
        let r = compute(
            &data,
            KpiParams::new(Scope::Coach(m.user_id.unwrap()), from, today, today),
        );
        assert_eq!(m.coached_firms as usize, r.coached_firms.current.count);
        assert_eq!(m.disbursed, r.need_satisfaction.disbursed);
        assert_eq!(m.requested, r.need_satisfaction.requested);
        assert_eq!(
            m.need_satisfaction_pct,
            r.need_satisfaction.rate.map(|x| x.percent)
        );
        assert_eq!(m.first_loan_pct, r.first_loan.rate.map(|x| x.percent));
        assert_eq!(
            m.feedback_satisfaction_pct,
            r.satisfaction.rate.map(|x| x.percent)
        );
    }
    assert!(o
        .members
        .iter()
        .any(|m| m.coached_firms > 0 && m.disbursed > 0));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("team.xlsx");
    let query = fudao_ops::kpi::KpiQuery::city(from, today, today);
    fudao_ops::kpi::write_workbook(&s, &query, &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip file");
}

/// The import wizard's dry run writes nothing and reports what the real import then does.
#[test]
fn import_dry_run_then_commit() {
    let mut s = Store::open_in_memory().unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let good = fudao_core::uscc::compose("91", "370102", "MA3C4QXY").unwrap();
    let other = fudao_core::uscc::compose("91", "370103", "MA3C4QXW").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("firms.csv");
    std::fs::write(
        &path,
        format!(
            "统一社会信用代码,企业名称,职工总数,微信群\n{good},济南量子科技有限公司,12,有\n91370102XXXXXXXX,济南坏码科技有限公司,5,无\n{other},济南星河科技有限公司,abc,有\n"
        ),
    )
    .unwrap();
    let dry = crate::import::run(&mut s, &path, true, today).unwrap();
    assert!(!dry.committed);
    assert_eq!(
        s.count(core::EntityKind::Firm).unwrap(),
        0,
        "a dry run writes nothing"
    );
    assert_eq!(dry.unknown_columns, ["微信群"]);
    assert!(dry.columns.iter().any(|c| c.field == "uscc"));
    let bad_rows: Vec<u32> = dry.problems.iter().map(|p| p.row).collect();
    assert!(
        bad_rows.contains(&3) && bad_rows.contains(&4),
        "{bad_rows:?}"
    );
    assert_eq!(dry.created, 1);
    assert_eq!(dry.preview[0].uscc, good);
    let done = crate::import::run(&mut s, &path, false, today).unwrap();
    assert!(done.committed);
    assert_eq!(done.created, 1);
    assert_eq!(s.count(core::EntityKind::Firm).unwrap(), 1);
}

/// A column the importer does not recognise, mapped by the user to 从业人数: the preview
/// shows it as a recognised (mapped) column, the import stores its values; mapping errors
/// arrive as coded, bilingual errors.
#[test]
fn import_with_a_column_mapping() {
    use crate::import::{run_mapped, ColumnMapping};
    let mut s = Store::open_in_memory().unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let a = fudao_core::uscc::compose("91", "370102", "MA3C4M01").unwrap();
    let b = fudao_core::uscc::compose("91", "370102", "MA3C4M02").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("firms.csv");
    std::fs::write(
        &path,
        format!(
            "统一社会信用代码,企业名称,在岗职工（人）\n{a},济南映射科技有限公司,46\n{b},济南映射二科技有限公司,四十\n"
        ),
    )
    .unwrap();
    let plain = crate::import::run(&mut s, &path, true, today).unwrap();
    assert_eq!(plain.unknown_columns, ["在岗职工（人）"]);
    assert_eq!(plain.preview[0].staff, None);
    let staff = plain
        .mappable_fields
        .iter()
        .find(|f| f.key == "staff")
        .expect("staff is offered");
    assert_eq!(staff.label.zh, "从业人数");
    assert_eq!(staff.label.en, "Staff");
    assert!(plain.mappable_fields.iter().all(|f| f.key != "seq"));

    let mapping = vec![ColumnMapping {
        header: "在岗职工（人）".into(),
        field: "staff".into(),
    }];
    let dry = run_mapped(&mut s, &path, &mapping, true, today).unwrap();
    assert!(dry.unknown_columns.is_empty(), "{:?}", dry.unknown_columns);
    let col = dry.columns.iter().find(|c| c.field == "staff").unwrap();
    assert!(col.mapped);
    assert_eq!(
        (col.letter.as_str(), col.header.as_str()),
        ("C", "在岗职工（人）")
    );
    assert_eq!(col.field_label.zh, "从业人数");
    assert_eq!(dry.preview[0].staff, Some(46));
    // The bad count in the mapped column is a row problem naming the column.
    let p = dry
        .problems
        .iter()
        .find(|p| p.row == 3)
        .expect("row 3 rejected");
    assert_eq!(
        (p.column.as_str(), p.value.as_str()),
        ("在岗职工（人）", "四十")
    );
    assert_eq!(s.count(core::EntityKind::Firm).unwrap(), 0);

    let done = run_mapped(&mut s, &path, &mapping, false, today).unwrap();
    assert!(done.committed);
    assert_eq!(done.created, 1);
    let firm = s.firm_by_uscc(&a).unwrap().expect("imported");
    assert_eq!(firm.staff, Some(46));

    // Mapping errors: a coded AppError with both languages, never a bare string.
    let mut bad = |field: &str, header: &str| {
        let m = vec![ColumnMapping {
            header: header.into(),
            field: field.into(),
        }];
        run_mapped(&mut s, &path, &m, true, today).unwrap_err()
    };
    let e = bad("name", "在岗职工（人）");
    assert_eq!(e.code, "import.mapping_conflict");
    assert!(
        e.message.zh.contains("C列“在岗职工（人）”") && e.message.zh.contains("B列“企业名称”"),
        "{}",
        e.message.zh
    );
    assert!(e.message.en.contains("Firm name"), "{}", e.message.en);
    let e = bad("staff", "职工总人数");
    assert_eq!(e.code, "import.mapping_header");
    assert!(e.message.zh.contains("职工总人数"));
    let e = bad("employees", "在岗职工（人）");
    assert_eq!(e.code, "import.mapping_field");
    assert!(
        e.message.en.contains("no field 'employees'"),
        "{}",
        e.message.en
    );
}

/// The members list offers the demo's coaches, and a firm assigned to one shows in that
/// coach's caseload filter of the firm list.
#[test]
fn assigned_firm_appears_in_the_coach_filter() {
    use fudao_store::list::FirmFilter;
    let mut s = demo_store();
    let users: Vec<core::User> = s.list().unwrap();
    let coach = users.iter().find(|u| u.role == core::Role::Coach).unwrap();
    let mut f = s
        .list::<core::Firm>()
        .unwrap()
        .into_iter()
        .find(|f| f.coach_id != Some(coach.id))
        .unwrap();
    let filter = FirmFilter {
        coach_id: Some(coach.id),
        ..Default::default()
    };
    let before = s.firm_ids(&filter).unwrap();
    assert!(!before.contains(&f.id));
    f.coach_id = Some(coach.id);
    s.put(&f).unwrap();
    let after = s.firm_ids(&filter).unwrap();
    assert_eq!(after.len(), before.len() + 1);
    assert!(after.contains(&f.id));
    let rows = s.firm_rows(&[f.id]).unwrap();
    assert_eq!(rows[0].coach_name.as_deref(), Some(coach.name.as_str()));
}

#[test]
fn cleartext_login_to_another_machine_needs_confirmation() {
    use fudao_sync::client::Client;
    let remote = Client::new("http://10.0.0.5:8470").unwrap();
    let e = crate::sync::refuse_cleartext(&remote, false).unwrap_err();
    assert_eq!(e.code, crate::sync::CLEARTEXT_HTTP);
    assert!(e.message.zh.contains("10.0.0.5") && e.message.zh.contains("未加密"));
    assert!(crate::sync::refuse_cleartext(&remote, true).is_ok());
    for ok in ["http://127.0.0.1:8470", "https://fudao.example.cn"] {
        assert!(crate::sync::refuse_cleartext(&Client::new(ok).unwrap(), false).is_ok());
    }
}

/// The `fudao` binary the KPI comparison runs: `$FUDAO_CLI_BIN`, else `fudao` in this build's
/// target dir (`scripts/app-test.sh` builds it first).
fn cli_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("FUDAO_CLI_BIN") {
        return PathBuf::from(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let p = target.join("debug").join("fudao");
    assert!(
        p.exists(),
        "{} is missing: build it with `cargo build -p fudao-cli` (or set FUDAO_CLI_BIN)",
        p.display()
    );
    p
}

/// `fudao kpi --json` and the app's 团队 and 工作台 give the same numbers on one demo database
/// (both read the store's slim rows and compute with `fudao_core::kpi`).
#[test]
fn cli_kpi_and_app_kpi_agree() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let from = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut s = Store::open(&path).unwrap();
    generate(
        &mut s,
        &DemoOptions {
            firms: 150,
            seed: 11,
            today,
        },
    )
    .unwrap();
    let team = crate::team::overview(&s, from, today, today).unwrap();
    let home = crate::home::overview(&s, today).unwrap();
    let users: Vec<core::User> = s.list().unwrap();
    drop(s);
    let kpi = |extra: &[&str]| -> serde_json::Value {
        let out = std::process::Command::new(cli_bin())
            .arg("--db")
            .arg(&path)
            .args([
                "--json",
                "kpi",
                "--from",
                "2026-01-01",
                "--to",
                "2026-11-26",
            ])
            .args(["--today", "2026-11-26"])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let pct = |v: &serde_json::Value| v["percent"].as_f64();
    let city = kpi(&[]);
    let c = &team.city;
    assert_eq!(
        city["coached_firms"]["current"]["count"].as_u64(),
        Some(c.coached_firms as u64)
    );
    assert!(c.coached_firms > 0 && c.disbursed > 0);
    let ns = &city["need_satisfaction"];
    assert_eq!(pct(&ns["rate"]), c.need_satisfaction_pct);
    assert_eq!(ns["requested"].as_i64(), Some(c.requested));
    assert_eq!(ns["disbursed"].as_i64(), Some(c.disbursed));
    assert_eq!(pct(&city["first_loan"]["rate"]), c.first_loan_pct);
    assert_eq!(
        pct(&city["satisfaction"]["rate"]),
        c.feedback_satisfaction_pct
    );
    // 工作台's cards: the same year-to-date figures.
    let k = &home.kpi;
    assert_eq!(k.coached_firms, c.coached_firms);
    assert_eq!(k.need_satisfaction_pct, c.need_satisfaction_pct);
    assert_eq!((k.requested, k.disbursed), (c.requested, c.disbursed));
    assert_eq!(k.first_loan_pct, c.first_loan_pct);
    assert_eq!(k.feedback_satisfaction_pct, c.feedback_satisfaction_pct);
    // One coach with figures: the CLI's coach scope and the app's member row.
    let m = team
        .members
        .iter()
        .find(|m| m.coached_firms > 0 && m.disbursed > 0)
        .expect("a coach with visits and disbursements");
    let u = users.iter().find(|u| Some(u.id) == m.user_id).unwrap();
    let coach = kpi(&["--coach", &u.username]);
    assert_eq!(
        coach["coached_firms"]["current"]["count"].as_u64(),
        Some(m.coached_firms as u64)
    );
    assert_eq!(
        coach["need_satisfaction"]["disbursed"].as_i64(),
        Some(m.disbursed)
    );
    assert_eq!(
        pct(&coach["need_satisfaction"]["rate"]),
        m.need_satisfaction_pct
    );
    assert_eq!(pct(&coach["first_loan"]["rate"]), m.first_loan_pct);
}

/// The app opens its database on a thread of its own: while a plaintext file is encrypted,
/// `lock_state` answers "opening" with the progress in KiB, never more done than in all; a
/// command sent meanwhile waits for the store instead of failing; then the state is "open".
#[test]
fn the_app_opens_in_the_background_and_reports_the_encryption() {
    use crate::state::AppState;
    use fudao_store::keys::MemoryKeyStore;
    use fudao_store::DbKey;
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.db");
    {
        let s = Store::open_plaintext(&path).unwrap();
        // ≈ 48 MB of pages, so that the encryption takes long enough to be seen.
        s.connection()
            .execute_batch(
                "CREATE TABLE pad (x BLOB);
                 WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 12000)
                 INSERT INTO pad SELECT randomblob(3900) FROM c;",
            )
            .unwrap();
    }
    let st = AppState::open_in_background(
        path.clone(),
        Ok(Some(DbKey::test_key())),
        Arc::new(MemoryKeyStore::new()),
    );
    let mut seen = Vec::new();
    let opened = loop {
        let l = st.lock_state().unwrap();
        if l.state != "opening" {
            break l;
        }
        assert!(l.done_kib <= l.total_kib || l.total_kib == 0, "{l:?}");
        seen.push((l.done_kib, l.total_kib));
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    assert_eq!((opened.state.as_str(), opened.encrypted), ("open", true));
    assert!(!seen.is_empty(), "the open was never seen in progress");
    assert!(
        seen.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress went back: {seen:?}"
    );
    drop(st);
    // A command sent right after the start waits for the store and gets it.
    let st = AppState::open_in_background(
        path,
        Ok(Some(DbKey::test_key())),
        Arc::new(MemoryKeyStore::new()),
    );
    let firms = tauri::async_runtime::block_on(
        st.with_store(|s| Ok(s.count(fudao_core::model::EntityKind::Firm)?)),
    );
    assert_eq!(firms.unwrap(), 0);
    assert_eq!(st.lock_state().unwrap().state, "open");
}

/// The app opens the encrypted database with the key from FUDAO_DB_KEY or the keystore; with
/// neither it asks (unlock screen) for a passphrase, and a wrong one is an error, not a crash.
#[test]
fn the_app_unlocks_with_env_key_keystore_or_passphrase() {
    use crate::state::AppState;
    use fudao_store::keys::{MemoryKeyStore, NoKeyStore};
    use fudao_store::DbKey;
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();

    let ks = Arc::new(MemoryKeyStore::new());
    let st = AppState::open_with(dir.path().join("a.db"), None, ks.clone());
    let l = st.lock_state().unwrap();
    assert_eq!((l.state.as_str(), l.encrypted), ("open", true));
    assert_eq!(l.key_origin.as_deref(), Some("keystore"));
    assert_eq!(ks.len(), 1, "the new key is kept in the keystore");
    drop(st);
    let again = AppState::open_with(dir.path().join("a.db"), None, ks.clone());
    assert_eq!(again.lock_state().unwrap().state, "open");

    let st = AppState::open_with(
        dir.path().join("b.db"),
        Some(DbKey::test_key()),
        Arc::new(NoKeyStore),
    );
    let l = st.lock_state().unwrap();
    assert_eq!(l.state, "open");
    assert_eq!(l.key_origin.as_deref(), Some("env"));
    drop(st);
    let wrong = AppState::open_with(
        dir.path().join("b.db"),
        Some(DbKey::random()),
        Arc::new(NoKeyStore),
    );
    let l = wrong.lock_state().unwrap();
    assert_eq!(l.state, "error");
    assert_eq!(l.error.unwrap().code, "wrong_key");

    // No keystore, no env key: choose a passphrase, then type it on later starts.
    let c = dir.path().join("c.db");
    let st = AppState::open_with(c.clone(), None, Arc::new(NoKeyStore));
    assert_eq!(st.lock_state().unwrap().state, "new_passphrase");
    assert_eq!(
        st.unlock("short".into()).unwrap_err().code,
        "weak_passphrase"
    );
    assert_eq!(st.lock_state().unwrap().state, "new_passphrase");
    let l = st.unlock("辅导队口令-2026".into()).unwrap();
    assert_eq!(l.state, "open");
    assert_eq!(l.key_origin.as_deref(), Some("passphrase"));
    drop(st);
    let st = AppState::open_with(c, None, Arc::new(NoKeyStore));
    assert_eq!(st.lock_state().unwrap().state, "locked");
    let e = st.unlock("not the passphrase".into()).unwrap_err();
    assert_eq!(e.code, "wrong_passphrase");
    assert!(e.message.zh.contains("口令错误") && e.message.en.contains("wrong passphrase"));
    assert_eq!(st.lock_state().unwrap().state, "locked");
    assert_eq!(st.unlock("辅导队口令-2026".into()).unwrap().state, "open");
}

/// The app's feedback form stores through `record_feedback` (as `fudao feedback add`): a
/// phone 不满意 rating gets its 回访 follow-up and shows on the home list until the task is
/// done; QR (the firm-facing page's source) cannot be recorded by hand; feedback rows
/// round-trip through their mirror.
#[test]
fn feedback_form_follow_up_and_home_list() {
    use crate::feedback::{record, FeedbackInput};
    let mut s = demo_store();
    let feedback = s.list::<core::Feedback>().unwrap();
    for f in &feedback {
        let d: dto::Feedback = to_dto(f).unwrap();
        assert_eq!(&to_dto::<_, core::Feedback>(&d).unwrap(), f);
    }
    let firm = s.list::<core::Firm>().unwrap().remove(0);
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let input = |source, rating| FeedbackInput {
        firm_id: firm.id.to_string(),
        date,
        rating,
        need_met: Some(false),
        comment: "<script>alert(1)</script>放款慢".into(),
        source,
    };
    let e = record(
        &mut s,
        firm.id,
        input(dto::FeedbackSource::Qr, dto::Satisfaction::Unsatisfied),
    )
    .unwrap_err();
    assert_eq!(e.code, "validation");
    assert_eq!(e.details[0].field, "source");
    assert!(
        e.details[0].message.zh.contains("纸质评价"),
        "{:?}",
        e.details
    );
    let before = s.outbox_len().unwrap();
    let r = record(
        &mut s,
        firm.id,
        input(dto::FeedbackSource::Phone, dto::Satisfaction::Unsatisfied),
    )
    .unwrap();
    assert_eq!(s.outbox_len().unwrap(), before + 2);
    assert_eq!(r.feedback.source, dto::FeedbackSource::Phone);
    assert_eq!(r.feedback.need_met, Some(false));
    assert_eq!(r.feedback.comment, "<script>alert(1)</script>放款慢");
    let v = r.follow_up.expect("不满意 makes a follow-up");
    assert!(v.notes.starts_with("回访"));
    assert_eq!(v.tasks.len(), 1);
    let listed = s.feedback_list(Some(firm.id)).unwrap();
    assert_eq!(listed[0].id, r.feedback.id);

    let home = |s: &Store| {
        crate::home::unsatisfied_feedback(
            &s.list::<core::Feedback>().unwrap(),
            &s.list::<core::Visit>().unwrap(),
            |_| "企业".to_string(),
        )
        .unwrap()
    };
    let row = home(&s)
        .into_iter()
        .find(|x| x.feedback_id == r.feedback.id)
        .expect("listed on the home card");
    assert!(row.follow_up_created);
    assert_eq!(row.comment, "<script>alert(1)</script>放款慢");
    // Once the 回访 task is done, the rating leaves the list.
    let mut visit: core::Visit = s.get(v.id).unwrap().unwrap();
    visit.tasks[0].done = true;
    s.put(&visit).unwrap();
    assert!(!home(&s).iter().any(|x| x.feedback_id == r.feedback.id));
    // A 满意 rating makes no follow-up and is not listed.
    let ok = record(
        &mut s,
        firm.id,
        input(dto::FeedbackSource::Paper, dto::Satisfaction::Satisfied),
    )
    .unwrap();
    assert!(ok.follow_up.is_none());
    assert!(!home(&s).iter().any(|x| x.feedback_id == ok.feedback.id));
}

/// Plans printed from the app carry the feedback QR code and link once the device knows
/// the server's public address, and the same link on a reprint; before that the note.
#[test]
fn printed_plans_carry_the_feedback_code_when_the_public_url_is_known() {
    let mut s = demo_store();
    let firm = s.list::<core::Firm>().unwrap().remove(0);
    let needs = s.needs_of_firm(firm.id).unwrap();
    let catalog = fudao_core::product::builtin_catalog();
    let plan = fudao_core::plan::compose_plan(&fudao_core::plan::PlanInput {
        firm: &firm,
        needs: &needs,
        visits: &[],
        team_name: "历下一队",
        coach_name: "李辅导",
        catalog: &catalog,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        previous: None,
    });
    s.put(&plan).unwrap();
    let note = crate::plans::no_code_note();
    assert!(note.zh.contains("二维码") && note.en.contains("QR code"));
    let bare = crate::plans::render(&plan, None).unwrap();
    let url = "https://fudao.example.cn/f/ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let with = crate::plans::render(&plan, Some(url)).unwrap();
    assert!(with.len() > bare.len(), "the QR code and link add content");
    let me = fudao_sync::Me {
        user_id: uuid::Uuid::now_v7(),
        username: "li".into(),
        name: "李辅导".into(),
        role: core::Role::Coach,
        team_id: plan.team_id,
        public_url: Some("https://fudao.example.cn".into()),
    };
    s.set_session(&fudao_store::sync::Session {
        server: "http://sync.internal".into(),
        token: "t".into(),
        user: me,
    })
    .unwrap();
    let a = crate::plans::feedback_url_for_test(&mut s, &plan)
        .unwrap()
        .unwrap();
    assert!(a.starts_with("https://fudao.example.cn/f/"), "{a}");
    let b = crate::plans::feedback_url_for_test(&mut s, &plan)
        .unwrap()
        .unwrap();
    assert_eq!(a, b, "a reprint carries the same link");

    // The in-app preview: the same PDF, its pages drawn as PNG images (no pdf.js).
    let pages = crate::plans::preview(
        &fudao_ops::plans::Printable {
            plan: plan.clone(),
            feedback_url: Some(a.clone()),
        },
        1.25,
    )
    .unwrap()
    .pages;
    let pdf = crate::plans::render(&plan, Some(&a)).unwrap();
    // Page objects in the PDF: `/Type /Page` not followed by `s` (the page tree).
    let key = b"/Type /Page";
    let count = (0..pdf.len().saturating_sub(key.len()))
        .filter(|&i| &pdf[i..i + key.len()] == key && pdf[i + key.len()] != b's')
        .count();
    assert!(pages.len() >= 3, "{} pages", pages.len());
    assert_eq!(pages.len(), count);
    use base64::Engine;
    for p in &pages {
        let png = base64::engine::general_purpose::STANDARD
            .decode(&p.png)
            .unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        assert!((p.width_pt - 595.3).abs() < 1.0 && (p.height_pt - 841.9).abs() < 1.0);
        assert_eq!(p.width, (p.width_pt * 1.25) as u32);
    }
}
