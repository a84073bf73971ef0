#!/usr/bin/env bash
# Benchmarks lazynet's training in headless Chromium against TF.js, and natively with
# criterion. Options are passed to bench/run.mjs; `bash scripts/bench.sh --help` lists them.
# Expects the wasm build in pkg/ (wasm-pack build --target web --release) and the npm dev
# dependencies; it builds and installs nothing itself.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -f pkg/lazynet.js ]]; then
  echo "pkg/lazynet.js is missing: run 'wasm-pack build --target web --release' first (bash scripts/serve.sh does it)." >&2
  exit 1
fi
if [[ ! -d node_modules/@tensorflow/tfjs || ! -d node_modules/@tensorflow/tfjs-backend-wasm || ! -d node_modules/playwright-core ]]; then
  echo "The npm dev dependencies are missing: run 'npm ci' first." >&2
  exit 1
fi

export LAZYNET_BENCH_COMMAND="bash scripts/bench.sh${*:+ $*}"
exec node bench/run.mjs "$@"
