#!/usr/bin/env bash
# Serve the dashboard on the embedded demo data (prints its URL).
#   scripts/run.sh [app.py arguments...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh runtime
if [[ ! -f app.py ]]; then
  echo "run.sh: $root/app.py not found" >&2
  exit 1
fi
exec .venv/bin/python app.py "$@"
