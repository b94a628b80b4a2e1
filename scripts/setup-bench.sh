#!/usr/bin/env bash
# Installs what `make bench` compares fudao-pdf against: Typst (PyPI `typst`) and LibreOffice
# headless (Debian `libreoffice-writer-nogui`). Only the benchmark needs them; idempotent.
set -uo pipefail
if ! python3 -c "import typst" 2>/dev/null; then
  echo "setup-bench: installing the typst Python package" >&2
  python3 -m pip install --quiet --user typst 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages --user typst \
    || echo "setup-bench: could not install typst; its comparison will be skipped" >&2
fi
if ! command -v soffice >/dev/null 2>&1; then
  echo "setup-bench: installing libreoffice-writer-nogui" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends \
      libreoffice-writer-nogui >/dev/null; } \
    || echo "setup-bench: could not install LibreOffice; its comparison will be skipped" >&2
fi
exit 0
