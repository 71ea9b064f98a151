#!/usr/bin/env bash
# System packages the test suite uses: LibreOffice (headless Calc) to open the consolidated
# workbook and recalculate its formulas, poppler-utils to render the Dashboard to PNG.
set -euo pipefail
if command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  libreoffice-calc-nogui poppler-utils >/dev/null
