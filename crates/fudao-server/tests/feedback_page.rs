//! The firm-facing feedback page (issue 14) on SQLite and PostgreSQL: a link printed on a
//! coach's device reaches the server at sync, the page serves it, a rating travels back to the
//! team as an ordinary row; hostile requests (unknown and expired tokens, links into another
//! team, 1 MB comments, HTML, floods from one address or on one token) are refused.

mod common;

use chrono::{Duration as Days, NaiveDate, Utc};
use common::*;
use fudao_core::feedback_link::FeedbackLink;
use fudao_core::model::{
    EntityKind, Feedback, FeedbackSource, Firm, Satisfaction, Visit, VisitMode,
};
use fudao_server::feedback_page::china_today;
use fudao_server::ServerConfig;
use fudao_sync::*;
use uuid::Uuid;

both!(
    a_printed_link_collects_a_rating_for_the_team,
    hostile_requests_learn_nothing,
    floods_are_limited,
);

const PUBLIC: &str = "https://fk.example.cn";

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

async fn get(url: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let r = http().get(url).send().await.unwrap();
    let s = r.status().as_u16();
    let h = r.headers().clone();
    (s, h, r.text().await.unwrap())
}

async fn post(url: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = http().post(url).form(form).send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.text().await.unwrap())
}

fn page_url(env: &Env, token: &str) -> String {
    format!("{}/f/{token}", env.url)
}

/// coach_a's device with a firm of team A assigned to the coach, synced.
async fn coach_with_firm(env: &Env, name: &str) -> (Replica, Firm) {
    let mut coach = env.replica("coach_a").await;
    let me = coach.client.me().await.unwrap();
    let mut f = firm(name, coach.team);
    f.coach_id = Some(me.user_id);
    coach.store.put(&f).unwrap();
    coach.sync().await.unwrap();
    (coach, f)
}

fn today() -> NaiveDate {
    china_today(Utc::now())
}

