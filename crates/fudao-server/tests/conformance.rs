//! The sync conformance suite: every scenario runs against SQLite and against a throwaway
//! PostgreSQL cluster, with a real server on port 0 and real clients with their own local
//! databases.

mod common;

use common::*;
use fudao_core::model::{EntityKind, Firm, Need, Role};
use fudao_server::ServerConfig;
use fudao_store::sync::Keep;
use fudao_sync::client::ClientError;
use fudao_sync::engine::SyncError;
use fudao_sync::replica::LocalReplica;
use fudao_sync::*;
use serde_json::json;
use uuid::Uuid;

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(super::common::Db::sqlite()).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let Some(db) = super::common::Db::postgres().await else { return };
                    super::$name(db).await
                }
            )*
        }
    };
}

conformance!(
    two_coaches_and_a_lead_converge,
    push_is_idempotent,
    reordered_batches_keep_the_latest_edit,
    same_field_edits_conflict_and_resolve,
    disjoint_field_edits_merge,
    edit_vs_delete_is_a_conflict_both_ways,
    authorization_matrix,
    malformed_and_oversized_requests_change_nothing,
    outdated_client_gets_upgrade_error_and_keeps_outbox,
    interrupted_pull_resumes,
    large_rows_end_a_page_early,
    conflicts_come_in_pages_within_the_callers_scope,
    tokens_login_limits_and_disabling,
    team_and_role_changes_leak_no_rows,
    concurrent_writers_cursor_completeness,
    randomized_convergence_with_partitions,
);

fn mutation(
    kind: EntityKind,
    row: Uuid,
    seq: i64,
    base: i64,
    fields: serde_json::Value,
) -> Mutation {
    Mutation {
        mutation_id: Uuid::now_v7(),
        device_seq: seq,
        kind,
        row_id: row,
        team_id: None,
        base_version: base,
        op: Op::Put,
        fields: fields.as_object().cloned().unwrap(),
    }
}

fn firm_fields(f: &Firm) -> serde_json::Value {
    serde_json::to_value(f).unwrap()
}

async fn server_firm(env: &Env, id: Uuid) -> Option<fudao_server::storage::RowState> {
    env.storage
        .run(move |tx| tx.get_row(EntityKind::Firm, id))
        .await
        .unwrap()
}

async fn audit_count(env: &Env) -> i64 {
    env.storage.run(|tx| tx.audit_count()).await.unwrap()
}

// ---------------------------------------------------------------------------------------------

/// The "done when" scenario: two coaches and a lead work offline, sync, and end with
/// identical data; the firm a coach creates belongs to the coach's team; roster and
/// catalogue sync down.
async fn two_coaches_and_a_lead_converge(db: Db) {
    let env = Env::new(db).await;
    // One product of the shipped catalogue, renamed (products are validated like every row).
    let mut product: serde_json::Value = serde_json::from_str::<serde_json::Value>(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../assets/catalog/products.json"),
        )
        .unwrap(),
    )
    .unwrap()["products"][0]
        .clone();
    product["name"] = json!("科技成果转化贷");
    product.as_object_mut().unwrap().remove("id");
    env.storage
        .run(move |tx| {
            fudao_server::logic::publish_catalog(
                tx,
                "test",
                vec![product.clone()],
                chrono::Utc::now(),
            )
            .map_err(|e| match e {
                fudao_server::logic::AdminError::Store(s) => s,
                o => panic!("{o}"),
            })
        })
        .await
        .unwrap();
    let mut c1 = env.replica("coach_a").await;
    let mut c2 = env.replica("coach_a2").await;
    let mut lead = env.replica("lead_a").await;

    // Offline work: coach 1 creates a firm without a team (it must land in coach 1's team).
    let f1 = firm("济南泉城新材料有限公司", None);
    c1.store.put(&f1).unwrap();
    let n1 = need(&f1, 3_000_000);
    c1.store.put(&n1).unwrap();
    let f2 = firm("济南趵突泉软件有限公司", Some(env.team_a.id));
    c2.store.put(&f2).unwrap();

    for r in [&c1, &c2, &lead] {
        r.sync().await.unwrap();
    }
    for r in [&c1, &c2, &lead] {
        r.sync().await.unwrap();
    }
    let on_server = server_firm(&env, f1.id).await.unwrap();
    assert_eq!(
        on_server.team_id,
        Some(env.team_a.id),
        "coach's firm joins the coach's team"
    );
    let got: Firm = lead.store.get(f1.id).unwrap().unwrap();
    assert_eq!(got.team_id, Some(env.team_a.id));
    assert_eq!(got.name, f1.name);

    // Concurrent disjoint edits, then a same-field edit.
    let mut a = c1.store.get::<Firm>(f2.id).unwrap().unwrap();
    a.staff = Some(80);
    c1.store.put(&a).unwrap();
    let mut b = lead.store.get::<Firm>(f2.id).unwrap().unwrap();
    b.district = Some("370102".into());
    b.notes = "队长备注".into();
    lead.store.put(&b).unwrap();
    let mut c = c2.store.get::<Firm>(f2.id).unwrap().unwrap();
    c.notes = "辅导员备注".into();
    c2.store.put(&c).unwrap();

    for r in [&c1, &lead, &c2] {
        r.sync().await.unwrap();
    }
    for r in [&c1, &lead, &c2] {
        r.sync().await.unwrap();
    }
    let expected = sorted(server_snapshot(&env.storage, Some(env.team_a.id)).await);
    for r in [&c1, &c2, &lead] {
        assert_eq!(sorted(r.snapshot()), expected, "replica equals the server");
    }
    let merged: Firm = c1.store.get(f2.id).unwrap().unwrap();
    assert_eq!(merged.staff, Some(80));
    assert_eq!(merged.district.as_deref(), Some("370102"));
    assert_eq!(
        merged.notes, "队长备注",
        "the first notes edit to arrive wins"
    );
    // The coach's notes were not lost: they are in a conflict every team member sees.
    let conflicts = lead.store.conflicts(true).unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].conflict.field, "notes");
    assert_eq!(conflicts[0].conflict.incoming, json!("辅导员备注"));
    assert_eq!(conflicts[0].conflict.server, json!("队长备注"));
    assert_eq!(conflicts[0].conflict.base, json!(""));
    // Roster and catalogue came down; the other team's rows did not.
    assert_eq!(c1.store.raw_rows(EntityKind::Product).unwrap().len(), 1);
    let users = c1.store.raw_rows(EntityKind::User).unwrap();
    assert!(users.iter().all(
        |(_, _, _, d)| d["team_id"] == json!(env.team_a.id.to_string())
            || d["role"] == json!("admin")
    ));
    assert!(users.len() >= 3);
    let teams = c1.store.raw_rows(EntityKind::Team).unwrap();
    assert_eq!(teams.len(), 1);

    // The lead keeps the coach's value; everyone converges and the conflict closes.
    let id = conflicts[0].conflict.id;
    lead.store.resolve_conflict(id, Keep::Mine).unwrap();
    lead.sync().await.unwrap();
    c1.sync().await.unwrap();
    c2.sync().await.unwrap();
    let f: Firm = c1.store.get(f2.id).unwrap().unwrap();
    assert_eq!(f.notes, "辅导员备注");
    assert!(c2.store.conflicts(true).unwrap().is_empty());
    let open = env.client("lead_a").await.conflicts().await.unwrap();
    assert!(
        open.conflicts.is_empty(),
        "resolution reported to the server"
    );
}

