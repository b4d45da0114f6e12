#!/usr/bin/env bash
# Run the test suite: system packages, the test virtualenv, the type checker
# over the core packages (mypy.ini), then pytest with headless Chromium.
#
#   scripts/test.sh                         # whole suite (tests/)
#   scripts/test.sh tests/test_x.py -k foo  # any pytest arguments
#
# Exits 1 when the type check fails; else with pytest's status, "no tests
# collected" (pytest status 5) being a failure.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/system-deps.sh
bash scripts/setup.sh test

# Run tests/ unless the arguments already name test paths or node ids.
targets=(tests)
for arg in "$@"; do
  if [[ "$arg" != -* && -e "${arg%%::*}" ]]; then
    targets=()
    break
  fi
done

if ! .venv/bin/python -m mypy --config-file mypy.ini; then
  echo "test.sh: FAILED: the type check (mypy, see mypy.ini) found errors" >&2
  exit 1
fi

set +e
.venv/bin/python -m pytest "${targets[@]}" --headless -p no:cacheprovider -q --durations=25 "$@"
rc=$?
set -e

if ((rc == 5)); then
  echo "test.sh: FAILED: pytest collected no tests (pytest exit status 5)" >&2
  exit 1
fi
exit "$rc"