async fn a_printed_link_collects_a_rating_for_the_team(db: Db) {
    let env = Env::with_config(
        db,
        ServerConfig {
            public_url: Some(PUBLIC.into()),
            ..ServerConfig::default()
        },
    )
    .await;
    // The public address reaches clients at login and from /v1/me.
    let login = env
        .anon()
        .login("coach_a", PASSWORD, Uuid::now_v7())
        .await
        .unwrap();
    assert_eq!(login.user.public_url.as_deref(), Some(PUBLIC));
    let (mut coach, f) = coach_with_firm(&env, "济南<量子>科技有限公司").await;
    assert_eq!(
        coach.client.me().await.unwrap().public_url.as_deref(),
        Some(PUBLIC)
    );
    // Printed offline: the link exists on the device only, the page does not know it yet.
    let plan_id = Uuid::now_v7();
    let link = coach
        .store
        .feedback_link_for_plan(f.id, plan_id, 1, today(), today(), &rand_bytes())
        .unwrap();
    assert_eq!(
        link.url(PUBLIC),
        format!("{PUBLIC}/f/{}", link.token),
        "the printed address"
    );
    let url = page_url(&env, &link.token);
    assert_eq!(get(&url).await.0, 404);
    coach.sync().await.unwrap();

    let (status, headers, body) = get(&url).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.len() < 50 * 1024, "{} bytes", body.len());
    assert!(body.contains("济南&lt;量子&gt;科技有限公司"), "{body}");
    assert!(!body.contains("<量子>"));
    assert!(body.contains("coach_a（历下区辅导队）"));
    assert!(body.contains(&today().format("%Y年%-m月%-d日").to_string()));
    for v in ["satisfied", "basic", "unsatisfied", "yes", "no", "unsure"] {
        assert!(body.contains(&format!("value=\"{v}\"")), "{v}");
    }
    assert!(!body.contains("<script") && !body.contains("src="));
    let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(h("content-security-policy").starts_with("default-src 'none'"));
    assert_eq!(h("referrer-policy"), "no-referrer");
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(h("content-type"), "text/html; charset=utf-8");
    assert!(headers.get("set-cookie").is_none());

    // A rating with markup in its comment: stored as text, shown escaped.
    let (s, thanks) = post(
        &url,
        &[
            ("rating", "basic"),
            ("need_met", "yes"),
            ("comment", "<img src=x onerror=alert(1)>放款快"),
        ],
    )
    .await;
    assert_eq!(s, 200, "{thanks}");
    assert!(thanks.contains("&lt;img src=x onerror=alert(1)&gt;放款快"));
    assert!(!thanks.contains("<img"));
    let fb_id = FeedbackLink::feedback_id_for(&link.token);
    let row = env
        .storage
        .run(move |tx| tx.get_row(EntityKind::Feedback, fb_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.version, 1);
    assert_eq!(row.team_id, coach.team);
    // A second submission replaces the first (same row, next version).
    let (s, _) = post(
        &url,
        &[
            ("rating", "unsatisfied"),
            ("need_met", "no"),
            ("comment", "审批太慢"),
        ],
    )
    .await;
    assert_eq!(s, 200);
    // The form shows the current answers.
    let (_, _, again) = get(&url).await;
    assert!(again.contains("value=\"unsatisfied\" checked"), "{again}");
    assert!(again.contains(">审批太慢</textarea>"));

    // The coach and the lead pull it like any other row of the team.
    coach.sync().await.unwrap();
    let lead = env.replica("lead_a").await;
    lead.sync().await.unwrap();
    for store in [&coach.store, &lead.store] {
        let got: Feedback = store.get(fb_id).unwrap().expect("feedback pulled");
        assert_eq!(got.rating, Satisfaction::Unsatisfied);
        assert_eq!(got.source, FeedbackSource::Qr);
        assert_eq!(got.need_met, Some(false));
        assert_eq!(got.comment, "审批太慢");
        assert_eq!(got.firm_id, f.id);
        assert_eq!(got.plan_id, Some(plan_id));
        assert_eq!(got.plan_version, Some(1));
    }
    // Team B sees nothing of it.
    let other = env.replica("coach_b").await;
    other.sync().await.unwrap();
    assert!(other.store.get::<Feedback>(fb_id).unwrap().is_none());
    assert!(other.store.get::<FeedbackLink>(link.id).unwrap().is_none());

    // The coach's next visit closes the link.
    let visit = Visit {
        id: Uuid::now_v7(),
        firm_id: f.id,
        team_id: coach.team,
        date: today() + Days::days(1),
        coach_ids: vec![],
        mode: VisitMode::OnSite,
        notes: "回访".into(),
        findings: String::new(),
        tasks: vec![],
    };
    coach.store.put(&visit).unwrap();
    coach.sync().await.unwrap();
    let (s, _, closed) = get(&url).await;
    assert_eq!(s, 404);
    assert!(!closed.contains("量子"));
    let (s, _) = post(&url, &[("rating", "satisfied"), ("need_met", "yes")]).await;
    assert_eq!(s, 404);
    let row2 = env
        .storage
        .run(move |tx| tx.get_row(EntityKind::Feedback, fb_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row2.version, 2, "the closed link changed nothing");
}

fn rand_bytes() -> [u8; 16] {
    rand::random()
}

async fn hostile_requests_learn_nothing(db: Db) {
    let env = Env::with_config(
        db,
        ServerConfig {
            public_url: Some(PUBLIC.into()),
            ..ServerConfig::default()
        },
    )
    .await;
    let (mut coach, f) = coach_with_firm(&env, "济南量子科技有限公司").await;
    let link = coach
        .store
        .feedback_link_for_plan(f.id, Uuid::now_v7(), 1, today(), today(), &rand_bytes())
        .unwrap();
    // Printed 200 days ago: expired.
    let old = coach
        .store
        .feedback_link_for_plan(
            f.id,
            Uuid::now_v7(),
            1,
            today() - Days::days(200),
            today() - Days::days(200),
            &rand_bytes(),
        )
        .unwrap();
    coach.sync().await.unwrap();
    assert_eq!(get(&page_url(&env, &link.token)).await.0, 200);

    // Unknown, malformed and expired tokens: the same bare 404.
    let unknown = fudao_core::feedback_link::encode_token(&[9; 16]);
    let mut bodies = Vec::new();
    for t in [
        unknown.as_str(),
        "..%2F..%2Fetc%2Fpasswd",
        "%3Cscript%3E",
        &"a".repeat(5000),
        old.token.as_str(),
        &link.token.to_uppercase(),
    ] {
        let (s, _, body) = get(&page_url(&env, t)).await;
        assert_eq!(s, 404, "{t}");
        assert!(!body.contains("量子") && !body.contains("coach_a"), "{t}");
        bodies.push(body);
        let (s, _) = post(&page_url(&env, t), &[("rating", "satisfied")]).await;
        assert_eq!(s, 404, "{t}");
    }
    bodies.dedup();
    assert_eq!(bodies.len(), 1, "every refusal looks the same");

    // A 1 MB comment is refused before it is read; nothing is stored.
    let url = page_url(&env, &link.token);
    let big = "慢".repeat(350_000);
    // The server answers 413 as soon as the length is known; the client may still be writing
    // the body when the connection closes (a broken pipe): both are a refusal.
    match http()
        .post(&url)
        .form(&[("rating", "basic"), ("comment", big.as_str())])
        .send()
        .await
    {
        Ok(r) => assert_eq!(r.status().as_u16(), 413),
        Err(e) => assert!(e.is_request() || e.is_body(), "{e}"),
    }
    // 501 characters: refused with the form shown again.
    let (s, body) = post(&url, &[("rating", "basic"), ("comment", &"慢".repeat(501))]).await;
    assert_eq!(s, 400);
    assert!(body.contains("500字以内"));
    // No rating, an unknown rating, not a form.
    assert_eq!(post(&url, &[("need_met", "yes")]).await.0, 400);
    assert_eq!(post(&url, &[("rating", "excellent")]).await.0, 400);
    let r = http()
        .post(&url)
        .header("content-type", "application/json")
        .body(r#"{"rating":"satisfied"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let fb_id = FeedbackLink::feedback_id_for(&link.token);
    assert!(env
        .storage
        .run(move |tx| tx.get_row(EntityKind::Feedback, fb_id))
        .await
        .unwrap()
        .is_none());

    // A link pointing into another team is refused at push, even with a valid token.
    let mut b = env.replica("coach_b").await;
    let fb_firm = firm("高新区的企业", b.team);
    b.store.put(&fb_firm).unwrap();
    b.sync().await.unwrap();
    let foreign = FeedbackLink::new(
        &rand_bytes(),
        fb_firm.id,
        coach.team,
        Uuid::now_v7(),
        1,
        today(),
        today(),
    );
    let (client, device) = env.session("coach_a").await;
    let r = client
        .push(&PushRequest {
            device_id: device,
            mutations: vec![Mutation {
                mutation_id: Uuid::now_v7(),
                device_seq: 1,
                kind: EntityKind::FeedbackLink,
                row_id: foreign.id,
                team_id: None,
                base_version: 0,
                op: Op::Put,
                fields: serde_json::to_value(&foreign)
                    .unwrap()
                    .as_object()
                    .cloned()
                    .unwrap(),
            }],
        })
        .await
        .unwrap();
    match &r.results[0].result {
        MutationResult::Rejected { code, message } => {
            assert_eq!(code, codes::FORBIDDEN);
            assert!(
                message.zh.contains("firm_id") || message.zh.contains("企业"),
                "{message:?}"
            );
        }
        other => panic!("accepted: {other:?}"),
    }
    assert_eq!(get(&page_url(&env, &foreign.token)).await.0, 404);
    // A row whose id is not its token's is refused too.
    let mut forged = FeedbackLink::new(
        &rand_bytes(),
        f.id,
        coach.team,
        Uuid::now_v7(),
        1,
        today(),
        today(),
    );
    forged.id = Uuid::now_v7();
    let r = client
        .push(&PushRequest {
            device_id: device,
            mutations: vec![Mutation {
                mutation_id: Uuid::now_v7(),
                device_seq: 2,
                kind: EntityKind::FeedbackLink,
                row_id: forged.id,
                team_id: None,
                base_version: 0,
                op: Op::Put,
                fields: serde_json::to_value(&forged)
                    .unwrap()
                    .as_object()
                    .cloned()
                    .unwrap(),
            }],
        })
        .await
        .unwrap();
    assert!(
        matches!(&r.results[0].result, MutationResult::Rejected { code, .. } if code == codes::INVALID_ROW),
        "{:?}",
        r.results[0]
    );
    // Deleting the link on the device closes the page.
    coach.store.delete::<FeedbackLink>(link.id).unwrap();
    coach.sync().await.unwrap();
    assert_eq!(get(&url).await.0, 404);
}

async fn floods_are_limited(db: Db) {
    let env = Env::with_config(
        db,
        ServerConfig {
            public_url: Some(PUBLIC.into()),
            ..ServerConfig::default()
        },
    )
    .await;
    let (mut coach, f) = coach_with_firm(&env, "济南量子科技有限公司").await;
    let a = coach
        .store
        .feedback_link_for_plan(f.id, Uuid::now_v7(), 1, today(), today(), &rand_bytes())
        .unwrap();
    let b = coach
        .store
        .feedback_link_for_plan(f.id, Uuid::now_v7(), 2, today(), today(), &rand_bytes())
        .unwrap();
    coach.sync().await.unwrap();
    // One token: at most 10 submissions per 10 minutes.
    let url = page_url(&env, &a.token);
    let mut codes = Vec::new();
    for _ in 0..12 {
        codes.push(
            post(&url, &[("rating", "satisfied"), ("need_met", "yes")])
                .await
                .0,
        );
    }
    assert_eq!(&codes[..10], &[200; 10]);
    assert_eq!(&codes[10..], &[429, 429]);
    // 100 requests a minute from one address: the address budget (30 per 10 minutes) stops
    // them, on any token.
    let url_b = page_url(&env, &b.token);
    let mut limited = 0;
    let mut ok = 0;
    for i in 0..100 {
        let s = if i % 2 == 0 {
            post(&url_b, &[("rating", "basic")]).await.0
        } else {
            get(&url_b).await.0
        };
        match s {
            429 => limited += 1,
            200 => ok += 1,
            other => panic!("status {other}"),
        }
    }
    // The 12 posts on token a spent 12 of the address's 30.
    assert_eq!((ok, limited), (18, 82));
}
