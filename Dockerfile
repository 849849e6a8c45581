# Multi-platform image for the set-session-affinity KRM function.
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t IMAGE .   (make image)
#
# Both base images are pinned by the digest of their multi-arch index, so every
# platform resolves the same bytes and a rebuild cannot change underneath a
# release. To move a pin, resolve the tag again and edit tag and digest together:
#
#   docker buildx imagetools inspect golang:1.26.8-bookworm
#   docker buildx imagetools inspect gcr.io/distroless/static-debian12:nonroot
#
# (the "Digest:" line at the top of each output, i.e. the index, not a
# per-platform manifest).

# The build stage always runs on the builder's own platform and cross-compiles
# for the target one; the binary is pure Go (CGO_ENABLED=0), so that needs no
# emulation. bookworm matches the Debian 12 of the final image.
FROM --platform=$BUILDPLATFORM golang:1.26.8-bookworm@sha256:a688600ca24f8a4d3ca77f95b0dd40704a9fc787c826660eb7ba0b641b8b175d AS build

# Never let a go directive in go.mod download another toolchain inside the build.
ENV GOTOOLCHAIN=local \
    GOFLAGS=-mod=readonly

WORKDIR /src

# Dependencies get their own layer: a source edit does not download them again.
COPY go.mod go.sum ./
RUN go mod download

# Declared only here, after the download, so a new version or target platform
# does not invalidate the dependency layer.
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev

COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /set-session-affinity .

# distroless static: no shell, no package manager, no libc; CA certificates,
# /etc/passwd with nonroot (65532) and tzdata only.
FROM gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab

COPY --from=build /set-session-affinity /set-session-affinity

USER 65532:65532
ENTRYPOINT ["/set-session-affinity"]
