package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"
)

// The members of an ADK LLM request, its config and its tools that googleADKRequest reads.
var (
	adkRequestKeys = [...]string{"model", "contents", "config"}
	adkConfigKeys  = [...]string{"system_instruction", "tools"}
	adkToolKeys    = [...]string{"function_declarations", "functionDeclarations"}
)

// adkRequest is what googleADKRequest reads from an LLM request.
type adkRequest struct {
	msgs  []Message
	tools []Tool
	model string
}

// googleADKRequestJSON reads an ADK LLM request held as JSON text, {model, config:
// {system_instruction, tools}, contents}, as googleADKRequest(rec, jsonMap(s)) does, with the
// streaming readers: the system instruction and contents as Gemini contents, tool
// declarations as definitions, each member's text read where it lies. msgs and tools are the
// buffers to append to; withTools tells whether the request's tools are wanted. ok is false for
// anything it does not read the same way (a key given twice, a model that is not a string, a
// member held as a string of JSON, malformed input); the caller then reads the request the
// general way.
func googleADKRequestJSON(s string, msgs []Message, tools []Tool, withTools bool) (_ adkRequest, ok bool) {
	sc := anyjson.NewScanner(s)
	if !sc.Consume('{') {
		return adkRequest{}, false
	}
	var model, contents, config jsonField
	if !readFields(&sc, 1, false, adkRequestKeys[:], &model, &contents, &config) || !sc.End() || !model.isStr() {
		return adkRequest{}, false
	}
	req := adkRequest{msgs: msgs, tools: tools, model: model.str}
	if config.set && config.raw[0] == '{' && !req.readConfig(config.raw, withTools) {
		return adkRequest{}, false
	}
	if contents.set {
		if req.msgs, _, ok = appendMessagesMember(req.msgs, contents.raw, appendGeminiContentsJSON, appendGeminiContentsGeneral); !ok {
			return adkRequest{}, false
		}
	}
	return req, true
}

// readConfig reads the system instruction and, when withTools, the tool declarations of the
// config object s.
func (req *adkRequest) readConfig(s string, withTools bool) bool {
	sc := anyjson.NewScanner(s)
	sc.Consume('{')
	var system, tools jsonField
	if !readFields(&sc, 1, true, adkConfigKeys[:], &system, &tools) || !sc.End() {
		return false
	}
	switch {
	case !system.set:
	case system.isStr():
		if system.str != "" {
			req.msgs = append(req.msgs, Message{Role: "system", Parts: []Part{system.part()}})
		}
	case system.raw[0] == '{':
		ssc := anyjson.NewScanner(system.raw)
		if req.msgs = appendGeminiContentJSON(req.msgs, &ssc, 0, "system", false); !ssc.End() {
			return false
		}
	}
	if withTools && tools.set && tools.raw[0] == '[' {
		return req.readTools(tools.raw)
	}
	return true
}

// readTools reads the function declarations of a list of tools as definitions.
func (req *adkRequest) readTools(s string) bool {
	var ok bool
	req.tools, ok = appendGeminiToolsJSON(req.tools, s)
	return ok
}

// appendGeminiToolsJSON is appendGeminiTools for a list of Gemini tools held as JSON text,
// [{function_declarations | functionDeclarations: [...]}], read with the streaming scanner
// (Gemini CLI sends some 24 KB of them on every call). ok is false, and tools unchanged, for
// anything it does not read the same way, such as declarations held as a string of JSON.
func appendGeminiToolsJSON(tools []Tool, s string) (_ []Tool, ok bool) {
	n := len(tools)
	sc := anyjson.NewScanner(s)
	if !sc.Consume('[') {
		return tools, false
	}
	for first := true; sc.Elem(first); first = false {
		if !sc.Consume('{') {
			sc.Raw(1)
			continue
		}
		var snake, camel jsonField
		if !readFields(&sc, 2, false, adkToolKeys[:], &snake, &camel) {
			return tools[:n], false
		}
		for _, decls := range [2]*jsonField{&snake, &camel} {
			if !decls.set {
				continue
			}
			if tools, ok = appendToolDefinitionsRaw(tools, decls.raw); !ok {
				return tools[:n], false
			}
		}
	}
	if !sc.End() {
		return tools[:n], false
	}
	return tools, true
}

// adkResponseKeys are the members of an ADK LLM response that googleADKResponse reads.
var adkResponseKeys = [...]string{"content", "finish_reason", "usage_metadata"}

// googleADKResponseJSON is googleADKResponse(rec, jsonMap(s)) for a response held as JSON text,
// its content read with the streaming reader (only usage_metadata, a few counts, is parsed).
// It reports false, rec unchanged, for anything it does not read the same way.
func googleADKResponseJSON(rec *Record, s string) bool {
	sc := anyjson.NewScanner(s)
	if !sc.Consume('{') {
		return false
	}
	var content, finish, usage jsonField
	if !readFields(&sc, 1, false, adkResponseKeys[:], &content, &finish, &usage) || !sc.End() || !finish.isStr() {
		return false
	}
	hasContent := content.set && content.raw[0] == '{'
	var msgs []Message
	if hasContent {
		csc := anyjson.NewScanner(content.raw)
		if msgs = appendGeminiContentJSON(rec.Output.Messages[:0], &csc, 0, "assistant", false); !csc.End() {
			return false
		}
	}
	var um pcommon.Value
	if usage.set && usage.raw[0] == '{' {
		var ok bool
		if um, ok = anyjson.Parse(usage.raw); !ok {
			return false
		}
	}
	if hasContent {
		rec.setOutputMessages(msgs, finish.str)
	}
	if usage.set && usage.raw[0] == '{' {
		googleADKUsage(rec, um.Map())
	}
	return true
}
