#!/usr/bin/env bash
# Runs the conformance corpus (../shared/conformance, Falco 0.44.1's recorded output on
# deterministic workloads) against a built riposte, twice: once comparing every field of the
# dump rules, once comparing the verdicts of Falco's upstream rules. Then the ratchet
# (ratchet.py) holds the differences to tests/conformance/known_differences.txt.
#   ratchet.sh RIPOSTE CONFORMANCE_DIR FALCO_RULES_DIR [--update]
# Root: the corpus' harness loads riposte's eBPF programs and runs workloads as root.
set -uo pipefail
# Only stdin, stdout and stderr pass to the workloads, as when Falco's output was recorded
# from a shell: a descriptor inherited from the caller (ctest holds some) would shift
# every fd number the workloads get.
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
done
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 3 ] || { sed -n 2,7p "$0"; exit 2; }
riposte=$(realpath "$1") riposte_bin=$(realpath "$1") corpus=$2 falco_rules=$(realpath "$3")
shift 3
for need in "$riposte_bin" "$corpus/run.sh" "$falco_rules/falco_rules.yaml"; do
  [ -e "$need" ] || { echo "ratchet.sh: $need is missing (the corpus and Falco's rules live in ../shared)" >&2; exit 2; }
done
out=$(mktemp -d /tmp/riposte-conformance.XXXXXX)
trap 'rm -rf "$out"' EXIT
# The corpus was recorded with Falco's append_output emptied (its README): the same here.
printf 'append_output: []\n' > "$out/riposte.yaml"
riposte="$riposte --config $out/riposte.yaml"

echo "== fields: the dump rules"
"$corpus/run.sh" --out "$out/fields" "$riposte run --json --rules rules/dump.yaml" | tail -n 1 || exit 2
r=$falco_rules
echo "== verdicts: Falco's upstream rules (every matching rule fires, Falco's rule_matching: all)"
"$corpus/run.sh" --verdicts-all --out "$out/verdicts" "$riposte run --json --rules $r/falco_rules.yaml \
  --rules $r/falco-incubating_rules.yaml --rules $r/falco-sandbox_rules.yaml --rules rules/marker.yaml" | tail -n 1 || exit 2
if grep -q "event drops\|not reliable" "$out"/fields/agent.log "$out"/verdicts/agent.log 2>/dev/null; then
  echo "ratchet.sh: a run reported drops or an outside kill: not comparable" >&2
fi
python3 "$here/ratchet.py" "$here/known_differences.txt" "$out/fields" "$out/verdicts" "$@"
