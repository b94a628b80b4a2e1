//! Assigning firms to a coach (the lead's bulk assignment in the app).

use fudao_core::model::{Firm, Role, User};
use fudao_store::{Store, StoreError};
use uuid::Uuid;

fn coach(s: &mut Store, username: &str, team: Uuid) -> User {
    let u = User {
        id: Uuid::now_v7(),
        username: username.into(),
        name: format!("辅导员{username}"),
        institution: String::new(),
        phone: String::new(),
        team_id: Some(team),
        role: Role::Coach,
        active: true,
    };
    s.put(&u).unwrap();
    u
}

fn firms(s: &mut Store, n: u32, team: Uuid) -> Vec<Uuid> {
    (0..n)
        .map(|i| {
            let code = fudao_core::uscc::compose("91", "370102", &format!("MA3F{i:04}")).unwrap();
            let mut f = Firm::new(
                Uuid::now_v7(),
                &code,
                &format!("济南分配测试{i}号科技有限公司"),
            );
            f.team_id = Some(team);
            s.put(&f).unwrap();
            f.id
        })
        .collect()
}

#[test]
fn firms_follow_their_new_coach_into_the_coach_team() {
    let mut s = Store::open_in_memory().unwrap();
    let (team_a, team_b) = (Uuid::now_v7(), Uuid::now_v7());
    let wang = coach(&mut s, "wang", team_a);
    let chen = coach(&mut s, "chen", team_b);
    let ids = firms(&mut s, 5, team_a);
    let outbox = s.outbox_len().unwrap();

    assert_eq!(s.assign_coach(&ids[..3], Some(wang.id)).unwrap(), 3);
    // Again: nothing changes, nothing is queued.
    assert_eq!(s.assign_coach(&ids[..3], Some(wang.id)).unwrap(), 0);
    assert_eq!(s.outbox_len().unwrap(), outbox + 3);
    // Two of them move to a coach of another team, with the team.
    assert_eq!(s.assign_coach(&ids[1..3], Some(chen.id)).unwrap(), 2);
    let f: Firm = s.get(ids[2]).unwrap().unwrap();
    assert_eq!((f.coach_id, f.team_id), (Some(chen.id), Some(team_b)));
    let f: Firm = s.get(ids[0]).unwrap().unwrap();
    assert_eq!((f.coach_id, f.team_id), (Some(wang.id), Some(team_a)));
    // Unassigning keeps the team; unknown firm ids are skipped.
    assert_eq!(s.assign_coach(&[ids[0], Uuid::now_v7()], None).unwrap(), 1);
    let f: Firm = s.get(ids[0]).unwrap().unwrap();
    assert_eq!((f.coach_id, f.team_id), (None, Some(team_a)));
    // The change is in the firm's history.
    let history = s
        .audit_of(fudao_core::model::EntityKind::Firm, ids[2])
        .unwrap();
    assert!(history.iter().any(|e| e.field == "coach_id"), "{history:?}");
}

#[test]
fn an_unknown_coach_changes_nothing() {
    let mut s = Store::open_in_memory().unwrap();
    let team = Uuid::now_v7();
    let ids = firms(&mut s, 2, team);
    let outbox = s.outbox_len().unwrap();
    let e = s.assign_coach(&ids, Some(Uuid::now_v7())).unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e}");
    assert_eq!(s.outbox_len().unwrap(), outbox);
    let f: Firm = s.get(ids[0]).unwrap().unwrap();
    assert_eq!(f.coach_id, None);
}
