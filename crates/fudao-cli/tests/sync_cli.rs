//! Sync end to end with real processes only: a `fudao-server` process set up with its own
//! admin commands, and `fudao` CLI processes for two coaches and a lead, each on their own
//! database, working offline, syncing, editing the same firm concurrently and resolving the
//! conflicts, until all replicas hold identical data.
//!
//! Every scenario runs against a server on SQLite and on a throwaway PostgreSQL cluster (the
//! server crate's harness; skipped loudly without Debian's binaries). Clients with a clock a
//! day ahead or behind run under `faketime` (Debian `faketime`; skipped loudly without it).
//! Crashes of client processes use `FUDAO_FAILPOINT` (see `fudao_store::sync`) and SIGKILL.
//!
//! The server binary is built by the same cargo (same target directory and profile) on first
//! use, or taken from `FUDAO_SERVER_BIN`.

use fudao_core::model::{EntityKind, Team, User};
use fudao_store::Store;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

#[path = "../../fudao-server/tests/common/pg.rs"]
mod pg;
#[path = "../../fudao-server/tests/common/process.rs"]
mod process;
use process::Server;

macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $(
            #[test]
            fn $name() { super::$name(super::Backend::Sqlite) }
        )* }
        mod postgres { $(
            #[test]
            fn $name() { super::$name(super::Backend::Postgres) }
        )* }
    };
}

both_backends!(
    two_coaches_and_a_lead_work_offline_sync_and_converge,
    server_down_is_reported_plainly_and_changes_nothing,
    clock_skew_of_a_day_either_way_changes_nothing,
    crash_while_applying_a_pull_page_keeps_the_last_page,
    clients_killed_mid_sync_apply_every_change_once,
);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

const PASSWORD: &str = "同步测试-Passw0rd";
const TEAM_A: &str = "历下区辅导队";
const TEAM_B: &str = "高新区辅导队";

// ---------------------------------------------------------------------------------------------
// Processes

fn fudao_bin() -> &'static str {
    env!("CARGO_BIN_EXE_fudao")
}

/// The `fudao-server` binary next to `fudao` (built with the same profile on first use).
fn server_bin() -> &'static Path {
    process::server_bin(
        Path::new(fudao_bin()),
        Path::new(env!("CARGO_MANIFEST_DIR")),
    )
}

/// Runs a `fudao-server` admin command on the server database.
fn admin(server_db: &str, args: &[&str]) -> String {
    process::admin(server_bin(), server_db, PASSWORD, args)
}

/// `fudao-server serve` on `listen`; waits for its "listening on" line.
fn start_server(server_db: &str, listen: &str) -> Server {
    Server::start(server_bin(), server_db, listen)
}

/// One person's device: a local database driven only through the `fudao` binary.
struct Device {
    db: PathBuf,
    /// `faketime` offset of this device's clock, e.g. "+1d".
    skew: Option<&'static str>,
}

