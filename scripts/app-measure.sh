#!/usr/bin/env bash
# Prints the app's performance figures for issue #15 (src-tauri/tests/measure.rs): cold start
# to first data (from the process start, split into WebKit start / bundle / first data), PSS of
# the app's three processes after a tour of every screen, search as typed and time to first
# content per screen (both measured in the page, window.__fudaoPerf), the 一企一策 preview and
# the firm list at scale; then the .deb's size if one was built. Fails when a screen takes over
# 1 s to its first content (FUDAO_MEASURE_SCREEN_BOUND_MS).
#   FUDAO_MEASURE_FIRMS=100000 scripts/app-measure.sh   the same at 100,000 firms
#   FUDAO_MEASURE_DB=F          measure a copy of F (encrypted with the test key) instead of a
#                               new demo (set FUDAO_MEASURE_FIRMS to its size)
#   FUDAO_MEASURE_BOOT_ONLY=K   only the cold start, K times, no tour
# The release binary is (re)built when it is missing or older than the UI or app sources.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/app}"
# Headless: the measured databases are encrypted with the well-known test key.
export FUDAO_DB_KEY="${FUDAO_DB_KEY:-f0da0000000000000000000000000000000000000000000000000000000000d0}"
BIN="${FUDAO_APP_BIN:-$CARGO_TARGET_DIR/release/fudao-app}"
if [ -z "${FUDAO_APP_BIN:-}" ]; then
  if [ ! -x "$BIN" ] || [ -n "$(find "$ROOT/ui/src" "$ROOT/ui/index.html" "$ROOT/src-tauri/src" -newer "$BIN" -print -quit)" ]; then
    "$ROOT/scripts/app-build.sh" --release
  fi
fi
export FUDAO_APP_BIN="$BIN"
echo "measuring $FUDAO_APP_BIN"
xvfb-run -a -s "-screen 0 1440x900x24" \
  cargo test --manifest-path "$ROOT/src-tauri/Cargo.toml" -p fudao-app --features custom-protocol \
  --test measure -- --ignored --nocapture --test-threads=1
ls -la "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb 2>/dev/null || true
