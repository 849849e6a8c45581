#!/usr/bin/env bash
# Proves that the function binary runs on its own, the way the distroless image
# runs it: statically linked, in a root directory that holds nothing but the
# binary (no shell, no libc, no /etc, no /proc), as uid/gid 65532 (the image's
# user) and 65534 (nobody, which kpt and kustomize pass), without capabilities and
# with no network.
#
# Needs: Go, bash, coreutils (chroot, od, mkfifo) and util-linux (unshare), all
# on a stock Debian machine, and root (chroot and a new network namespace need
# it). readelf (binutils) is used as a cross-check only when it is installed.
#
# Usage: hack/test-static.sh        (or: make test-static)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_AS=65532
BIN_NAME=set-session-affinity

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); printf 'PASS  %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL  %s\n' "$1"; }
# check DESCRIPTION COMMAND...: one counted check.
check() {
  local desc="$1"; shift
  if "$@"; then pass "$desc"; else fail "$desc"; fi
}
summary() {
  echo "static binary test: ${PASSED} passed, ${FAILED} failed"
  [[ "$FAILED" -eq 0 ]]
}

TMP="$(mktemp -d "${TMPDIR:-/tmp}/test-static.XXXXXX")"
TMP="$(cd "$TMP" && pwd -P)" # /proc shows resolved paths
BG_PID=""
cleanup() {
  if [[ -n "$BG_PID" ]]; then kill "$BG_PID" 2>/dev/null || true; wait "$BG_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
ROOT="$TMP/root"
BIN="$ROOT/$BIN_NAME"
mkdir "$ROOT"
chmod 0755 "$TMP" "$ROOT"

# ---- prerequisites (not counted: without them nothing below means anything) --
if [[ "$(id -u)" -ne 0 ]]; then
  echo "test-static: must run as root (chroot and unshare --net need it)" >&2
  exit 1
fi
UNSHARE="$(command -v unshare || true)"
CHROOT="$(command -v chroot || { [[ -x /usr/sbin/chroot ]] && echo /usr/sbin/chroot; } || true)"
if [[ -z "$UNSHARE" || -z "$CHROOT" ]]; then
  echo "test-static: needs unshare (util-linux) and chroot (coreutils)" >&2
  exit 1
fi
if ! "$UNSHARE" --net --fork true 2>"$TMP/unshare.err"; then
  echo "test-static: 'unshare --net' is not permitted here: $(cat "$TMP/unshare.err")" >&2
  exit 1
fi

# sandbox FILE_IN FILE_OUT FILE_ERR: run the binary as RUN_AS in the empty root,
# in a new network namespace; returns its exit code.
sandbox() {
  "$UNSHARE" --net --fork \
    "$CHROOT" --userspec="$RUN_AS:$RUN_AS" "$ROOT" "/$BIN_NAME" <"$1" >"$2" 2>"$3"
}

cat >"$TMP/valid.yaml" <<'EOF'
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    labels:
      session-affinity.kpt.dev/sticky: "true"
  spec:
    type: LoadBalancer
    ports:
    - port: 80
EOF
# A document that is not an object is refused in either mode.
cat >"$TMP/invalid.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
---
- not an object
EOF

# ---- 1. build -----------------------------------------------------------------
build() {
  (cd "$REPO_ROOT" && CGO_ENABLED=0 go build -trimpath -o "$BIN" .) 2>"$TMP/build.err" || {
    cat "$TMP/build.err"; return 1; }
  chmod 0755 "$BIN"
}
if ! build; then
  fail "CGO_ENABLED=0 go build -trimpath ."
  summary; exit 1
fi
pass "CGO_ENABLED=0 go build -trimpath ."

# ---- 2. statically linked ---------------------------------------------------------
cgo_disabled() {
  go version -m "$BIN" | grep -Eq '^[[:space:]]+build[[:space:]]+CGO_ENABLED=0$'
}
check "go version -m: build setting CGO_ENABLED=0" cgo_disabled

# Reads the ELF program headers with od (coreutils) and fails on a PT_INTERP
# (type 3) header, i.e. on any binary that needs a dynamic loader.
le_uint() { # FILE OFFSET SIZE -> unsigned little-endian integer
  local bytes v=0 i
  read -r -a bytes < <(od -An -v -t u1 -j "$2" -N "$3" "$1")
  for ((i = $3 - 1; i >= 0; i--)); do v=$((v * 256 + bytes[i])); done
  echo "$v"
}
no_interp() {
  local magic class data phoff phentsize phnum i type
  magic="$(od -An -c -N 4 "$BIN" | tr -d ' ')"
  class="$(le_uint "$BIN" 4 1)" data="$(le_uint "$BIN" 5 1)"
  if [[ "$magic" != '177ELF' || "$class" != 2 || "$data" != 1 ]]; then
    echo "  not a 64-bit little-endian ELF file" >&2; return 1
  fi
  phoff="$(le_uint "$BIN" 32 8)" phentsize="$(le_uint "$BIN" 54 2)" phnum="$(le_uint "$BIN" 56 2)"
  for ((i = 0; i < phnum; i++)); do
    type="$(le_uint "$BIN" $((phoff + i * phentsize)) 4)"
    if [[ "$type" == 3 ]]; then echo "  program header $i is PT_INTERP" >&2; return 1; fi
  done
  if command -v readelf >/dev/null && readelf -lW "$BIN" | grep -q 'INTERP'; then
    echo "  readelf -l shows an INTERP header" >&2; return 1
  fi
}
check "ELF has no PT_INTERP program header (no dynamic loader)" no_interp

# ---- 3. the root holds the binary and nothing else -------------------------------
only_binary() {
  local entries
  entries="$(cd "$ROOT" && find . -mindepth 1 -printf '%p %y\n')"
  [[ "$entries" == "./$BIN_NAME f" ]] || { printf '  root contains:\n%s\n' "$entries" >&2; return 1; }
}
check "root dir contains only /$BIN_NAME (no /bin/sh, libc, /etc, /proc)" only_binary

# ---- 4. run on the valid input, and look at the process from outside ----------
# stdin is a FIFO that stays open while we inspect the running process through
# /proc: the function blocks reading its input until we close the FIFO.
mkfifo "$TMP/in.fifo"
chmod 0600 "$TMP/in.fifo" # opened by us (root) before the uid switch
"$UNSHARE" --net --fork \
  "$CHROOT" --userspec="$RUN_AS:$RUN_AS" "$ROOT" "/$BIN_NAME" \
  <"$TMP/in.fifo" >"$TMP/valid.out" 2>"$TMP/valid.err" &
BG_PID=$!
exec 3>"$TMP/in.fifo"

# The function's process is the child of unshare (chroot execs the binary in
# place). Find it by parent pid, and wait until chroot has exec'd the binary.
fn_pid=""
for ((tries = 0; tries < 200; tries++)); do
  for status in /proc/[0-9]*/status; do
    if grep -q "^PPid:[[:space:]]*${BG_PID}\$" "$status" 2>/dev/null; then
      pid="${status#/proc/}"; pid="${pid%/status}"
      if [[ "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" == "$BIN" ]]; then fn_pid="$pid"; fi
    fi
  done
  [[ -n "$fn_pid" ]] && break
  sleep 0.05
done

field() { awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ +/, ""); print }' "/proc/$fn_pid/status"; }
if [[ -n "$fn_pid" ]]; then
  uids="$(field Uid)" gids="$(field Gid)" groups="$(field Groups)" capeff="$(field CapEff)"
  fn_root="$(readlink "/proc/$fn_pid/root")"
  fn_net="$(readlink "/proc/$fn_pid/ns/net")" my_net="$(readlink /proc/self/ns/net)"
  fn_ifaces="$(awk 'NR > 2 { sub(/:.*/, "", $1); print $1 }' "/proc/$fn_pid/net/dev" | sort | tr '\n' ' ')"
  printf '  process %s: Uid=[%s] Gid=[%s] Groups=[%s] CapEff=%s root=%s net=%s interfaces=[%s]\n' \
    "$fn_pid" "$uids" "$gids" "$groups" "$capeff" "$fn_root" "$fn_net" "${fn_ifaces% }"
  check "process runs as uid $RUN_AS (real, effective, saved, fs)" \
    test "$(echo $uids)" == "$RUN_AS $RUN_AS $RUN_AS $RUN_AS"
  check "process runs as gid $RUN_AS with no other group" \
    bash -c '[[ "$1" == "$2 $2 $2 $2" && ( -z "$3" || "$3" == "$2" ) ]]' _ "$(echo $gids)" "$RUN_AS" "$(echo $groups)"
  check "process has no effective capabilities" test "$capeff" == 0000000000000000
  check "process root is the empty dir and its network namespace is new, with only lo" \
    bash -c '[[ "$1" == "$2" && "$3" != "$4" && "$5" == "lo " ]]' _ "$fn_root" "$ROOT" "$fn_net" "$my_net" "$fn_ifaces"
