#!/usr/bin/env bash
# Builds the UI (ui/dist) and the desktop app binary that serves it (custom-protocol).
#   scripts/app-build.sh            debug build   -> $CARGO_TARGET_DIR/debug/fudao-app
#   scripts/app-build.sh --release  release build -> $CARGO_TARGET_DIR/release/fudao-app
#   scripts/app-build.sh --deb      release build + .deb -> $CARGO_TARGET_DIR/release/bundle/deb/
# CARGO_TARGET_DIR defaults to <repo>/target/app, away from the workspace's shared target dir.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/app}"
MODE="${1:-}"

if ! dpkg -s libwebkit2gtk-4.1-dev >/dev/null 2>&1; then
  echo "libwebkit2gtk-4.1-dev is missing: run scripts/setup-debian.sh" >&2
  exit 1
fi
if [ ! -d "$ROOT/ui/node_modules" ]; then
  (cd "$ROOT/ui" && npm ci --no-audit --no-fund)
fi

case "$MODE" in
  --deb)
    # The Tauri CLI runs `npm run build` in ui/ (beforeBuildCommand) and cargo --release.
    cd "$ROOT"
    "$ROOT/ui/node_modules/.bin/tauri" build --config src-tauri/tauri.conf.json --bundles deb
    ls -la "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb
    ;;
  --release)
    (cd "$ROOT/ui" && npm run build)
    cargo build --manifest-path "$ROOT/src-tauri/Cargo.toml" -p fudao-app --features custom-protocol --release
    echo "$CARGO_TARGET_DIR/release/fudao-app"
    ;;
  "")
    (cd "$ROOT/ui" && npm run build)
    cargo build --manifest-path "$ROOT/src-tauri/Cargo.toml" -p fudao-app --features custom-protocol
    echo "$CARGO_TARGET_DIR/debug/fudao-app"
    ;;
  *)
    echo "usage: $0 [--release|--deb]" >&2
    exit 2
    ;;
esac
