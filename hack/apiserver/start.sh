#!/usr/bin/env bash
# Starts etcd and kube-apiserver on 127.0.0.1, on free ports, with their own CA, serving
# certificate, bearer token and service-account key, all under STATE_DIR, and waits until the
# server answers. Writes STATE_DIR/env (how to reach it) and the PID files stop.sh reads.
#
# If any step fails, whatever this script started is stopped before it exits, so a failed start
# leaves no process behind.
#
# Usage: hack/apiserver/start.sh STATE_DIR
#   APISERVER_BIN       kube-apiserver to run (default: the cached one build.sh makes)
#   ETCD_BIN            etcd to run (default: etcd on PATH; installed with apt when missing)
#   APISERVER_PORT, ETCD_PORT   fixed ports instead of free ones (to test a port in use)
#   SERVICE_CIDR        --service-cluster-ip-range (default 10.64.0.0/12, see below)
#   APISERVER_EXTRA_ARGS  more kube-apiserver flags
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE_DIR="${1:?usage: start.sh STATE_DIR}"
APISERVER_BIN="${APISERVER_BIN:-$APISERVER_CACHED_BIN}"
# 10.64.0.0/12 holds 10.68.121.217, the cluster IP the vendor article hard-codes, so that manifest
# is judged on its fields and not on our choice of range. The validator package assumes the same
# range (validator.DefaultServiceCIDR) and is told this one in SSA_APISERVER_SERVICE_CIDR.
SERVICE_CIDR="${SERVICE_CIDR:-10.64.0.0/12}"
READY_TIMEOUT="${READY_TIMEOUT:-90}"

started=0
cleanup_on_failure() {
  local rc=$?
  if [[ $rc -ne 0 && $started -eq 1 ]]; then
    note "start failed; stopping what was started"
    "$HACK_APISERVER_DIR/stop.sh" "$STATE_DIR" || true
  fi
}
trap cleanup_on_failure EXIT

main() {
  mkdir -p "$STATE_DIR" || fail "cannot create ${STATE_DIR}"
  STATE_DIR="$(cd "$STATE_DIR" && pwd)"
  find_binaries
  make_credentials
  start_etcd
  start_apiserver
  write_env
  step "kube-apiserver ready at https://127.0.0.1:${APISERVER_PORT} (etcd pid $(cat "$STATE_DIR/etcd.pid"), apiserver pid $(cat "$STATE_DIR/apiserver.pid"))"
}

find_binaries() {
  step "find kube-apiserver"
  [[ -x "$APISERVER_BIN" ]] || fail "no kube-apiserver at ${APISERVER_BIN}; run hack/apiserver/build.sh"
  step "find etcd"
  if [[ -z "${ETCD_BIN:-}" ]]; then
    ETCD_BIN="$(command -v etcd || true)"
    [[ -n "$ETCD_BIN" ]] || install_etcd
  fi
  [[ -x "$ETCD_BIN" ]] || fail "etcd is missing: ${ETCD_BIN:-not on PATH} is not an executable"
  note "etcd: ${ETCD_BIN} ($("$ETCD_BIN" --version 2>/dev/null | head -n 1))"
}

install_etcd() {
  step "install etcd (Debian package etcd-server)"
  [[ $(id -u) -eq 0 ]] || fail "etcd is missing and installing it needs root: apt-get install etcd-server"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends etcd-server >"$STATE_DIR/apt.log" 2>&1; then
    # A fresh machine may have no package lists yet.
    DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$STATE_DIR/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends etcd-server >>"$STATE_DIR/apt.log" 2>&1 ||
      { tail -n 5 "$STATE_DIR/apt.log" >&2; fail "etcd is missing and apt-get install etcd-server failed (log: $STATE_DIR/apt.log)"; }
  fi
  ETCD_BIN="$(command -v etcd || true)"
}

