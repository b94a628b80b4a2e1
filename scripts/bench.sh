#!/usr/bin/env bash
# Runs every benchmark and prints its figures. Benchmarks print; they never fail on time.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
status=0
section() { printf '\n=== %s ===\n' "$1"; }

section "Foundation: demo data, 10k-row import, search over 100k firms"
cargo bench -q -p fudao-store --bench store 2>/dev/null || status=1

section "Spreadsheet parsing (fudao-io)"
cargo bench -q -p fudao-io --bench import 2>/dev/null || status=1

section "Plan PDFs: fudao-pdf vs Typst vs LibreOffice"
./scripts/setup-bench.sh
bash crates/fudao-pdf/bench/compare.sh || status=1

section "Plans composed from demo data: fudao plan --all (median and max per plan, end to end)"
# A release build of the CLI; one demo database per size (FUDAO_BENCH_PLAN_FIRMS, default
# "200 1000": the issue's figures), seed 42. Each run prints median/max ms and KB per plan
# (target: median ≤ 10 ms and ≤ 100 KB a plan).
if cargo build -q --release -p fudao-cli 2>/dev/null; then
  bin="${CARGO_TARGET_DIR:-$ROOT/target}/release/fudao"
  for firms in ${FUDAO_BENCH_PLAN_FIRMS:-200 1000}; do
    tmp="$(mktemp -d)"
    printf '%s firms: ' "$firms"
    "$bin" --db "$tmp/demo.db" demo --firms "$firms" --seed 42 >/dev/null \
      && "$bin" --db "$tmp/demo.db" plan --all --out-dir "$tmp/plans" | tail -n 1 || status=1
    rm -rf "$tmp"
  done
else
  status=1
fi

section "Sync"
if [ -d crates/fudao-server/benches ]; then
  cargo bench -q -p fudao-server 2>/dev/null || status=1
fi
exit $status
