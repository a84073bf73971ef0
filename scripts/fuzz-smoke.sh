#!/usr/bin/env bash
# Runs each cargo-fuzz target in fuzz/ for a short time (20 seconds unless given another number
# of seconds) and stops at the first crash. The seed corpus in fuzz/corpus/ is only read: new
# inputs go to fuzz/target/smoke-corpus/, and crashes to fuzz/artifacts/.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a C++ compiler for libFuzzer. cargo-fuzz
# uses nightly-only compiler flags; RUSTC_BOOTSTRAP=1 lets a stable compiler accept them.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-20}"
export RUSTC_BOOTSTRAP=1

for target in idx model_file config; do
  echo "== fuzzing $target for $seconds s"
  work_corpus="fuzz/target/smoke-corpus/$target"
  mkdir -p "$work_corpus"
  # --debug-assertions turns on debug assertions, so arithmetic overflow panics instead of wrapping.
  cargo fuzz run --debug-assertions "$target" "$work_corpus" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=512 -print_final_stats=1
done
echo "== no crashes"
