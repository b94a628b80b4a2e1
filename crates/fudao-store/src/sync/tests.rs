use super::*;
use chrono::Utc;
use serde_json::json;

fn firm(name: &str) -> Firm {
    let code = fudao_core::uscc::compose("91", "370102", "MA3C0009").unwrap();
    Firm::new(Uuid::now_v7(), &code, name)
}

fn change_of(f: &Firm, version: i64, seq: i64) -> Change {
    Change {
        seq,
        kind: EntityKind::Firm,
        row_id: f.id,
        team_id: f.team_id,
        version,
        deleted: false,
        data: serde_json::to_value(f).unwrap(),
        updated_at: Utc::now(),
        updated_by: None,
    }
}

fn change<E: Entity + serde::Serialize>(e: &E, version: i64, seq: i64) -> Change {
    Change {
        seq,
        kind: E::KIND,
        row_id: e.id(),
        team_id: e.team_id(),
        version,
        deleted: false,
        data: serde_json::to_value(e).unwrap(),
        updated_at: Utc::now(),
        updated_by: None,
    }
}

fn page(changes: Vec<Change>, more: bool) -> PullResponse {
    PullResponse {
        changes,
        next_cursor: format!("c{}", Uuid::now_v7()),
        more,
    }
}

/// A pulled 不满意 QR rating gives the firm's coach (this device's user) one 回访 visit
/// with its task, decided after the pull's last page, once, queued for sync; nothing
/// for other coaches' firms, other ratings, hand-recorded ratings, or a follow-up that
/// another device made already.
#[test]
fn pulled_unsatisfied_qr_rating_makes_one_follow_up_on_the_coachs_device() {
    use chrono::NaiveDate;
    use fudao_core::model::{FeedbackSource, Role, Satisfaction, Team, User};
    let team = Team {
        id: Uuid::now_v7(),
        name: "历下一队".into(),
        focus: String::new(),
        lead_id: None,
    };
    let user = |name: &str, username: &str| User {
        id: Uuid::now_v7(),
        username: username.into(),
        name: name.into(),
        institution: String::new(),
        phone: String::new(),
        team_id: Some(team.id),
        role: Role::Coach,
        active: true,
    };
    let (coach, other) = (user("李辅导", "li"), user("王辅导", "wang"));
    let mut mine = firm("济南量子科技有限公司");
    mine.team_id = Some(team.id);
    mine.coach_id = Some(coach.id);
    let mut theirs = firm("济南光子科技有限公司");
    theirs.id = Uuid::now_v7();
    theirs.team_id = Some(team.id);
    theirs.coach_id = Some(other.id);
    let date = NaiveDate::from_ymd_opt(2026, 5, 4).unwrap();
    let fb = |f: &Firm, rating, source| Feedback {
        id: Uuid::now_v7(),
        firm_id: f.id,
        team_id: f.team_id,
        date,
        rating,
        comment: "<b>放款太慢</b>".into(),
        source,
        need_met: Some(false),
        plan_id: None,
        plan_version: None,
    };
    let qr_bad = fb(&mine, Satisfaction::Unsatisfied, FeedbackSource::Qr);
    let qr_bad_done = fb(&mine, Satisfaction::Unsatisfied, FeedbackSource::Qr);
    let qr_good = fb(&mine, Satisfaction::Satisfied, FeedbackSource::Qr);
    let paper_bad = fb(&mine, Satisfaction::Unsatisfied, FeedbackSource::Paper);
    let theirs_bad = fb(&theirs, Satisfaction::Unsatisfied, FeedbackSource::Qr);
    // The follow-up of `qr_bad_done` was made on another device of the coach: it comes
    // later in the stream (next page).
    let done_elsewhere = qr_bad_done
        .follow_up(qr_bad_done.follow_up_id(), Some(coach.id), "李辅导")
        .unwrap();

    let pages = |v: i64| {
        vec![
            page(
                vec![
                    change(&team, v, 1),
                    change(&coach, v, 2),
                    change(&other, v, 3),
                    change(&qr_bad, v, 4), // before its firm in the stream
                    change(&mine, v, 5),
                    change(&theirs, v, 6),
                    change(&qr_bad_done, v, 7),
                    change(&qr_good, v, 8),
                    change(&paper_bad, v, 9),
                    change(&theirs_bad, v, 10),
                ],
                true,
            ),
            page(vec![change(&done_elsewhere, v, 11)], false),
        ]
    };

    // A device without a user creates nothing.
    let anon = Store::open_in_memory().unwrap();
    for p in pages(1) {
        anon.apply_page(&p).unwrap();
    }
    assert_eq!(anon.outbox_len().unwrap(), 0);
    assert_eq!(
        anon.visits_of_firm(mine.id).unwrap(),
        vec![done_elsewhere.clone()]
    );

    let mut s = Store::open_in_memory().unwrap();
    s.set_session(&Session {
        server: "http://sync.test".into(),
        token: "t".into(),
        user: Me {
            user_id: coach.id,
            username: "li".into(),
            name: "李辅导".into(),
            role: Role::Coach,
            team_id: Some(team.id),
            public_url: None,
        },
    })
    .unwrap();
    let [first, last]: [PullResponse; 2] = pages(1).try_into().unwrap();
    s.apply_page(&first).unwrap();
    // Decided at the end of the pull, not mid-way.
    assert!(s.visits_of_firm(mine.id).unwrap().is_empty());
    assert_eq!(s.outbox_len().unwrap(), 0);
    s.apply_page(&last).unwrap();
    let check = |s: &Store| {
        let mut visits = s.visits_of_firm(mine.id).unwrap();
        visits.sort_by_key(|v| v.id);
        let mut want = vec![
            qr_bad
                .follow_up(qr_bad.follow_up_id(), Some(coach.id), "李辅导")
                .unwrap(),
            done_elsewhere.clone(),
        ];
        want.sort_by_key(|v| v.id);
        assert_eq!(visits, want);
        let made = s.get::<Visit>(qr_bad.follow_up_id()).unwrap().unwrap();
        assert!(made.notes.starts_with("回访"), "{}", made.notes);
        assert_eq!(made.tasks[0].owner, "李辅导");
        assert_eq!(
            made.tasks[0].due,
            NaiveDate::from_ymd_opt(2026, 5, 11).unwrap()
        );
        assert!(s.visits_of_firm(theirs.id).unwrap().is_empty());
        // Only the new follow-up is queued for sync.
        let p = s.pending(10).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].row_id, qr_bad.follow_up_id());
        assert_eq!(p[0].kind, EntityKind::Visit);
    };
    check(&s);
    // A re-pull (a newer version of every row, e.g. a replaced rating) adds nothing.
    for p in pages(2) {
        s.apply_page(&p).unwrap();
    }
    check(&s);
    // Once the coach deleted the follow-up, a re-pull does not bring it back.
    let mut s2 = s;
    s2.delete::<Visit>(qr_bad.follow_up_id()).unwrap();
    for p in pages(3) {
        s2.apply_page(&p).unwrap();
    }
    assert!(s2.get::<Visit>(qr_bad.follow_up_id()).unwrap().is_none());
}

