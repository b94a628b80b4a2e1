#!/usr/bin/env bash
# Installs the UI's npm packages (from package-lock.json) and tauri-driver for the e2e tests.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ -f "$ROOT/ui/package-lock.json" ]; then
  stamp="$ROOT/ui/node_modules/.fudao-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$ROOT/ui/package-lock.json" "$stamp"; then
    (cd "$ROOT/ui" && npm ci --no-audit --no-fund)
    cp "$ROOT/ui/package-lock.json" "$stamp"
  fi
fi
if ! command -v tauri-driver >/dev/null 2>&1; then
  cargo install tauri-driver --locked
fi
