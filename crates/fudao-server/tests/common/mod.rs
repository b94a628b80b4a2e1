//! Test harness: a real server on port 0 over SQLite or a throwaway PostgreSQL cluster, and
//! real clients, each with its own temporary local database.
#![allow(dead_code)]

use chrono::NaiveDate;
use fudao_core::model::{EntityKind, FinancingKind, Firm, Need, NeedStatus, Role, Team, User};
use fudao_server::{logic, RunningServer, ServerConfig, Storage};
use fudao_store::Store;
use fudao_sync::client::{Client, Retry};
use fudao_sync::engine::{self, SyncError, SyncOptions, SyncReport};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use tempfile::TempDir;
use uuid::Uuid;

pub const PASSWORD: &str = "correct-horse-电池";

/// One argon2id hash shared by every test user (hashing is the slow part of seeding).
pub fn password_hash() -> String {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| fudao_server::auth::hash_password(PASSWORD).unwrap())
        .clone()
}

mod pg;
pub mod process;
pub use pg::PgCluster;

// ---------------------------------------------------------------------------------------------
// Databases

pub enum Db {
    Sqlite(TempDir),
    Postgres(String),
}

impl Db {
    pub fn sqlite() -> Db {
        Db::Sqlite(tempfile::tempdir().unwrap())
    }
    /// `None` when PostgreSQL is not installed (the message is printed once).
    pub async fn postgres() -> Option<Db> {
        let c = PgCluster::shared()?;
        Some(Db::Postgres(c.new_database()))
    }
    pub fn url(&self) -> String {
        match self {
            Db::Sqlite(d) => format!("sqlite:{}", d.path().join("server.db").display()),
            Db::Postgres(u) => u.clone(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Environment: server, two teams, users

pub struct Env {
    pub db: Db,
    pub storage: Storage,
    pub server: Option<RunningServer>,
    pub url: String,
    pub team_a: Team,
    pub team_b: Team,
    pub dir: TempDir,
}

pub fn fast_retry() -> Retry {
    Retry {
        attempts: 4,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
    }
}

impl Env {
    pub async fn new(db: Db) -> Env {
        Self::with_config(db, ServerConfig::default()).await
    }

    pub async fn with_config(db: Db, cfg: ServerConfig) -> Env {
        let storage = Storage::open(&db.url()).await.unwrap();
        let (team_a, team_b) = seed(&storage).await;
        let server = RunningServer::start(storage.clone(), cfg).await.unwrap();
        let url = server.url();
        Env {
            db,
            storage,
            server: Some(server),
            url,
            team_a,
            team_b,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn anon(&self) -> Client {
        Client::new(&self.url).unwrap().with_retry(fast_retry())
    }

    pub async fn token(&self, user: &str) -> String {
        self.anon()
            .login(user, PASSWORD, Uuid::now_v7())
            .await
            .unwrap()
            .token
    }

    pub async fn client(&self, user: &str) -> Client {
        self.anon().with_token(self.token(user).await)
    }

    /// A session of `user` on a new device, made in the database (no password check, so
    /// tests can open many quickly): the client and the device its token is bound to.
    pub async fn session(&self, user: &str) -> (Client, Uuid) {
        let device = Uuid::now_v7();
        let (token, hash) = fudao_server::auth::new_token();
        let name = user.to_string();
        self.storage
            .run(move |tx| {
                let now = chrono::Utc::now();
                let u = tx.user_by_name(&name)?.expect("user exists");
                tx.put_device(
                    device,
                    &fudao_server::storage::DeviceRecord {
                        user_id: u.user.id,
                        max_seq: Some(0),
                    },
                    now,
                )?;
                tx.insert_token(
                    &hash,
                    u.user.id,
                    device,
                    now,
                    now + chrono::Duration::days(1),
                )
            })
            .await
            .unwrap();
        (self.anon().with_token(token), device)
    }

    /// A device: its own local database, logged in as `user`.
    pub async fn replica(&self, user: &str) -> Replica {
        let path = self
            .dir
            .path()
            .join(format!("{user}-{}.db", Uuid::now_v7().simple()));
        let mut store = Store::open_with_key(&path, &fudao_store::DbKey::test_key()).unwrap();
        let login = self
            .anon()
            .login(user, PASSWORD, store.device_id())
            .await
            .unwrap();
        store
            .set_session(&fudao_store::sync::Session {
                server: self.url.clone(),
                token: login.token.clone(),
                user: login.user.clone(),
            })
            .unwrap();
        Replica {
            client: self.anon().with_token(login.token),
            store,
            path,
            team: login.user.team_id,
        }
    }

    pub async fn stop(&mut self) {
        if let Some(s) = self.server.take() {
            s.stop().await;
        }
    }
}

/// Teams A and B; users coach_a, coach_a2, lead_a, coach_b, lead_b, admin.
pub async fn seed(storage: &Storage) -> (Team, Team) {
    let hash = password_hash();
    storage
        .run(move |tx| {
            let now = chrono::Utc::now();
            let map = |e: logic::AdminError| match e {
                logic::AdminError::Store(s) => s,
                other => panic!("seed: {other}"),
            };
            let a = logic::add_team(tx, "test", "历下区辅导队", "历下区", now).map_err(map)?;
            let b = logic::add_team(tx, "test", "高新区辅导队", "高新区", now).map_err(map)?;
            for (u, t, r) in [
                ("coach_a", Some("历下区辅导队"), Role::Coach),
                ("coach_a2", Some("历下区辅导队"), Role::Coach),
                ("lead_a", Some("历下区辅导队"), Role::Lead),
                ("coach_b", Some("高新区辅导队"), Role::Coach),
                ("lead_b", Some("高新区辅导队"), Role::Lead),
                ("admin", None, Role::Admin),
            ] {
                logic::add_user(tx, "test", u, u, t, r, hash.clone(), now).map_err(map)?;
            }
            Ok((a, b))
        })
        .await
        .unwrap()
}

/// A login over plain HTTP from the local address `from` (any 127.x.y.z on Linux):
/// (status, body).
pub async fn login_from(url: &str, from: &str, user: &str, password: &str) -> (u16, String) {
    let http = reqwest::Client::builder()
        .local_address(from.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    let r = http
        .post(format!("{url}/v1/login"))
        .header(
            fudao_sync::HEADER_PROTOCOL,
            fudao_sync::PROTOCOL_VERSION.to_string(),
        )
        .header(
            fudao_sync::HEADER_SCHEMA,
            fudao_sync::SCHEMA_VERSION.to_string(),
        )
        .json(&fudao_sync::LoginRequest {
            username: user.into(),
            password: password.into(),
            device_id: Uuid::now_v7(),
        })
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

// ---------------------------------------------------------------------------------------------
// Replicas

pub struct Replica {
    pub store: Store,
    pub client: Client,
    pub path: PathBuf,
    pub team: Option<Uuid>,
}

impl Replica {
    pub async fn sync(&self) -> Result<SyncReport, SyncError> {
        engine::sync(
            &self.client,
            &self.store,
            SyncOptions::default(),
            &mut |_| {},
        )
        .await
    }
    pub async fn sync_with(&self, opts: SyncOptions) -> Result<SyncReport, SyncError> {
        engine::sync(&self.client, &self.store, opts, &mut |_| {}).await
    }
    /// Live and deleted rows of the synchronised team kinds: (kind, id) → (deleted, data).
    pub fn snapshot(&self) -> Vec<(EntityKind, Uuid, bool, serde_json::Value)> {
        let mut out = Vec::new();
        for k in EntityKind::ALL {
            for (id, _v, d, data) in self.store.raw_rows(k).unwrap() {
                out.push((k, id, d, data));
            }
        }
        out
    }
}

/// The server's rows visible to `team` (plus city-wide rows), in the replica snapshot shape.
pub async fn server_snapshot(
    storage: &Storage,
    team: Option<Uuid>,
) -> Vec<(EntityKind, Uuid, bool, serde_json::Value)> {
    storage
        .run(move |tx| {
            let mut out = Vec::new();
            for k in EntityKind::ALL {
                for r in tx.rows_of_kind(k)? {
                    if team.is_none() || r.team_id.is_none() || r.team_id == team {
                        out.push((k, r.row_id, r.deleted, serde_json::Value::Object(r.data)));
                    }
                }
            }
            out.sort_by_key(|a| (a.0, a.1));
            Ok(out)
        })
        .await
        .unwrap()
}

pub fn sorted(
    mut v: Vec<(EntityKind, Uuid, bool, serde_json::Value)>,
) -> Vec<(EntityKind, Uuid, bool, serde_json::Value)> {
    v.sort_by_key(|a| (a.0, a.1));
    v
}

// ---------------------------------------------------------------------------------------------
// Entities

static USCC_SEQ: Mutex<u32> = Mutex::new(0);

/// A valid firm with a unique USCC.
pub fn firm(name: &str, team: Option<Uuid>) -> Firm {
    let n = {
        let mut g = USCC_SEQ.lock().unwrap();
        *g += 1;
        *g
    };
    // Body: 8 chars of the organisation code (digits/letters); unique per call and process.
    let body = format!("MA{:06}", (n + std::process::id() * 7) % 1_000_000);
    let code = fudao_core::uscc::compose("91", "370102", &body).unwrap();
    let mut f = Firm::new(Uuid::now_v7(), &code, name);
    f.team_id = team;
    f
}

pub fn need(firm: &Firm, amount: i64) -> Need {
    Need {
        id: Uuid::now_v7(),
        firm_id: firm.id,
        team_id: firm.team_id,
        amount,
        purpose: "流动资金".into(),
        term_months: Some(12),
        kind: FinancingKind::Loan,
        collateral: vec![],
        raised_on: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        ruling: None,
        status: NeedStatus::Raised,
        outcomes: vec![],
        met_by_coach: false,
        closed_on: None,
        unmet_reason: None,
    }
}

pub fn user_id(storage_users: &[User], name: &str) -> Uuid {
    storage_users
        .iter()
        .find(|u| u.username == name)
        .unwrap()
        .id
}

/// Runs each named `async fn NAME(db: Db)` of the test file once on SQLite and once on a
/// throwaway PostgreSQL cluster (`mod sqlite`, `mod postgres`).
#[allow(unused_macros)]
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() { super::$name(super::common::Db::sqlite()).await }
        )* }
        mod postgres { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() {
                let Some(db) = super::common::Db::postgres().await else { return };
                super::$name(db).await
            }
        )* }
    };
}
#[allow(unused_imports)]
pub(crate) use both;
