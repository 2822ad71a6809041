#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer, ASan, UBSan) in build-fuzz/ and runs each
# for a bounded time. Seeds: Falco's rule files, riposte's rules, sample conditions.
# Usage: tests/fuzz/run.sh [seconds per target, default 60]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DRIPOSTE_FUZZ=ON -DRIPOSTE_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target riposte_fuzz_condition_parser riposte_fuzz_rule_loader

work=$(mktemp -d /tmp/riposte-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rules" "$work/conditions"
cp rules/*.yaml "$work/rules/"
if [ -d ../shared/falco-rules ]; then cp ../shared/falco-rules/*.yaml "$work/rules/"; fi
cp tests/fuzz/corpus/condition/* "$work/conditions/"
for target in condition_parser:conditions rule_loader:rules; do
  name=${target%%:*}
  corpus=$work/${target##*:}
  echo "fuzzing $name for ${seconds}s"
  ./build-fuzz/tests/fuzz/riposte_fuzz_$name "$corpus" -max_total_time="$seconds" -max_len=65536 \
    -print_final_stats=1 2>&1 | grep -E "^(Done|stat::number_of_executed_units|==|SUMMARY)" || true
  # libFuzzer exits non-zero on a crash; PIPESTATUS keeps that from being hidden by grep.
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "fuzz target $name failed"; exit 1; }
done
echo "fuzzing done: no crash"
