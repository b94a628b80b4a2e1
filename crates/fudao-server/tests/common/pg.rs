//! A throwaway PostgreSQL cluster for tests and benchmarks (Debian's binaries; postgres
//! refuses to run as root, so as root the commands run as the `postgres` user).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// PostgreSQL throwaway cluster

pub struct PgCluster {
    pub port: u16,
    pub dir: PathBuf,
    bin: PathBuf,
    next_db: AtomicU32,
}

fn pg_bin() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists() && p.join("pg_ctl").exists())
        .collect();
    dirs.sort();
    dirs.pop()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn as_postgres(cmd: &str) -> std::process::Output {
    let am_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if am_root {
        Command::new("runuser")
            .args(["-u", "postgres", "--", "sh", "-c", cmd])
            .output()
            .expect("runuser")
    } else {
        Command::new("sh").args(["-c", cmd]).output().expect("sh")
    }
}

impl PgCluster {
    /// The cluster shared by the tests of this process, or `None` (with a loud message) when
    /// PostgreSQL's binaries are not installed.
    pub fn shared() -> Option<&'static PgCluster> {
        static C: OnceLock<Option<PgCluster>> = OnceLock::new();
        C.get_or_init(|| {
            let Some(bin) = pg_bin() else {
                // On CI a missing PostgreSQL is a failure, never a silent pass: the backend
                // would ship untested. Elsewhere the tests skip, loudly.
                assert!(
                    std::env::var_os("CI").is_none(),
                    "PostgreSQL is missing on CI: no /usr/lib/postgresql/*/bin/initdb \
                     (scripts/setup-debian.sh installs Debian's `postgresql`)"
                );
                eprintln!("\n!!!!!!!! SKIPPING PostgreSQL tests: no /usr/lib/postgresql/*/bin/initdb (install Debian's `postgresql`) !!!!!!!!\n");
                return None;
            };
            Some(PgCluster::start(&bin))
        })
        .as_ref()
    }

    fn start(bin: &Path) -> PgCluster {
        let dir =
            std::env::temp_dir().join(format!("fudao-pg-{}-{}", std::process::id(), free_port()));
        std::fs::create_dir_all(&dir).unwrap();
        let _ = Command::new("chown")
            .args(["-R", "postgres:postgres", dir.to_str().unwrap()])
            .output();
        let data = dir.join("data");
        let port = free_port();
        let out = as_postgres(&format!(
            "{}/initdb -D {} -A trust -U postgres --no-sync -E UTF8 --locale=C",
            bin.display(),
            data.display()
        ));
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = as_postgres(&format!(
            "{}/pg_ctl -D {} -l {}/log -w -o \"-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 -c shared_buffers=64MB\" start",
            bin.display(),
            data.display(),
            dir.display(),
            dir.display()
        ));
        assert!(
            out.status.success(),
            "pg_ctl start failed: {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // Stop the cluster when this test process is gone.
        let watcher = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; runuser -u postgres -- {bin}/pg_ctl -D {data} -m immediate stop >/dev/null 2>&1; rm -rf {dir}",
            pid = std::process::id(),
            bin = bin.display(),
            data = data.display(),
            dir = dir.display()
        );
        let _ = Command::new("setsid").args(["sh", "-c", &watcher]).spawn();
        PgCluster {
            port,
            dir,
            bin: bin.to_path_buf(),
            next_db: AtomicU32::new(0),
        }
    }

    /// A fresh, empty database in the cluster (made with `createdb`, so that test crates
    /// without a PostgreSQL client can share this file).
    pub fn new_database(&self) -> String {
        let n = self.next_db.fetch_add(1, Ordering::SeqCst);
        let name = format!("t{}_{}", n, Uuid::now_v7().simple());
        let out = as_postgres(&format!(
            "{}/createdb -h 127.0.0.1 -p {} -U postgres {name}",
            self.bin.display(),
            self.port
        ));
        assert!(
            out.status.success(),
            "createdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// Runs one SQL statement with `psql` on the database of `url` (from
    /// [`PgCluster::new_database`]) and returns its unaligned output.
    pub fn psql(&self, url: &str, sql: &str) -> String {
        let out = as_postgres(&format!(
            "{}/psql -At -d '{url}' -c \"{}\"",
            self.bin.display(),
            sql.replace('"', "\\\"")
        ));
        assert!(
            out.status.success(),
            "psql failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}
