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
var genkitMessagesReader = messagesReader(genkitMessagesSeeds, appendGenkitMessagesJSON, appendGenkitMessagesGeneral, 6)

var genkitRequestSeeds = []string{
	`{"messages":[{"role":"user","content":[{"text":"hi"}]}],"config":{"temperature":0.1},"tools":[{"name":"weather","description":"d","inputSchema":{"type":"object"}}]}`,
	`{"tools":[],"messages":[]}`, `{}`, `{"messages":{"role":"user"}}`, `{"messages":"[]"}`, `{"tools":"[]"}`,
	`{"messages":[],"messages":[]}`, `[]`, `{"messages":[]} x`, `{"tools":[{"name":"a","inputSchema":{"json":{}}}]}`,
}

// genkitRequestReader checks the streaming reader of a GenerateRequest against the general one.
var genkitRequestReader = fastReader{
	seeds: genkitRequestSeeds,
	fast: func(in string) (any, bool) {
		msgs, hasMessages, tools, ok := genkitRequestJSON(in, nil, nil)
		return []any{dump(msgs), hasMessages, toolDump(tools)}, ok
	},
	general: func(in string) any {
		var msgs []Message
		var tools []Tool
		hasMessages := false
		if req := jsonMap(Some(pcommon.NewValueStr(in))); req.Len() > 0 {
			if m, ok := req.Get("messages"); ok {
				msgs, hasMessages = appendGenkitMessagesGeneral(nil, m)
			}
			if t, ok := req.Get("tools"); ok {
				tools = appendToolDefinitions(nil, t)
			}
		}
		return []any{dump(msgs), hasMessages, toolDump(tools)}
	},
	minFast: 5,
}

func TestGenkitMessagesJSON(t *testing.T) { genkitMessagesReader.test(t) }
func FuzzGenkitMessagesJSON(f *testing.F) { genkitMessagesReader.fuzz(f) }
func TestGenkitRequestJSON(t *testing.T)  { genkitRequestReader.test(t) }
func FuzzGenkitRequestJSON(f *testing.F)  { genkitRequestReader.fuzz(f) }
