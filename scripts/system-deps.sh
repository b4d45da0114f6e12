#!/usr/bin/env bash
# Install the Debian packages the test suite needs, if they are missing:
#   chromium + chromium-driver  (browser tests through dash[testing])
#   postgresql                  (throwaway PostgreSQL clusters, tests/postgres_server.py)
#   redis-server                (throwaway Redis servers for the shared result cache, tests/redis_server.py)
#   fonts-wqy-microhei          (Chinese glyphs in charts, screenshots and email images)
#
# A no-op that returns at once when /usr/bin/chromium, /usr/bin/chromedriver,
# a /usr/lib/postgresql/*/bin/initdb and /usr/bin/redis-server are all present.
set -euo pipefail

have_chromium()     { [[ -x /usr/bin/chromium ]]; }
have_chromedriver() { [[ -x /usr/bin/chromedriver ]]; }
have_postgresql()   { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
have_redis()        { [[ -x /usr/bin/redis-server ]]; }
# Chinese glyphs for charts, screenshots and email images (the dashboard speaks zh-CN too).
have_cjk_font()     { compgen -G '/usr/share/fonts/truetype/wqy/wqy-microhei.tt*' >/dev/null || fc-list :lang=zh 2>/dev/null | grep -q .; }

missing=()
have_chromium     || missing+=(chromium)
have_chromedriver || missing+=(chromium-driver)
have_postgresql   || missing+=(postgresql)
have_redis        || missing+=(redis-server)
have_cjk_font     || missing+=(fonts-wqy-microhei)

if ((${#missing[@]} == 0)); then
  exit 0
fi

# Chromium pulls in a fallback font through fontconfig; Liberation gives the
# usual Arial/Times metrics so browser tests lay out as they do elsewhere.
pkgs=("${missing[@]}")
if [[ " ${missing[*]} " == *" chromium "* ]]; then
  pkgs+=(fonts-liberation)
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  if [[ -t 0 ]]; then as_root=(sudo); else as_root=(sudo -n); fi
else
  echo "system-deps.sh: missing system packages; as root run: apt-get update && apt-get install -y --no-install-recommends ${pkgs[*]}" >&2
  exit 1
fi

echo "system-deps.sh: installing ${pkgs[*]}"
apt_env=(env DEBIAN_FRONTEND=noninteractive)
"${as_root[@]}" "${apt_env[@]}" apt-get update -q
"${as_root[@]}" "${apt_env[@]}" apt-get install -y -q --no-install-recommends "${pkgs[@]}"

still=()
have_chromium     || still+=("/usr/bin/chromium")
have_chromedriver || still+=("/usr/bin/chromedriver")
have_postgresql   || still+=("/usr/lib/postgresql/*/bin/initdb")
have_redis        || still+=("/usr/bin/redis-server")
if ((${#still[@]} > 0)); then
  echo "system-deps.sh: still missing after install: ${still[*]}" >&2
  exit 1
fi
echo "system-deps.sh: done"
