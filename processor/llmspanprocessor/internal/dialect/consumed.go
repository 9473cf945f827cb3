package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"maps"
	"slices"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Consumption lists what a dialect reads from a span to fill a Record: attribute keys, exact or
// by prefix, and events. Each is marked as content or not: content is what becomes
// mlflow.spanInputs and mlflow.spanOutputs (prompts, completions, system instructions, tool
// arguments and results, retrieved documents, embedded texts). Keys a dialect only uses to
// recognize a span (agno.agent.id, voltagent.operation_id, ...) are not listed, nor the OTel
// session.id and user.id keys, which MLflow reads itself.
//
// The tables are built once from each dialect's Keys table plus the keys its Read function
// matches outside it; TestConsumptionCoversReads checks them against the golden corpus.
type Consumption struct {
	keys     map[string]bool // key → content
	prefixes []consumedPrefix
	// contentEvents are events that hold nothing but content (gen_ai.user.message, ...).
	contentEvents map[string]bool
	// detailsEvent: the dialect reads the GenAI operation-details event, whose content keys
	// (gen_ai.input.messages, ...) are content; its other attributes are not.
	detailsEvent bool
	// kept are keys the dialect reads a detail from but never removes, as they hold more than
	// it takes: Uses does not report them.
	kept map[string]bool
}

type consumedPrefix struct {
	prefix  string
	content bool
}

// Uses reports whether the dialect reads the attribute key, and whether key carries content.
func (c *Consumption) Uses(key string) (used, content bool) {
	if content, ok := c.keys[key]; ok {
		return true, content
	}
	for _, p := range c.prefixes {
		if strings.HasPrefix(key, p.prefix) {
			return true, p.content
		}
	}
	return false, false
}

// Reads reports whether the dialect reads the attribute key, removed or kept.
func (c *Consumption) Reads(key string) bool {
	used, _ := c.Uses(key)
	return used || c.kept[key]
}

// RemoveContentEvents removes the events the dialect reads content from, and the content
// attributes of the GenAI operation-details event.
func (c *Consumption) RemoveContentEvents(events ptrace.SpanEventSlice) {
	if len(c.contentEvents) == 0 && !c.detailsEvent {
		return
	}
	events.RemoveIf(func(ev ptrace.SpanEvent) bool {
		if c.contentEvents[ev.Name()] {
			return true
		}
		if c.detailsEvent && ev.Name() == genAIEventDetails {
			ev.Attributes().RemoveIf(func(k string, _ pcommon.Value) bool {
				_, content := c.Uses(k)
				return content
			})
		}
		return false
	})
}

// Kept lists, sorted, the keys the dialect reads but never removes.
func (c *Consumption) Kept() []string {
	return slices.Sorted(maps.Keys(c.kept))
}

// Describe lists the consumed keys (prefixes end with "*") and events, content first, sorted:
// the README's tables are written from it.
func (c *Consumption) Describe() (content, other, events []string) {
	for k, isContent := range c.keys {
		if isContent {
			content = append(content, k)
		} else {
			other = append(other, k)
		}
	}
	for _, p := range c.prefixes {
		if p.content {
			content = append(content, p.prefix+"*")
		} else {
			other = append(other, p.prefix+"*")
		}
	}
	for name := range c.contentEvents {
		events = append(events, name)
	}
	if c.detailsEvent {
		events = append(events, genAIEventDetails+" (content keys only)")
	}
	slices.Sort(content)
	slices.Sort(other)
	slices.Sort(events)
	return content, other, events
}

// ContentKeys returns, over every dialect, the attribute keys and key prefixes content is read
// from, and the events that hold nothing but content: what content: drop removes. Sorted, each
// once.
func ContentKeys() (keys, prefixes, events []string) {
	for _, c := range consumptions {
		for k, isContent := range c.keys {
			if isContent {
				keys = append(keys, k)
			}
		}
		for _, p := range c.prefixes {
			if p.content {
				prefixes = append(prefixes, p.prefix)
			}
		}
		for name := range c.contentEvents {
			events = append(events, name)
		}
	}
	for _, list := range []*[]string{&keys, &prefixes, &events} {
		slices.Sort(*list)
		*list = slices.Compact(*list)
	}
	return keys, prefixes, events
}

// ConsumptionOf returns the consumption table of the dialect named name, or nil.
func ConsumptionOf(name string) *Consumption {
	return consumptions[name]
}

