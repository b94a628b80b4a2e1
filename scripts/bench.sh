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

section "Sync"
if [ -d crates/fudao-server/benches ]; then
  cargo bench -q -p fudao-server 2>/dev/null || status=1
fi
exit $status