else
  echo "  could not find the function's process under unshare (pid $BG_PID)" >&2
  for d in "uid $RUN_AS" "gid $RUN_AS" "no capabilities" "empty root, new network namespace"; do
    fail "process identity: $d"
  done
fi

cat "$TMP/valid.yaml" >&3 || true # the function may already have exited
exec 3>&-
rc=0
wait "$BG_PID" || rc=$?
BG_PID=""
check "valid ResourceList: exit code 0 (got $rc)" test "$rc" -eq 0
if [[ "$rc" -ne 0 ]]; then sed 's/^/  stderr: /' "$TMP/valid.err" >&2; fi
is_resource_list() {
  grep -q '^apiVersion: config.kubernetes.io/v1$' "$TMP/valid.out" &&
    grep -q '^kind: ResourceList$' "$TMP/valid.out" &&
    grep -q '^items:' "$TMP/valid.out"
}
check "output is a config.kubernetes.io/v1 ResourceList" is_resource_list
check "output sets sessionAffinity: ClientIP" grep -Eq '^[[:space:]]+sessionAffinity: ClientIP$' "$TMP/valid.out"
check "output sets externalTrafficPolicy: Local" grep -Eq '^[[:space:]]+externalTrafficPolicy: Local$' "$TMP/valid.out"

