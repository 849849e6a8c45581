# Image of the set-session-affinity KRM function: a static binary on distroless static, nonroot,
# no shell, the function as entrypoint.
#
#   make image           one platform, the engine's own, into the local docker or podman
#   make image-release   linux/amd64 and linux/arm64 with docker buildx, tagged vX.Y.Z and vX.Y
#   make test-image      offline: podman, a locally assembled base and BINARY=prebuilt
#
# Build arguments (names as in the kpt functions catalog's Dockerfile):
#
#   BUILDER_IMAGE  the Go toolchain image that compiles the function (BINARY=source only)
#   BASE_IMAGE     the image the binary is copied onto; it must have `nobody` (65534) in
#                  /etc/passwd, since kpt and kustomize run functions with `--user nobody`
#   BINARY         source (default): compile inside the build, cross-compiling for the target
#                  platform; prebuilt: copy bin/set-session-affinity from the build context
#                  (a static linux binary, `make build` on Linux), so nothing is compiled or
#                  pulled for it and the build works offline given a local BASE_IMAGE
#   VERSION        what --version prints (BINARY=source only)
#
# Both defaults are fully qualified (podman refuses short names) and pinned by the digest of
# their multi-arch index, so every platform resolves the same bytes. To move a pin, resolve the
# tag again and edit tag and digest together (the "Digest:" line at the top of the output):
#
#   docker buildx imagetools inspect docker.io/library/golang:1.26.8-bookworm
#   docker buildx imagetools inspect gcr.io/distroless/static-debian12:nonroot
ARG BUILDER_IMAGE=docker.io/library/golang:1.26.8-bookworm@sha256:a688600ca24f8a4d3ca77f95b0dd40704a9fc787c826660eb7ba0b641b8b175d
ARG BASE_IMAGE=gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab
ARG BINARY=source

# BINARY=source. The stage runs on the builder's own platform and cross-compiles for the target
# one; the binary is pure Go (CGO_ENABLED=0), so that needs no emulation. BuildKit and buildah
# skip this stage, and do not pull BUILDER_IMAGE, when BINARY=prebuilt.
FROM --platform=$BUILDPLATFORM $BUILDER_IMAGE AS source

# Never let a go directive in go.mod download another toolchain inside the build.
ENV GOTOOLCHAIN=local \
    GOFLAGS=-mod=readonly

WORKDIR /src

# Dependencies get their own layer: a source edit does not download them again.
COPY go.mod go.sum ./
RUN go mod download

# Declared only here, after the download, so a new version or target platform does not
# invalidate the dependency layer. BuildKit sets TARGETOS and TARGETARCH; buildah 1.28 does not,
# and then go builds for the builder's own platform, which is the target of a local build.
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev

COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /set-session-affinity .

# BINARY=prebuilt: the binary built outside the image build (.dockerignore lets only this file
# of bin/ into the context).
FROM scratch AS prebuilt
COPY bin/set-session-affinity /set-session-affinity

FROM $BINARY AS binary

# distroless static: no shell, no package manager, no libc; CA certificates, tzdata, and
# /etc/passwd with root (0), nobody (65534) and nonroot (65532).
FROM $BASE_IMAGE

COPY --from=binary /set-session-affinity /set-session-affinity

# The default user when the engine is not told one; kpt and kustomize pass --user nobody.
USER 65532:65532
ENTRYPOINT ["/set-session-affinity"]
