# What the test environment scripts share; sourced, not run.

# Waits up to 15 s for the script's own `running` to say yes; else prints the last lines
# of the service's log and fails. await_running NAME LOG
await_running() {
  local name=$1 log=$2
  for _ in $(seq 1 150); do
    running && return 0
    sleep 0.1
  done
  echo "$name did not come up; its log:" >&2
  tail -n 30 "$log" >&2
  return 1
}