make_credentials() {
  step "make CA, serving certificate, token and service-account key"
  local d="$STATE_DIR/pki"
  mkdir -p "$d"
  (
    set -e
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=set-session-affinity-test-ca"
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver"
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 2 -extfile apiserver.ext
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
  ) >"$STATE_DIR/openssl.log" 2>&1 || fail "openssl failed (log: $STATE_DIR/openssl.log)"
  TOKEN="$(openssl rand -hex 24)"
  # token,user,uid,"group": system:masters may do everything.
  printf '%s,admin,admin,"system:masters"\n' "$TOKEN" >"$d/tokens.csv"
  chmod 600 "$d"/*.key "$d/tokens.csv"
}

# port_or_free VALUE: VALUE if set, else a free port.
port_or_free() {
  if [[ -n "$1" ]]; then echo "$1"; else free_port || fail "no free port found"; fi
}

# ensure_port_free PORT NAME: fail now if something already listens there. Otherwise a health
# check could be answered by that other process while ours exits on "address already in use".
ensure_port_free() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    fail "$2 cannot listen on 127.0.0.1:$1: port in use by another process"
  fi
}

start_etcd() {
  step "start etcd"
  ETCD_PORT="$(port_or_free "${ETCD_PORT:-}")"
  ensure_port_free "$ETCD_PORT" etcd
  local peer_port
  peer_port="$(free_port)" || fail "no free port found"
  started=1
  "$ETCD_BIN" --name set-session-affinity --data-dir "$STATE_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:${ETCD_PORT}" --advertise-client-urls "http://127.0.0.1:${ETCD_PORT}" \
    --listen-peer-urls "http://127.0.0.1:${peer_port}" --initial-advertise-peer-urls "http://127.0.0.1:${peer_port}" \
    --initial-cluster "set-session-affinity=http://127.0.0.1:${peer_port}" \
    --listen-metrics-urls "" --log-outputs stderr >"$STATE_DIR/etcd.log" 2>&1 &
  echo $! >"$STATE_DIR/etcd.pid"
  wait_until 30 "etcd" "$STATE_DIR/etcd.pid" "$STATE_DIR/etcd.log" etcd_healthy
}

etcd_healthy() {
  curl -fsS --max-time 2 "http://127.0.0.1:${ETCD_PORT}/health" 2>/dev/null | grep -q '"health":"true"'
}

start_apiserver() {
  step "start kube-apiserver"
  APISERVER_PORT="$(port_or_free "${APISERVER_PORT:-}")"
  ensure_port_free "$APISERVER_PORT" kube-apiserver
  local d="$STATE_DIR/pki"
  # shellcheck disable=SC2086 # APISERVER_EXTRA_ARGS is a list of flags
  "$APISERVER_BIN" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
    --etcd-servers "http://127.0.0.1:${ETCD_PORT}" \
    --tls-cert-file "$d/apiserver.crt" --tls-private-key-file "$d/apiserver.key" --client-ca-file "$d/ca.crt" \
    --token-auth-file "$d/tokens.csv" --anonymous-auth=false --authorization-mode AlwaysAllow \
    --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$d/sa.pub" \
    --service-account-signing-key-file "$d/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --endpoint-reconciler-type none \
    --disable-admission-plugins ServiceAccount \
    --cert-dir "$STATE_DIR/certs" \
    ${APISERVER_EXTRA_ARGS:-} >"$STATE_DIR/apiserver.log" 2>&1 &
  echo $! >"$STATE_DIR/apiserver.pid"
  wait_until "$READY_TIMEOUT" "kube-apiserver" "$STATE_DIR/apiserver.pid" "$STATE_DIR/apiserver.log" apiserver_ready
}

apiserver_ready() {
  curl -fsS --max-time 3 --cacert "$STATE_DIR/pki/ca.crt" -H "Authorization: Bearer ${TOKEN}" \
    "https://127.0.0.1:${APISERVER_PORT}/readyz" >/dev/null 2>&1
}

# wait_until SECONDS NAME PIDFILE LOG CHECK: until CHECK succeeds; fails early if the process died.
wait_until() {
  local seconds="$1" name="$2" pidfile="$3" log="$4" check="$5"
  local deadline=$((SECONDS + seconds))
  while true; do
    # Alive first, then ready: a ready answer from a process that has died is someone else's.
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      tail -n 15 "$log" >&2
      grep -qi "address already in use" "$log" && fail "${name} could not listen: address already in use (log: ${log})"
      fail "${name} exited during start (log: ${log})"
    fi
    "$check" && return 0
    if ((SECONDS >= deadline)); then
      tail -n 15 "$log" >&2
      fail "${name} not ready after ${seconds} s (log: ${log})"
    fi
    sleep 0.5
  done
}

write_env() {
  cat >"$STATE_DIR/env" <<ENV
SSA_APISERVER_URL=https://127.0.0.1:${APISERVER_PORT}
SSA_APISERVER_TOKEN=${TOKEN}
SSA_APISERVER_CA=${STATE_DIR}/pki/ca.crt
SSA_APISERVER_SERVICE_CIDR=${SERVICE_CIDR}
SSA_ETCD_URL=http://127.0.0.1:${ETCD_PORT}
ENV
  chmod 600 "$STATE_DIR/env"
}

main "$@"
