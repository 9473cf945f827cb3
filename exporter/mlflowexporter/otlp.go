package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

const maxResponseDrain = 64 << 10

// post sends td to the experiment over OTLP/HTTP protobuf. A refusal is returned as the
// server's *mlflow.APIError, for the caller to classify. The attributes go as they are: the
// server decodes one JSON layer from each string, which is how mlflow.* values are written.
func (e *mlflowExporter) post(ctx context.Context, experimentID string, td ptrace.Traces) error {
	body, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	if err != nil {
		return consumererror.NewPermanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.tracesURL, bytes.NewReader(body))
	if err != nil {
		return consumererror.NewPermanent(err)
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set("User-Agent", e.userAgent)
	req.Header.Set(mlflow.HeaderExperimentID, experimentID)

	resp, err := e.client.Do(req)
	if err != nil {
		// A *url.Error: it names the URL without its password, never the headers.
		return fmt.Errorf("sending spans to experiment %s: %w", experimentID, err)
	}
	defer func() {
		_, _ = io.CopyN(io.Discard, resp.Body, maxResponseDrain)
		_ = resp.Body.Close()
	}()
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	return fmt.Errorf("MLflow refused spans for experiment %s: %w", experimentID, mlflow.ReadError(resp))
}
