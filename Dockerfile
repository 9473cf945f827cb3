# Container image of otelcol-mlflow. The binary is built first, on the host or in CI:
#   make build && docker build -t otelcol-mlflow:0.1.0 .
# ocb builds it static (CGO_ENABLED=0), so a distroless static base is enough; that base
# carries the CA certificates the exporters need for TLS.
FROM gcr.io/distroless/static-debian12:nonroot

COPY --chmod=755 bin/otelcol-mlflow /otelcol-mlflow
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
