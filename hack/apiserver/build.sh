#!/usr/bin/env bash
# Ensures a kube-apiserver binary of KUBE_VERSION in the cache and prints its path.
#
# The binary comes from the Go module proxy: this directory is a Go module that requires
# k8s.io/kubernetes with the staging replaces (gen-gomod.sh) and names kube-apiserver in a `tool`
# line, so the function's own go.mod never sees Kubernetes. A cached binary is reused; a build
# writes to a temporary file and renames it only when it runs, so an interrupted build is never
# taken for a good one.
#
# Usage: hack/apiserver/build.sh          (KUBE_VERSION, APISERVER_CACHE_DIR override the defaults)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Measured: 2.4 GB of build cache, 0.7 GB of modules and a 119 MB binary; ask for some headroom.
NEED_MB="${APISERVER_BUILD_NEED_MB:-4096}"

is_good_binary() {
  [[ -x "$1" ]] && "$1" --version 2>/dev/null | grep -qx "Kubernetes ${KUBE_VERSION}"
}

main() {
  step "check cached kube-apiserver ${KUBE_VERSION}"
  if is_good_binary "$APISERVER_CACHED_BIN"; then
    note "cached: ${APISERVER_CACHED_BIN}"
    echo "$APISERVER_CACHED_BIN"
    return 0
  fi
  mkdir -p "$APISERVER_CACHE_DIR" || fail "cannot create ${APISERVER_CACHE_DIR}"
  # Two runs on one machine (two CI jobs, a developer and a test) build once.
  exec 9>"${APISERVER_CACHE_DIR}/.build.lock"
  flock 9
  if is_good_binary "$APISERVER_CACHED_BIN"; then
    echo "$APISERVER_CACHED_BIN"
    return 0
  fi
  build
  echo "$APISERVER_CACHED_BIN"
}

build() {
  step "check tools for the build"
  command -v go >/dev/null || fail "go is not on PATH"
  local gocache gomodcache
  gocache="$(go env GOCACHE)"
  gomodcache="$(go env GOMODCACHE)"
  local dir
  for dir in "$gocache" "$gomodcache" "$APISERVER_CACHE_DIR"; do
    local free
    free="$(free_mb "$dir")"
    [[ "$free" -ge "$NEED_MB" ]] ||
      fail "not enough disk for the build: ${free} MB free under ${dir}, need ${NEED_MB} MB"
  done

  step "download modules for kube-apiserver ${KUBE_VERSION}"
  (cd "$HACK_APISERVER_DIR" && go mod download) || fail "go mod download (is the Go module proxy reachable?)"

  step "build kube-apiserver ${KUBE_VERSION} (first run on this machine: 10 to 19 minutes on 2 cores)"
  local tmp="${APISERVER_CACHED_BIN}.tmp.$$" log="${APISERVER_CACHE_DIR}/build.log"
  local minor="${KUBE_VERSION#v1.}"
  minor="${minor%%.*}"
  local pkg=k8s.io/component-base/version
  local ldflags="-s -w -X ${pkg}.gitVersion=${KUBE_VERSION} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor}"
  ldflags+=" -X ${pkg}.gitTreeState=clean"
  local started=$SECONDS
  if ! (cd "$HACK_APISERVER_DIR" &&
    CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$tmp" k8s.io/kubernetes/cmd/kube-apiserver) >"$log" 2>&1; then
    rm -f "$tmp"
    tail -n 20 "$log" >&2
    fail "go build failed; full log: ${log}"
  fi
  is_good_binary "$tmp" || { rm -f "$tmp"; fail "the built binary does not report Kubernetes ${KUBE_VERSION}"; }
  mv -f "$tmp" "$APISERVER_CACHED_BIN"
  note "built in $((SECONDS - started)) s: ${APISERVER_CACHED_BIN}"
}

main "$@"
