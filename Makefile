# Every target sets up what it needs on a fresh machine: Go builds the function and the pinned
# kustomize; kpt comes with the machine image (Debian package google-cloud-cli-kpt).
SHELL := /bin/bash
BIN := bin/set-session-affinity
GO_SOURCES := $(shell find . -name '*.go' -not -path './bin/*')

.PHONY: build test demo fmt fmt-check vet
build: $(BIN)

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
$(BIN): $(GO_SOURCES) go.mod go.sum
	CGO_ENABLED=0 go build -trimpath -ldflags "-X main.version=$(VERSION)" -o $(BIN) .

# demo runs the function over the vendor article's manifests (examples/seed-article) and prints
# the repaired list with its results.
demo: $(BIN)
	$(BIN) < examples/seed-article/input.yaml

# test runs everything CI runs: formatting, vet, the static-binary check, then all Go tests
# (table tests, goldens, idempotency, and end to end through real kpt and kustomize).
test: fmt-check vet lint bin/kustomize bin/helm test-static
	go test -count=1 ./...
	$(MAKE) --no-print-directory test-schema
	$(MAKE) --no-print-directory test-validator
	$(MAKE) --no-print-directory test-bench

# test-schema checks the published config schema (schema/, its own module: the validators stay
# out of go.mod) against config.Keys(), the examples' configs and metadata.yaml. `make schema`
# regenerates the schema files after a config key changes.
.PHONY: test-schema schema
test-schema:
	cd schema && go vet ./... && go test -count=1 ./...
schema:
	cd schema && go generate ./...

# test-validator judges every Service of the golden and property runs as kube-apiserver would,
# in process (validator/, its own module: k8s.io/kubernetes stays out of go.mod). A fresh
# machine's first run compiles it for about 3 minutes.
.PHONY: test-validator test-apiserver
test-validator:
	cd validator && go vet ./... && go test -count=1 ./...

# test-apiserver proves the same against a real kube-apiserver v1.37.2 (server-side dry run):
# builds it once into ~/.cache/kube-apiserver (10 to 19 minutes on 2 cores, then cached), starts
# etcd and the server on loopback, runs validator/ with the server as a second judge, stops both;
# then checks that a missing etcd, a port in use or no disk fail naming the step.
test-apiserver:
	bash hack/apiserver/test.sh
	bash hack/apiserver/test-faults.sh

# fuzz runs each fuzz target for FUZZTIME; a crasher is written to the package's testdata/fuzz
# and must be committed as a regression seed.
FUZZTIME ?= 30s
FUZZ_TARGETS := FuzzRun:./fn/processor FuzzDecode:./fn/config FuzzSelector:./fn/config FuzzListenerProtocol:./fn/rules \
	FuzzDifferential:./fn/processor FuzzItemBody:./fn/itemscan FuzzAppendYAML:./fn/report FuzzDiff:./fn/edit \
	FuzzDocuments:./fn/yamltext
.PHONY: fuzz
fuzz:
	@mkdir -p bin; passed=0; for t in $(FUZZ_TARGETS); do \
		name=$${t%%:*}; pkg=$${t#*:}; \
		go test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) $$pkg > bin/fuzz-$$name.log 2>&1; status=$$?; \
		echo "$$name ($$pkg): $$(grep -E '^fuzz: elapsed' bin/fuzz-$$name.log | tail -n 1)"; \
		if [ $$status -ne 0 ]; then cat bin/fuzz-$$name.log; echo "fuzz: $$passed passed, 1 failed"; exit 1; fi; \
		passed=$$((passed + 1)); \
	done; echo "fuzz: $$passed passed, 0 failed"

