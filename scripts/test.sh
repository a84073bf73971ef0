#!/usr/bin/env bash
# Installs what is missing, then runs every test: formatting and lints, the native tests, the
# browser tests of the wasm API, and the page tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/install.sh

say "formatting and lints"
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings

say "native tests"
cargo test --quiet

say "browser tests of the wasm API (headless Chromium)"
wasm-pack test --headless --chrome --release

say "page tests (Playwright driving headless Chromium)"
build_package
node --test tests/e2e/

say "all tests passed"
