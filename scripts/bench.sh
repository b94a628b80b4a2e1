#!/usr/bin/env bash
# Runs every benchmark and prints its figures. Benchmarks print; they never fail on time.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
status=0
section() { printf '\n=== %s ===\n' "$1"; }

./scripts/setup-bench.sh

section "Foundation: demo data, 10k-row import (parse / validate / write split, openpyxl's read of the same file), search over 100k firms"
cargo bench -q -p fudao-store --bench store 2>/dev/null || status=1

section "企业 list search over 100,000 firms: plaintext vs encrypted store (cold and warm page cache, CPU time, pages read)"
# Demo databases cached under $CARGO_TARGET_DIR/bench-cache (built on the first run: minutes).
for plain in 1 0; do
  FUDAO_BENCH_PLAINTEXT=$plain cargo bench -q -p fudao-store --bench search 2>/dev/null || status=1
done

section "Spreadsheet parsing (fudao-io)"
cargo bench -q -p fudao-io --bench import 2>/dev/null || status=1

section "Plan PDFs: fudao-pdf vs Typst vs LibreOffice"
bash crates/fudao-pdf/bench/compare.sh || status=1

section "fudao import firms of a 10,000-row .xlsx (wall, release build, encrypted store) vs openpyxl reading it"
# The demo's firms exported to .xlsx, imported into a fresh database three times (median),
# against openpyxl merely reading the same file. Target: import <= 0.6 s.
if cargo build -q --release -p fudao-cli 2>/dev/null; then
  bin="${CARGO_TARGET_DIR:-$ROOT/target}/release/fudao"
  tmp="$(mktemp -d)"
  if "$bin" --db "$tmp/demo.db" demo --firms 10000 --seed 7 >/dev/null \
    && "$bin" --db "$tmp/demo.db" export firms "$tmp/firms.xlsx" >/dev/null; then
    walls=()
    for i in 1 2 3; do
      t0=$(date +%s.%N)
      "$bin" --db "$tmp/import$i.db" import firms "$tmp/firms.xlsx" >/dev/null 2>&1 || status=1
      t1=$(date +%s.%N)
      walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
    done
    med=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n 2p)
    echo "fudao import firms, 10,000 rows: ${med} s wall, median of 3 (runs: ${walls[*]}; target <= 0.6 s)"
    py=""
    for p in python3 /usr/bin/python3; do
      if "$p" -c "import openpyxl" 2>/dev/null; then py="$p"; break; fi
    done
    if [ -n "$py" ]; then
      reads=()
      for i in 1 2 3; do reads+=("$("$py" scripts/openpyxl-read.py "$tmp/firms.xlsx" | cut -d' ' -f2)"); done
      echo "openpyxl reading the same file: $(printf '%s\n' "${reads[@]}" | sort -n | sed -n 2p) s, median of 3"
    fi
    echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  else
    status=1
  fi
  rm -rf "$tmp"
else
  status=1
fi

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

section "Initial sync's cost of encryption at rest: a coach's first sync, plaintext vs encrypted client store"
# FUDAO_BENCH_SYNC_FIRMS firms (+5 needs and 5 visits each) pulled into an empty store.
for firms in ${FUDAO_BENCH_SYNC_FIRMS:-2000 10000}; do
  FUDAO_BENCH_FIRMS=$firms FUDAO_BENCH_CLIENTS=0 cargo bench -q -p fudao-server --bench sync_bench 2>/dev/null \
    | grep -E "^initial sync|encryption cost" || status=1
done
exit $status
