use chrono::{Datelike, NaiveDate};
use fudao_core::model::{EntityKind, FinancingKind, Firm, Need, NeedStatus};
use fudao_core::patch::{FirmPatch, ImportRow, NeedPatch};
use fudao_store::demo::{generate, DemoOptions};
use fudao_store::{ImportOptions, Store};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn code(n: u32) -> String {
    fudao_core::uscc::compose("91", "370102", &format!("MA3C{n:04}")).unwrap()
}

fn row(row: u32, n: u32, name: &str) -> ImportRow {
    ImportRow {
        row,
        firm: FirmPatch {
            uscc: code(n),
            name: Some(name.into()),
            staff: Some(100),
            tech_staff: Some(20),
            ..Default::default()
        },
        need: None,
        headers: [("tech_staff".to_string(), "科技人员数".to_string())]
            .into_iter()
            .collect(),
    }
}

fn opts() -> ImportOptions {
    ImportOptions {
        strict: false,
        dry_run: false,
        team_id: None,
        coach_id: None,
        today: today(),
    }
}

#[test]
fn import_upserts_by_uscc_and_reports_bad_rows_with_column() {
    let mut s = Store::open_in_memory().unwrap();
    let mut bad = row(5, 3, "丙公司");
    bad.firm.tech_staff = Some(500);
    let rows = vec![row(3, 1, "甲公司"), row(4, 2, "乙公司"), bad];
    let r = s.import_rows(&rows, 0, &opts()).unwrap();
    assert!(r.committed);
    assert_eq!((r.created, r.updated), (2, 0));
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(r.rejected[0].row, 5);
    assert_eq!(r.rejected[0].column, "科技人员数");
    assert!(r.rejected[0].message.zh.contains("科技人员数（500）"));
    // Re-import with a change: updates, never duplicates.
    let mut again = vec![row(3, 1, "甲公司"), row(4, 2, "乙公司（更名）")];
    again[0].need = Some(NeedPatch {
        amount: 3_000_000,
        purpose: Some("研发".into()),
        term_months: Some(12),
        kind: Some(FinancingKind::Loan),
        raised_on: None,
    });
    let r = s.import_rows(&again, 0, &opts()).unwrap();
    assert_eq!(
        (r.created, r.updated, r.unchanged, r.needs_created),
        (0, 1, 1, 1)
    );
    assert_eq!(s.count(EntityKind::Firm).unwrap(), 2);
    // The same need amount again updates the open need instead of adding one.
    again[0].need.as_mut().unwrap().amount = 4_000_000;
    let r = s.import_rows(&again, 0, &opts()).unwrap();
    assert_eq!((r.needs_created, r.needs_updated), (0, 1));
    let f = s.firm_by_uscc(&code(1)).unwrap().unwrap();
    let needs: Vec<Need> = s.needs_of_firm(f.id).unwrap();
    assert_eq!(needs.len(), 1);
    assert_eq!(needs[0].amount, 4_000_000);
    assert_eq!(needs[0].status, NeedStatus::Raised);
}

#[test]
fn strict_and_dry_run_write_nothing() {
    let mut s = Store::open_in_memory().unwrap();
    let mut bad = row(4, 2, "乙公司");
    bad.firm.tech_staff = Some(101);
    let rows = vec![row(3, 1, "甲公司"), bad];
    let r = s
        .import_rows(
            &rows,
            0,
            &ImportOptions {
                strict: true,
                ..opts()
            },
        )
        .unwrap();
    assert!(!r.committed);
    assert_eq!(s.count(EntityKind::Firm).unwrap(), 0);
    // Parser rejections alone also stop a strict import.
    let r = s
        .import_rows(
            &rows[..1],
            1,
            &ImportOptions {
                strict: true,
                ..opts()
            },
        )
        .unwrap();
    assert!(!r.committed);
    let r = s
        .import_rows(
            &rows[..1],
            0,
            &ImportOptions {
                dry_run: true,
                ..opts()
            },
        )
        .unwrap();
    assert!(!r.committed);
    assert_eq!(r.created, 1);
    assert_eq!(s.count(EntityKind::Firm).unwrap(), 0);
    assert_eq!(s.outbox_len().unwrap(), 0);
}