# ---- 5. invalid input -----------------------------------------------------------
rc=0
sandbox "$TMP/invalid.yaml" "$TMP/invalid.out" "$TMP/invalid.err" || rc=$?
check "a document that is not an object (unusable input): exit code 2 (got $rc)" test "$rc" -eq 2
check "a document that is not an object: non-empty stderr" test -s "$TMP/invalid.err"
if [[ -s "$TMP/invalid.err" ]]; then sed 's/^/  stderr: /' "$TMP/invalid.err" | head -n 5; fi

# ---- 6. the same proof by file modes ---------------------------------------------
# Root may exec any file with an x bit; uid 65532 may not exec a root-owned 0700
# file. chroot reports the refused exec as 126.
chmod 0700 "$BIN"
rc=0
sandbox "$TMP/valid.yaml" "$TMP/mode.out" "$TMP/mode.err" || rc=$?
chmod 0755 "$BIN"
check "root-owned mode 0700 binary cannot be executed by the sandboxed user (exit 126, got $rc)" \
  test "$rc" -eq 126

# ---- 7. as nobody -------------------------------------------------------------------
# kpt and kustomize run function containers with --user nobody (65534), not the image's 65532.
RUN_AS=65534
rc=0
sandbox "$TMP/valid.yaml" "$TMP/nobody.out" "$TMP/nobody.err" || rc=$?
check "as uid/gid 65534 (nobody, what kpt and kustomize pass): exit code 0 (got $rc)" test "$rc" -eq 0
check "as uid/gid 65534: stdout equal to the run as 65532" cmp -s "$TMP/valid.out" "$TMP/nobody.out"

summary
