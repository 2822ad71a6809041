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
cp tests/fuzz/corpus/rules/* "$work/rules/"
for target in condition_parser:conditions rule_loader:rules; do
  name=${target%%:*}
  corpus=$work/${target##*:}
  echo "fuzzing $name for ${seconds}s"
  # Crash reproducers land in $work/artifacts; libFuzzer exits non-zero on a crash or a
  # timeout (an input taking more than 10 s).
  mkdir -p "$work/artifacts"
  if ! ./build-fuzz/tests/fuzz/riposte_fuzz_$name "$corpus" -max_total_time="$seconds" -max_len=65536 \
      -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
      >"$work/$name.log" 2>&1; then
    grep -E "ERROR|SUMMARY|#[0-9]+ " "$work/$name.log" | head -30
    for a in "$work"/artifacts/*; do echo "reproducer $a:"; xxd "$a" | head -8; done
    echo "fuzz target $name failed"
    exit 1
  fi
  grep -E "^(Done|stat::number_of_executed_units)" "$work/$name.log" || true
done
echo "fuzzing done: no crash"
