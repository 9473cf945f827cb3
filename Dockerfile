# Container image of otelcol-mlflow, built from source in two stages:
#   docker build -t otelcol-mlflow:0.1.0 .
# The build stage runs ocb like `make build` (same version and flags) with CGO_ENABLED=0, so
# the binary is static and for the image's platform whatever the host is. The runtime base,
# distroless static, has no shell or package manager and carries the CA certificates the
# exporters need for TLS.
FROM golang:1.26 AS build
ARG OCB_VERSION=v0.161.0
RUN go install go.opentelemetry.io/collector/cmd/builder@${OCB_VERSION}
WORKDIR /src
# Only what the ocb manifest builds, not the host's bin/, .venv or .tools.
COPY go.mod go.sum builder-config.yaml ./
COPY processor processor
COPY exporter exporter
COPY receiver receiver
COPY converter converter
COPY internal internal
RUN CGO_ENABLED=0 GOFLAGS="-e -mod=mod" builder --config builder-config.yaml

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/_build/otelcol-mlflow /otelcol-mlflow
# The default config; the Kubernetes manifests and the Helm chart mount their own on /conf and
# pass --config, which replaces this CMD.
COPY config.yaml /etc/otelcol-mlflow/config.yaml

# Listen on all interfaces inside the container (config.yaml defaults to loopback).
ENV OTLP_GRPC_ENDPOINT=0.0.0.0:4317 \
    OTLP_HTTP_ENDPOINT=0.0.0.0:4318 \
    MLFLOW_RECEIVER_ENDPOINT=0.0.0.0:5050 \
    HEALTH_CHECK_ENDPOINT=0.0.0.0:13133

USER 10001:10001
EXPOSE 4317 4318 5050 13133
ENTRYPOINT ["/otelcol-mlflow"]
CMD ["--config", "/etc/otelcol-mlflow/config.yaml"]
