#!/usr/bin/env bash
# Installs what is missing, builds the WebAssembly package and serves the page on loopback.
#   bash scripts/serve.sh [port]     (default port 8000)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/install.sh

say "building the WebAssembly package into pkg/"
build_package

port="${1:-8000}"
say "serving the repository root; press Ctrl+C to stop"
exec node tests/e2e/server.mjs --port "$port"
