#!/usr/bin/env bash
# Builds the function's image with podman from the project's Dockerfile, offline, and runs it the
# three ways users do. Every output must be byte for byte the exec run's:
#
#   1. podman run -i --rm --network none --read-only --cap-drop ALL --user nobody IMAGE
#      over every golden input (testdata/*, examples/*/input.yaml): stdout, stderr and exit code
#      equal to bin/set-session-affinity's on the same input;
#   2. kpt fn eval -i IMAGE and kpt fn render with `image:` in the Kptfile (KPT_FN_RUNTIME=podman,
#      --image-pull-policy never): the image examples' committed diff.patch and results.yaml;
#   3. kustomize build --enable-alpha-plugins with a `container:` transformer (kustomize runs
#      `docker run ... --network none --user nobody`; here `docker` is podman): the
#      kustomize-container example's committed expected.yaml.
#
# Nothing is pulled: the base image is assembled here with the users of distroless static:nonroot
# (root 0, nobody 65534, nonroot 65532), the image gets bin/set-session-affinity (BINARY=prebuilt),
# and a registries.conf blocks the registries the Dockerfile and examples name. podman keeps its
# images in a temporary store, so the machine's own store is neither read nor changed.
#
# Needs root (podman, and apt-get when podman or runc is missing), Go, kpt and bin/kustomize.
# Usage: hack/test-image.sh   (or: make test-image, which builds bin/ first)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
FN_BIN=bin/set-session-affinity
IMAGE="$(sed -n 's/^IMAGE ?= //p' Makefile)" # the release tag, as e2e/examples_test.go reads it
BASE_IMAGE=localhost/set-session-affinity-test/base:nonroot

