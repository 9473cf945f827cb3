// Package mlflow holds what the exporter, the receiver and the tests share about MLflow: its
// span attribute keys and span types, and a small client for its REST API.
package mlflow // import "github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"

// Span attribute keys MLflow reads (mlflow/tracing/constant.py, SpanAttributeKey).
//
// Every value under an mlflow.* key is written as a string holding JSON text, the way MLflow's
// own SDK writes them (json.dumps): "\"CHAT_MODEL\"", "{\"messages\":[...]}". The tracking
// server decodes one JSON layer from each string attribute it ingests, so JSON text round-trips
// exactly, while a raw string that happens to look like JSON ("123", "{...}", "\"x\"") would not.
const (
	AttrSpanType       = "mlflow.spanType"
	AttrSpanInputs     = "mlflow.spanInputs"
	AttrSpanOutputs    = "mlflow.spanOutputs"
	AttrChatTokenUsage = "mlflow.chat.tokenUsage"
	AttrChatTools      = "mlflow.chat.tools"
	AttrLLMModel       = "mlflow.llm.model"
	AttrLLMProvider    = "mlflow.llm.provider"
	AttrLLMCost        = "mlflow.llm.cost"
	AttrMessageFormat  = "mlflow.message.format"
	AttrExperimentID   = "mlflow.experimentId"
	AttrTraceRequestID = "mlflow.traceRequestId"

	// AttrTraceTagPrefix on a root span becomes the trace tag named by the rest of the key.
	AttrTraceTagPrefix = "mlflow.traceTag."

	// Session and user ids: the server turns them into trace metadata mlflow.trace.session and
	// mlflow.trace.user. They are plain strings (OTel convention), not JSON text.
	AttrSessionID = "session.id"
	AttrUserID    = "user.id"

	// Prefix of every attribute MLflow owns; a span that already carries one keeps it.
	AttrPrefix = "mlflow."
)

// Span types (mlflow/entities/span.py SpanType; the server accepts any string).
const (
	SpanTypeLLM       = "LLM"
	SpanTypeChatModel = "CHAT_MODEL"
	SpanTypeChain     = "CHAIN"
	SpanTypeAgent     = "AGENT"
	SpanTypeTool      = "TOOL"
	SpanTypeRetriever = "RETRIEVER"
	SpanTypeEmbedding = "EMBEDDING"
	SpanTypeReranker  = "RERANKER"
	SpanTypeParser    = "PARSER"
	SpanTypeMemory    = "MEMORY"
	SpanTypeWorkflow  = "WORKFLOW"
	SpanTypeTask      = "TASK"
	SpanTypeGuardrail = "GUARDRAIL"
	SpanTypeEvaluator = "EVALUATOR"
	SpanTypeUnknown   = "UNKNOWN"
)

// Keys of the mlflow.chat.tokenUsage object (TokenUsageKey).
const (
	UsageInputTokens         = "input_tokens"
	UsageOutputTokens        = "output_tokens"
	UsageTotalTokens         = "total_tokens"
	UsageCacheReadTokens     = "cache_read_input_tokens"
	UsageCacheCreationTokens = "cache_creation_input_tokens"
)

// Keys of the mlflow.llm.cost object (CostKey), in USD.
const (
	CostInput  = "input_cost"
	CostOutput = "output_cost"
	CostTotal  = "total_cost"
)

// AttrExperimentName names, on a resource or a span, the experiment its spans belong to, as
// AttrExperimentID does by id. MLflow itself does not read it: it is this distribution's
// routing key, resolved to an id (and created if missing) by the mlflow exporter.
const AttrExperimentName = "mlflow.experimentName"

// MaxExperimentNameChars is MLflow's limit on experiment names (MAX_EXPERIMENT_NAME_LENGTH), in
// characters: over it, the tracking server refuses to create the experiment.
const MaxExperimentNameChars = 500

// DefaultExperimentID is the experiment ("Default") every tracking server creates at start.
const DefaultExperimentID = "0"

// HeaderExperimentID names the experiment a POST /v1/traces request writes into.
const HeaderExperimentID = "x-mlflow-experiment-id"

// PathOTLPTraces is the tracking server's OTLP/HTTP trace ingestion path.
const PathOTLPTraces = "/v1/traces"

// REST API paths (mlflow/protos/service.proto; the UI serves each under /ajax-api too).
const (
	PathGetExperimentByName = "/api/2.0/mlflow/experiments/get-by-name"
	PathGetExperiment       = "/api/2.0/mlflow/experiments/get"
	PathCreateExperiment    = "/api/2.0/mlflow/experiments/create"
	PathSearchTraces        = "/api/3.0/mlflow/traces/search"
	PathGetTrace            = "/api/3.0/mlflow/traces/get"
	PathStartTraceV3        = "/api/3.0/mlflow/traces"
)

// MLflow error codes (mlflow/protos/databricks.proto ErrorCode) the client tells apart.
const (
	ErrorCodeNotFound      = "RESOURCE_DOES_NOT_EXIST"
	ErrorCodeAlreadyExists = "RESOURCE_ALREADY_EXISTS"
)

// LifecycleDeleted is the lifecycle_stage of a deleted experiment.
const LifecycleDeleted = "deleted"

// AttrTraceMetadataPrefix on a root span carries the trace metadata entry named by the rest of
// the key. MLflow itself does not read it: it is this distribution's convention (written by the
// mlflow receiver), for the exporter to recreate the trace's metadata.
const AttrTraceMetadataPrefix = "mlflow.traceMetadata."

// Trace info fields on a root span, for the trace info fields that are neither tags nor metadata
// (an app sets them with mlflow.update_current_trace). MLflow itself does not read them: like
// AttrTraceMetadataPrefix they are this distribution's convention (written by the mlflow
// receiver), for the exporter to send them with StartTraceV3. Values are plain strings.
const (
	AttrTraceClientRequestID = "mlflow.traceClientRequestId"
	AttrTraceRequestPreview  = "mlflow.traceRequestPreview"
	AttrTraceResponsePreview = "mlflow.traceResponsePreview"
	// AttrTraceState is TraceStateOK or TraceStateError, set when it differs from the root's status.
	AttrTraceState = "mlflow.traceState"
)

// Trace states (TraceInfoV3 State) a client sets on a finished trace.
const (
	TraceStateOK    = "OK"
	TraceStateError = "ERROR"
)

// Trace metadata keys (TraceMetadataKey) with a span-attribute counterpart.
const (
	MetadataSession = "mlflow.trace.session"
	MetadataUser    = "mlflow.trace.user"
)

// Trace tags (TraceTagKey) a tracking server adds when it stores a trace.
const (
	// TagArtifactLocation is where the client uploads the trace's traces.json and attachments.
	TagArtifactLocation = "mlflow.artifactLocation"
	// TagSpansLocation set to SpansLocationTrackingStore tells the client the server already
	// holds the spans (they came over OTLP), so it skips uploading traces.json.
	TagSpansLocation           = "mlflow.trace.spansLocation"
	SpansLocationTrackingStore = "TRACKING_STORE"
)

// TagTraceName is the trace tag holding the trace's name (TraceTagKey.TRACE_NAME), the name the
// UI and the API show. A root span sets it with the attribute AttrTraceTagPrefix+TagTraceName.
const TagTraceName = "mlflow.traceName"

// MetadataTokenUsage is the trace metadata entry holding the trace's token usage, JSON text the
// server computes from its spans' mlflow.chat.tokenUsage.
const MetadataTokenUsage = "mlflow.trace.tokenUsage"
