#!/usr/bin/env bash
# End-to-end test of the real app window under Xvfb via tauri-driver + WebKitWebDriver.
# Builds the UI, then runs src-tauri/tests/e2e.rs (a coach's day) and e2e_lead.rs (a lead's:
# sync against a real fudao-server, a conflict, the KPI export); cargo builds the app binary.
# FUDAO_SERVER_BIN names a built fudao-server (else the test builds one into the same target).
# Screenshots land in target/screenshots/, every WebDriver command with its timing in
# target/e2e-logs/<suite>-webdriver.log.
#
# Each WebDriver command has its own limit (FUDAO_E2E_CMD_TIMEOUT, 30 s; see
# src-tauri/tests/common/watchdog.rs), so a command that never answers fails its step with the
# command's name. A suite that fails is run again (FUDAO_E2E_ATTEMPTS, 2 in all); every run
# says how many attempts each suite took. FUDAO_E2E_TIMEOUT (300 s) bounds one attempt as a last
# resort.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/app}"
# No OS keystore headless: the tests' databases (and the app they start) use the well-known
# test key (fudao_store::keys::TEST_KEY_HEX) unless FUDAO_DB_KEY is set.
export FUDAO_DB_KEY="${FUDAO_DB_KEY:-f0da0000000000000000000000000000000000000000000000000000000000d0}"

for bin in WebKitWebDriver xvfb-run import xwininfo; do
  command -v "$bin" >/dev/null || { echo "$bin is missing: run scripts/setup-debian.sh" >&2; exit 1; }
done
if ! command -v tauri-driver >/dev/null; then
  cargo install tauri-driver --locked
fi

(cd "$ROOT/ui" && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build)
mkdir -p "$ROOT/target/screenshots" "$ROOT/target/e2e-logs"
cargo_test=(cargo test --manifest-path "$ROOT/src-tauri/Cargo.toml" -p fudao-app
  --features custom-protocol)
# Build first, outside the time bound: a cold build must not eat a suite's time. The test's own
# build of the fudao-app binary (CARGO_BIN_EXE_fudao-app) serves ui/dist thanks to the
# custom-protocol feature; no separate app build is needed.
# The suites then run their binaries directly: cargo is not inside the time bound, so another
# cargo holding the target dir's lock cannot eat a suite's time.
declare -A exe
while IFS=$'\t' read -r name path; do
  exe[$name]=$path
done < <("${cargo_test[@]}" --test e2e --test e2e_lead --no-run --message-format=json |
  python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["kind"] == ["test"]:
        print(m["target"]["name"] + "\t" + m["executable"])
')
for suite in e2e e2e_lead; do
  [ -n "${exe[$suite]:-}" ] || { echo "e2e: no test binary for $suite" >&2; exit 1; }
done

attempts="${FUDAO_E2E_ATTEMPTS:-2}"
summary=()
status=0
for suite in e2e e2e_lead; do
  passed=""
  for ((n = 1; n <= attempts; n++)); do
    started=$(date +%s)
    echo "e2e: suite $suite, attempt $n of $attempts" >&2
    rc=0
    timeout --kill-after=20 "${FUDAO_E2E_TIMEOUT:-300}" xvfb-run -a -s "-screen 0 1440x900x24" \
      env -C "$ROOT/src-tauri" "${exe[$suite]}" --ignored --nocapture --test-threads=1 || rc=$?
    if [ "$rc" -eq 0 ]; then
      passed=$n
      summary+=("$suite passed on attempt $n of $attempts ($(($(date +%s) - started)) s)")
      break
    fi
    summary+=("$suite attempt $n failed (exit $rc after $(($(date +%s) - started)) s; log target/e2e-logs/$suite-webdriver.log)")
    cp "$ROOT/target/e2e-logs/$suite-webdriver.log" "$ROOT/target/e2e-logs/$suite-webdriver.attempt$n.log" 2>/dev/null || true
  done
  [ -n "$passed" ] || status=1
done
printf 'e2e: %s\n' "${summary[@]}" | tee -a "$ROOT/target/e2e-logs/attempts.log" >&2
echo "screenshots: $ROOT/target/screenshots"
exit $status
