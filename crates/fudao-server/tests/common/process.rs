//! A `fudao-server` process for tests outside the server crate (the CLI's sync tests, the app's
//! WebDriver suite): finding or building the binary, running admin commands, serving on a free
//! port. Included with `#[path]`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

/// The `fudao-server` binary: `FUDAO_SERVER_BIN`, or built by cargo into the target directory
/// of `sibling` (a binary of the running test's build, e.g. `CARGO_BIN_EXE_fudao`), with the
/// same profile, on first use. `manifest_dir` is the calling crate's (any workspace member).
pub fn server_bin(sibling: &Path, manifest_dir: &Path) -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(p) = std::env::var_os("FUDAO_SERVER_BIN").filter(|p| Path::new(p).exists()) {
            return PathBuf::from(p);
        }
        let profile_dir = sibling.parent().expect("target/<profile>");
        let target_dir = profile_dir.parent().expect("target dir");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "-q", "-p", "fudao-server", "--bin", "fudao-server"])
            .arg("--target-dir")
            .arg(target_dir)
            .current_dir(manifest_dir);
        // Cargo sets package variables for this test process; build scripts (ring's) rerun
        // when they differ, which would rebuild half the tree twice per run.
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().to_string();
            let package_var = ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_BIN_", "CARGO_CFG_"]
                .iter()
                .any(|p| k.starts_with(p))
                || [
                    "CARGO_CRATE_NAME",
                    "CARGO_PRIMARY_PACKAGE",
                    "CARGO_TARGET_TMPDIR",
                    "OUT_DIR",
                ]
                .contains(&k.as_str());
            if package_var {
                cmd.env_remove(&k);
            }
        }
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("run cargo build -p fudao-server");
        assert!(status.success(), "building fudao-server failed");
        let bin = profile_dir.join(format!("fudao-server{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.exists(), "no server binary at {}", bin.display());
        bin
    })
}

/// Runs a `fudao-server` admin command on `server_db` (`FUDAO_PASSWORD` = `password`);
/// returns its standard output.
pub fn admin(bin: &Path, server_db: &str, password: &str, args: &[&str]) -> String {
    let o = Command::new(bin)
        .args(["--db", server_db])
        .args(args)
        .env("FUDAO_PASSWORD", password)
        .env("RUST_LOG", "warn")
        .env_remove("FUDAO_DB")
        .output()
        .expect("run fudao-server");
    assert!(
        o.status.success(),
        "fudao-server {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// A running `fudao-server serve`, killed on drop.
pub struct Server {
    pub child: Child,
    pub addr: String,
}

impl Server {
    /// `fudao-server serve` on `listen`; waits for its "listening on" line.
    pub fn start(bin: &Path, server_db: &str, listen: &str) -> Server {
        Server::spawn(bin, server_db, listen, &[], &[("RUST_LOG", "warn")])
    }

    /// `fudao-server --db DB serve --listen LISTEN ARGS…` with extra environment variables
    /// (`RUST_LOG`, `FUDAO_FAILPOINT`, …); waits for its "listening on" line.
    pub fn spawn(
        bin: &Path,
        server_db: &str,
        listen: &str,
        args: &[&str],
        envs: &[(&str, &str)],
    ) -> Server {
        let mut child = Command::new(bin)
            .args(["--db", server_db, "serve", "--listen", listen])
            .args(args)
            .envs(envs.iter().copied())
            .env_remove("FUDAO_DB")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn fudao-server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Server { child, addr }
    }
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
