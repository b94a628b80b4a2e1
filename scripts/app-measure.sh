#!/usr/bin/env bash
# Prints the app's performance figures (cold start to first data, PSS over the app's three
# processes with 10,000 firms, search latency as typed) using the release binary, and the
# size of the .deb if one was built.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/app}"
# Headless: the measured databases are encrypted with the well-known test key.
export FUDAO_DB_KEY="${FUDAO_DB_KEY:-f0da0000000000000000000000000000000000000000000000000000000000d0}"
if [ ! -x "$CARGO_TARGET_DIR/release/fudao-app" ]; then
  "$ROOT/scripts/app-build.sh" --release
fi
export FUDAO_APP_BIN="$CARGO_TARGET_DIR/release/fudao-app"
xvfb-run -a -s "-screen 0 1440x900x24" \
  cargo test --manifest-path "$ROOT/src-tauri/Cargo.toml" -p fudao-app --features custom-protocol \
  --test measure -- --ignored --nocapture --test-threads=1
ls -la "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb 2>/dev/null || true
