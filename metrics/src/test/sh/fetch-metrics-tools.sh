#!/usr/bin/env bash
# Fetches the tools metrics/AdminListenerTest and PrometheusScrapeTest run over /metrics into a cache directory, unless they are
# there already, and prints that directory on the last line of stdout:
#   DIR/usr/bin/promtool, DIR/usr/bin/prometheus           Debian's prometheus (promtool check metrics; a real scrape)
#   DIR/usr/lib/python3/dist-packages/prometheus_client    Debian's python3-prometheus-client (strict OpenMetrics)
#   (with python3-decorator, which it imports; run it with PYTHONPATH=DIR/usr/lib/python3/dist-packages)
# The packages are unpacked with dpkg -x, never installed: the prometheus service is not started, nothing outside
# the cache changes.
#
#   metrics/src/test/sh/fetch-metrics-tools.sh             # cache: ${XDG_CACHE_HOME:-~/.cache}/jswoole/metrics-tools
#   JSWOOLE_METRICS_TOOLS=/some/dir fetch-metrics-tools.sh  # another cache
set -euo pipefail

cache=${JSWOOLE_METRICS_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/jswoole/metrics-tools}

found() {
  if [ -x "$cache/usr/bin/promtool" ] && [ -f "$cache/usr/lib/python3/dist-packages/prometheus_client/openmetrics/parser.py" ] \
      && [ -f "$cache/usr/lib/python3/dist-packages/decorator.py" ]; then
    echo "$cache"
    return 0
  fi
  return 1
}

found && exit 0

command -v apt-get >/dev/null || { echo "fetch-metrics-tools: no apt-get here" >&2; exit 1; }
command -v dpkg >/dev/null || { echo "fetch-metrics-tools: no dpkg here" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/metrics-tools.XXXXXX")
trap 'rm -rf "$work"' EXIT
download() { (cd "$work" && apt-get -q download prometheus python3-prometheus-client python3-decorator >&2); }
if ! download; then
  # a fresh machine has no package lists yet
  [ "$(id -u)" = 0 ] || { echo "fetch-metrics-tools: apt-get download failed (and not root to update)" >&2; exit 1; }
  apt-get update -qq >&2 && download || { echo "fetch-metrics-tools: apt-get download failed" >&2; exit 1; }
fi
mkdir -p "$work/root"
for deb in "$work"/*.deb; do
  dpkg -x "$deb" "$work/root"
done
mkdir -p "$cache"
cp -a "$work/root/." "$cache/"
found || { echo "fetch-metrics-tools: the packages had no promtool or openmetrics parser" >&2; exit 1; }