STEP="start"
START=$SECONDS
step() { STEP="$1"; echo "== test-image: $1 ($((SECONDS - START)) s)"; }
fail() { echo "test-image: FAIL in step '$STEP': $*" >&2; exit 1; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/test-image.XXXXXX")"
cleanup() {
  local rc=$?
  # Every container ran with --rm, so nothing of the store is mounted any more.
  rm -rf "$TMP" || echo "test-image: could not remove $TMP" >&2
  if [[ $rc -ne 0 ]]; then echo "test-image: failed in step '$STEP'" >&2; fi
}
trap cleanup EXIT

# ---- 1. podman ---------------------------------------------------------------------------------
step "install podman"
[[ -x "$FN_BIN" && -x bin/kustomize && -x bin/helm ]] || fail "$FN_BIN, bin/kustomize or bin/helm is missing: run make test-image"
command -v kpt >/dev/null || fail "kpt is missing (Debian package google-cloud-cli-kpt)"
if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
  [[ "$(id -u)" -eq 0 ]] || fail "podman and runc are missing, and installing them needs root"
  apt-get update -qq >"$TMP/apt.log" 2>&1 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc >>"$TMP/apt.log" 2>&1 ||
    { cat "$TMP/apt.log" >&2; fail "apt-get install podman runc"; }
fi

# Settings for a VM with hybrid cgroup v1 and hard rlimits that root cannot raise: runc, cgroupfs,
# events in a file, ulimits within the hard ones. Passed by environment, so /etc stays untouched;
# kpt's podman and kustomize's docker (below) inherit them.
cat >"$TMP/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
cat >"$TMP/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$TMP/storage"
runroot = "$TMP/run"
EOF
cat >"$TMP/registries.conf" <<'EOF'
unqualified-search-registries = []

[[registry]]
location = "docker.io"
blocked = true

[[registry]]
location = "gcr.io"
blocked = true

[[registry]]
location = "ghcr.io"
blocked = true
EOF
export CONTAINERS_CONF="$TMP/containers.conf" CONTAINERS_STORAGE_CONF="$TMP/storage.conf" \
  CONTAINERS_REGISTRIES_CONF="$TMP/registries.conf"
podman info >"$TMP/info.log" 2>&1 || { cat "$TMP/info.log" >&2; fail "podman info"; }

# kustomize runs `docker run`; this `docker` is podman, never pulling (a missing image must fail,
# not test some published one).
mkdir "$TMP/shim"
cat >"$TMP/shim/docker" <<'EOF'
#!/bin/sh
if [ "$1" = run ]; then shift; exec podman run --pull=never "$@"; fi
exec podman "$@"
EOF
chmod 0755 "$TMP/shim/docker"

# ---- 2. base image and image -------------------------------------------------------------------
step "assemble the base image $BASE_IMAGE"
# distroless static:nonroot's users, groups and directories (GoogleContainerTools/distroless
# common/BUILD.bazel); no shell, no other file.
ROOTFS="$TMP/rootfs"
mkdir -p "$ROOTFS/etc" "$ROOTFS/tmp" "$ROOTFS/root" "$ROOTFS/home/nonroot"
cat >"$ROOTFS/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$ROOTFS/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
EOF
chmod 0644 "$ROOTFS/etc/passwd" "$ROOTFS/etc/group"
chmod 1777 "$ROOTFS/tmp"
chmod 0700 "$ROOTFS/root" "$ROOTFS/home/nonroot"
chown 65532:65532 "$ROOTFS/home/nonroot"
tar --numeric-owner -C "$ROOTFS" -cf "$TMP/base.tar" . || fail "tar of the base root"
podman import --quiet --change 'USER 65532' --change 'WORKDIR /home/nonroot' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  "$TMP/base.tar" "$BASE_IMAGE" >/dev/null || fail "podman import"

step "build $IMAGE (make image ENGINE=podman BINARY=prebuilt BASE_IMAGE=$BASE_IMAGE)"
make --no-print-directory image IMAGE="$IMAGE" ENGINE=podman BINARY=prebuilt BASE_IMAGE="$BASE_IMAGE" >"$TMP/build.log" 2>&1 ||
  { cat "$TMP/build.log" >&2; fail "make image"; }
config="$(podman image inspect --format '{{.Config.User}} {{.Config.Entrypoint}}' "$IMAGE")"
[[ "$config" == "65532:65532 [/set-session-affinity]" ]] || fail "image user and entrypoint: $config"
minor="${IMAGE%.*}"
podman image exists "$minor" || fail "the floating minor tag $minor is missing"
if podman run --rm --network none --entrypoint /bin/sh "$IMAGE" -c true >/dev/null 2>&1; then
  fail "the image has a shell"
fi
echo "   image size: $(podman image inspect --format '{{.Size}}' "$IMAGE") bytes"

# ---- 3. every golden input through podman run --------------------------------------------------
# The documented run: what kpt and kustomize pass (--network none, --user nobody) and more.
RUN=(podman run -i --rm --network none --read-only --cap-drop ALL --user nobody "$IMAGE")
step "golden inputs: ${RUN[*]}"
# stdin assembles a case's input as fn/processor's golden test does: config.yaml, if present,
# follows the items as functionConfig, indented.
stdin() {
  cat "$1/input.yaml"
  if [[ -f "$1/config.yaml" ]]; then
    printf 'functionConfig:\n'
    printf '%s\n' "$(cat "$1/config.yaml")" | sed 's/^/  /'
  fi
}
grep -qF -- "${RUN[*]} < input.yaml" docs/container.md || fail "docs/container.md does not show the run: ${RUN[*]} < input.yaml"
cases=0
for dir in testdata/*/ $(dirname examples/*/input.yaml); do
  dir="${dir%/}" name="$(basename "$dir")"
  stdin "$dir" >"$TMP/in"
  rc_exec=0 rc_image=0
  "$FN_BIN" <"$TMP/in" >"$TMP/exec.out" 2>"$TMP/exec.err" || rc_exec=$?
  "${RUN[@]}" <"$TMP/in" >"$TMP/image.out" 2>"$TMP/image.err" || rc_image=$?
  [[ $rc_exec -eq $rc_image ]] || { cat "$TMP/image.err" >&2; fail "$dir: exit code $rc_image, exec run $rc_exec"; }
  cmp -s "$TMP/exec.out" "$TMP/image.out" || { diff "$TMP/exec.out" "$TMP/image.out" | head -n 20 >&2; fail "$dir: stdout differs from the exec run"; }
  cmp -s "$TMP/exec.err" "$TMP/image.err" || { diff "$TMP/exec.err" "$TMP/image.err" | head -n 20 >&2; fail "$dir: stderr differs from the exec run"; }
  cases=$((cases + 1))
done
[[ $cases -gt 0 ]] || fail "no golden inputs found"
echo "   $cases golden inputs: stdout, stderr and exit code equal to the exec run's"

# ---- 4. kpt and kustomize ----------------------------------------------------------------------
# e2e/examples_test.go runs the image examples through the image itself when E2E_CONTAINER_ENGINE
# is set (otherwise through exec): kpt with KPT_FN_RUNTIME=podman and --image-pull-policy never,
# kustomize with the `docker` above first on PATH. Their expected files are the exec examples'
# (TestKptImageExamplesMatchExec, TestKustomizeContainerExample).
step "kpt fn eval -i, kpt fn render with image:, kustomize build with container: (go test ./e2e)"
E2E_CONTAINER_ENGINE=podman KPT_FN_RUNTIME=podman PATH="$TMP/shim:$PATH" \
  go test -count=1 -run '^(TestKptExamples|TestKustomizeContainerExample)$' -v ./e2e >"$TMP/e2e.log" 2>&1 ||
  { cat "$TMP/e2e.log" >&2; fail "go test ./e2e through the image"; }
grep -E '^\s*--- (PASS|SKIP)' "$TMP/e2e.log" | sed 's/^/   /'
if grep -q -- '--- SKIP' "$TMP/e2e.log"; then fail "an image example was skipped"; fi

step "done"
echo "test-image: PASS in $((SECONDS - START)) s"