# bench measures the function against a no-op function on the kpt functions SDK and against
# kustomize with a labelSelector patch, on generated lists of 1 to 50,000 items, then the peak
# memory of each shape of issue 18 (bench-shapes), and writes BENCHMARKS.md (bench/, its own
# module: the SDK no-op stays out of go.mod). About 15 minutes; run it on a quiet machine.
# bench-shapes measures the shapes alone (a few minutes) and rewrites only their section; it fails
# when a shape is past its bound. test-bench (part of test) only vets the bench module.
.PHONY: bench bench-shapes test-bench
BENCH_SIZES ?= 1,100,1000,10000,50000
bench: $(BIN) bin/kustomize
	cd bench && go build -o ../bin/sdknoop ./sdknoop
	go test -run '^$$' -bench . -benchmem ./fn/itemscan ./fn/report ./fn/processor > bin/go-bench.txt
	cd bench && go run . -sizes $(BENCH_SIZES) -shapes -fn ../$(BIN) -sdk ../bin/sdknoop -kustomize ../bin/kustomize \
		-go-bench ../bin/go-bench.txt -out ../BENCHMARKS.md
bench-shapes: $(BIN)
	cd bench && go run . -sizes '' -shapes -fn ../$(BIN) -out ../BENCHMARKS.md
test-bench:
	cd bench && go vet ./...

# test-scaling times the function with each input dimension doubled (labels, ports, annotations,
# selector keys, items, comment lines): time(2n)/time(n) must stay <= 2.5. It then runs the
# built binary on each shape of issue 18 (internal/listgen.Shapes) at half and at the size the
# issue names: time(2n)/time(n) <= 2.5 again, and peak RSS (the kernel's, of the child process)
# at most 3 times the input and 32 MiB, or a refusal naming the number. It times runs, so it is
# not part of test (CI must not pass or fail by machine load); run it on a quiet machine.
.PHONY: test-scaling
test-scaling: $(BIN)
	SSA_SCALING=1 SSA_BINARY=$(abspath $(BIN)) go test -count=1 -timeout 30m -run 'TestScalesLinearly|TestShapesStayWithinTheMemoryBound|TestMeasure' -v ./fn/processor ./internal/peakrss

fmt:
	gofmt -w $(GO_SOURCES)

fmt-check:
	@out=$$(gofmt -l $(GO_SOURCES)); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi

vet:
	go vet ./...

# lint runs golangci-lint v2 (pinned in tools/lint/go.mod, built into bin/) with .golangci.yml
# over the root, schema, bench and validator modules. --allow-parallel-runners: without it a
# second clone's make test on the same machine fails on golangci-lint's lock instead of waiting.
.PHONY: lint
lint: bin/golangci-lint
	bin/golangci-lint run --allow-parallel-runners ./...
	cd schema && ../bin/golangci-lint run --allow-parallel-runners ./...
	cd bench && ../bin/golangci-lint run --allow-parallel-runners ./...
	cd validator && ../bin/golangci-lint run --allow-parallel-runners ./...

bin/golangci-lint: tools/lint/go.mod tools/lint/go.sum
	cd tools/lint && go build -o ../../bin/golangci-lint github.com/golangci/golangci-lint/v2/cmd/golangci-lint

# kustomize is pinned in tools/go.mod (tool directive) so the root module stays free of it.
bin/kustomize: tools/go.mod tools/go.sum
	cd tools && go build -o ../bin/kustomize sigs.k8s.io/kustomize/kustomize/v5

# Helm v3 (for the post-renderer example) is pinned in tools/go.mod beside kustomize, at the newest
# v3 that leaves kustomize at v5.7.1 (v3.21+ pull kustomize/api v0.21). The -X flags are the ones
# Helm's own Makefile (LDFLAGS) sets for a release: the version `helm version` prints, and the
# Kubernetes version `helm template` assumes (.Capabilities.KubeVersion, which a chart's
# kubeVersion is checked against), 1.<minor> of the k8s.io/client-go in Helm's go.mod. A plain go
# build leaves the latter at v1.20.0, and charts requiring a newer one (ingress-nginx, emissary)
# do not render without --kube-version.
HELM_PKG := helm.sh/helm/v3
bin/helm: tools/go.mod tools/go.sum
	cd tools && helm_gomod=$$(go list -m -f '{{.GoMod}}' $(HELM_PKG)) && \
		k8s=$$(awk '$$1 == "k8s.io/client-go" { sub(/^v/, "", $$2); split($$2, v, "."); print v[1] + 1, v[2] }' "$$helm_gomod") && \
		set -- $$k8s && test -n "$$2" && \
		go build -o ../bin/helm -ldflags "-X $(HELM_PKG)/internal/version.version=$$(go list -m -f '{{.Version}}' $(HELM_PKG)) \
			-X $(HELM_PKG)/pkg/chartutil.k8sVersionMajor=$$1 -X $(HELM_PKG)/pkg/chartutil.k8sVersionMinor=$$2 \
			-X $(HELM_PKG)/pkg/lint/rules.k8sVersionMajor=$$1 -X $(HELM_PKG)/pkg/lint/rules.k8sVersionMinor=$$2" \
		$(HELM_PKG)/cmd/helm

