#!/usr/bin/env bash
# Compare fudao-pdf with Typst and LibreOffice on the same 4-page plan.
# Runs the Rust benchmark (which also writes target/fudao-pdf-bench/plan.json), then
# bench/compare.py. Typst: `pip install typst`; LibreOffice: `apt-get install
# libreoffice-writer-nogui` (skipped with a message when absent).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
out="$(cargo bench -p fudao-pdf --bench render 2>/dev/null | tee /dev/stderr)"
result="$(printf '%s\n' "$out" | grep '^FUDAO_PDF_RESULT' || true)"
python3 "$here/compare.py" "$root/target/fudao-pdf-bench/plan.json" "$root/assets/fonts" "$result"
