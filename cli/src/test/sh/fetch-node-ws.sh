#!/usr/bin/env bash
# Installs npm's `ws` (the most used Node.js WebSocket library) into a cache directory, unless it is there already,
# and prints that directory on the last line of stdout (DIR/node_modules/ws). cli's bench tests run a `ws` echo
# server from it (a WebSocket server nobody here wrote), and bench/generators.sh its load client. Needs node and
# npm (.ci/run installs Debian's nodejs and npm); the registry is npm's.
#
#   cli/src/test/sh/fetch-node-ws.sh               # cache: ${XDG_CACHE_HOME:-~/.cache}/jswoole/npm
#   JSWOOLE_NPM_CACHE=/some/dir fetch-node-ws.sh   # another cache
set -euo pipefail
cache=${JSWOOLE_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jswoole/npm}
if [ ! -f "$cache/node_modules/ws/package.json" ]; then
  command -v npm >/dev/null || { echo "fetch-node-ws: no npm here (apt-get install nodejs npm)" >&2; exit 1; }
  mkdir -p "$cache"
  npm install --silent --no-audit --no-fund --prefix "$cache" ws@8 >&2
fi
echo "$cache"
