use super::*;
use fudao_core::model::{FinancingKind, NeedStatus};

fn firm(uscc_body: &str, name: &str) -> Firm {
    let code = fudao_core::uscc::compose("91", "370102", uscc_body).unwrap();
    Firm::new(Uuid::now_v7(), &code, name)
}

#[test]
fn put_get_update_audits_and_queues_changed_fields_only() {
    let mut s = Store::open_in_memory().unwrap();
    let mut f = firm("MA3C0001", "济南量子科技有限公司");
    let out = s.put(&f).unwrap();
    assert!(out.created);
    assert_eq!(s.get::<Firm>(f.id).unwrap().unwrap(), f);
    f.staff = Some(120);
    let out = s.put(&f).unwrap();
    assert_eq!(out.changed, vec!["staff".to_string()]);
    // No-op put writes nothing.
    assert!(s.put(&f).unwrap().changed.is_empty());
    assert_eq!(s.outbox_len().unwrap(), 2);
    let fields: String = s
        .connection()
        .query_row(
            "SELECT fields FROM outbox ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(fields, r#"{"staff":120}"#);
    let audit = s.audit_of(EntityKind::Firm, f.id).unwrap();
    assert_eq!(audit[0].field, "staff");
    assert_eq!(audit[0].old, Some(serde_json::Value::Null));
    assert_eq!(audit[0].new, Some(serde_json::json!(120)));
}

#[test]
fn invalid_entities_are_refused_and_nothing_is_written() {
    let mut s = Store::open_in_memory().unwrap();
    let mut f = firm("MA3C0001", "测试企业");
    f.staff = Some(5);
    f.tech_staff = Some(6);
    let err = s.put(&f).unwrap_err();
    assert_eq!(err.code(), "validation");
    assert_eq!(s.count(EntityKind::Firm).unwrap(), 0);
    assert_eq!(s.outbox_len().unwrap(), 0);
}

#[test]
fn duplicate_uscc_is_refused() {
    let mut s = Store::open_in_memory().unwrap();
    let a = firm("MA3C0001", "甲公司");
    let mut b = firm("MA3C0002", "乙公司");
    b.uscc = a.uscc.clone();
    s.put(&a).unwrap();
    assert!(matches!(s.put(&b), Err(StoreError::DuplicateUscc { .. })));
}

#[test]
fn write_rolls_back_on_error() {
    let mut s = Store::open_in_memory().unwrap();
    let a = firm("MA3C0001", "甲公司");
    let mut bad = firm("MA3C0002", "乙公司");
    bad.name = String::new();
    let r = s.write(Source::Import, |w| {
        w.put(&a)?;
        w.put(&bad)?;
        Ok(())
    });
    assert!(r.is_err());
    assert_eq!(s.count(EntityKind::Firm).unwrap(), 0);
    assert_eq!(s.outbox_len().unwrap(), 0);
}

#[test]
fn search_by_substring_initials_and_uscc_prefix() {
    let mut s = Store::open_in_memory().unwrap();
    let names = [
        "济南量子科技有限公司",
        "山东泉城量子通信股份有限公司",
        "济南智能制造有限公司",
        "历下生物医药研究院",
    ];
    let mut firms = vec![];
    for (i, n) in names.iter().enumerate() {
        let f = firm(&format!("MA3C{:04}", i + 1), n);
        s.put(&f).unwrap();
        firms.push(f);
    }
    let hits = s.search_firms("量子", 10).unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].name, "济南量子科技有限公司"); // shorter name first, neither is a prefix match
    let hits = s.search_firms("jnlz", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].matched, "initials");
    let hits = s.search_firms("ｊｎ", 10).unwrap();
    assert_eq!(hits.len(), 2);
    let prefix = &firms[2].uscc[..10];
    let hits = s.search_firms(prefix, 10).unwrap();
    assert!(hits.iter().any(|h| h.id == firms[2].id));
    assert!(s.search_firms("医", 10).unwrap().len() == 1);
    assert!(s.search_firms("火星", 10).unwrap().is_empty());
    // Renaming reindexes; deleting removes.
    let mut f = firms[0].clone();
    f.name = "济南光电有限公司".into();
    s.put(&f).unwrap();
    assert_eq!(s.search_firms("量子", 10).unwrap().len(), 1);
    s.delete::<Firm>(firms[1].id).unwrap();
    assert!(s.search_firms("量子", 10).unwrap().is_empty());
    assert!(s.get::<Firm>(firms[1].id).unwrap().is_none());
}

#[test]
fn find_firm_by_uscc_id_name_and_fragment() {
    let mut s = Store::open_in_memory().unwrap();
    let a = firm("MA3C0001", "济南量子科技有限公司");
    let b = firm("MA3C0002", "济南量子通信有限公司");
    s.put(&a).unwrap();
    s.put(&b).unwrap();
    assert_eq!(s.find_firm(&a.uscc.to_lowercase()).unwrap().id, a.id);
    assert_eq!(s.find_firm(&b.id.to_string()).unwrap().id, b.id);
    assert_eq!(s.find_firm("济南量子科技有限公司").unwrap().id, a.id);
    assert_eq!(s.find_firm("量子通信").unwrap().id, b.id);
    assert!(matches!(
        s.find_firm("量子"),
        Err(StoreError::Ambiguous { .. })
    ));
    assert!(matches!(
        s.find_firm("火星"),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn children_and_tombstones_sync() {
    let mut s = Store::open_in_memory().unwrap();
    let f = firm("MA3C0001", "甲公司");
    s.put(&f).unwrap();
    let n = Need {
        id: Uuid::now_v7(),
        firm_id: f.id,
        team_id: None,
        amount: 5_000_000,
        purpose: "研发投入".into(),
        term_months: Some(12),
        kind: FinancingKind::Loan,
        collateral: vec![],
        raised_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        ruling: None,
        status: NeedStatus::Raised,
        outcomes: vec![],
        met_by_coach: false,
        closed_on: None,
        unmet_reason: None,
    };
    s.put(&n).unwrap();
    assert_eq!(s.needs_of_firm(f.id).unwrap(), vec![n.clone()]);
    assert!(s.delete::<Need>(n.id).unwrap());
    assert!(s.needs_of_firm(f.id).unwrap().is_empty());
    let op: String = s
        .connection()
        .query_row("SELECT op FROM outbox ORDER BY seq DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(op, "delete");
}

#[test]
fn file_db_migrates_backs_up_and_refuses_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/fudao.db");
    let key = crate::DbKey::test_key();
    {
        let mut s = Store::open_with_key(&path, &key).unwrap();
        s.put(&firm("MA3C0001", "甲公司")).unwrap();
    }
    // Same version: reopens without backup, device id stable.
    let dev = Store::open_with_key(&path, &key).unwrap().device_id();
    assert_eq!(Store::open_with_key(&path, &key).unwrap().device_id(), dev);
    // Pretend an old schema: a backup must appear before migrating (migration fails here
    // because the tables exist, and the failure must leave the data intact).
    {
        let c = crate::open_connection(&path, &key).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
    }
    assert!(matches!(
        Store::open_with_key(&path, &key),
        Err(StoreError::NewerSchema { found: 99, .. })
    ));
}