#[test]
fn outbox_becomes_mutations_and_ack_clears_it() {
    let mut s = Store::open_in_memory().unwrap();
    let mut f = firm("济南测试科技有限公司");
    s.put(&f).unwrap();
    f.staff = Some(9);
    s.put(&f).unwrap();
    let p = s.pending(10).unwrap();
    assert_eq!(p.len(), 2);
    assert!(p[0].device_seq < p[1].device_seq);
    assert_eq!(
        p[1].fields,
        json!({"staff": 9}).as_object().cloned().unwrap()
    );
    assert_eq!(p[1].op, Op::Put);
    let outcomes: Vec<MutationOutcome> = p
        .iter()
        .map(|m| MutationOutcome {
            mutation_id: m.mutation_id,
            duplicate: false,
            result: MutationResult::Applied { version: 1 },
        })
        .collect();
    s.acknowledge(&p[..1], &outcomes[..1]).unwrap();
    assert_eq!(s.outbox_len().unwrap(), 1);
    s.acknowledge(&p, &outcomes).unwrap();
    assert_eq!(s.outbox_len().unwrap(), 0);
}

#[test]
fn pulled_rows_keep_pending_local_edits_on_top_and_write_no_outbox() {
    let mut s = Store::open_in_memory().unwrap();
    let mut f = firm("济南测试科技有限公司");
    let server = f.clone();
    s.put(&f).unwrap();
    let p = s.pending(10).unwrap();
    let ok: Vec<_> = p
        .iter()
        .map(|m| MutationOutcome {
            mutation_id: m.mutation_id,
            duplicate: false,
            result: MutationResult::Applied { version: 1 },
        })
        .collect();
    s.acknowledge(&p, &ok).unwrap();
    f.notes = "本地未同步的备注".into();
    s.put(&f).unwrap();
    let mut remote = server.clone();
    remote.staff = Some(50);
    let page = PullResponse {
        changes: vec![change_of(&remote, 2, 7)],
        next_cursor: "{\"t\":7}".into(),
        more: false,
    };
    s.apply_page(&page).unwrap();
    let got: Firm = s.get(f.id).unwrap().unwrap();
    assert_eq!(got.staff, Some(50), "server change applied");
    assert_eq!(got.notes, "本地未同步的备注", "pending edit kept");
    assert_eq!(
        s.row_version(EntityKind::Firm, f.id).unwrap(),
        Some((2, false))
    );
    assert_eq!(s.outbox_len().unwrap(), 1, "applying a page queues nothing");
    assert_eq!(s.cursor().unwrap().as_deref(), Some("{\"t\":7}"));
    let audit = s.audit_of(EntityKind::Firm, f.id).unwrap();
    assert!(audit
        .iter()
        .any(|a| a.source == "sync" && a.field == "staff"));
}

