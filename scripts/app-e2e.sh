#!/usr/bin/env bash
# End-to-end test of the real app window under Xvfb via tauri-driver + WebKitWebDriver.
# Builds the UI, then runs src-tauri/tests/e2e.rs (a coach's day) and e2e_lead.rs (a lead's:
# sync against a real fudao-server, a conflict, the KPI export); cargo builds the app binary.
# FUDAO_SERVER_BIN names a built fudao-server (else the test builds one into the same target).
# Screenshots land in target/screenshots/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/app}"
# No OS keystore headless: the tests' databases (and the app they start) use the well-known
# test key (fudao_store::keys::TEST_KEY_HEX) unless FUDAO_DB_KEY is set.
export FUDAO_DB_KEY="${FUDAO_DB_KEY:-f0da0000000000000000000000000000000000000000000000000000000000d0}"

for bin in WebKitWebDriver xvfb-run; do
  command -v "$bin" >/dev/null || { echo "$bin is missing: run scripts/setup-debian.sh" >&2; exit 1; }
done
if ! command -v tauri-driver >/dev/null; then
  cargo install tauri-driver --locked
fi

(cd "$ROOT/ui" && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build)
mkdir -p "$ROOT/target/screenshots"
# The test's own build of the fudao-app binary (CARGO_BIN_EXE_fudao-app) serves ui/dist thanks
# to the custom-protocol feature; no separate app build is needed.
# A WebDriver command that never answers would hang the suite (fantoccini has no timeout of
# its own): bound the run, so a hang fails and `make test-e2e` retries once.
timeout --kill-after=20 "${FUDAO_E2E_TIMEOUT:-600}" xvfb-run -a -s "-screen 0 1440x900x24" \
  cargo test --manifest-path "$ROOT/src-tauri/Cargo.toml" -p fudao-app --features custom-protocol \
  --test e2e --test e2e_lead -- --ignored --nocapture --test-threads=1
echo "screenshots: $ROOT/target/screenshots"