async fn push_is_idempotent(db: Db) {
    let env = Env::new(db).await;
    let (c, device) = env.session("coach_a").await;
    let f = firm("幂等测试公司", Some(env.team_a.id));
    let m = mutation(EntityKind::Firm, f.id, 1, 0, firm_fields(&f));
    let req = PushRequest {
        device_id: device,
        mutations: vec![m.clone()],
    };
    let r1 = c.push(&req).await.unwrap();
    assert_eq!(r1.results[0].result, MutationResult::Applied { version: 1 });
    assert!(!r1.results[0].duplicate);
    let audits = audit_count(&env).await;
    // Replayed: same answer, flagged duplicate, nothing written.
    let r2 = c.push(&req).await.unwrap();
    assert!(r2.results[0].duplicate);
    assert_eq!(r2.results[0].result, r1.results[0].result);
    assert_eq!(audit_count(&env).await, audits);
    assert_eq!(server_firm(&env, f.id).await.unwrap().version, 1);
    // Same id, different payload: rejected, nothing written.
    let mut evil = m.clone();
    evil.fields.insert("name".into(), json!("篡改后的名称"));
    let r3 = c
        .push(&PushRequest {
            device_id: device,
            mutations: vec![evil],
        })
        .await
        .unwrap();
    match &r3.results[0].result {
        MutationResult::Rejected { code, .. } => assert_eq!(code, codes::PAYLOAD_MISMATCH),
        o => panic!("{o:?}"),
    }
    let row = server_firm(&env, f.id).await.unwrap();
    assert_eq!(row.data["name"], json!(f.name));
    assert_eq!(row.version, 1);
    // A duplicate inside one batch is also applied once.
    let m2 = mutation(EntityKind::Firm, f.id, 2, 1, json!({"staff": 5}));
    let r4 = c
        .push(&PushRequest {
            device_id: device,
            mutations: vec![m2.clone(), m2.clone()],
        })
        .await
        .unwrap();
    assert!(!r4.results[0].duplicate && r4.results[1].duplicate);
    assert_eq!(server_firm(&env, f.id).await.unwrap().version, 2);
}

async fn reordered_batches_keep_the_latest_edit(db: Db) {
    let env = Env::new(db).await;
    let (c, device) = env.session("coach_a").await;
    let f = firm("乱序测试公司", Some(env.team_a.id));
    let create = mutation(EntityKind::Firm, f.id, 1, 0, firm_fields(&f));
    let first = mutation(
        EntityKind::Firm,
        f.id,
        2,
        0,
        json!({"staff": 10, "notes": "第一次"}),
    );
    let second = mutation(EntityKind::Firm, f.id, 3, 0, json!({"staff": 20}));
    // Later batch delivered first, then the earlier one, then both replayed.
    for batch in [
        vec![create.clone()],
        vec![second.clone()],
        vec![first.clone()],
        vec![first.clone(), second.clone()],
    ] {
        let r = c
            .push(&PushRequest {
                device_id: device,
                mutations: batch,
            })
            .await
            .unwrap();
        assert!(r.results.iter().all(|o| o.result.is_accepted()), "{r:?}");
    }
    let row = server_firm(&env, f.id).await.unwrap();
    assert_eq!(row.data["staff"], json!(20), "the device's later edit wins");
    assert_eq!(
        row.data["notes"],
        json!("第一次"),
        "the earlier edit's other field applies"
    );
    let open = c.conflicts().await.unwrap();
    assert!(
        open.conflicts.is_empty(),
        "one device never conflicts with itself"
    );
}

async fn same_field_edits_conflict_and_resolve(db: Db) {
    let env = Env::new(db).await;
    let mut c1 = env.replica("coach_a").await;
    let mut c2 = env.replica("coach_a2").await;
    let f = firm("同字段冲突公司", Some(env.team_a.id));
    c1.store.put(&f).unwrap();
    c1.sync().await.unwrap();
    c2.sync().await.unwrap();
    let mut a = c1.store.get::<Firm>(f.id).unwrap().unwrap();
    a.staff = Some(111);
    c1.store.put(&a).unwrap();
    let mut b = c2.store.get::<Firm>(f.id).unwrap().unwrap();
    b.staff = Some(222);
    c2.store.put(&b).unwrap();
    let r1 = c1.sync().await.unwrap();
    assert_eq!(r1.conflicts, 0);
    let r2 = c2.sync().await.unwrap();
    assert_eq!(r2.conflicts, 1);
    // The server kept the first value; c2's local row shows the server value after the pull.
    assert_eq!(
        c2.store.get::<Firm>(f.id).unwrap().unwrap().staff,
        Some(111)
    );
    let list = c2.store.conflicts(true).unwrap();
    assert_eq!(list.len(), 1);
    let k = &list[0].conflict;
    assert_eq!(
        (k.base.clone(), k.server.clone(), k.incoming.clone()),
        (json!(null), json!(111), json!(222))
    );
    assert_eq!(k.conflict_type, ConflictType::Field);
    // Resolve with a third value.
    c2.store
        .resolve_conflict(k.id, Keep::Value(json!(150)))
        .unwrap();
    c2.sync().await.unwrap();
    c1.sync().await.unwrap();
    assert_eq!(
        c1.store.get::<Firm>(f.id).unwrap().unwrap().staff,
        Some(150)
    );
    assert_eq!(
        server_firm(&env, f.id).await.unwrap().data["staff"],
        json!(150)
    );
    assert!(env
        .client("lead_a")
        .await
        .conflicts()
        .await
        .unwrap()
        .conflicts
        .is_empty());
}

async fn disjoint_field_edits_merge(db: Db) {
    let env = Env::new(db).await;
    let mut c1 = env.replica("coach_a").await;
    let mut c2 = env.replica("lead_a").await;
    let f = firm("字段合并公司", Some(env.team_a.id));
    c1.store.put(&f).unwrap();
    c1.sync().await.unwrap();
    c2.sync().await.unwrap();
    let mut a = c1.store.get::<Firm>(f.id).unwrap().unwrap();
    a.staff = Some(30);
    a.tags = vec!["首贷".into()];
    c1.store.put(&a).unwrap();
    let mut b = c2.store.get::<Firm>(f.id).unwrap().unwrap();
    b.address = Some("济南市历下区经十路".into());
    c2.store.put(&b).unwrap();
    c2.sync().await.unwrap();
    let r = c1.sync().await.unwrap();
    assert_eq!(r.conflicts, 0);
    c2.sync().await.unwrap();
    for r in [&c1, &c2] {
        let g: Firm = r.store.get(f.id).unwrap().unwrap();
        assert_eq!(g.staff, Some(30));
        assert_eq!(g.tags, vec!["首贷".to_string()]);
        assert_eq!(g.address.as_deref(), Some("济南市历下区经十路"));
    }
    assert_eq!(sorted(c1.snapshot()), sorted(c2.snapshot()));
}

