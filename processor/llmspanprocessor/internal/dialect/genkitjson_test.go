package dialect

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

var genkitMessagesSeeds = []string{
	`[{"role":"system","content":[{"text":"Be terse."}]},{"role":"user","content":[{"text":"Weather in Paris?"},{"media":{"url":"u"}}]}]`,
	`[{"role":"model","content":[{"toolRequest":{"ref":"r1","name":"weather","input":{"city":"Paris"}}}]},{"role":"tool","content":[{"toolResponse":{"ref":"r1","name":"weather","output":"sunny"}}]}]`,
	`[{"role":"tool","content":[{"toolResponse":{"name":"w","output":{"t":22}}},{"toolRequest":"x","text":"t"},"s",1]}]`,
	`[{"role":"user","content":"plain"},{"role":"user","content":null},{"role":"user","content":{"k":1}},{"content":[]}]`,
	`[]`, ` [ {"role" : "user" , "content" : [ {"text":"\u00e9"} ] } ] `, `[{"role":1,"content":[]}]`, `["x"]`,
	`[{"role":"user","content":[],"content":[]}]`, `[{"role":"user","content":[{"toolRequest":{"name":1}}]}]`,
	`[{"role":"user","content":[{"text":"a","text":"b"}]}]`, `{"role":"user"}`, `[{"role":"user"}] x`,
}

// genkitMessagesReader checks the streaming reader of Genkit messages against the general one.
var genkitMessagesReader = messagesReader(genkitMessagesSeeds, arenaless(appendGenkitMessagesJSON), appendGenkitMessagesGeneral, 6)

var genkitRequestSeeds = []string{
	`{"messages":[{"role":"user","content":[{"text":"hi"}]}],"config":{"temperature":0.1},"tools":[{"name":"weather","description":"d","inputSchema":{"type":"object"}}]}`,
	`{"tools":[],"messages":[]}`, `{}`, `{"messages":{"role":"user"}}`, `{"messages":"[]"}`, `{"tools":"[]"}`,
	`{"messages":[],"messages":[]}`, `[]`, `{"messages":[]} x`, `{"tools":[{"name":"a","inputSchema":{"json":{}}}]}`,
	// as genkit 1.42 records it, in an agent: a message with metadata, a tool with its key
	`{"messages":[{"role":"system","content":[{"text":"You are terse."}],"metadata":{"agentPreamble":true}},{"role":"user","content":[{"text":"What is the weather in Paris?"}]}],"config":{},"tools":[{"name":"get_weather","description":"Current weather for a city.","outputSchema":{"type":"object"},"inputSchema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":true,"$schema":"http://json-schema.org/draft-07/schema#"},"key":"/tool/get_weather"}],"output":{}}`,
}

// genkitRequestReader checks the streaming reader of a GenerateRequest against the general one.
var genkitRequestReader = genkitRequestFastReader(genkitRequestSeeds, false, 6)

var genkitGenerateSeeds = []string{
	`{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":[{"text":"hi"}]}],"tools":["/tool/get_weather"],"config":{},"use":[]}`,
	`{"model":"openai/gpt-4o-mini","messages":[{"role":"model","content":[{"toolRequest":{"name":"get_weather","ref":"call_stub_1","input":{"city":"Paris"}}}]},{"role":"tool","content":[{"toolResponse":{"name":"get_weather","ref":"call_stub_1","output":{"city":"Paris","sky":"sunny"}}}]}],"tools":["/tool/get_weather"],"config":{},"use":[]}`,
	`{"messages":[]}`, `{"model":"m"}`, `{}`, `{"model":1,"messages":[]}`, `{"model":null}`, `{"model":"a","model":"b"}`,
	`{"model":"\u0061/b","tools":[{"name":"t"}]}`, `{"messages":"[]","model":"m"}`, `["m"]`,
}

// genkitGenerateReader checks the streaming reader of GenerateActionOptions against the general
// one.
var genkitGenerateReader = genkitRequestFastReader(genkitGenerateSeeds, true, 6)

// genkitRequestFastReader compares genkitRequestJSON with readGenkitRequest's general reading.
func genkitRequestFastReader(seeds []string, generate bool, minFast int) fastReader {
	return fastReader{
		seeds: seeds,
		fast: func(in string) (any, bool) {
			r, ok := genkitRequestJSON(in, nil, nil, generate)
			return []any{dump(r.msgs), r.hasMessages, toolDump(r.tools), r.model}, ok
		},
		general: func(in string) any {
			var msgs []Message
			var tools []Tool
			hasMessages, model := false, ""
			if req := jsonMap(Some(pcommon.NewValueStr(in))); req.Len() > 0 {
				if m, ok := req.Get("messages"); ok {
					msgs, hasMessages = appendGenkitMessagesGeneral(nil, m)
				}
				if t, ok := req.Get("tools"); ok && !generate {
					tools = appendToolDefinitions(nil, t)
				}
				if generate {
					model = str(req, "model")
				}
			}
			return []any{dump(msgs), hasMessages, toolDump(tools), model}
		},
		minFast: minFast,
	}
}

func TestGenkitMessagesJSON(t *testing.T) { genkitMessagesReader.test(t) }
func FuzzGenkitMessagesJSON(f *testing.F) { genkitMessagesReader.fuzz(f) }
func TestGenkitRequestJSON(t *testing.T)  { genkitRequestReader.test(t) }
func FuzzGenkitRequestJSON(f *testing.F)  { genkitRequestReader.fuzz(f) }
func TestGenkitGenerateJSON(t *testing.T) { genkitGenerateReader.test(t) }
func FuzzGenkitGenerateJSON(f *testing.F) { genkitGenerateReader.fuzz(f) }

// genkitResponseReader checks jsonMembers' streaming reader against the general one on
// GenerateResponses.
var genkitResponseReader = fastReader{
	seeds: []string{
		`{"message":{"role":"model","content":[{"text":"hi"}]},"finishReason":"stop","usage":{"inputTokens":2,"outputTokens":1},"raw":{"choices":[]},"request":{"messages":[]}}`,
		`{"candidates":[{"message":{"role":"model","content":[]},"finishReason":"blocked"}],"custom":{}}`,
		`{}`, `{"usage":"x","message":null}`, `{"message":{},"message":{}}`, `[]`, `{"message":{} x`, `{"raw":[1,2,`,
	},
	fast: func(in string) (any, bool) {
		m, ok := jsonMembersJSON(in, genkitResponseKeys[:])
		if !ok {
			return nil, false
		}
		return m.AsRaw(), true
	},
	general: func(in string) any {
		return jsonMembersGeneral(Some(pcommon.NewValueStr(in)), genkitResponseKeys[:]).AsRaw()
	},
	minFast: 4,
}

func TestJSONMembers(t *testing.T) { genkitResponseReader.test(t) }
func FuzzJSONMembers(f *testing.F) { genkitResponseReader.fuzz(f) }
