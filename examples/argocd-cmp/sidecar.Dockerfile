# The sidecar image: a shell (the plugin's generate runs sh -c), kustomize and the function.
# Argo CD mounts its own argocd-cmp-server binary into the container at /var/run/argocd.
FROM golang:1.25 AS build
ENV CGO_ENABLED=0 GOBIN=/out
RUN go install sigs.k8s.io/kustomize/kustomize/v5@v5.7.1
RUN go install github.com/sticky-services/set-session-affinity@v0.1.0

FROM busybox:1.37
COPY --from=build /out/ /usr/local/bin/
USER 999
