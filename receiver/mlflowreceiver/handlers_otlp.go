package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"mime"
	"net/http"

	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// otlpTraces is the tracking server's OTLP/HTTP endpoint, where the SDK logs spans as they end
// (RestStore.log_spans): protobuf or JSON, gzip or deflate (undone by confighttp), the
// experiment in the x-mlflow-experiment-id header.
func (r *mlflowReceiver) otlpTraces(w http.ResponseWriter, req *http.Request) {
	mediaType, _, _ := mime.ParseMediaType(req.Header.Get(headerContentType))
	if mediaType != contentTypeProtobuf && mediaType != contentTypeJSON {
		writeError(w, http.StatusBadRequest, codeInvalidParameter, "Invalid Content-Type: "+req.Header.Get(headerContentType))
		return
	}
	body, ok := readBody(w, req)
	if !ok {
		return
	}
	otlpReq := ptraceotlp.NewExportRequest()
	format := formatOTLP
	var err error
	if mediaType == contentTypeJSON {
		format = formatOTLPJSON
		err = otlpReq.UnmarshalJSON(body)
	} else {
		err = otlpReq.UnmarshalProto(body)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, codeInvalidParameter, "Invalid OpenTelemetry "+format+" request: "+err.Error())
		return
	}
	td := otlpReq.Traces()

	// Without the header (a plain OTLP sender) the spans go on unrouted, to the exporter's
	// default experiment.
	if expID := req.Header.Get(mlflow.HeaderExperimentID); expID != "" {
		key, value, known := r.exps.resourceAttribute(expID)
		if !known {
			writeError(w, http.StatusNotFound, codeNotFound, "No Experiment with id="+expID+" exists")
			return
		}
		for _, rs := range td.ResourceSpans().All() {
			rs.Resource().Attributes().PutStr(key, value)
		}
	}

	handed := r.pending.fromOTLP(req.Context(), td)
	if !r.sendHanded(w, req, td, handed, format) {
		return
	}
	r.sendReleased()

	resp := ptraceotlp.NewExportResponse()
	var answer []byte
	if mediaType == contentTypeJSON {
		answer, err = resp.MarshalJSON()
	} else {
		answer, err = resp.MarshalProto()
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, codeInternalError, err.Error())
		return
	}
	w.Header().Set(headerContentType, mediaType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(answer)
}
