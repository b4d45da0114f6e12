#!/usr/bin/env bash
# Create (or reuse) the project virtualenv in .venv and install the Python
# requirements into it.
#
#   scripts/setup.sh [runtime|test]     (default: runtime)
#
#   runtime -> requirements.txt
#   test    -> requirements-test.txt (runtime + pytest + dash[testing] + mypy)
#
# Idempotent: pip only runs when the requirements files (including the files
# they pull in with -r/-c) or the interpreter changed since the last
# successful install, so a second run takes a fraction of a second.
#
# Environment:
#   PYTHON   interpreter used to create the venv (default: python3.11, else python3)
set -euo pipefail

mode=${1:-runtime}
case "$mode" in
  runtime) req=requirements.txt ;;
  test)    req=requirements-test.txt ;;
  -h|--help)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 0 ;;
  *)
    echo "setup.sh: unknown mode '$mode' (expected 'runtime' or 'test')" >&2
    exit 2 ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
venv="$root/.venv"
vpy="$venv/bin/python"

if [[ ! -f "$req" ]]; then
  echo "setup.sh: $root/$req not found" >&2
  exit 1
fi

# Serialise concurrent runs (e.g. `make run` and `make test` started together).
if command -v flock >/dev/null 2>&1; then
  lock="${TMPDIR:-/tmp}/vantage-setup-$(printf '%s' "$root" | sha256sum | cut -c1-16).lock"
  exec 9>"$lock"
  flock 9
fi

venv_ok() {
  [[ -x "$vpy" ]] && "$vpy" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' >/dev/null 2>&1
}

pick_python() {
  local cand
  for cand in ${PYTHON:-} python3.11 python3; do
    if command -v "$cand" >/dev/null 2>&1 &&
       "$cand" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' >/dev/null 2>&1; then
      printf '%s\n' "$cand"
      return 0
    fi
  done
  return 1
}

if ! venv_ok; then
  if ! py=$(pick_python); then
    echo "setup.sh: Python 3.11 is required (install python3.11 or set PYTHON=/path/to/python3.11)" >&2
    exit 1
  fi
  if [[ -e "$venv" ]]; then
    echo "setup.sh: $venv is unusable; recreating it"
    rm -rf "$venv"
  fi
  echo "setup.sh: creating $venv with $("$py" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
  "$py" -m venv "$venv"
fi

# All requirement files reachable from $1 through -r/-c lines, $1 first.
req_closure() {
  local file=$1 dir line ref
  printf '%s\n' "$file"
  dir=$(dirname "$file")
  while IFS= read -r line || [[ -n "$line" ]]; do
    if [[ "$line" =~ ^[[:space:]]*(-r|-c|--requirement|--constraint)[[:space:]=]+([^[:space:]#]+) ]]; then
      ref=${BASH_REMATCH[2]}
      [[ "$ref" = /* || "$dir" == . ]] || ref="$dir/$ref"
      [[ -f "$ref" ]] && req_closure "$ref"
    fi
  done <"$file"
}

files=$(req_closure "$req" | awk '!seen[$0]++')
# Hash of the requirement files (names and contents) and the venv's interpreter.
digest() {
  {
    cat "$venv/pyvenv.cfg"
    local f
    while IFS= read -r f; do
      printf '== %s\n' "$f"
      cat "$f"
    done <<<"$1"
  } | sha256sum | cut -d' ' -f1
}

stamp="$venv/.requirements-$mode.sha256"
want=$(digest "$files")
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi

echo "setup.sh: installing $req into .venv"
rm -f "$stamp"
PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
  "$vpy" -m pip install -q -r "$req"
printf '%s\n' "$want" >"$stamp"

# The test set includes the runtime set: mark runtime as satisfied as well.
if [[ "$mode" == test ]] && grep -qx 'requirements.txt' <<<"$files"; then
  digest "$(req_closure requirements.txt | awk '!seen[$0]++')" >"$venv/.requirements-runtime.sha256"
fi
echo "setup.sh: .venv ready ($mode)"
