#!/usr/bin/env bash
# Builds riposte and runs its whole test suite on this machine, as root:
#   unit tests, integration tests (the real BPF programs in the running kernel, a private
#   containerd running real containers), then the benchmarks, which print their figures.
# Installs what it needs first (idempotent), so it works alone on a fresh Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "run-all.sh: run as root: the integration tests load eBPF programs and start containerd" >&2
  exit 1
fi

./deploy/install-deps.sh
# The Kubernetes API schemas the manifest test validates against (npm, pinned by the lock
# file; installed again only when the lock file changed).
if ! cmp -s tests/kubernetes/package-lock.json tests/kubernetes/node_modules/.installed-lock.json 2>/dev/null; then
  npm ci --prefix tests/kubernetes --no-audit --no-fund --loglevel=error
  cp tests/kubernetes/package-lock.json tests/kubernetes/node_modules/.installed-lock.json
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"

trap './deploy/testenv/containerd-env.sh stop >/dev/null 2>&1 || true' EXIT
log=$(mktemp /tmp/riposte-ctest.XXXXXX)
set +e
ctest --test-dir build --output-on-failure --timeout 300 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

if [ "$status" -eq 0 ]; then
  echo
  echo "== fuzzing the condition parser and the rule loader (bounded)"
  if ! ./tests/fuzz/run.sh 45; then
    status=1
  fi
fi

if [ "$status" -eq 0 ]; then
  echo
  echo "== benchmarks (figures, not pass/fail)"
  ./build/tests/bench/riposte_bench_state --benchmark_min_time=0.5
  ./build/tests/bench/riposte_bench_capture --riposte build/riposte --rounds 3 --iterations 200000
  ./build/tests/bench/riposte_bench_rules --riposte build/riposte --rules rules \
    --falco-rules "${RIPOSTE_FALCO_RULES_DIR:-../shared/falco-rules}/falco_rules.yaml" --passes 21
  ./build/tests/bench/riposte_bench_response --riposte build/riposte --workload build/tests/riposte_test_workload \
    --iterations 200
  ./build/tests/bench/riposte_bench_container_pause --riposte build/riposte --source-dir . --rounds 50
  ./build/tests/bench/riposte_bench_quarantine --riposte build/riposte --source-dir . --rounds 30
fi

# One closing line a person and CI can read, after the benchmark output.
summary=$(grep -E '^[0-9]+% tests passed' "$log" | tail -n 1 || true)
passed=$(sed -nE 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\2 \1/p' <<<"$summary")
rm -f "$log"
if [ -n "$passed" ]; then
  read -r total failed <<<"$passed"
  echo "$summary"
  echo "$((total - failed)) passed, $failed failed"
fi
exit "$status"