// ContentOf returns the content of the named dialects' tables together: what content: drop
// removes from any span a dialect recognized. A span read by one dialect may carry another's
// content (an mcp.* key puts an OpenInference tool span under mcp, which ranks first).
func ContentOf(names []string) *Consumption {
	union := consumption()
	for _, name := range names {
		c := consumptions[name]
		for k, content := range c.keys {
			if content {
				union.keys[k] = true
			}
		}
		for _, p := range c.prefixes {
			if p.content && !slices.Contains(union.prefixes, p) {
				union.prefixes = append(union.prefixes, p)
			}
		}
		for ev := range c.contentEvents {
			union.contentEvents[ev] = true
		}
		union.detailsEvent = union.detailsEvent || c.detailsEvent
	}
	return union
}

// consumes is one part of a consumption table.
type consumes func(*Consumption)

func consumption(parts ...consumes) *Consumption {
	c := &Consumption{keys: map[string]bool{}, contentEvents: map[string]bool{}}
	for _, p := range parts {
		p(c)
	}
	return c
}

// contentFields are the fields that become mlflow.spanInputs and mlflow.spanOutputs.
var contentFields = [numFields]bool{
	FieldInput: true, FieldOutput: true, FieldSystemInstructions: true,
	FieldToolArguments: true, FieldToolResult: true, FieldRetrievalQuery: true, FieldRetrievalDocuments: true,
	FieldMemoryRecords: true,
}

// fromKeys consumes a Keys table, content by field.
func fromKeys(keys *KeyTable) consumes {
	return func(c *Consumption) {
		for k, key := range keys.All() {
			c.keys[k] = contentFields[key.Field]
		}
	}
}

func contentKeys(keys ...string) consumes {
	return func(c *Consumption) {
		for _, k := range keys {
			c.keys[k] = true
		}
	}
}

func keptKeys(keys ...string) consumes {
	return func(c *Consumption) {
		if c.kept == nil {
			c.kept = map[string]bool{}
		}
		for _, k := range keys {
			c.kept[k] = true
		}
	}
}

func plainKeys(keys ...string) consumes {
	return func(c *Consumption) {
		for _, k := range keys {
			c.keys[k] = false
		}
	}
}

func contentPrefixes(prefixes ...string) consumes {
	return func(c *Consumption) {
		for _, p := range prefixes {
			c.prefixes = append(c.prefixes, consumedPrefix{p, true})
		}
	}
}

func plainPrefixes(prefixes ...string) consumes {
	return func(c *Consumption) {
		for _, p := range prefixes {
			c.prefixes = append(c.prefixes, consumedPrefix{p, false})
		}
	}
}

func contentEvents(names ...string) consumes {
	return func(c *Consumption) {
		for _, n := range names {
			c.contentEvents[n] = true
		}
	}
}

// genAIReader consumes what readGenAIWith reads besides its Keys table: the flattened
// gen_ai.prompt.N / gen_ai.completion.N messages and the message events.
func genAIReader(keys *KeyTable) consumes {
	return func(c *Consumption) {
		fromKeys(keys)(c)
		contentPrefixes(genAIPrompt, genAICompletion)(c)
		contentEvents(genAIEventChoice)(c)
		for name := range genAIMessageEvents {
			c.contentEvents[name] = true
		}
		c.detailsEvent = true
	}
}

// legacyContent consumes the gen_ai.content.prompt / gen_ai.content.completion events.
var legacyContent = contentEvents("gen_ai.content.prompt", "gen_ai.content.completion")

// openInferenceReader consumes what readOpenInference reads, GenAI keys included: it reads
// them too when a span carries any.
var openInferenceReader = []consumes{
	fromKeys(openInferenceKeys),
	genAIReader(genAIKeys),
	contentKeys("input.value", "output.value", oiRerankQuery),
	plainKeys("input.mime_type", "output.mime_type"),
	plainKeys("llm.finish_reason"),
	keptKeys(oiInvocationParams),
	contentPrefixes(oiInputMessages, oiOutputMessages, oiPrompts, oiChoices, oiDocuments, oiEmbeddings,
		oiRerankInput, oiRerankOutput),
	plainPrefixes(oiTools),
}

