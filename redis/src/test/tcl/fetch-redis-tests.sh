#!/usr/bin/env bash
# Fetches Redis's own Tcl test suite from Debian's source package of redis (the suite jswoole's RedisTclSuiteTest
# runs against its Redis server) into a cache directory, unless it is there already, and prints the directory
# that holds tests/test_helper.tcl. The suite is never copied into jswoole's tree.
#
#   redis/src/test/tcl/fetch-redis-tests.sh            # cache: ${XDG_CACHE_HOME:-~/.cache}/jswoole/redis-tests
#   JSWOOLE_REDIS_TESTS=/some/dir fetch-redis-tests.sh  # another cache
#
# It uses apt with its own sources list and state under the cache (the system's apt configuration is not touched),
# so it needs apt-get and Debian's archive keyring; dpkg-source (dpkg-dev) applies Debian's patches when it is
# installed, otherwise the upstream tarball is unpacked (Debian's patches do not touch the protocol tests).
# Exit status 0 and the directory on the last line of stdout, or non-zero and the reason on stderr.
set -euo pipefail

suite=bookworm
cache=${JSWOOLE_REDIS_TESTS:-${XDG_CACHE_HOME:-$HOME/.cache}/jswoole/redis-tests}

found() {
  for d in "$cache"/redis-*/; do
    if [ -f "$d/tests/test_helper.tcl" ] && [ -f "$d/tests/unit/protocol.tcl" ]; then
      echo "${d%/}"
      return 0
    fi
  done
  return 1
}

found && exit 0

command -v apt-get >/dev/null || { echo "fetch-redis-tests: no apt-get here, cannot fetch Debian's redis source" >&2; exit 1; }
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || { echo "fetch-redis-tests: no $keyring (package debian-archive-keyring)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/redis-tests.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/parts" "$work/lists/partial" "$cache"
cat > "$work/parts/redis-src.sources" <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite $suite-updates
Components: main
Signed-By: $keyring

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $suite-security
Components: main
Signed-By: $keyring
EOF
apt=(apt-get -q -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$work/parts"
     -o "Dir::State::Lists=$work/lists" -o Dir::Cache="$work" -o Debug::NoLocking=1)
"${apt[@]}" update >&2 || { echo "fetch-redis-tests: apt-get update of Debian's $suite sources failed" >&2; exit 1; }
(cd "$work" && "${apt[@]}" source --download-only redis >&2) \
  || { echo "fetch-redis-tests: apt-get source redis failed" >&2; exit 1; }

orig=$(ls "$work"/redis_*.orig.tar.gz)
version=$(basename "$orig" .orig.tar.gz)
version=${version#redis_}
if command -v dpkg-source >/dev/null; then
  (cd "$work" && dpkg-source -q -x ./redis_*.dsc "src" >&2)
else
  echo "fetch-redis-tests: no dpkg-source (dpkg-dev): unpacking the upstream tarball without Debian's patches" >&2
  mkdir "$work/src" && tar xzf "$orig" -C "$work/src" --strip-components=1
fi
# keep what the suite needs (tests/), not the server's sources
mkdir -p "$work/keep/redis-$version"
cp -r "$work/src/tests" "$work/keep/redis-$version/"
# a half-written copy is replaced; a whole one that another run moved in meanwhile is kept
[ -f "$cache/redis-$version/tests/unit/protocol.tcl" ] || rm -rf "${cache:?}/redis-$version"
mv -T "$work/keep/redis-$version" "$cache/redis-$version" 2>/dev/null || true
found || { echo "fetch-redis-tests: redis $version has no tests/unit/protocol.tcl" >&2; exit 1; }
