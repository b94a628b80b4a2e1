#!/usr/bin/env bash
# Builds and opens the app on a demo database (created on first run with `fudao demo`).
# FUDAO_DB overrides the database path (default: target/demo/fudao-demo.db).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/app}"
DEMO_DB="$ROOT/target/demo/fudao-demo.db"
export FUDAO_DB="${FUDAO_DB:-$DEMO_DB}"
# The demo database holds synthetic data only: it is encrypted with the well-known demo key
# (fudao_store::keys::TEST_KEY_HEX), so `make run` opens it with no typing on any machine. A
# database of your own (FUDAO_DB set) gets no such key: the app finds its key in the OS keystore
# or shows the unlock screen. A demo database from before encryption is encrypted on first open.
if [ "$FUDAO_DB" = "$DEMO_DB" ] && [ -z "${FUDAO_DB_KEY:-}" ]; then
  export FUDAO_DB_KEY=f0da0000000000000000000000000000000000000000000000000000000000d0
fi
if [ ! -f "$FUDAO_DB" ]; then
  mkdir -p "$(dirname "$FUDAO_DB")"
  cargo run --manifest-path "$ROOT/Cargo.toml" -p fudao-cli --release -- demo --firms 2000
fi
"$ROOT/scripts/app-build.sh" --release
exec "$CARGO_TARGET_DIR/release/fudao-app"