// consumptions holds each dialect's table, by name; every dialect of All has one.
var consumptions = map[string]*Consumption{
	"claude_code": consumption(
		plainKeys("span.type", "model", "gen_ai.request.model", "gen_ai.system", "stop_reason",
			"input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens"),
		contentKeys("user_prompt", "new_context", "tool_input", "response.model_output"),
		contentKeys(claudeCodeToolDetails[:]...),
		contentEvents("tool.output"),
	),
	"gemini_cli": consumption(genAIReader(genAIKeys)),
	"vercel_ai": consumption(genAIReader(vercelKeys),
		plainKeys("ai.operationId", "operation.name", "ai.response.finishReason", "ai.finishReason", "ai.usage.reasoningTokens",
			"ai.usage.inputTokenDetails.noCacheTokens"),
		keptKeys("ai.response.providerMetadata"), // cache counts, among the provider's other data
		contentKeys("ai.prompt", "ai.prompt.messages", "ai.response.text", "ai.result.text", "ai.response.reasoning",
			"ai.response.toolCalls", "ai.result.toolCalls", "ai.response.object", "ai.result.object",
			"ai.embedding", "ai.embeddings", "ai.value", "ai.values"),
	),
	"genkit": consumption(
		plainKeys("genkit:type", "genkit:name", "genkit:metadata:subtype", "genkit:sessionId",
			"genkit:metadata:agent:sessionId"),
		contentKeys("genkit:input", "genkit:output"),
	),
	"pydantic_ai": consumption(genAIReader(pydanticAIKeys),
		contentKeys("pydantic_ai.all_messages", "final_result"),
		plainKeys("model_request_parameters"),
	),
	"strands":         consumption(genAIReader(strandsKeys), contentEvents("memory.query", "memory.content", "memory.results")),
	"google_adk":      consumption(genAIReader(googleADKKeys), contentKeys("gcp.vertex.agent.llm_request", "gcp.vertex.agent.llm_response")),
	"semantic_kernel": consumption(genAIReader(semanticKernelKeys), legacyContent),
	"agent_framework": consumption(genAIReader(genAIKeys)),
	"litellm": consumption(append([]consumes{genAIReader(genAIKeys), plainPrefixes(liteLLMFunctions),
		plainKeys(liteLLMProviderModel, liteLLMInputCost, liteLLMOutputCost, liteLLMTotalCost, liteLLMUsage)},
		openInferenceReader...)...), // its OpenInference callbacks' spans are read as openinference
	"livekit": consumption(genAIReader(liveKitKeys),
		contentKeys("lk.user_input", "lk.user_transcript", "lk.chat_ctx", "lk.input_text",
			"lk.response.text", "lk.response.function_calls",
			"lk.pii.user_input", "lk.pii.user_transcript", "lk.pii.chat_ctx", "lk.pii.input_text",
			"lk.pii.response.text", "lk.pii.response.function_calls",
			"lk.instructions", "lk.pii.instructions"), // the agent's system prompt
		plainKeys("lk.retry_count", "lk.function_tool.id", "lk.generation_id"),
	),
	"voltagent": consumption(genAIReader(voltAgentKeys),
		plainKeys("span.type", "entity.type", "llm.tools"),
		contentKeys("agent.messages", "llm.messages", "input", "output"),
	),
	"laminar": consumption(genAIReader(laminarKeys),
		plainKeys("lmnr.span.type"),
		contentKeys("lmnr.span.input", "lmnr.span.output"),
	),
	"spring_ai": consumption(genAIReader(springAIKeys),
		plainKeys("spring.ai.kind"),
		contentKeys("gen_ai.prompt", "gen_ai.completion"),
		legacyContent,
	),
	"langfuse": consumption(genAIReader(langfuseKeys),
		plainKeys("langfuse.observation.type", "langfuse.observation.usage_details",
			"langfuse.observation.cost_details"),
		contentKeys("langfuse.observation.input", "langfuse.observation.output",
			"langfuse.trace.input", "langfuse.trace.output"),
	),
	"mcp":           consumption(genAIReader(mcpKeys)),
	"agno":          consumption(openInferenceReader...),
	"openinference": consumption(openInferenceReader...),
	"openllmetry": consumption(genAIReader(openLLMetryKeys),
		contentKeys("traceloop.entity.input", "traceloop.entity.output"),
		plainKeys("llm.request.type"),
		plainPrefixes(openLLMetryFunctions),
		contentPrefixes(openLLMetryOldPrompts, openLLMetryOldCompletions),
	),
	"openlit": consumption(genAIReader(openLITKeys), plainKeys("gen_ai.usage.cost"), legacyContent),
	"genai":   consumption(genAIReader(genAIKeys)),
}