.PHONY: test-e2e
test-e2e: bin/kustomize bin/helm
	go test ./e2e/...

# Container image (Dockerfile). IMAGE is the release tag vX.Y.Z; every build also tags the
# floating minor tag vX.Y (fixes only: before v1 a minor bump may break), and never `latest`.
IMAGE ?= ghcr.io/sticky-services/set-session-affinity:v0.1.0
IMAGE_MINOR = $(shell echo '$(IMAGE)' | sed -E 's/(:v[0-9]+\.[0-9]+)\.[0-9]+$$/\1/')
IMAGE_VERSION = $(lastword $(subst :, ,$(IMAGE)))
# The local engine: docker when its daemon answers, else podman.
ENGINE ?= $(shell if docker info >/dev/null 2>&1; then echo docker; elif command -v podman >/dev/null; then echo podman; fi)
# BINARY=prebuilt copies bin/set-session-affinity (built here, for Linux) instead of compiling in
# the build; BUILDER_IMAGE and BASE_IMAGE override the Dockerfile's pinned images (make test-image
# uses BINARY=prebuilt and a local BASE_IMAGE).
BINARY ?= source
BUILDER_IMAGE ?=
BASE_IMAGE ?=
IMAGE_ARGS = --build-arg BINARY=$(BINARY) --build-arg VERSION=$(IMAGE_VERSION) \
	$(if $(BUILDER_IMAGE),--build-arg BUILDER_IMAGE=$(BUILDER_IMAGE)) \
	$(if $(BASE_IMAGE),--build-arg BASE_IMAGE=$(BASE_IMAGE)) -t $(IMAGE) -t $(IMAGE_MINOR) .

# image builds for the engine's own platform into its local image store.
.PHONY: image image-release test-image
image: $(if $(filter prebuilt,$(BINARY)),$(BIN))
	@test -n "$(ENGINE)" || { echo "make image: no container engine (docker with a running daemon, or podman)" >&2; exit 1; }
	$(BUILD_$(ENGINE)) $(IMAGE_ARGS)
# buildah (podman build) does not set TARGETOS and TARGETARCH itself.
BUILD_podman = podman build --build-arg TARGETOS=linux --build-arg TARGETARCH=$$(podman info --format '{{.Host.Arch}}')
BUILD_docker = docker buildx build --load

# image-release builds linux/amd64 and linux/arm64 with docker buildx and pushes both tags (a
# multi-platform result cannot be loaded into a local store); RELEASE_FLAGS= builds only.
RELEASE_FLAGS ?= --push
image-release:
	docker buildx build --platform linux/amd64,linux/arm64 $(RELEASE_FLAGS) $(IMAGE_ARGS)

# test-image builds the image with podman, offline, from bin/set-session-affinity on a local base
# with distroless's users, and runs it as kpt and kustomize do; every output must be the exec
# run's, byte for byte (hack/test-image.sh). Installs podman and runc with apt if missing (root).
test-image: $(BIN) bin/kustomize bin/helm
	bash hack/test-image.sh

# The static binary runs alone, as uid/gid 65532, in an empty root with no
# network. Needs root and util-linux/coreutils (unshare, chroot), which Debian has.
.PHONY: test-static
test-static:
	bash hack/test-static.sh