async fn edit_vs_delete_is_a_conflict_both_ways(db: Db) {
    let env = Env::new(db).await;
    let mut coach = env.replica("coach_a").await;
    let lead = env.replica("lead_a").await;
    let f = firm("删除冲突公司", Some(env.team_a.id));
    let n = need(&f, 500_000);
    coach.store.put(&f).unwrap();
    coach.store.put(&n).unwrap();
    coach.sync().await.unwrap();
    lead.sync().await.unwrap();

    // (1) The lead deletes the firm while the coach edits it offline.
    let mut lead_store = lead;
    lead_store.store.delete::<Firm>(f.id).unwrap();
    lead_store.sync().await.unwrap();
    let mut e = coach.store.get::<Firm>(f.id).unwrap().unwrap();
    e.staff = Some(9);
    coach.store.put(&e).unwrap();
    let r = coach.sync().await.unwrap();
    assert_eq!(r.conflicts, 1);
    assert!(
        server_firm(&env, f.id).await.unwrap().deleted,
        "the delete stands"
    );
    assert_eq!(
        coach
            .store
            .row_version(EntityKind::Firm, f.id)
            .unwrap()
            .map(|v| v.1),
        Some(true)
    );
    let list = coach.store.conflicts(true).unwrap();
    assert_eq!(list[0].conflict.conflict_type, ConflictType::EditDeleted);
    assert_eq!(
        list[0].conflict.incoming["staff"],
        json!(9),
        "the edit is kept in the record"
    );

    // (2) The coach deletes the need while the lead edits it.
    let mut ln: Need = lead_store.store.get(n.id).unwrap().unwrap();
    ln.purpose = "设备更新".into();
    lead_store.store.put(&ln).unwrap();
    lead_store.sync().await.unwrap();
    coach.store.delete::<Need>(n.id).unwrap();
    let r = coach.sync().await.unwrap();
    assert_eq!(r.conflicts, 1);
    let row = env
        .storage
        .run(move |tx| tx.get_row(EntityKind::Need, n.id))
        .await
        .unwrap()
        .unwrap();
    assert!(!row.deleted, "the edited need stays");
    let need_back: Need = coach.store.get(n.id).unwrap().unwrap();
    assert_eq!(
        need_back.purpose, "设备更新",
        "the coach's replica shows it again"
    );
    let c = coach
        .store
        .conflicts(true)
        .unwrap()
        .into_iter()
        .find(|c| c.conflict.conflict_type == ConflictType::DeleteEdited)
        .unwrap();
    // Keep "mine" = delete after all; it now applies.
    coach
        .store
        .resolve_conflict(c.conflict.id, Keep::Mine)
        .unwrap();
    coach.sync().await.unwrap();
    let row = env
        .storage
        .run(move |tx| tx.get_row(EntityKind::Need, n.id))
        .await
        .unwrap()
        .unwrap();
    assert!(row.deleted);
}

/// Every endpoint × role × own/other team.
async fn authorization_matrix(db: Db) {
    let env = Env::new(db).await;
    let a_firm = firm("甲队企业", Some(env.team_a.id));
    let b_firm = firm("乙队企业", Some(env.team_b.id));
    let (admin, dev) = env.session("admin").await;
    for f in [&a_firm, &b_firm] {
        let mut m = mutation(EntityKind::Firm, f.id, 1, 0, firm_fields(f));
        m.team_id = f.team_id;
        let r = admin
            .push(&PushRequest {
                device_id: dev,
                mutations: vec![m],
            })
            .await
            .unwrap();
        assert_eq!(
            r.results[0].result,
            MutationResult::Applied { version: 1 },
            "admin writes any team"
        );
    }
    // Anonymous: every authenticated endpoint is 401.
    let anon = env.anon();
    assert!(matches!(anon.me().await, Err(ClientError::Unauthorized(_))));
    assert!(matches!(
        anon.pull(&PullRequest {
            cursor: None,
            limit: 10
        })
        .await,
        Err(ClientError::Unauthorized(_))
    ));
    assert!(matches!(
        anon.push(&PushRequest {
            device_id: dev,
            mutations: vec![]
        })
        .await,
        Err(ClientError::Unauthorized(_))
    ));
    assert!(matches!(
        anon.conflicts().await,
        Err(ClientError::Unauthorized(_))
    ));
    assert!(matches!(
        anon.resolve_conflict(Uuid::now_v7(), Resolution::Mine)
            .await,
        Err(ClientError::Unauthorized(_))
    ));
    assert!(matches!(
        anon.logout().await,
        Err(ClientError::Unauthorized(_))
    ));
    assert!(matches!(
        env.anon().with_token("fdt_forged").me().await,
        Err(ClientError::Unauthorized(_))
    ));

    for (user, role, own) in [
        ("coach_a", Role::Coach, env.team_a.id),
        ("lead_a", Role::Lead, env.team_a.id),
        ("coach_b", Role::Coach, env.team_b.id),
        ("lead_b", Role::Lead, env.team_b.id),
    ] {
        let (c, dev_u) = env.session(user).await;
        let me = c.me().await.unwrap();
        assert_eq!((me.role, me.team_id), (role, Some(own)));
        let (own_firm, other_firm) = if own == env.team_a.id {
            (&a_firm, &b_firm)
        } else {
            (&b_firm, &a_firm)
        };
        // Pull: own team's rows only (plus city-wide rows).
        let mut cursor = None;
        let mut seen = Vec::new();
        loop {
            let p = c
                .pull(&PullRequest {
                    cursor: cursor.clone(),
                    limit: 3,
                })
                .await
                .unwrap();
            seen.extend(p.changes);
            cursor = Some(p.next_cursor);
            if !p.more {
                break;
            }
        }
        assert!(
            seen.iter().any(|ch| ch.row_id == own_firm.id),
            "{user} sees own firm"
        );
        assert!(
            seen.iter()
                .all(|ch| ch.team_id.is_none() || ch.team_id == Some(own)),
            "{user} sees no other team's rows"
        );
        // Push: edit own team's firm ok; other team's firm forbidden; moving a row to the
        // other team refused; read-only kinds refused.
        let mut ok = mutation(
            EntityKind::Firm,
            own_firm.id,
            1,
            1,
            json!({"notes": format!("{user}")}),
        );
        ok.team_id = Some(own);
        let mut bad = mutation(
            EntityKind::Firm,
            other_firm.id,
            2,
            1,
            json!({"notes": "越权"}),
        );
        bad.team_id = other_firm.team_id;
        let bad_unclaimed = mutation(
            EntityKind::Firm,
            other_firm.id,
            3,
            1,
            json!({"notes": "越权"}),
        );
        let mut mv = mutation(
            EntityKind::Firm,
            own_firm.id,
            4,
            1,
            json!({"notes": "转队"}),
        );
        mv.team_id = other_firm.team_id;
        let new_other = {
            let f = firm("越权新建", other_firm.team_id);
            let mut m = mutation(EntityKind::Firm, f.id, 5, 0, firm_fields(&f));
            m.team_id = f.team_id;
            m
        };
        let team_row = mutation(EntityKind::Team, own, 6, 1, json!({"name": "改名"}));
        let product = mutation(
            EntityKind::Product,
            Uuid::now_v7(),
            7,
            0,
            json!({"name": "私自上架"}),
        );
        // The delete is based on the version the device has (the row's current one; a base
        // above it is refused, see the hostile suite).
        let current = server_firm(&env, own_firm.id).await.unwrap().version;
        let mut del = mutation(EntityKind::Firm, own_firm.id, 8, current, json!({}));
        del.op = Op::Delete;
        let r = c
            .push(&PushRequest {
                device_id: dev_u,
                mutations: vec![
                    ok,
                    bad,
                    bad_unclaimed,
                    mv,
                    new_other,
                    team_row,
                    product,
                    del,
                ],
            })
            .await
            .unwrap();
        let codes: Vec<String> = r
            .results
            .iter()
            .map(|o| match &o.result {
                MutationResult::Rejected { code, .. } => code.clone(),
                _ => "ok".into(),
            })
            .collect();
        let del_expect = if role == Role::Coach {
            codes::FORBIDDEN
        } else {
            "ok"
        };
        assert_eq!(
            codes,
            vec![
                "ok",
                codes::FORBIDDEN,
                codes::FORBIDDEN,
                codes::TEAM_CHANGE,
                codes::FORBIDDEN,
                codes::READ_ONLY_KIND,
                codes::READ_ONLY_KIND,
                del_expect
            ],
            "{user}"
        );
        // Conflicts: only own team's; resolving another team's conflict is 404.
        let list = c.conflicts().await.unwrap();
        assert!(list.conflicts.iter().all(|k| k.team_id == Some(own)));
        if role == Role::Lead {
            // Undo the lead's delete for the next user in the loop.
            let row = own_firm.id;
            env.storage
                .run(move |tx| {
                    let mut r = tx.get_row(EntityKind::Firm, row)?.unwrap();
                    r.deleted = false;
                    tx.put_row(&r)
                })
                .await
                .unwrap();
        }
    }
    // Conflict visibility across teams: make one in team B, check team A cannot see/resolve.
    let (cb, dev_b) = env.session("coach_b").await;
    let (cb2, dev_b2) = env.session("lead_b").await;
    let first = mutation(EntityKind::Firm, b_firm.id, 1, 1, json!({"staff": 1}));
    cb.push(&PushRequest {
        device_id: dev_b,
        mutations: vec![first],
    })
    .await
    .unwrap();
    let second = mutation(EntityKind::Firm, b_firm.id, 1, 1, json!({"staff": 2}));
    let r = cb2
        .push(&PushRequest {
            device_id: dev_b2,
            mutations: vec![second],
        })
        .await
        .unwrap();
    let MutationResult::Conflict { conflicts, .. } = &r.results[0].result else {
        panic!("{r:?}")
    };
    let cid = conflicts[0].id;
    let ca = env.client("coach_a").await;
    assert!(ca
        .conflicts()
        .await
        .unwrap()
        .conflicts
        .iter()
        .all(|k| k.id != cid));
    match ca.resolve_conflict(cid, Resolution::Theirs).await {
        Err(ClientError::Api { status: 404, .. }) => {}
        o => panic!("{o:?}"),
    }
    assert!(
        admin
            .conflicts()
            .await
            .unwrap()
            .conflicts
            .iter()
            .any(|k| k.id == cid),
        "admin sees all"
    );
    let resolved = cb.resolve_conflict(cid, Resolution::Theirs).await.unwrap();
    assert_eq!(resolved.resolution.as_deref(), Some("theirs"));
    // Admin pulls every team.
    let p = admin
        .pull(&PullRequest {
            cursor: None,
            limit: 2000,
        })
        .await
        .unwrap();
    assert!(
        p.changes.iter().any(|c| c.row_id == a_firm.id)
            && p.changes.iter().any(|c| c.row_id == b_firm.id)
    );
}