#[test]
fn demo_is_deterministic_valid_and_complete() {
    let opts = DemoOptions {
        firms: 120,
        seed: 7,
        today: today(),
    };
    let mut a = Store::open_in_memory().unwrap();
    let sum = generate(&mut a, &opts).unwrap();
    assert_eq!(sum.firms, 120);
    assert!(sum.teams >= 2);
    assert!(sum.products >= 25);
    let mut b = Store::open_in_memory().unwrap();
    generate(&mut b, &opts).unwrap();
    let fa: Vec<Firm> = a.list().unwrap();
    let fb: Vec<Firm> = b.list().unwrap();
    assert_eq!(fa, fb);
    // Needs in every status.
    let needs: Vec<Need> = a.list().unwrap();
    for st in NeedStatus::ALL {
        assert!(
            needs.iter().any(|n| n.status == *st),
            "no need in status {st:?}"
        );
    }
    // Every generated firm is findable by its pinyin initials.
    let f = &fa[0];
    let initials = fudao_core::text::pinyin_initials(&f.name);
    let hits = a.search_firms(&initials, 50).unwrap();
    assert!(hits.iter().any(|h| h.id == f.id));
    // A different seed gives different data.
    let mut c = Store::open_in_memory().unwrap();
    generate(&mut c, &DemoOptions { seed: 8, ..opts }).unwrap();
    assert_ne!(c.list::<Firm>().unwrap(), fa);
}

/// Rows whose record contradicts itself are imported with a warning naming the row, the
/// column and the field; coherent rows get none.
#[test]
fn import_warns_about_inconsistent_records_by_row_and_column() {
    let mut s = Store::open_in_memory().unwrap();
    let mut early = row(7, 11, "丁公司");
    early.firm.founded = NaiveDate::from_ymd_opt(2025, 3, 1);
    early.firm.year = Some(2024);
    early.firm.revenue = Some(12_000_000);
    early
        .headers
        .insert("financials".into(), "2024年营业收入".into());
    let mut young = row(8, 12, "戊公司");
    young.firm.founded = NaiveDate::from_ymd_opt(2024, 3, 1);
    young.firm.stage = Some(fudao_core::model::Stage::Seed);
    young.firm.year = Some(2025);
    young.firm.revenue = Some(150_000_000);
    young.headers.insert("stage".into(), "发展阶段".into());
    let r = s
        .import_rows(&[row(6, 10, "丙公司"), early, young], 0, &opts())
        .unwrap();
    assert!(r.committed);
    assert_eq!(r.created, 3, "warnings never reject a row");
    assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
    let w = &r.warnings[0];
    assert_eq!(
        (w.row, w.column.as_str(), w.field.as_str()),
        (7, "2024年营业收入", "financials")
    );
    assert_eq!(w.code, fudao_core::consistency::code::YEAR_BEFORE_FOUNDING);
    assert!(w.message.zh.contains("2024年度") && w.message.zh.contains("2025-03-01"));
    let w = &r.warnings[1];
    assert_eq!((w.row, w.column.as_str()), (8, "发展阶段"));
    assert_eq!(w.code, fudao_core::consistency::code::STAGE_VS_REVENUE);
    assert!(w.message.en.contains("revenue"));
}

