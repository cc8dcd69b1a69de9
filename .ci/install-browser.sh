#!/usr/bin/env bash
# Install what the browser tests (pytest -m browser) need, so CI runs them instead of skipping:
# Debian's chromium (only when missing; needs root) and playwright's Python package.
# Playwright drives /usr/bin/chromium directly: never run `playwright install` (it downloads).
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y chromium  # its recommends bring fonts-liberation
fi

if ! python -c "import playwright.sync_api" 2>/dev/null; then
    python -m pip install "playwright>=1.45"
fi

/usr/bin/chromium --version
python -c "import playwright; from importlib.metadata import version; print('playwright', version('playwright'))"
