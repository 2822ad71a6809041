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
# file; installed again only when the lock file changed). Without the registry the schema
# tests cannot run: they are reported as not run, and everything else goes on.
if ! cmp -s tests/kubernetes/package-lock.json tests/kubernetes/node_modules/.installed-lock.json 2>/dev/null; then
  if npm ci --prefix tests/kubernetes --no-audit --no-fund --loglevel=error; then
    cp tests/kubernetes/package-lock.json tests/kubernetes/node_modules/.installed-lock.json
  else
    echo "run-all.sh: npm ci failed: the Kubernetes schema tests will report that their validator is missing" >&2
  fi
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"

# dockerd runs on the test containerd: it goes first.
trap './deploy/testenv/podman-env.sh stop >/dev/null 2>&1; ./deploy/testenv/docker-env.sh stop >/dev/null 2>&1; ./deploy/testenv/containerd-env.sh stop >/dev/null 2>&1 || true' EXIT
log=$(mktemp /tmp/riposte-ctest.XXXXXX)
set +e
ctest --test-dir build --output-on-failure --timeout 300 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Fuzzing and the benchmarks run whatever ctest said: a failing test is no reason to hide
# their findings and figures. The closing summary line stays last.
if [ "$status" -ne 0 ]; then
  echo
  echo "run-all.sh: some tests failed (summary at the end); fuzzing and benchmarks run anyway"
fi
echo
echo "== fuzzing the condition parser and the rule loader (bounded)"
if ! ./tests/fuzz/run.sh 45; then
  echo "run-all.sh: the fuzzers found a failure"
  fuzz_failed=1
fi

echo
echo "== benchmarks (figures, not pass/fail)"
# Each benchmark runs even when one before it failed; a failure is named, not fatal.
bench() { "$@" || echo "run-all.sh: benchmark $(basename "$1") failed (exit $?): its figures are missing"; }
bench ./build/tests/bench/riposte_bench_state --benchmark_min_time=0.5
bench ./build/tests/bench/riposte_bench_audit 3000
bench ./build/tests/bench/riposte_bench_capture --riposte build/riposte --rounds 3 --iterations 300000 \
  --falco-rules "${RIPOSTE_FALCO_RULES_DIR:-../shared/falco-rules}" --rules rules
bench ./build/tests/bench/riposte_bench_rules --riposte build/riposte --rules rules \
  --falco-rules "${RIPOSTE_FALCO_RULES_DIR:-../shared/falco-rules}/falco_rules.yaml" --passes 21
bench ./build/tests/bench/riposte_bench_evidence --riposte build/riposte --rules rules --rounds 3 \
  --falco-rules "${RIPOSTE_FALCO_RULES_DIR:-../shared/falco-rules}"
bench ./build/tests/bench/riposte_bench_response --riposte build/riposte --workload build/tests/riposte_test_workload \
  --iterations 200
bench ./build/tests/bench/riposte_bench_container_pause --riposte build/riposte --source-dir . --rounds 200
bench ./build/tests/bench/riposte_bench_first_event --riposte build/riposte --source-dir . --containers 100
bench ./build/tests/bench/riposte_bench_quarantine --riposte build/riposte --source-dir . --rounds 30

# One closing line a person and CI can read, after the benchmark output.
summary=$(grep -E '^[0-9]+% tests passed' "$log" | tail -n 1 || true)
passed=$(sed -nE 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\2 \1/p' <<<"$summary")
rm -f "$log"
if [ -n "$passed" ]; then
  read -r total failed <<<"$passed"
  echo "$summary"
  if [ -n "${fuzz_failed:-}" ]; then
    echo "fuzzing: failed"
    status=1
  fi
  echo "$((total - failed)) passed, $failed failed"
elif [ -n "${fuzz_failed:-}" ]; then
  status=1
fi
exit "$status"