/// The fast path for new rows (one serialisation, no stored version looked up, foreign-key
/// checks off for the import's transaction) writes what the ordinary path writes: the row's
/// document and its outbox entry carry the same fields, a new need is queued with its firm,
/// the search index finds the firm, and foreign keys are enforced again afterwards, after a
/// rolled-back import as well.
#[test]
fn new_rows_queue_their_whole_document_once_and_foreign_keys_come_back_on() {
    let mut s = Store::open_in_memory().unwrap();
    let mut r1 = row(3, 1, "济南甲乙科技有限公司");
    r1.need = Some(NeedPatch {
        amount: 2_000_000,
        purpose: Some("流动资金".into()),
        term_months: Some(12),
        kind: Some(FinancingKind::Loan),
        ..Default::default()
    });
    let r = s.import_rows(&[r1], 0, &opts()).unwrap();
    assert_eq!((r.created, r.needs_created), (1, 1));
    assert!(r.timings.write > std::time::Duration::ZERO);
    let fk = |s: &Store| -> i64 {
        s.connection()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(fk(&s), 1);
    let firm = s.firm_by_uscc(&code(1)).unwrap().unwrap();
    let (data, fields, same_bytes): (String, String, bool) = s
        .connection()
        .query_row(
            "SELECT fudao_doc(f.data), fudao_doc(o.fields), f.data = o.fields FROM firm f JOIN outbox o ON o.row_id = f.id AND o.kind = 'firm' WHERE f.id = ?1",
            [firm.id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    // Compressed once, stored twice.
    assert!(same_bytes);
    let data: serde_json::Value = serde_json::from_str(&data).unwrap();
    let fields: serde_json::Value = serde_json::from_str(&fields).unwrap();
    assert_eq!(data, fields);
    assert_eq!(data["name"], "济南甲乙科技有限公司");
    let needs = s.needs_of_firm(firm.id).unwrap();
    assert_eq!(needs.len(), 1);
    assert_eq!(s.outbox_len().unwrap(), 2);
    assert_eq!(s.search_firms("甲乙", 10).unwrap()[0].id, firm.id);
    // A dry run rolls back; checks are on again.
    let r = s
        .import_rows(
            &[row(4, 2, "乙公司")],
            0,
            &ImportOptions {
                dry_run: true,
                ..opts()
            },
        )
        .unwrap();
    assert!(!r.committed);
    assert_eq!(fk(&s), 1);
}

#[test]
fn a_cancelled_import_writes_nothing_and_reports_its_progress() {
    let mut s = Store::open_in_memory().unwrap();
    let rows: Vec<ImportRow> = (0..5)
        .map(|i| row(3 + i, i + 1, &format!("公司{i}")))
        .collect();
    let mut seen = vec![];
    // Stop before the fourth row: three rows were upserted inside the transaction.
    let r = s
        .import_rows_with(&rows, 0, &opts(), &mut |done| {
            seen.push(done);
            done < 3
        })
        .unwrap();
    assert_eq!(seen, vec![0, 1, 2, 3]);
    assert!(r.cancelled);
    assert!(!r.committed);
    assert_eq!(r.created, 3, "the counts say how far it got");
    assert_eq!(s.count(EntityKind::Firm).unwrap(), 0, "nothing written");
    // Not cancelled: every row, and each is announced.
    let mut n = 0;
    let r = s
        .import_rows_with(&rows, 0, &opts(), &mut |_| {
            n += 1;
            true
        })
        .unwrap();
    assert!(r.committed && !r.cancelled);
    assert_eq!(n, 5);
    assert_eq!(s.count(EntityKind::Firm).unwrap(), 5);
}

/// An import writes the search index once, sorted, at the end of its transaction. It must
/// hold exactly what writing the same rows one by one holds: new firms, renamed firms (their
/// old grams gone), an unchanged firm, a firm renamed twice in the same sheet, and a new firm
/// renamed later in the same sheet.
#[test]
fn an_import_indexes_new_and_renamed_firms_as_writing_them_one_by_one_does() {
    let existing = [
        (1, "济南量子科技有限公司"),
        (2, "山东追光光电有限公司"),
        (3, "泉城博远数据有限公司"),
        (4, "历下食品有限公司"),
    ];
    let sheet = vec![
        row(3, 1, "济南量子光电科技有限公司"), // renamed, keeps most grams
        row(4, 2, "青岛海风环保集团"),         // renamed, keeps none
        row(5, 3, "泉城博远数据有限公司"),     // unchanged
        row(6, 10, "济南追光量子科技有限公司"), // new
        row(7, 11, "高新光电"),                // new
        row(8, 4, "历下食品集团"),             // renamed ...
        row(9, 4, "历城食品科技有限公司"),     // ... twice in the sheet
        row(10, 12, "临时名称公司"),           // new ...
        row(11, 12, "大明湖环保科技有限公司"), // ... and renamed in the same sheet
        row(12, 13, "公"),                     // new, one character
    ];
    let year = today().year() - 1;
    let setup = || {
        let mut s = Store::open_in_memory().unwrap();
        for (n, name) in existing {
            let f = row(2, n, name).firm.new_firm(uuid::Uuid::now_v7(), year);
            s.put(&f).unwrap();
        }
        s
    };
    let mut bulk = setup();
    let r = bulk.import_rows(&sheet, 0, &opts()).unwrap();
    assert!(r.committed && r.rejected.is_empty(), "{:?}", r.rejected);
    assert_eq!((r.created, r.updated, r.unchanged), (4, 5, 1));

    // The same rows, one write each (what an import did before it deferred the index).
    let mut one_by_one = setup();
    for r in &sheet {
        let f = match one_by_one.firm_by_uscc(&r.firm.uscc).unwrap() {
            Some(mut f) => {
                r.firm.apply(&mut f, year);
                f
            }
            None => r.firm.new_firm(uuid::Uuid::now_v7(), year),
        };
        one_by_one.put(&f).unwrap();
    }

    // The same index entries, firm by USCC (the ids differ, the keys need not).
    let grams = |s: &Store| -> Vec<(String, i64, String)> {
        s.connection()
            .prepare(
                "SELECT g.gram, g.sk, f.uscc FROM firm_gram g JOIN firm f ON f.key = g.firm_key \
                 ORDER BY 1, 2, 3",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let g = grams(&bulk);
    assert!(g.len() > 100);
    assert_eq!(g, grams(&one_by_one));

    // The same search results, the old names included (found no more).
    let mut queries: Vec<String> = ["公司", "公", "光电", "济南", "食品", "jn", "gxgd", "913701"]
        .map(String::from)
        .to_vec();
    for (_, name) in existing {
        queries.push(name.to_string());
    }
    for r in &sheet {
        let name = r.firm.name.clone().unwrap();
        let chars: Vec<char> = name.chars().collect();
        queries.push(name.clone());
        queries.push(chars.iter().take(2).collect());
        queries.push(chars.iter().skip(1).take(3).collect());
        queries.push(fudao_core::text::pinyin_initials(&name));
    }
    let by_uscc = |s: &Store, q: &str| -> (Vec<(String, String, &'static str)>, Vec<String>) {
        let hits = s
            .search_firms(q, 50)
            .unwrap()
            .into_iter()
            .map(|h| (h.uscc, h.name, h.matched))
            .collect();
        let filter = fudao_store::list::FirmFilter {
            query: q.to_string(),
            ..Default::default()
        };
        let ids = s
            .firm_ids(&filter)
            .unwrap()
            .into_iter()
            .map(|id| s.get::<Firm>(id).unwrap().unwrap().uscc)
            .collect();
        (hits, ids)
    };
    for q in &queries {
        assert_eq!(by_uscc(&bulk, q), by_uscc(&one_by_one, q), "{q}");
    }
    assert!(
        by_uscc(&bulk, "历下食品").0.is_empty(),
        "old names are gone"
    );
    assert!(
        by_uscc(&bulk, "临时名称").0.is_empty(),
        "old names are gone"
    );
    assert_eq!(by_uscc(&bulk, "大明湖").0.len(), 1);
}
