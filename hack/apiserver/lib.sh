# Shared by the kube-apiserver scripts in this directory. Sourced, not run.
#
# Every step announces itself with `step NAME`; `fail` names the step that failed, so a red CI log
# says which step broke (build, etcd install, certificates, etcd start, apiserver start) without
# scrolling.

KUBE_VERSION="${KUBE_VERSION:-v1.37.2}"
# The binary is cached per version outside the repository, so that only the first run on a
# machine pays the build (10 to 19 minutes on 2 cores).
APISERVER_CACHE_DIR="${APISERVER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-apiserver/${KUBE_VERSION}}"
APISERVER_CACHED_BIN="${APISERVER_CACHE_DIR}/kube-apiserver"
HACK_APISERVER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

CURRENT_STEP="(none)"
step() {
  CURRENT_STEP="$1"
  printf '[apiserver] %s: %s\n' "$(date +%H:%M:%S)" "$1" >&2
}
fail() {
  printf '[apiserver] FAILED at step "%s": %s\n' "$CURRENT_STEP" "$*" >&2
  exit 1
}
note() { printf '[apiserver]   %s\n' "$*" >&2; }

# free_port prints a TCP port on 127.0.0.1 that nothing listens on now. There is a window before
# the caller binds it; the start script checks that its process really listens there.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 12768))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# free_mb DIR prints the free megabytes on DIR's file system (DIR or its nearest existing parent).
free_mb() {
  local d="$1"
  while [[ ! -d "$d" ]]; do d="$(dirname "$d")"; done
  df -Pm "$d" | awk 'NR == 2 { print $4 }'
}
