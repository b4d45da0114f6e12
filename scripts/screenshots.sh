#!/usr/bin/env bash
# Regenerate the README's screenshots (docs/screenshots/) and the email samples (docs/email/) by running the
# browser tests with their screenshots pointed at docs/. Look at the pictures before committing them.
#   scripts/screenshots.sh [pytest arguments...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/system-deps.sh
bash scripts/setup.sh test
VANTAGE_DOCS="$root/docs" .venv/bin/python -m pytest tests/browser --headless -p no:cacheprovider -q "$@"
echo "screenshots written under docs/screenshots and docs/email"
