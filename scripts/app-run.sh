#!/usr/bin/env bash
# Builds and opens the app on a demo database (created on first run with `fudao demo`).
# FUDAO_DB overrides the database path (default: target/demo/fudao-demo.db).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/app}"
export FUDAO_DB="${FUDAO_DB:-$ROOT/target/demo/fudao-demo.db}"
if [ ! -f "$FUDAO_DB" ]; then
  mkdir -p "$(dirname "$FUDAO_DB")"
  cargo run --manifest-path "$ROOT/Cargo.toml" -p fudao-cli --release -- demo --firms 2000
fi
"$ROOT/scripts/app-build.sh" --release
exec "$CARGO_TARGET_DIR/release/fudao-app"