impl Device {
    fn at(db: PathBuf) -> Device {
        Device { db, skew: None }
    }
    fn command(&self, args: &[&str]) -> Command {
        let mut c = match self.skew {
            Some(off) => {
                let mut c = Command::new("faketime");
                c.args(["-f", off, fudao_bin()]);
                c
            }
            None => Command::new(fudao_bin()),
        };
        c.arg("--db")
            .arg(&self.db)
            .args(args)
            .env("FUDAO_PASSWORD", PASSWORD)
            .env_remove("FUDAO_DB")
            .env("FUDAO_DB_KEY", fudao_store::keys::TEST_KEY_HEX)
            .env_remove("FUDAO_FAILPOINT");
        c
    }
    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run fudao")
    }
    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "fudao {args:?} on {} failed ({:?}): {}{}",
            self.db.display(),
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }
    fn json(&self, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let out = self.ok(&a);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
    }
    fn sync(&self) -> Value {
        self.json(&["sync"])
    }
    fn open_conflicts(&self) -> Vec<Value> {
        self.json(&["conflicts", "list"])
            .as_array()
            .unwrap()
            .clone()
    }
    fn firm(&self, key: &str) -> Value {
        self.json(&["firm", "show", key])
    }
    /// Every row of every kind: (kind, id, version, deleted, data), read from the file.
    fn rows(&self) -> Vec<(EntityKind, String, i64, bool, Value)> {
        let s = Store::open_with_key(&self.db, &fudao_store::DbKey::test_key()).unwrap();
        let mut out = Vec::new();
        for k in EntityKind::ALL {
            for (id, v, d, data) in s.raw_rows(k).unwrap() {
                out.push((k, id.to_string(), v, d, data));
            }
        }
        out
    }
    /// Everything in the database file, table by table, as text (for "nothing changed").
    fn dump(&self) -> Vec<String> {
        let c = fudao_store::open_connection(&self.db, &fudao_store::DbKey::test_key()).unwrap();
        let tables: Vec<String> = c
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut out = Vec::new();
        for t in tables {
            let mut st = c.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
            let n = st.column_count();
            let mut rows: Vec<String> = st
                .query_map([], |r| {
                    let mut s = format!("{t}:");
                    for i in 0..n {
                        let v: rusqlite::types::Value = r.get(i)?;
                        s.push_str(&format!("{v:?}|"));
                    }
                    Ok(s)
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            rows.sort();
            out.extend(rows);
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Set-up

fn code(n: u32) -> String {
    fudao_core::uscc::compose("91", "370102", &format!("MA{n:06}")).unwrap()
}

struct World {
    dir: tempfile::TempDir,
    server_db: String,
    server: Server,
    team_a: String,
    team_b: String,
}

/// A database URL for the server, or `None` when PostgreSQL is not installed.
fn server_database(backend: Backend, dir: &Path) -> Option<String> {
    match backend {
        Backend::Sqlite => Some(format!("sqlite:{}", dir.join("server.db").display())),
        Backend::Postgres => pg::PgCluster::shared().map(|c| c.new_database()),
    }
}

/// A server database with two teams, coaches wang and li and lead zhao in team A, coach chen in
/// team B, and a two-product catalogue — all made with the server's admin commands — and a
/// running server. `None` (PostgreSQL missing): the test is skipped with a loud message.
fn world(backend: Backend) -> Option<World> {
    let dir = tempfile::tempdir().unwrap();
    let server_db = server_database(backend, dir.path())?;
    admin(&server_db, &["team", "add", TEAM_A, "--focus", "历下区"]);
    admin(&server_db, &["team", "add", TEAM_B, "--focus", "高新区"]);
    for (u, team, role, name) in [
        ("wang", TEAM_A, "coach", "王晓"),
        ("li", TEAM_A, "coach", "李明"),
        ("zhao", TEAM_A, "lead", "赵队长"),
        ("chen", TEAM_B, "coach", "陈晨"),
    ] {
        admin(
            &server_db,
            &[
                "user", "add", u, "--team", team, "--role", role, "--name", name,
            ],
        );
    }
    // A catalogue of two products from the shipped one, one renamed so that it cannot come
    // from the built-in catalogue.
    let shipped: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/catalog/products.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut products: Vec<Value> = shipped["products"].as_array().unwrap()[..2].to_vec();
    products[0]["name"] = json!("同步测试专属贷");
    let catalog = dir.path().join("catalog.json");
    std::fs::write(&catalog, serde_json::to_string(&products).unwrap()).unwrap();
    let out = admin(
        &server_db,
        &["catalog", "publish", catalog.to_str().unwrap()],
    );
    assert!(out.contains("更新2项"), "{out}");
    let teams = admin(&server_db, &["team", "list"]);
    let team_id = |name: &str| {
        teams
            .lines()
            .find(|l| l.split('\t').nth(1) == Some(name))
            .and_then(|l| l.split('\t').next())
            .unwrap_or_else(|| panic!("{name} not in {teams}"))
            .to_string()
    };
    let (team_a, team_b) = (team_id(TEAM_A), team_id(TEAM_B));
    let server = start_server(&server_db, "127.0.0.1:0");
    Some(World {
        dir,
        server_db,
        server,
        team_a,
        team_b,
    })
}

impl World {
    /// A fresh device logged in as `user`.
    fn device(&self, user: &str) -> Device {
        let d = Device::at(self.dir.path().join(format!("{user}.db")));
        let me = d.json(&["login", "--server", &self.server.url(), "--user", user]);
        assert_eq!(me["username"], json!(user));
        d
    }
    /// One number from the server's database (`SELECT count(*) …`).
    fn server_count(&self, sql: &str) -> i64 {
        if let Some(path) = self.server_db.strip_prefix("sqlite:") {
            // The server's own database: plain SQLite (the server sets no key).
            let c = rusqlite::Connection::open(path).unwrap();
            c.query_row(sql, [], |r| r.get(0)).unwrap()
        } else {
            pg::PgCluster::shared()
                .unwrap()
                .psql(&self.server_db, sql)
                .parse()
                .unwrap()
        }
    }
}

/// Rows of three replicas must be identical; returns them.
fn assert_same(devices: &[&Device]) -> Vec<(EntityKind, String, i64, bool, Value)> {
    let first = devices[0].rows();
    for d in &devices[1..] {
        let other = d.rows();
        if other != first {
            let only_first: Vec<_> = first.iter().filter(|r| !other.contains(r)).collect();
            let only_other: Vec<_> = other.iter().filter(|r| !first.contains(r)).collect();
            panic!(
                "{} and {} differ:\nonly in the first: {only_first:#?}\nonly in the second: {only_other:#?}",
                devices[0].db.display(),
                d.db.display()
            );
        }
    }
    first
}

fn firm_count(rows: &[(EntityKind, String, i64, bool, Value)]) -> usize {
    rows.iter()
        .filter(|r| r.0 == EntityKind::Firm && !r.3)
        .count()
}

// ---------------------------------------------------------------------------------------------
// Tests

fn two_coaches_and_a_lead_work_offline_sync_and_converge(backend: Backend) {
    let Some(w) = world(backend) else { return };
    let wang = w.device("wang");
    let li = w.device("li");
    let zhao = w.device("zhao");
    let chen = w.device("chen");
    let login = li.json(&["login", "--server", &w.server.url(), "--user", "li"]);
    assert_eq!(login["role"], json!("coach"));
    assert_eq!(login["team_id"], json!(w.team_a));

    // ---- Offline work: nobody has synced yet.
    let (c1, c2, c3, c4, c5, c6) = (code(1), code(2), code(3), code(4), code(5), code(6));
    wang.ok(&[
        "firm",
        "add",
        "--uscc",
        &c1,
        "--name",
        "济南星河科技有限公司",
        "staff=30",
    ]);
    let csv = w.dir.path().join("wang-list.csv");
    std::fs::write(
        &csv,
        format!(
            "单位名称,信用代码,从业人数,科技人员,营业收入（万元）,成立日期\n\
             济南云帆软件有限公司,{c2},80,20,\"1,234.5\",2019年3月5日\n\
             济南泉城精密制造有限公司,{c3},150,25,5600,2015-06-01\n"
        ),
    )
    .unwrap();
    let imported = wang.json(&["import", "firms", csv.to_str().unwrap()]);
    assert_eq!(imported["created"], json!(2), "{imported}");
    wang.ok(&[
        "need",
        "add",
        &c1,
        "--amount",
        "500",
        "--purpose",
        "研发投入",
        "--term",
        "12",
    ]);
    wang.ok(&[
        "visit",
        "add",
        &c1,
        "--date",
        "2026-11-20",
        "--notes",
        "首次走访，了解融资需求",
    ]);
    wang.ok(&["firm", "set", &c1, "tech_staff=8"]);
    li.ok(&[
        "firm",
        "add",
        "--uscc",
        &c4,
        "--name",
        "济南绿源环保科技有限公司",
    ]);
    li.ok(&[
        "visit",
        "add",
        &c4,
        "--date",
        "2026-11-21",
        "--mode",
        "phone",
    ]);
    zhao.ok(&[
        "firm",
        "add",
        "--uscc",
        &c5,
        "--name",
        "济南明湖生物医药有限公司",
    ]);
    zhao.ok(&["need", "add", &c5, "--amount", "1200", "--kind", "equity"]);
    chen.ok(&[
        "firm",
        "add",
        "--uscc",
        &c6,
        "--name",
        "济南高新智能装备有限公司",
    ]);
    for d in [&wang, &li, &zhao] {
        let s = Store::open_with_key(&d.db, &fudao_store::DbKey::test_key()).unwrap();
        assert!(s.outbox_len().unwrap() > 0, "offline edits are queued");
    }

    // ---- First syncs, then a second round so everyone has everyone's work.
    let r = wang.sync();
    assert_eq!(r["rejected"], json!(0), "{r}");
    assert!(r["pushed"].as_u64().unwrap() >= 6, "{r}");
    li.sync();
    zhao.sync();
    chen.sync();
    wang.sync();
    li.sync();
    let rows = assert_same(&[&wang, &li, &zhao]);
    assert_eq!(firm_count(&rows), 5, "team A's five firms everywhere");
    for d in [&wang, &li, &zhao] {
        assert_eq!(
            Store::open_with_key(&d.db, &fudao_store::DbKey::test_key())
                .unwrap()
                .outbox_len()
                .unwrap(),
            0
        );
    }

    // A firm created (and one imported) by a coach belongs to the coach's team, on every
    // replica; the other team sees none of them and team A none of theirs.
    for key in [&c1, &c2, &c4] {
        assert_eq!(zhao.firm(key)["team_id"], json!(w.team_a), "{key}");
    }
    let chen_firms = chen.json(&["firm", "list"]);
    let chen_codes: Vec<&str> = chen_firms
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["uscc"].as_str().unwrap())
        .collect();
    assert_eq!(chen_codes, vec![c6.as_str()]);
    assert_eq!(chen.firm(&c6)["team_id"], json!(w.team_b));
    assert!(zhao.run(&["firm", "show", &c6]).status.code() == Some(1));
    // Needs and visits follow.
    let needs = Store::open_with_key(&zhao.db, &fudao_store::DbKey::test_key())
        .unwrap()
        .count(EntityKind::Need)
        .unwrap();
    let visits = Store::open_with_key(&zhao.db, &fudao_store::DbKey::test_key())
        .unwrap()
        .count(EntityKind::Visit)
        .unwrap();
    assert_eq!((needs, visits), (2, 2));

    // The roster and the catalogue came down: the team list by name works on a fresh device,
    // the users of team A are known (without any password material), and the catalogue is
    // the published one, not the built-in one.
    let listed = zhao.json(&["firm", "list", "--team", TEAM_A]);
    assert_eq!(listed.as_array().unwrap().len(), 5);
    let s = Store::open_with_key(&li.db, &fudao_store::DbKey::test_key()).unwrap();
    let teams: Vec<Team> = s.list().unwrap();
    assert_eq!(
        teams.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        vec![TEAM_A]
    );
    let zhao_id = s
        .list::<User>()
        .unwrap()
        .into_iter()
        .find(|u| u.username == "zhao")
        .map(|u| u.id);
    assert_eq!(teams[0].lead_id, zhao_id, "the lead of the team is known");
    let mut users: Vec<String> = s
        .list::<User>()
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    users.sort();
    assert_eq!(users, vec!["li", "wang", "zhao"]);
    assert!(
        !rows
            .iter()
            .any(|r| r.4.to_string().contains("argon2") || r.4.get("password_hash").is_some()),
        "no password material on devices"
    );
    let cat = wang.json(&["catalog", "list"]);
    let names: Vec<&str> = cat["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"同步测试专属贷"), "{names:?}");

    // ---- Concurrent edits of firm c1: wang and li change staff (same field), zhao the
    // notes (a disjoint field). wang syncs first, so li's value loses and becomes a conflict.
    wang.ok(&["firm", "set", &c1, "staff=40"]);
    li.ok(&["firm", "set", &c1, "staff=45"]);
    zhao.ok(&["firm", "set", &c1, "notes=队长：重点跟进首贷"]);
    let r = wang.sync();
    assert_eq!(r["conflicts"], json!(0), "{r}");
    let r = li.sync();
    assert_eq!(r["conflicts"], json!(1), "{r}");
    let r = zhao.sync();
    assert_eq!(r["conflicts"], json!(0), "disjoint field merges: {r}");
    wang.sync();
    li.sync();
    assert_same(&[&wang, &li, &zhao]);
    let f = wang.firm(&c1).clone();
    assert_eq!(f["staff"], json!(40));
    assert_eq!(f["tech_staff"], json!(8));
    assert_eq!(f["notes"], json!("队长：重点跟进首贷"));
    // The same-field edit is visible as a conflict on every device of the team.
    let mut conflict_id = String::new();
    for d in [&wang, &li, &zhao] {
        let open = d.open_conflicts();
        assert_eq!(open.len(), 1, "{open:?}");
        let c = &open[0];
        assert_eq!(c["field"], json!("staff"));
        assert_eq!(c["kind"], json!("firm"));
        assert_eq!(c["base"], json!(30));
        assert_eq!(c["server"], json!(40));
        assert_eq!(c["incoming"], json!(45));
        assert_eq!(c["status"], json!("open"));
        conflict_id = c["id"].as_str().unwrap().to_string();
    }
    // The table form names the field and both values.
    let table = li.ok(&["conflicts", "list"]);
    assert!(
        table.contains("staff") && table.contains("40") && table.contains("45"),
        "{table}"
    );

    // li keeps their value; everyone converges on it and the conflict closes everywhere.
    let res = li.json(&["conflicts", "resolve", &conflict_id, "--keep", "mine"]);
    assert_eq!(res["resolution"], json!("mine"));
    let r = li.sync();
    assert_eq!(r["resolutions_reported"], json!(1), "{r}");
    assert_eq!(r["conflicts"], json!(0), "{r}");
    wang.sync();
    zhao.sync();
    assert_same(&[&wang, &li, &zhao]);
    assert_eq!(zhao.firm(&c1)["staff"], json!(45));
    for d in [&wang, &li, &zhao] {
        assert!(d.open_conflicts().is_empty(), "{}", d.db.display());
    }

    // ---- Second round: two fields at once; zhao resolves one with a new value and the other
    // with the server's value.
    wang.ok(&["firm", "set", &c1, "notes=王：已对接两家银行", "staff=60"]);
    zhao.ok(&["firm", "set", &c1, "notes=赵：暂缓", "staff=61"]);
    wang.sync();
    let r = zhao.sync();
    assert_eq!(r["conflicts"], json!(2), "{r}");
    li.sync();
    wang.sync();
    assert_same(&[&wang, &li, &zhao]);
    let open = li.open_conflicts();
    assert_eq!(open.len(), 2, "{open:?}");
    let id_of = |field: &str| {
        open.iter()
            .find(|c| c["field"] == json!(field))
            .unwrap_or_else(|| panic!("no conflict on {field}: {open:?}"))["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (notes_id, staff_id) = (id_of("notes"), id_of("staff"));
    zhao.ok(&[
        "conflicts",
        "resolve",
        &notes_id,
        "--keep",
        "王赵合并：已对接两家银行，暂缓放款",
    ]);
    let res = zhao.json(&["conflicts", "resolve", &staff_id, "--keep", "theirs"]);
    assert_eq!(res["resolution"], json!("theirs"));
    // An unknown id is refused with exit 1.
    let bad = zhao.run(&[
        "conflicts",
        "resolve",
        "01900000-0000-7000-8000-000000000000",
        "--keep",
        "mine",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let r = zhao.sync();
    assert_eq!(r["resolutions_reported"], json!(2), "{r}");
    wang.sync();
    li.sync();
    assert_same(&[&wang, &li, &zhao]);
    let f = li.firm(&c1).clone();
    assert_eq!(f["notes"], json!("王赵合并：已对接两家银行，暂缓放款"));
    assert_eq!(f["staff"], json!(60), "theirs keeps the server's value");
    for d in [&wang, &li, &zhao] {
        assert!(d.open_conflicts().is_empty());
        let all = d.json(&["conflicts", "list", "--all"]);
        assert_eq!(all.as_array().unwrap().len(), 3);
    }

    // ---- The server's audit of the team: a new coach logging in later gets the same data.
    let late = Device::at(w.dir.path().join("wang-second-device.db"));
    late.json(&["login", "--server", &w.server.url(), "--user", "wang"]);
    let r = late.json(&["sync", "--page", "3"]);
    assert!(r["pages"].as_u64().unwrap() > 3, "small pages: {r}");
    assert_same(&[&wang, &late]);
}

fn server_down_is_reported_plainly_and_changes_nothing(backend: Backend) {
    let Some(mut w) = world(backend) else { return };
    let wang = w.device("wang");
    let c1 = code(11);
    wang.ok(&[
        "firm",
        "add",
        "--uscc",
        &c1,
        "--name",
        "济南断网测试科技有限公司",
    ]);
    wang.sync();
    let addr = w.server.addr.clone();
    w.server.kill();

    // Offline edit, then a sync attempt against the dead server.
    wang.ok(&["firm", "set", &c1, "staff=12"]);
    let before = wang.dump();
    let t = Instant::now();
    let o = wang.run(&["sync"]);
    let took = t.elapsed();
    assert_eq!(o.status.code(), Some(1), "a failed sync exits 1");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("无法连接同步服务器") && err.contains("cannot reach the sync server"),
        "{err}"
    );
    assert!(
        err.contains("本地数据未改动") && err.contains("local data is unchanged"),
        "{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    assert!(
        took >= Duration::from_millis(500),
        "retried with backoff before giving up ({took:?})"
    );
    assert_eq!(wang.dump(), before, "the local database is untouched");

    // The server comes back on the same address: the queued edit goes through.
    w.server = start_server(&w.server_db, &addr);
    let r = wang.sync();
    assert_eq!(r["pushed"], json!(1), "{r}");
    assert_eq!(
        Store::open_with_key(&wang.db, &fudao_store::DbKey::test_key())
            .unwrap()
            .outbox_len()
            .unwrap(),
        0
    );
    let li = w.device("li");
    li.sync();
    assert_eq!(li.firm(&c1)["staff"], json!(12));

    // Not logged in and a wrong password: plain messages, exit 1.
    let fresh = Device::at(w.dir.path().join("fresh.db"));
    let o = fresh.run(&["sync"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("fudao login"));
    let o = fresh
        .command(&["login", "--server", &w.server.url(), "--user", "li"])
        .env("FUDAO_PASSWORD", "wrong-password")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        Store::open_with_key(&fresh.db, &fudao_store::DbKey::test_key())
            .unwrap()
            .session()
            .unwrap()
            .is_none()
    );
    // A database that holds one user's replica refuses a login as another user.
    let o = wang.run(&["login", "--server", &w.server.url(), "--user", "li"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--db"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let s = Store::open_with_key(&wang.db, &fudao_store::DbKey::test_key())
        .unwrap()
        .session()
        .unwrap()
        .unwrap();
    assert_eq!(s.user.username, "wang");
    // Logging in again as the same user is fine (e.g. after the token expired).
    wang.json(&["login", "--server", &w.server.url(), "--user", "wang"]);

    // `fudao logout` revokes the token on the server, then forgets it here.
    let revoked = |w: &World| {
        w.server_count("SELECT count(*) FROM tokens WHERE CAST(revoked AS INTEGER) = 1")
    };
    let r0 = revoked(&w);
    assert_eq!(
        li.json(&["logout"]),
        json!({"logged_out": true, "revoked": true})
    );
    assert_eq!(revoked(&w), r0 + 1);
    assert!(
        Store::open_with_key(&li.db, &fudao_store::DbKey::test_key())
            .unwrap()
            .session()
            .unwrap()
            .is_none()
    );
    // Offline: forgotten here at once, revoked at the next contact.
    let addr = w.server.addr.clone();
    w.server.kill();
    assert_eq!(
        wang.json(&["logout"]),
        json!({"logged_out": true, "revoked": false})
    );
    assert!(
        Store::open_with_key(&wang.db, &fudao_store::DbKey::test_key())
            .unwrap()
            .session()
            .unwrap()
            .is_none()
    );
    let o = wang.run(&["sync"]);
    assert_eq!(o.status.code(), Some(1), "logged out");
    w.server = start_server(&w.server_db, &addr);
    let r1 = revoked(&w);
    wang.json(&["login", "--server", &w.server.url(), "--user", "wang"]);
    assert_eq!(
        revoked(&w),
        r1 + 1,
        "the offline logout's token is revoked at the next contact"
    );
    assert!(
        Store::open_with_key(&wang.db, &fudao_store::DbKey::test_key())
            .unwrap()
            .meta_get("sync_pending_revoke")
            .unwrap()
            .is_none()
    );
    assert_eq!(
        w.server_count("SELECT count(*) FROM security_log WHERE action = 'token.revoke'"),
        2
    );
}

fn faketime_available() -> bool {
    let ok = Command::new("faketime")
        .args(["-f", "+1d", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("\n!!!!!!!! SKIPPING clock-skew test: `faketime` is not installed (Debian package faketime) !!!!!!!!\n");
    }
    ok
}

/// A coach whose clock is a day ahead and one whose clock is a day behind: the order of
/// edits is the server's order, never the clocks' — a later edit made on the "yesterday"
/// device wins over an earlier one from the "tomorrow" device, a concurrent same-field edit
/// keeps the value that reached the server first, and every cursor stays complete.
fn clock_skew_of_a_day_either_way_changes_nothing(backend: Backend) {
    if !faketime_available() {
        return;
    }
    let Some(w) = world(backend) else { return };
    let mut ahead = w.device("wang");
    ahead.skew = Some("+1d");
    let mut behind = w.device("li");
    behind.skew = Some("-1d");
    let lead = w.device("zhao");
    let c1 = code(21);
    ahead.ok(&[
        "firm",
        "add",
        "--uscc",
        &c1,
        "--name",
        "济南时差测试科技有限公司",
        "staff=10",
    ]);
    ahead.sync();
    behind.sync();
    lead.sync();
    // The skew took effect: the local history of the "tomorrow" device is dated tomorrow.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let history = ahead.json(&["firm", "history", &c1]);
    assert!(
        history
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["source"] == json!("local")
                && e["at"].as_str().unwrap().starts_with(&tomorrow)),
        "{history}"
    );

    // Sequential edits: "tomorrow" first, then "yesterday" after pulling it. Last writer by
    // the server's order wins and no conflict is raised.
    ahead.ok(&["firm", "set", &c1, "notes=明天的时钟先改"]);
    ahead.sync();
    behind.sync();
    behind.ok(&["firm", "set", &c1, "notes=昨天的时钟后改"]);
    let r = behind.sync();
    assert_eq!(r["conflicts"], json!(0), "{r}");
    ahead.sync();
    lead.sync();
    assert_same(&[&ahead, &behind, &lead]);
    assert_eq!(lead.firm(&c1)["notes"], json!("昨天的时钟后改"));

    // Concurrent same-field edits: "yesterday" reaches the server first and stays; the
    // "tomorrow" value is kept in a conflict.
    behind.ok(&["firm", "set", &c1, "staff=20"]);
    ahead.ok(&["firm", "set", &c1, "staff=30"]);
    behind.sync();
    let r = ahead.sync();
    assert_eq!(r["conflicts"], json!(1), "{r}");
    behind.sync();
    lead.sync();
    assert_same(&[&ahead, &behind, &lead]);
    assert_eq!(behind.firm(&c1)["staff"], json!(20));
    let open = lead.open_conflicts();
    assert_eq!(open.len(), 1);
    assert_eq!(
        (open[0]["server"].clone(), open[0]["incoming"].clone()),
        (json!(20), json!(30))
    );

    // A skewed device that creates rows later still hands them to everyone (cursors are the
    // server's sequence numbers, not times), and a fresh device pulls everything.
    behind.ok(&[
        "firm",
        "add",
        "--uscc",
        &code(22),
        "--name",
        "济南昨日新增有限公司",
    ]);
    ahead.ok(&[
        "firm",
        "add",
        "--uscc",
        &code(23),
        "--name",
        "济南明日新增有限公司",
    ]);
    behind.sync();
    ahead.sync();
    behind.sync();
    lead.sync();
    let rows = assert_same(&[&ahead, &behind, &lead]);
    assert_eq!(firm_count(&rows), 3);
    let mut fresh = Device::at(w.dir.path().join("fresh-skewed.db"));
    fresh.skew = Some("-1d");
    fresh.json(&["login", "--server", &w.server.url(), "--user", "zhao"]);
    fresh.json(&["sync", "--page", "2"]);
    assert_same(&[&lead, &fresh]);
}

/// `count` firms in a CSV list with codes from `first`.
fn firm_list_csv(path: &Path, first: u32, count: u32) {
    let mut s = String::from("单位名称,信用代码,从业人数,科技人员,成立日期\n");
    for i in 0..count {
        s.push_str(&format!(
            "济南批量测试{i:04}科技有限公司,{},{},{},2018-05-0{}\n",
            code(first + i),
            20 + i % 50,
            5 + i % 10,
            1 + i % 9
        ));
    }
    std::fs::write(path, s).unwrap();
}

/// A client process dies half-way through applying a pulled page (inside its
/// transaction): the database keeps the previous pages and their cursor, nothing of the
/// interrupted page, and the next sync resumes and converges. Page by page
/// (`--pull-batch 1`), so that which pages were committed does not depend on how many had
/// arrived; a batch of pages is all or nothing like one page (the store's
/// `interrupted_batch_keeps_nothing_and_the_pull_resumes`).
fn crash_while_applying_a_pull_page_keeps_the_last_page(backend: Backend) {
    let Some(w) = world(backend) else { return };
    let wang = w.device("wang");
    let csv = w.dir.path().join("list.csv");
    firm_list_csv(&csv, 100, 150);
    wang.ok(&["import", "firms", csv.to_str().unwrap()]);
    wang.sync();
    let lead = w.device("zhao");
    let o = lead
        .command(&["sync", "--page", "40", "--pull-batch", "1"])
        .env("FUDAO_FAILPOINT", "client_exit_mid_page:3")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let s = Store::open_with_key(&lead.db, &fudao_store::DbKey::test_key()).unwrap();
    let kept: usize = EntityKind::ALL
        .iter()
        .map(|k| s.raw_rows(*k).unwrap().len())
        .sum();
    assert_eq!(kept, 80, "exactly the two pages before the crash");
    let cursor = s
        .meta_get("sync_cursor")
        .unwrap()
        .expect("cursor of page 2");
    drop(s);
    // The process is gone mid-transaction: the journal rolls the page back on next open.
    let r = lead.json(&["sync", "--page", "40"]);
    assert!(r["pulled"].as_u64().unwrap() > 0, "{r}");
    assert_ne!(
        Store::open_with_key(&lead.db, &fudao_store::DbKey::test_key())
            .unwrap()
            .meta_get("sync_cursor")
            .unwrap(),
        Some(cursor)
    );
    wang.sync();
    let rows = assert_same(&[&wang, &lead]);
    assert_eq!(firm_count(&rows), 150);
}

/// A coach with 700 unsynced firms (push batches of 500 and 200): the sync process dies after
/// the server answered the second batch but before recording the answer, then is SIGKILLed
/// at several moments.
/// The final sync completes; every firm is applied exactly once (one server audit entry per
/// field, version 1), nothing is rejected or in conflict, and the replicas agree.
fn clients_killed_mid_sync_apply_every_change_once(backend: Backend) {
    let Some(w) = world(backend) else { return };
    let wang = w.device("wang");
    let csv = w.dir.path().join("big.csv");
    firm_list_csv(&csv, 1000, 700);
    wang.ok(&["import", "firms", csv.to_str().unwrap()]);
    let outbox = |d: &Device| {
        Store::open_with_key(&d.db, &fudao_store::DbKey::test_key())
            .unwrap()
            .outbox_len()
            .unwrap()
    };
    assert_eq!(outbox(&wang), 700);
    let o = wang
        .command(&["sync"])
        .env("FUDAO_FAILPOINT", "client_exit_before_ack:2")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        outbox(&wang),
        200,
        "the first batch was recorded, the second was not"
    );
    for delay_ms in [30, 60, 120, 250] {
        let mut child = wang
            .command(&["sync"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
    }
    let r = wang.sync();
    assert_eq!(r["rejected"], json!(0), "{r}");
    assert_eq!(r["open_conflicts"], json!(0), "{r}");
    assert_eq!(outbox(&wang), 0);
    let lead = w.device("zhao");
    lead.sync();
    let rows = assert_same(&[&wang, &lead]);
    assert_eq!(firm_count(&rows), 700);
    let firms: Vec<_> = rows.iter().filter(|r| r.0 == EntityKind::Firm).collect();
    assert!(firms.iter().all(|r| r.2 == 1), "every firm at version 1");
    let fields: i64 = firms
        .iter()
        .map(|r| r.4.as_object().unwrap().len() as i64)
        .sum();
    assert_eq!(
        w.server_count("SELECT count(*) FROM audit WHERE kind = 'firm'"),
        fields,
        "each field audited once: no mutation applied twice"
    );
    assert_eq!(
        w.server_count("SELECT count(*) FROM mutations"),
        700,
        "one idempotency record per mutation"
    );
}