async fn malformed_and_oversized_requests_change_nothing(db: Db) {
    let cfg = ServerConfig {
        max_body_bytes: 64 * 1024,
        ..ServerConfig::default()
    };
    let env = Env::with_config(db, cfg).await;
    let token = env.token("coach_a").await;
    let before = (
        audit_count(&env).await,
        server_snapshot(&env.storage, None).await,
    );
    // A fresh connection per request: after refusing an oversized body the server closes the
    // connection without reading the rest, and a pooled connection reused for the next case
    // fails with IncompleteMessage (a real client retries; this test checks the answers).
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let send = |path: &str, body: Vec<u8>, ct: &str, gz: bool| {
        let mut rb = http
            .post(format!("{}{}", env.url, path))
            .header("x-fudao-protocol", "1")
            .header("x-fudao-schema", "1")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", ct.to_string())
            .body(body);
        if gz {
            rb = rb.header("content-encoding", "gzip");
        }
        rb.send()
    };
    let big_firm = {
        let mut f = firm("超大请求", Some(env.team_a.id));
        f.notes = "很".repeat(40_000);
        f
    };
    let big = serde_json::to_vec(&PushRequest {
        device_id: Uuid::now_v7(),
        mutations: vec![mutation(
            EntityKind::Firm,
            big_firm.id,
            1,
            0,
            firm_fields(&big_firm),
        )],
    })
    .unwrap();
    // A gzip bomb: small on the wire, far over the limit once inflated.
    let bomb = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let mut payload = br#"{"device_id":"0190a000-0000-7000-8000-000000000000","mutations":[{"mutation_id":"0190a000-0000-7000-8000-000000000001","device_seq":1,"kind":"firm","row_id":"0190a000-0000-7000-8000-000000000002","base_version":0,"op":"put","fields":{"notes":""#.to_vec();
        payload.extend(std::iter::repeat_n(b'a', 5_000_000));
        payload.extend(br#""}}]}"#);
        e.write_all(&payload).unwrap();
        e.finish().unwrap()
    };
    let too_many = serde_json::to_vec(&PushRequest {
        device_id: Uuid::now_v7(),
        mutations: (0..1001)
            .map(|i| mutation(EntityKind::Need, Uuid::now_v7(), i, 0, json!({})))
            .collect(),
    })
    .unwrap();
    let cases: Vec<(&str, Vec<u8>, &str, bool, u16)> = vec![
        ("/v1/push", b"{not json".to_vec(), "application/json", false, 400),
        ("/v1/push", b"[]".to_vec(), "application/json", false, 400),
        ("/v1/push", br#"{"device_id":"x","mutations":[]}"#.to_vec(), "application/json", false, 400),
        ("/v1/push", br#"{"device_id":"0190a000-0000-7000-8000-000000000000","mutations":[{"mutation_id":"0190a000-0000-7000-8000-000000000001","device_seq":1,"kind":"bank_account","row_id":"0190a000-0000-7000-8000-000000000002","base_version":0,"op":"put","fields":{}}]}"#.to_vec(), "application/json", false, 400),
        ("/v1/push", br#"{"device_id":"0190a000-0000-7000-8000-000000000000","mutations":[],"sql":"drop table rows"}"#.to_vec(), "application/json", false, 400),
        ("/v1/push", b"{}".to_vec(), "text/plain", false, 415),
        ("/v1/push", big, "application/json", false, 413),
        ("/v1/push", bomb, "application/json", true, 413),
        ("/v1/push", too_many, "application/json", false, 413),
        ("/v1/pull", br#"{"cursor":"not-a-cursor","limit":10}"#.to_vec(), "application/json", false, 400),
        ("/v1/pull", br#"{"cursor":"{\"global\":-5}","limit":10}"#.to_vec(), "application/json", false, 400),
        ("/v1/pull", br#"{"limit":"ten"}"#.to_vec(), "application/json", false, 400),
        ("/v1/conflicts/not-a-uuid/resolve", br#"{"resolution":"mine"}"#.to_vec(), "application/json", false, 400),
        ("/v1/conflicts/0190a000-0000-7000-8000-000000000009/resolve", br#"{"resolution":"mine"}"#.to_vec(), "application/json", false, 404),
        ("/v1/nope", b"{}".to_vec(), "application/json", false, 404),
    ];
    for (path, body, ct, gz, want) in cases {
        let resp = send(path, body, ct, gz).await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        assert_eq!(status, want, "{path}: {text}");
        let e: ApiError =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: error shape: {text}"));
        assert!(!e.code.is_empty());
        assert!(
            !text.contains("sqlite") && !text.contains("postgres"),
            "no internals leak: {text}"
        );
    }
    // Hostile mutations inside a well-formed push are rejected one by one.
    let (c, dev) = env.session("coach_a").await;
    let f = firm("形状校验", Some(env.team_a.id));
    let mut wrong_shape = firm_fields(&f);
    wrong_shape["staff"] = json!("很多");
    let mut id_mismatch = firm_fields(&f);
    id_mismatch["id"] = json!(Uuid::now_v7().to_string());
    let r = c
        .push(&PushRequest {
            device_id: dev,
            mutations: vec![
                mutation(EntityKind::Firm, f.id, 1, 0, wrong_shape),
                mutation(EntityKind::Firm, f.id, 2, 0, id_mismatch),
                mutation(EntityKind::Firm, f.id, 3, 0, json!({"team_id": 7})),
            ],
        })
        .await
        .unwrap();
    assert!(r.results.iter().all(|o| matches!(&o.result, MutationResult::Rejected { code, .. } if code == codes::INVALID_ROW)), "{r:?}");
    let after = (
        audit_count(&env).await,
        server_snapshot(&env.storage, None).await,
    );
    assert_eq!(before, after, "nothing changed");
}

async fn outdated_client_gets_upgrade_error_and_keeps_outbox(db: Db) {
    let env = Env::new(db).await;
    let r = env.replica("coach_a").await;
    let f = firm("升级测试", None);
    let mut store = r.store;
    store.put(&f).unwrap();
    let old = fudao_sync::client::Client::new(&env.url)
        .unwrap()
        .with_token(env.token("coach_a").await)
        .with_protocol_version(0);
    let e = fudao_sync::engine::sync(&old, &store, Default::default(), &mut |_| {})
        .await
        .unwrap_err();
    match &e {
        SyncError::Client(ClientError::UpgradeRequired(m)) => assert!(m.zh.contains("升级")),
        o => panic!("{o:?}"),
    }
    assert_eq!(e.code(), codes::UPGRADE_REQUIRED);
    assert_eq!(store.outbox_len().unwrap(), 1, "outbox kept");
    assert!(server_firm(&env, f.id).await.is_none());
    // Health has no version requirement.
    assert_eq!(
        env.anon().health().await.unwrap().protocol,
        PROTOCOL_VERSION
    );
}

async fn interrupted_pull_resumes(db: Db) {
    let env = Env::new(db).await;
    let mut w = env.replica("coach_a").await;
    for i in 0..25 {
        let f = firm(&format!("分页企业{i:02}"), Some(env.team_a.id));
        w.store.put(&f).unwrap();
    }
    w.sync().await.unwrap();
    let reader = env.replica("lead_a").await;
    // First page applied, the second "crashes" half-way: its rows and cursor are not kept.
    let p1 = reader
        .client
        .pull(&PullRequest {
            cursor: None,
            limit: 10,
        })
        .await
        .unwrap();
    reader.store.apply_page(&p1).unwrap();
    let after_p1 = sorted(reader.snapshot());
    let p2 = reader
        .client
        .pull(&PullRequest {
            cursor: Some(p1.next_cursor.clone()),
            limit: 10,
        })
        .await
        .unwrap();
    assert!(reader.store.apply_page_failing_after(&p2, 5).is_err());
    assert_eq!(
        sorted(reader.snapshot()),
        after_p1,
        "failed page left the db unchanged"
    );
    assert_eq!(reader.store.cursor().unwrap(), Some(p1.next_cursor.clone()));
    // A normal sync resumes from the stored cursor and completes.
    let rep = reader
        .sync_with(fudao_sync::engine::SyncOptions {
            push_batch: 100,
            pull_limit: 7,
            ..fudao_sync::engine::SyncOptions::default()
        })
        .await
        .unwrap();
    assert!(rep.pages >= 2);
    assert_eq!(
        sorted(reader.snapshot()),
        sorted(server_snapshot(&env.storage, Some(env.team_a.id)).await)
    );
}

/// A page ends once its rows pass MAX_PULL_PAGE_BYTES, however many rows were asked for, so
/// no page of large rows comes near the client's response limit; the pages still add up to
/// every row, and a sync applies them.
/// `count` conflicts on one firm of `team`: `writer` creates the firm and edits its notes,
/// then `other` (another device) sends `count` edits of the notes made on the first version.
async fn make_conflicts(env: &Env, writer: &str, other: &str, team: Uuid, count: usize) {
    let f = firm(&format!("冲突企业{writer}"), Some(team));
    let (w, device) = env.session(writer).await;
    for (seq, base, fields) in [(1, 0, firm_fields(&f)), (2, 1, json!({"notes": "已改"}))] {
        let m = mutation(EntityKind::Firm, f.id, seq, base, fields);
        w.push(&PushRequest {
            device_id: device,
            mutations: vec![m],
        })
        .await
        .unwrap();
    }
    let (o, device) = env.session(other).await;
    for i in 0..count {
        let notes = json!({ "notes": format!("旧版本上的修改{i}") });
        let m = mutation(EntityKind::Firm, f.id, i as i64 + 1, 1, notes);
        let r = o
            .push(&PushRequest {
                device_id: device,
                mutations: vec![m],
            })
            .await
            .unwrap();
        assert!(
            matches!(r.results[0].result, MutationResult::Conflict { .. }),
            "{:?}",
            r.results[0]
        );
    }
}

async fn conflicts_come_in_pages_within_the_callers_scope(db: Db) {
    let env = Env::new(db).await;
    make_conflicts(&env, "coach_a", "coach_a2", env.team_a.id, 7).await;
    make_conflicts(&env, "coach_b", "lead_b", env.team_b.id, 2).await;
    let lead = env.client("lead_a").await;
    let whole = lead.conflicts().await.unwrap();
    assert_eq!(whole.conflicts.len(), 7);
    assert_eq!(whole.next, None);
    // Pages of 3: 3 + 3 + 1, each naming the next, together the whole list in its order.
    let mut pages = vec![];
    let mut after = None;
    loop {
        let p = lead.conflicts_page(after, 3).await.unwrap();
        pages.push(p.conflicts.len());
        after = p.next;
        let ids: Vec<Uuid> = p.conflicts.iter().map(|c| c.id).collect();
        assert_eq!(
            after.is_some(),
            pages.iter().sum::<usize>() < 7,
            "{pages:?}"
        );
        if let Some(a) = after {
            assert_eq!(ids.last(), Some(&a));
        }
        if after.is_none() {
            break;
        }
    }
    assert_eq!(pages, [3, 3, 1]);
    let mut paged = vec![];
    let mut after = None;
    loop {
        let p = lead.conflicts_page(after, 3).await.unwrap();
        paged.extend(p.conflicts);
        if p.next.is_none() {
            break;
        }
        after = p.next;
    }
    assert_eq!(paged, whole.conflicts);
    // The limit is clamped to 1..=MAX_CONFLICT_PAGE.
    let one = lead.conflicts_page(None, 0).await.unwrap();
    assert_eq!(one.conflicts.len(), 1);
    assert_eq!(one.next, Some(one.conflicts[0].id));
    let big = lead.conflicts_page(None, u32::MAX).await.unwrap();
    assert_eq!((big.conflicts.len(), big.next), (7, None));
    // Another team sees only its own, even after a cursor naming a conflict of team A; an
    // unknown cursor is an empty page.
    let other = env.client("coach_b").await;
    let theirs = other
        .conflicts_page(Some(whole.conflicts[0].id), 500)
        .await
        .unwrap();
    assert!(theirs
        .conflicts
        .iter()
        .all(|c| c.team_id == Some(env.team_b.id)));
    let all_theirs = other.conflicts_page(None, 500).await.unwrap();
    assert_eq!(all_theirs.conflicts.len(), 2);
    assert!(all_theirs
        .conflicts
        .iter()
        .all(|c| c.team_id == Some(env.team_b.id)));
    let none = other
        .conflicts_page(Some(Uuid::now_v7()), 500)
        .await
        .unwrap();
    assert_eq!((none.conflicts.len(), none.next), (0, None));
    // A query that is not one is refused.
    let token = env.token("lead_a").await;
    let status = reqwest::Client::new()
        .get(format!("{}/v1/conflicts?limit=many", env.url))
        .header("x-fudao-protocol", "1")
        .header("x-fudao-schema", "1")
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 400);
    // A sync reads every page: pages of 2 bring all 7 to the lead's replica.
    let r = env.replica("lead_a").await;
    let report = r
        .sync_with(fudao_sync::engine::SyncOptions {
            conflict_page: 2,
            ..fudao_sync::engine::SyncOptions::default()
        })
        .await
        .unwrap();
    assert_eq!(
        (report.open_conflicts, report.open_conflicts_more),
        (7, false)
    );
    let local: Vec<Uuid> = r
        .store
        .conflicts(true)
        .unwrap()
        .iter()
        .map(|c| c.conflict.id)
        .collect();
    let mut expected: Vec<Uuid> = whole.conflicts.iter().map(|c| c.id).collect();
    let mut got = local.clone();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
}

async fn large_rows_end_a_page_early(db: Db) {
    let env = Env::new(db).await;
    let mut w = env.replica("coach_a").await;
    // ≈ 120 KB of notes a firm: 72 firms are ≈ 8.6 MB of rows.
    let notes = "研发记录与走访纪要。".repeat(4_000);
    for i in 0..72 {
        let mut f = firm(&format!("大记录企业{i:02}"), Some(env.team_a.id));
        f.notes = notes.clone();
        w.store.put(&f).unwrap();
    }
    w.sync_with(fudao_sync::engine::SyncOptions {
        push_batch: 10,
        ..fudao_sync::engine::SyncOptions::default()
    })
    .await
    .unwrap();
    let reader = env.replica("lead_a").await;
    let mut cursor = None;
    let mut sizes = Vec::new();
    let mut rows = 0;
    loop {
        let (p, bytes) = reader
            .client
            .pull_sized(&PullRequest {
                cursor: cursor.clone(),
                limit: MAX_PULL_LIMIT,
            })
            .await
            .unwrap();
        let data: usize = p
            .changes
            .iter()
            .map(|c| serde_json::to_string(&c.data).unwrap().len())
            .sum();
        let last = p
            .changes
            .last()
            .map_or(0, |c| serde_json::to_string(&c.data).unwrap().len());
        // (Re-encoded here, so within a little of the server's count.)
        assert!(
            data - last <= MAX_PULL_PAGE_BYTES + 4096,
            "{data} bytes of rows"
        );
        assert!(
            bytes < MAX_PULL_PAGE_BYTES + MAX_ROW_BYTES + (1 << 20),
            "{bytes}"
        );
        rows += p.changes.len();
        sizes.push(p.changes.len());
        cursor = Some(p.next_cursor);
        if !p.more {
            break;
        }
    }
    // Far fewer rows than a page may hold, yet more than one page: the bytes ended the first.
    assert!(rows >= 72 && rows < MAX_PULL_LIMIT as usize, "{rows}");
    assert!(sizes.len() >= 2, "{sizes:?}");
    let rep = reader.sync().await.unwrap();
    assert!(rep.pages >= 2, "{rep:?}");
    assert_eq!(
        sorted(reader.snapshot()),
        sorted(server_snapshot(&env.storage, Some(env.team_a.id)).await)
    );
}

async fn tokens_login_limits_and_disabling(db: Db) {
    let env = Env::new(db).await;
    let anon = env.anon();
    // Three free failures, then the same user at the same address waits (backoff); the
    // account is not locked: the same user from another address logs in at once.
    for _ in 0..4 {
        match anon
            .login("coach_b", "wrong-password", Uuid::now_v7())
            .await
        {
            Err(ClientError::Api { status: 401, error }) => {
                assert_eq!(error.code, codes::BAD_CREDENTIALS)
            }
            o => panic!("{o:?}"),
        }
    }
    match anon.login("coach_b", PASSWORD, Uuid::now_v7()).await {
        Err(ClientError::Api { status: 429, error }) => {
            assert_eq!(error.code, codes::RATE_LIMITED);
            assert!(error.details["retry_after_secs"].as_u64().unwrap() >= 1);
        }
        o => panic!("backoff expected: {o:?}"),
    }
    let elsewhere = login_from(&env.url, "127.0.0.2", "coach_b", PASSWORD).await;
    assert_eq!(
        elsewhere.0, 200,
        "another address is not slowed: {}",
        elsewhere.1
    );
    match anon.login("nobody", "x", Uuid::now_v7()).await {
        Err(ClientError::Api { status, .. }) => assert!(status == 401 || status == 429),
        o => panic!("{o:?}"),
    }
    // Logout revokes the token.
    let c = env.client("coach_a").await;
    c.me().await.unwrap();
    c.logout().await.unwrap();
    assert!(matches!(c.me().await, Err(ClientError::Unauthorized(_))));
    // Disabling a user revokes their tokens and refuses logins.
    let c = env.client("coach_a2").await;
    c.me().await.unwrap();
    env.storage
        .run(|tx| {
            fudao_server::logic::set_active(tx, "test", "coach_a2", false, chrono::Utc::now())
                .map(|_| ())
                .map_err(|e| match e {
                    fudao_server::logic::AdminError::Store(s) => s,
                    o => panic!("{o}"),
                })
        })
        .await
        .unwrap();
    assert!(matches!(c.me().await, Err(ClientError::Unauthorized(_))));
    match env.anon().login("coach_a2", PASSWORD, Uuid::now_v7()).await {
        Err(ClientError::Api { status: 403, .. }) => {}
        o => panic!("{o:?}"),
    }
    // Expired tokens are refused.
    let short = env.token("lead_a").await;
    let h = fudao_server::auth::token_hash(&short);
    env.storage
        .run(move |tx| {
            let t = tx.get_token(&h)?.unwrap();
            tx.revoke_token(&h)?;
            tx.insert_token(
                &fudao_server::auth::token_hash("fdt_expired"),
                t.user_id,
                Uuid::now_v7(),
                chrono::Utc::now() - chrono::Duration::days(2),
                chrono::Utc::now() - chrono::Duration::days(1),
            )
        })
        .await
        .unwrap();
    assert!(matches!(
        env.anon().with_token("fdt_expired").me().await,
        Err(ClientError::Unauthorized(_))
    ));
    assert!(matches!(
        env.anon().with_token(short).me().await,
        Err(ClientError::Unauthorized(_))
    ));
}

fn admin_err(e: fudao_server::logic::AdminError) -> fudao_server::StoreError {
    match e {
        fudao_server::logic::AdminError::Store(s) => s,
        o => panic!("{o}"),
    }
}

/// Every change of a full pull by `client` (from the start and from `cursor`).
async fn pull_everything(
    client: &fudao_sync::client::Client,
    cursor: Option<String>,
) -> (Vec<Change>, String) {
    let mut cursor = cursor;
    let mut out = Vec::new();
    loop {
        let p = client
            .pull(&PullRequest {
                cursor: cursor.clone(),
                limit: 7,
            })
            .await
            .unwrap();
        out.extend(p.changes);
        cursor = Some(p.next_cursor);
        if !p.more {
            return (out, cursor.unwrap());
        }
    }
}

/// A user moved to another team stops pulling, writing and seeing conflicts of the old team
/// at once (same token, old cursor); demoting and promoting a lead changes what they may do
/// and who the team's lead is; a disabled user's token stops working and their outbox is kept.
async fn team_and_role_changes_leak_no_rows(db: Db) {
    let env = Env::new(db).await;
    let (a, b) = (env.team_a.id, env.team_b.id);
    let mut mover = env.replica("coach_a").await;
    let mut other_a = env.replica("coach_a2").await;
    let mut lead_a = env.replica("lead_a").await;
    let mut lead_b = env.replica("lead_b").await;
    let fa = firm("历下区保密企业", None);
    mover.store.put(&fa).unwrap();
    let fb = firm("高新区企业", None);
    lead_b.store.put(&fb).unwrap();
    for r in [&mover, &lead_b, &other_a, &lead_a] {
        r.sync().await.unwrap();
    }
    // A team-A conflict: coach_a2 and lead_a edit the same field.
    for (r, staff) in [(&mut other_a, 11), (&mut lead_a, 12)] {
        let mut f: Firm = r.store.get(fa.id).unwrap().unwrap();
        f.staff = Some(staff);
        r.store.put(&f).unwrap();
        r.sync().await.unwrap();
    }
    let team_a_conflict = env
        .client("lead_a")
        .await
        .conflicts()
        .await
        .unwrap()
        .conflicts;
    assert_eq!(team_a_conflict.len(), 1);
    mover.sync().await.unwrap();
    assert_eq!(mover.store.conflicts(true).unwrap().len(), 1);
    let old_cursor = mover.store.cursor().unwrap();
    // The mover has an unsynced edit of a team-A firm when moved.
    let mut f: Firm = mover.store.get(fa.id).unwrap().unwrap();
    f.notes = "调岗前的修改".into();
    mover.store.put(&f).unwrap();

    env.storage
        .run(|tx| {
            fudao_server::logic::update_user(
                tx,
                "test",
                "coach_a",
                Some(Some("高新区辅导队")),
                None,
                chrono::Utc::now(),
            )
            .map(|_| ())
            .map_err(admin_err)
        })
        .await
        .unwrap();
    // New team-A rows after the move must not reach the mover either.
    let fa2 = firm("调岗后新增的历下区企业", None);
    other_a.store.put(&fa2).unwrap();
    other_a.sync().await.unwrap();

    let visible = |c: &Change| c.team_id.is_none() || c.team_id == Some(b);
    let (from_old_cursor, _) = pull_everything(&mover.client, old_cursor).await;
    assert!(from_old_cursor.iter().all(visible), "{from_old_cursor:?}");
    assert!(
        from_old_cursor.iter().any(|c| c.row_id == fb.id),
        "the new team's rows arrive"
    );
    let (from_scratch, _) = pull_everything(&mover.client, None).await;
    assert!(from_scratch.iter().all(visible));
    assert!(!from_scratch
        .iter()
        .any(|c| c.row_id == fa.id || c.row_id == fa2.id));
    // The old team's conflicts are gone from the mover's view and cannot be resolved by them.
    let conflicts = mover.client.conflicts().await.unwrap().conflicts;
    assert!(
        conflicts.iter().all(|c| c.team_id == Some(b)),
        "{conflicts:?}"
    );
    match mover
        .client
        .resolve_conflict(team_a_conflict[0].id, Resolution::Theirs)
        .await
    {
        Err(ClientError::Api { status: 404, .. }) => {}
        o => panic!("{o:?}"),
    }
    // The pending team-A edit is refused (kept locally as rejected), nothing changes there.
    let before = server_firm(&env, fa.id).await.unwrap();
    let rep = mover.sync().await.unwrap();
    assert_eq!(rep.rejected, 1, "{rep:?}");
    let rejected = mover.store.rejected_mutations().unwrap();
    assert_eq!(rejected.last().unwrap().code, codes::FORBIDDEN);
    let after = server_firm(&env, fa.id).await.unwrap();
    assert_eq!((after.version, &after.data), (before.version, &before.data));
    assert!(
        mover.store.conflicts(true).unwrap().is_empty(),
        "old team's conflict closed locally"
    );
    // The mover's team-B work lands in team B.
    let fm = firm("调岗后的高新区企业", None);
    mover.store.put(&fm).unwrap();
    mover.sync().await.unwrap();
    assert_eq!(server_firm(&env, fm.id).await.unwrap().team_id, Some(b));
    lead_b.sync().await.unwrap();
    assert!(lead_b.store.get::<Firm>(fm.id).unwrap().is_some());

    // Demote lead_a: may no longer delete firms; the team has no lead. Promote coach_a2.
    let now = chrono::Utc::now();
    env.storage
        .run(move |tx| {
            fudao_server::logic::update_user(tx, "test", "lead_a", None, Some(Role::Coach), now)
                .map_err(admin_err)?;
            fudao_server::logic::update_user(tx, "test", "coach_a2", None, Some(Role::Lead), now)
                .map(|_| ())
                .map_err(admin_err)
        })
        .await
        .unwrap();
    lead_a.sync().await.unwrap();
    lead_a.store.delete::<Firm>(fa2.id).unwrap();
    let rep = lead_a.sync().await.unwrap();
    assert_eq!(rep.rejected, 1, "a demoted lead cannot delete firms");
    assert!(!server_firm(&env, fa2.id).await.unwrap().deleted);
    other_a.sync().await.unwrap();
    other_a.store.delete::<Firm>(fa2.id).unwrap();
    let rep = other_a.sync().await.unwrap();
    assert_eq!(rep.rejected, 0, "a promoted coach can");
    assert!(server_firm(&env, fa2.id).await.unwrap().deleted);
    let team_row = env
        .storage
        .run(move |tx| tx.get_row(EntityKind::Team, a))
        .await
        .unwrap()
        .unwrap();
    let new_lead = other_a.client.me().await.unwrap().user_id;
    assert_eq!(team_row.data["lead_id"], json!(new_lead.to_string()));

    // Disabling: the token stops working at once; the outbox is kept.
    let mut g: Firm = lead_b.store.get(fb.id).unwrap().unwrap();
    g.notes = "停用前未同步".into();
    lead_b.store.put(&g).unwrap();
    env.storage
        .run(move |tx| {
            fudao_server::logic::set_active(tx, "test", "lead_b", false, now)
                .map(|_| ())
                .map_err(admin_err)
        })
        .await
        .unwrap();
    match lead_b.sync().await {
        Err(SyncError::Client(ClientError::Unauthorized(_))) => {}
        o => panic!("{o:?}"),
    }
    assert_eq!(lead_b.store.outbox_len().unwrap(), 1);
    match lead_b
        .client
        .pull(&PullRequest {
            cursor: None,
            limit: 10,
        })
        .await
    {
        Err(ClientError::Unauthorized(_)) => {}
        o => panic!("{o:?}"),
    }
}

/// Many concurrent writers in one team; a reader pulling all the while must end with every
/// committed row (no row skipped by the cursor).
async fn concurrent_writers_cursor_completeness(db: Db) {
    let env = Env::new(db).await;
    let writers = 50;
    let per_writer = 6;
    let reader = env.client("lead_a").await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut handles = Vec::new();
    for w in 0..writers {
        let (c, device) = env.session("coach_a").await;
        let team = env.team_a.id;
        handles.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..per_writer {
                let f = firm(&format!("并发企业{w}-{i}"), Some(team));
                let mut m = mutation(EntityKind::Firm, f.id, i + 1, 0, firm_fields(&f));
                m.team_id = Some(team);
                let r = c
                    .push(&PushRequest {
                        device_id: device,
                        mutations: vec![m],
                    })
                    .await
                    .unwrap();
                assert!(r.results[0].result.is_accepted());
                ids.push(f.id);
            }
            ids
        }));
    }
    // The reader keeps pulling with small pages while writers commit.
    let stop2 = stop.clone();
    let reader_task = tokio::spawn(async move {
        let mut cursor: Option<String> = None;
        let mut seen = std::collections::BTreeSet::new();
        let mut seqs_per_scope: std::collections::BTreeMap<Option<Uuid>, i64> = Default::default();
        loop {
            let done = stop2.load(std::sync::atomic::Ordering::SeqCst);
            loop {
                let p = reader
                    .pull(&PullRequest {
                        cursor: cursor.clone(),
                        limit: 7,
                    })
                    .await
                    .unwrap();
                for c in &p.changes {
                    let last = seqs_per_scope.entry(c.team_id).or_insert(0);
                    assert!(c.seq > *last, "sequence increases within a scope");
                    *last = c.seq;
                    seen.insert(c.row_id);
                }
                cursor = Some(p.next_cursor);
                if !p.more {
                    break;
                }
            }
            if done {
                return seen;
            }
            tokio::time::sleep(std::time::Duration::from_millis(3)).await;
        }
    });
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.unwrap());
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = reader_task.await.unwrap();
    assert_eq!(all.len(), (writers * per_writer) as usize);
    for id in &all {
        assert!(seen.contains(id), "row {id} was skipped by the cursor");
    }
}

/// Seeded random offline work on three replicas with partitions; at the end every replica
/// equals the server and every acknowledged value is either current or kept in a conflict.
async fn randomized_convergence_with_partitions(db: Db) {
    use rand::{Rng, SeedableRng};
    let env = Env::new(db).await;
    let seed: u64 = std::env::var("FUDAO_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261126);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut reps = vec![
        env.replica("coach_a").await,
        env.replica("coach_a2").await,
        env.replica("lead_a").await,
    ];
    // Shared starting set.
    let firms: Vec<Firm> = (0..6)
        .map(|i| firm(&format!("随机企业{i}"), Some(env.team_a.id)))
        .collect();
    for f in &firms {
        reps[2].store.put(f).unwrap();
    }
    for r in &reps {
        r.sync().await.unwrap();
    }
    // (firm id, field, value) written by an edit whose push was acknowledged.
    let mut acknowledged: Vec<(Uuid, String, serde_json::Value)> = Vec::new();
    let mut pending: Vec<Vec<(Uuid, String, serde_json::Value)>> = vec![vec![]; 3];
    for round in 0..12 {
        // A random partition: some replicas are offline this round.
        let online: Vec<bool> = (0..3).map(|_| rng.random_bool(0.6)).collect();
        for (i, r) in reps.iter_mut().enumerate() {
            for _ in 0..rng.random_range(1..4) {
                let f = &firms[rng.random_range(0..firms.len())];
                let Some(mut cur) = r.store.get::<Firm>(f.id).unwrap() else {
                    continue;
                };
                let (field, value) = match rng.random_range(0..3) {
                    0 => {
                        let v = rng.random_range(1..500u32);
                        cur.staff = Some(v);
                        ("staff", json!(v))
                    }
                    1 => {
                        cur.notes = format!("r{round}-c{i}-{}", rng.random_range(0..1000));
                        ("notes", json!(cur.notes))
                    }
                    _ => {
                        cur.tags = vec![format!("标签{}", rng.random_range(0..5))];
                        ("tags", json!(cur.tags))
                    }
                };
                r.store.put(&cur).unwrap();
                pending[i].push((f.id, field.to_string(), value));
            }
        }
        for (i, r) in reps.iter().enumerate() {
            if online[i] {
                r.sync().await.unwrap();
                acknowledged.append(&mut pending[i]);
            }
        }
    }
    for (i, r) in reps.iter().enumerate() {
        r.sync().await.unwrap();
        acknowledged.append(&mut pending[i]);
    }
    for r in &reps {
        r.sync().await.unwrap();
    }
    let server = sorted(server_snapshot(&env.storage, Some(env.team_a.id)).await);
    for r in &reps {
        assert_eq!(
            sorted(r.snapshot()),
            server,
            "seed {seed}: replica equals the server"
        );
        assert_eq!(r.store.outbox_len().unwrap(), 0);
    }
    // Every acknowledged value is the current value or recorded in a conflict (as the
    // incoming or the server side), or was superseded by a later acknowledged edit of a
    // replica that had seen it (then it is in the audit trail on the server).
    let conflicts = env
        .client("admin")
        .await
        .conflicts()
        .await
        .unwrap()
        .conflicts;
    let audit: Vec<(Uuid, String, serde_json::Value)> = {
        let ids: Vec<Uuid> = firms.iter().map(|f| f.id).collect();
        env.storage
            .run(move |tx| {
                let mut out = Vec::new();
                for id in &ids {
                    let r = tx.get_row(EntityKind::Firm, *id)?.unwrap();
                    for (k, v) in r.data {
                        out.push((*id, k, v));
                    }
                }
                Ok(out)
            })
            .await
            .unwrap()
    };
    // Values that were applied at some version (and may have been superseded since by an
    // edit made with knowledge of them): the `old` side of a later audited change.
    let applied: Vec<bool> = {
        let ack = acknowledged.clone();
        env.storage
            .run(move |tx| {
                let mut out = Vec::new();
                for (id, field, value) in &ack {
                    let version = tx.get_row(EntityKind::Firm, *id)?.map_or(0, |r| r.version);
                    let mut found = false;
                    for v in 0..version {
                        if tx.value_at(EntityKind::Firm, *id, field, v)? == *value {
                            found = true;
                            break;
                        }
                    }
                    out.push(found);
                }
                Ok(out)
            })
            .await
            .unwrap()
    };
    let mut in_conflict = 0;
    for ((id, field, value), was_applied) in acknowledged.iter().zip(applied) {
        let current = audit
            .iter()
            .any(|(i, f, v)| i == id && f == field && v == value);
        let recorded = conflicts.iter().any(|c| {
            c.row_id == *id && c.field == *field && (c.incoming == *value || c.server == *value)
        });
        if recorded {
            in_conflict += 1;
        }
        assert!(
            current || recorded || was_applied,
            "seed {seed}: acknowledged {field}={value} of {id} lost"
        );
    }
    assert!(!acknowledged.is_empty());
    eprintln!(
        "seed {seed}: {} acknowledged edits, {in_conflict} kept in conflicts, {} open conflicts",
        acknowledged.len(),
        conflicts.len()
    );
}

#[test]
fn openapi_lists_every_route() {
    let doc: serde_json::Value = serde_json::from_str(fudao_server::http::OPENAPI).unwrap();
    for (method, path) in fudao_server::http::V1_ROUTES
        .iter()
        .chain([("get", "/healthz"), ("get", "/openapi.json")].iter())
        .chain(fudao_server::feedback_page::PAGE_ROUTES)
    {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} missing from openapi.json"
        );
    }
    assert_eq!(
        doc["paths"].as_object().unwrap().len(),
        // The feedback page's GET and POST share one path.
        fudao_server::http::V1_ROUTES.len() + 3
    );
}

#[test]
fn role_and_local_replica_are_wired() {
    // Compile-time check that the store implements the replica contract used by the engine.
    fn takes<R: LocalReplica>(_: &R) {}
    let s = fudao_store::Store::open_in_memory().unwrap();
    takes(&s);
    assert_eq!(s.outbox_len().unwrap(), 0);
}
