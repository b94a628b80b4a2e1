#!/usr/bin/env bash
# The desktop app's Rust tests (bindings up to date, IPC mirrors, list paging, the evaluation,
# product, KPI and import views; the e2e harness's WebDriver watchdog) and the UI's Vitest suite.
#   scripts/app-test.sh          Rust lib tests + Vitest
#   scripts/app-test.sh --rust   Rust lib tests only
# The app crate embeds ui/dist at compile time, so the UI is built first if it is missing.
# CARGO_TARGET_DIR defaults to <repo>/target/app (the Tauri/WebKit build stays out of the
# workspace's shared target dir).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/app}"
# No OS keystore headless: the tests' databases (and the app they start) use the well-known
# test key (fudao_store::keys::TEST_KEY_HEX) unless FUDAO_DB_KEY is set.
export FUDAO_DB_KEY="${FUDAO_DB_KEY:-f0da0000000000000000000000000000000000000000000000000000000000d0}"
if [ ! -d "$ROOT/ui/node_modules" ]; then
  (cd "$ROOT/ui" && npm ci --no-audit --no-fund)
fi
if [ ! -f "$ROOT/ui/dist/index.html" ]; then
  (cd "$ROOT/ui" && npm run build)
fi
# The KPI comparison test runs the `fudao` CLI of this same target dir.
cargo build --manifest-path "$ROOT/Cargo.toml" -p fudao-cli
export FUDAO_CLI_BIN="${FUDAO_CLI_BIN:-$CARGO_TARGET_DIR/debug/fudao}"
cargo test --manifest-path "$ROOT/src-tauri/Cargo.toml" -p fudao-app --features custom-protocol --lib \
  --test watchdog
if [ "${1:-}" != "--rust" ]; then
  (cd "$ROOT/ui" && npm test)
fi
