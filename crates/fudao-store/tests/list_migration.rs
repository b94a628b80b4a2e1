//! Migration 12 (the 企业 list's rows from the covering index `firm_list`): a schema-11 file
//! gets the qualification and tag columns and the index, and the list's rows read from it equal
//! the rows of the firms' documents, before and after later writes.

use chrono::NaiveDate;
use fudao_core::model::{Firm, Qualification, QualificationKind, User};
use fudao_store::demo::{generate, DemoOptions};
use fudao_store::list::FirmRow;
use fudao_store::Store;
use uuid::Uuid;

/// The list row of a firm as its document and its coach's record give it.
fn row_of_document(s: &Store, f: &Firm) -> FirmRow {
    FirmRow {
        id: f.id,
        uscc: f.uscc.clone(),
        name: f.name.clone(),
        district: f.district.clone(),
        industry: f.industry.clone(),
        coach_id: f.coach_id,
        coach_name: f
            .coach_id
            .and_then(|c| s.get::<User>(c).unwrap())
            .map(|u| u.name),
        first_loan_list: f.first_loan_list,
        qualifications: f
            .qualifications
            .iter()
            .map(|q| q.kind.key().to_string())
            .collect(),
        tags: f.tags.clone(),
    }
}

fn check_rows(s: &Store) -> usize {
    let firms: Vec<Firm> = s.list().unwrap();
    let ids: Vec<Uuid> = firms.iter().map(|f| f.id).collect();
    let rows = s.firm_rows(&ids).unwrap();
    let expected: Vec<FirmRow> = firms.iter().map(|f| row_of_document(s, f)).collect();
    assert_eq!(rows, expected);
    rows.len()
}

fn qualification(kind: QualificationKind) -> Qualification {
    serde_json::from_value(serde_json::json!({ "kind": kind.key() })).unwrap()
}

