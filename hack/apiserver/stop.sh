#!/usr/bin/env bash
# Stops the kube-apiserver and etcd that start.sh started in STATE_DIR, by the PIDs it wrote:
# SIGTERM, then SIGKILL after a grace period. A PID is signalled only while it still runs the
# binary start.sh launched, so a recycled PID is never hit. Safe to run twice.
#
# Usage: hack/apiserver/stop.sh STATE_DIR
set -uo pipefail

STATE_DIR="${1:?usage: stop.sh STATE_DIR}"
GRACE_SECONDS="${GRACE_SECONDS:-15}"

# stop_pid NAME EXPECTED_COMMAND: stop the process in STATE_DIR/NAME.pid.
stop_pid() {
  local pidfile="$STATE_DIR/$1.pid" expected="$2" pid
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile")"
  if is_ours "$pid" "$expected"; then
    kill -TERM "$pid" 2>/dev/null
    local deadline=$((SECONDS + GRACE_SECONDS))
    while is_ours "$pid" "$expected" && ((SECONDS < deadline)); do sleep 0.2; done
    if is_ours "$pid" "$expected"; then
      echo "[apiserver]   $1 (pid $pid) ignored SIGTERM for ${GRACE_SECONDS} s; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null
    fi
  fi
  rm -f "$pidfile"
}

# is_ours PID NAME: PID is alive (not a zombie) and its command is NAME.
is_ours() {
  local stat
  [[ -r "/proc/$1/stat" ]] || return 1
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  # Field 3 (after the command in parentheses) is the state; Z is a zombie: already dead.
  [[ "${stat##*) }" != Z* ]] || return 1
  [[ "$(cat "/proc/$1/comm" 2>/dev/null)" == "$2"* ]]
}

stop_pid apiserver kube-apiserver
stop_pid etcd etcd
