#!/usr/bin/env bash
# Proves that the server scripts fail the way `make test-apiserver` promises when the machine is
# not right: a clear message naming the step, a non-zero exit, and no process left running.
#
#   etcd missing         start.sh with ETCD_BIN pointing nowhere    -> step "find etcd"
#   etcd port in use     start.sh on the port of a running etcd     -> step "start etcd"
#   server port in use   start.sh on the port of a running server   -> step "start kube-apiserver"
#   no disk              build.sh with its cache on a 1 MB tmpfs    -> step "check tools for the build"
#
# The running server the port cases collide with is started here and stopped at the end; it
# must survive the failed starts (stop.sh acts only on its own state directory's PIDs).
#
# Usage: hack/apiserver/test-faults.sh   (after build.sh; needs the cached kube-apiserver)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/set-session-affinity-faults.XXXXXX")"
TMPFS=""
cleanup() {
  local rc=$?
  "$HACK_APISERVER_DIR/stop.sh" "$WORK/running" || true
  [[ -z "$TMPFS" ]] || umount "$TMPFS" 2>/dev/null || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT

PASSED=0
FAILED=0
check() {
  if "${@:2}"; then PASSED=$((PASSED + 1)); echo "PASS  $1"; else FAILED=$((FAILED + 1)); echo "FAIL  $1"; fi
}

# expect_failure NAME STEP COMMAND...: COMMAND fails, says it failed at STEP, leaves nothing of
# NAME's state directory running.
expect_failure() {
  local name="$1" want_step="$2"
  shift 2
  local out="$WORK/$name.out" rc=0
  "$@" >"$out" 2>&1 || rc=$?
  # A start that should have failed but did not must not leak its server either.
  [[ $rc -ne 0 ]] || "$HACK_APISERVER_DIR/stop.sh" "$WORK/$name"
  check "$name: fails (exit $rc)" test "$rc" -ne 0
  check "$name: names the step \"$want_step\"" grep -q "FAILED at step \"$want_step\"" "$out"
  check "$name: leaves no process running" no_process_of "$WORK/$name"
  [[ $FAILED -eq 0 ]] || { echo "--- output of $name:"; cat "$out"; }
}

# no_process_of DIR: no process mentions DIR on its command line (etcd's data dir, the server's
# certificates live there).
no_process_of() {
  sleep 0.5
  ! pgrep -f -- "$1/" >/dev/null
}

still_running() { curl -fsS --max-time 3 "http://127.0.0.1:$1/health" >/dev/null; }

main() {
  step "fault: etcd missing"
  expect_failure etcd-missing "find etcd" env ETCD_BIN=/nonexistent/etcd "$HACK_APISERVER_DIR/start.sh" "$WORK/etcd-missing"

  step "start a server to collide with"
  "$HACK_APISERVER_DIR/start.sh" "$WORK/running" 2>"$WORK/running.out" || { cat "$WORK/running.out"; fail "could not start the reference server"; }
  local etcd_port api_port
  [[ -n "$(sed -n 's/^SSA_ETCD_URL=//p' "$WORK/running/env")" ]] || fail "no SSA_ETCD_URL in $WORK/running/env"
  etcd_port="$(sed -n 's/^SSA_ETCD_URL=http:\/\/127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/running/env")"
  api_port="$(sed -n 's/^SSA_APISERVER_URL=https:\/\/127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/running/env")"

  step "fault: etcd port in use"
  expect_failure etcd-port "start etcd" env ETCD_PORT="$etcd_port" "$HACK_APISERVER_DIR/start.sh" "$WORK/etcd-port"

  step "fault: kube-apiserver port in use"
  expect_failure apiserver-port "start kube-apiserver" env APISERVER_PORT="$api_port" READY_TIMEOUT=60 "$HACK_APISERVER_DIR/start.sh" "$WORK/apiserver-port"
  check "the running server's etcd survived the failed starts" still_running "$etcd_port"

  step "fault: no disk for the build"
  mkdir -p "$WORK/tiny"
  if mount -t tmpfs -o size=1m tmpfs "$WORK/tiny" 2>/dev/null; then
    TMPFS="$WORK/tiny"
    expect_failure no-disk "check tools for the build" env APISERVER_CACHE_DIR="$WORK/tiny/kube-apiserver" \
      GOCACHE="$WORK/tiny/go-build" "$HACK_APISERVER_DIR/build.sh"
  else
    echo "SKIP  no disk: cannot mount a tmpfs here (not root, or no mount permission)"
  fi

  echo "fault tests: ${PASSED} passed, ${FAILED} failed"
  [[ $FAILED -eq 0 ]]
}

main "$@"