#[test]
fn migration_12_serves_the_list_rows_from_an_index_that_follows_every_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v11.db");
    let (edited, removed) = {
        let mut s = Store::open_plaintext(&path).unwrap();
        generate(
            &mut s,
            &DemoOptions {
                firms: 120,
                seed: 12,
                today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            },
        )
        .unwrap();
        let mut firms: Vec<Firm> = s.list().unwrap();
        // The cases the columns must carry: no coach, no tags or qualifications, several
        // of each in a given order, names and tags with quotes and non-ASCII text.
        let mut f = firms.remove(0);
        f.coach_id = None;
        f.tags = vec![];
        f.qualifications = vec![];
        s.put(&f).unwrap();
        let mut g = firms.remove(0);
        g.tags = vec!["首贷\"培植\"".into(), "a\\b".into(), "专精特新".into()];
        g.qualifications = vec![
            qualification(QualificationKind::TechSme),
            qualification(QualificationKind::HighTech),
        ];
        s.put(&g).unwrap();
        let gone = firms.remove(0);
        s.delete::<Firm>(gone.id).unwrap();
        assert!(check_rows(&s) >= 100);
        (g, gone)
    };
    // Back to schema 11.
    fudao_store::downgrade_file(&path, 11).unwrap();
    let mut s = Store::open_plaintext(&path).unwrap();
    let n = check_rows(&s);
    let row = &s.firm_rows(&[edited.id]).unwrap()[0];
    assert_eq!(row.tags, edited.tags);
    assert_eq!(row.qualifications, ["tech_sme", "high_tech"]);
    assert!(s.firm_rows(&[removed.id]).unwrap().is_empty());

    // Later writes: changed tags and qualifications, a coach assigned, a firm deleted.
    let mut h: Firm = s.get(edited.id).unwrap().unwrap();
    h.tags.reverse();
    h.qualifications.pop();
    h.coach_id = s.list::<User>().unwrap().first().map(|u| u.id);
    s.put(&h).unwrap();
    let other: Firm = s.list::<Firm>().unwrap().remove(5);
    s.delete::<Firm>(other.id).unwrap();
    assert_eq!(check_rows(&s), n - 1);
    assert!(s.firm_rows(&[other.id]).unwrap().is_empty());

    // A look-up by id keeps the primary key.
    let plan = s
        .query_plan("SELECT data FROM firm WHERE id = 'x' AND deleted = 0")
        .unwrap()
        .join("; ");
    assert!(plan.contains("sqlite_autoindex_firm_1"), "{plan}");
    // The list's orders come from their indexes, unsorted: the firms in pinyin order (with a
    // column filter too) and a USCC prefix's matches in code order.
    for (sql, index) in [
        (
            "SELECT f.id FROM firm f WHERE f.deleted = 0 ORDER BY f.initials, f.name, f.key LIMIT 50 OFFSET 60",
            "firm_order",
        ),
        (
            "SELECT f.id FROM firm f WHERE f.deleted = 0 AND f.district = '370102' ORDER BY f.initials, f.name, f.key LIMIT 50 OFFSET 60",
            "firm_order",
        ),
        (
            "SELECT f.id FROM firm f WHERE f.deleted = 0 AND f.uscc >= '9137' AND f.uscc < '9137' || '~' ORDER BY f.uscc, f.id LIMIT 50 OFFSET 0",
            "firm_uscc_live",
        ),
        (
            "SELECT count(*) FROM firm f WHERE f.deleted = 0 AND f.uscc >= '9137' AND f.uscc < '9137' || '~'",
            "firm_uscc_live",
        ),
    ] {
        let plan = s.query_plan(sql).unwrap().join("; ");
        assert!(plan.contains(index), "{sql}: {plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{sql}: {plan}");
    }
    // And give the same pages as sorting every firm does.
    let all = s
        .firm_ids(&fudao_store::list::FirmFilter::default())
        .unwrap();
    let page = s
        .firm_id_page(&fudao_store::list::FirmFilter::default(), 60, 20)
        .unwrap();
    assert_eq!(page.total, all.len());
    assert_eq!(page.ids, all[60..80]);
    let uscc = fudao_store::list::FirmFilter {
        query: "9137".into(),
        ..Default::default()
    };
    let mut codes: Vec<(String, Uuid)> = s
        .list::<Firm>()
        .unwrap()
        .into_iter()
        .filter(|f| f.uscc.starts_with("9137"))
        .map(|f| (f.uscc, f.id))
        .collect();
    codes.sort();
    let page = s.firm_id_page(&uscc, 5, 10).unwrap();
    assert_eq!(page.total, codes.len());
    let expected: Vec<Uuid> = codes[5..15].iter().map(|(_, id)| *id).collect();
    assert_eq!(page.ids, expected);
}

/// Each migration writes a copy of the database first; after it, only the two newest copies
/// of this database stay (older upgrades' copies filled the disk, and the oldest were
/// plaintext).
#[test]
fn a_migration_keeps_the_two_newest_copies_of_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fudao.db");
    drop(Store::open_plaintext(&path).unwrap());
    let stale = [
        "fudao.v5-20261101T090000.bak",
        "fudao.v9-20261202T090000.bak",
        "fudao.v10-20261203T090000.bak",
    ];
    for name in stale {
        std::fs::write(dir.path().join(name), b"an older copy").unwrap();
    }
    std::fs::write(dir.path().join("fudao.mine.bak"), b"the user's own").unwrap();
    fudao_store::downgrade_file(&path, 11).unwrap();
    drop(Store::open_plaintext(&path).unwrap());
    let mut copies: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".bak"))
        .collect();
    copies.sort();
    assert_eq!(copies.len(), 3, "{copies:?}");
    assert_eq!(copies[0], "fudao.mine.bak");
    assert_eq!(copies[1], "fudao.v10-20261203T090000.bak");
    assert!(copies[2].starts_with("fudao.v11-"), "{copies:?}");
    // The copy just written is the database before the migration.
    let copy = rusqlite::Connection::open(dir.path().join(&copies[2])).unwrap();
    let version: u32 = copy
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 11);
}