#[test]
fn failed_page_changes_nothing() {
    let s = Store::open_in_memory().unwrap();
    let a = firm("甲公司");
    let mut b = firm("乙公司");
    b.uscc = fudao_core::uscc::compose("91", "370102", "MA3C0010").unwrap();
    let page = PullResponse {
        changes: vec![change_of(&a, 1, 1), change_of(&b, 1, 2)],
        next_cursor: "{\"t\":2}".into(),
        more: false,
    };
    assert!(s.apply_page_failing_after(&page, 1).is_err());
    assert_eq!(s.count(EntityKind::Firm).unwrap(), 0);
    assert_eq!(s.cursor().unwrap(), None);
    let audits: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(audits, 0);
    s.apply_page(&page).unwrap();
    assert_eq!(s.count(EntityKind::Firm).unwrap(), 2);
}

#[test]
fn resolve_mine_queues_the_value_again() {
    let mut s = Store::open_in_memory().unwrap();
    let f = firm("冲突测试公司");
    s.apply_page(&PullResponse {
        changes: vec![change_of(&f, 3, 3)],
        next_cursor: "c".into(),
        more: false,
    })
    .unwrap();
    let c = Conflict {
        id: Uuid::now_v7(),
        conflict_type: ConflictType::Field,
        kind: EntityKind::Firm,
        row_id: f.id,
        team_id: None,
        field: "staff".into(),
        base: Value::Null,
        server: json!(10),
        incoming: json!(20),
        mutation_id: Uuid::now_v7(),
        device_id: s.device_id(),
        user_id: None,
        created_at: Utc::now(),
        resolved_at: None,
        resolved_by: None,
        resolution: None,
    };
    s.store_conflicts(std::slice::from_ref(&c)).unwrap();
    assert_eq!(s.conflicts(true).unwrap().len(), 1);
    let r = s.resolve_conflict(c.id, Keep::Mine).unwrap();
    assert_eq!(r.status, "resolved");
    let got: Firm = s.get(f.id).unwrap().unwrap();
    assert_eq!(got.staff, Some(20));
    let p = s.pending(10).unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].base_version, 3);
    assert_eq!(
        p[0].fields,
        json!({"staff": 20}).as_object().cloned().unwrap()
    );
    assert_eq!(
        s.pending_resolutions().unwrap(),
        vec![(c.id, Resolution::Mine)]
    );
    s.resolution_reported(c.id).unwrap();
    assert!(s.pending_resolutions().unwrap().is_empty());
    assert!(s.conflicts(true).unwrap().is_empty());
}

