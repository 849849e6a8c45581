#!/usr/bin/env bash
# `make test-apiserver`: proves against a real kube-apiserver that every Service the function
# writes is created, and every manifest it refuses for an API rule is refused for the same field,
# and that the in-process validator (validator/) agrees with the server on all of it.
#
# Steps: build (or reuse) kube-apiserver, start etcd and the server, run the validator module's
# tests with the server as a second judge, stop both. The server is stopped on every exit (also on
# failure or Ctrl-C), by PID. Counts and timings are printed at the end.
#
# Usage: hack/apiserver/test.sh      (KEEP_STATE=1 keeps the state directory with the logs)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
REPO_ROOT="$(cd "$HACK_APISERVER_DIR/../.." && pwd)"

STATE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/set-session-affinity-apiserver.XXXXXX")"
cleanup() {
  local rc=$?
  "$HACK_APISERVER_DIR/stop.sh" "$STATE_DIR"
  if [[ $rc -eq 0 && "${KEEP_STATE:-0}" != 1 ]]; then
    rm -rf "$STATE_DIR"
  else
    echo "[apiserver] logs kept in ${STATE_DIR}" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$SECONDS
"$HACK_APISERVER_DIR/build.sh" >/dev/null
t_build=$((SECONDS - t0))

t1=$SECONDS
"$HACK_APISERVER_DIR/start.sh" "$STATE_DIR"
t_start=$((SECONDS - t1))

step "run the validator tests with the real server as a second judge"
set -a
# shellcheck disable=SC1091
source "$STATE_DIR/env"
set +a
export SSA_APISERVER_REQUIRED=1 SSA_SUMMARY_FILE="$STATE_DIR/summary.txt"
t2=$SECONDS
rc=0
# The proofs send tens of thousands of dry runs; on a shared 2-core machine they outlast go test's
# default 10-minute timeout.
(cd "$REPO_ROOT/validator" && go test -count=1 -timeout 40m ./...) || rc=$?
t_test=$((SECONDS - t2))

echo
echo "== real kube-apiserver ${KUBE_VERSION}: counts and timings =="
[[ -f "$SSA_SUMMARY_FILE" ]] && cat "$SSA_SUMMARY_FILE"
printf '%-34s %s\n' "timing build (cached or not):" "${t_build} s" \
  "timing start (etcd + apiserver):" "${t_start} s" \
  "timing tests:" "${t_test} s"
[[ $rc -eq 0 ]] || fail "validator tests failed against the real server (exit ${rc}); each refusal above shows the Service, the field and the server's message"
step "all green"
