#!/usr/bin/env bash
# Installs what `make bench` compares against: Typst (PyPI `typst`) and LibreOffice headless
# (Debian `libreoffice-writer-nogui`) for fudao-pdf, and openpyxl (Debian `python3-openpyxl`),
# whose read of the import benchmark's .xlsx is the anchor for import speed. Only the
# benchmark needs them; idempotent.
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
if ! python3 -c "import openpyxl" 2>/dev/null && ! /usr/bin/python3 -c "import openpyxl" 2>/dev/null; then
  echo "setup-bench: installing python3-openpyxl" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  { $SUDO apt-get install -y -qq --no-install-recommends python3-openpyxl >/dev/null \
      || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends \
        python3-openpyxl >/dev/null; }; } \
    || echo "setup-bench: could not install openpyxl; the import anchor will be skipped" >&2
fi
exit 0