/// Every row of `table` (all columns but a store's own device id, sorted), for comparing
/// two stores.
fn dump(s: &Store, table: &str) -> Vec<Vec<String>> {
    let conn = s.connection();
    let cols = if table == "audit" {
        "id, at, user_id, kind, row_id, field, old, new, source"
    } else {
        "*"
    };
    let mut st = conn
        .prepare(&format!("SELECT {cols} FROM {table}"))
        .unwrap();
    let n = st.column_count();
    let mut rows = st
        .query_map([], |r| {
            (0..n)
                .map(|i| Ok(format!("{:?}", r.get::<_, rusqlite::types::Value>(i)?)))
                .collect()
        })
        .unwrap()
        .collect::<rusqlite::Result<Vec<Vec<String>>>>()
        .unwrap();
    rows.sort();
    rows
}

fn same_contents(a: &Store, b: &Store) {
    for table in ["firm", "firm_gram", "audit", "outbox"] {
        assert_eq!(dump(a, table), dump(b, table), "table {table}");
    }
    assert_eq!(a.cursor().unwrap(), b.cursor().unwrap());
    assert_eq!(
        a.search_firms("公司", 50).unwrap().len(),
        b.search_firms("公司", 50).unwrap().len()
    );
}

/// Three pulled pages: new firms, a firm renamed on a later page (written twice in one
/// batch), a firm deleted on the last page.
fn three_pages() -> Vec<PullResponse> {
    let f: Vec<Firm> = (0..6)
        .map(|i| {
            let mut f = firm(&format!("济南第{i}号科技有限公司"));
            f.uscc =
                fudao_core::uscc::compose("91", "370102", &format!("MA3C{:04}", 100 + i)).unwrap();
            f
        })
        .collect();
    let mut renamed = f[0].clone();
    renamed.name = "泉城改名商贸公司".into();
    let mut gone = change_of(&f[1], 2, 8);
    gone.deleted = true;
    vec![
        page(
            vec![
                change_of(&f[0], 1, 1),
                change_of(&f[1], 1, 2),
                change_of(&f[2], 1, 3),
            ],
            true,
        ),
        page(
            vec![
                change_of(&f[3], 1, 4),
                change_of(&f[4], 1, 5),
                change_of(&renamed, 2, 6),
            ],
            true,
        ),
        page(vec![change_of(&f[5], 1, 7), gone], false),
    ]
}

/// Pages applied in one transaction give the same store (rows, search index, audit, cursor)
/// as the same pages applied one by one.
#[test]
fn pages_applied_in_one_batch_equal_page_by_page() {
    let pages = three_pages();
    let one_by_one = Store::open_in_memory().unwrap();
    for p in &pages {
        one_by_one.apply_page(p).unwrap();
    }
    let batched = Store::open_in_memory().unwrap();
    batched.apply_pages(&pages).unwrap();
    same_contents(&one_by_one, &batched);
    assert_eq!(
        batched.cursor().unwrap().as_deref(),
        Some(pages[2].next_cursor.as_str())
    );
    assert_eq!(batched.search_firms("改名", 10).unwrap().len(), 1);
    assert_eq!(batched.search_firms("第1号", 10).unwrap().len(), 0); // deleted
    assert_eq!(batched.search_firms("第0号", 10).unwrap().len(), 0); // renamed
}

/// A batch that fails anywhere (here in its last page) keeps nothing of any of its pages,
/// nor their cursor; the pull then resumes from the last committed cursor to the same store.
#[test]
fn interrupted_batch_keeps_nothing_and_the_pull_resumes() {
    let pages = three_pages();
    let reference = Store::open_in_memory().unwrap();
    for p in &pages {
        reference.apply_page(p).unwrap();
    }
    let s = Store::open_in_memory().unwrap();
    assert!(s.apply_pages_failing_after(&pages, 7).is_err());
    assert_eq!(s.count(EntityKind::Firm).unwrap(), 0);
    assert_eq!(s.cursor().unwrap(), None);
    assert!(dump(&s, "firm_gram").is_empty());
    assert!(dump(&s, "audit").is_empty());

    s.apply_pages(&pages[..1]).unwrap();
    let after_first = Store::open_in_memory().unwrap();
    after_first.apply_page(&pages[0]).unwrap();
    assert!(s.apply_pages_failing_after(&pages[1..], 4).is_err());
    same_contents(&after_first, &s);

    s.apply_pages(&pages[1..]).unwrap();
    same_contents(&reference, &s);
}
