package dialect

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

var langfuseRequestSeeds = []string{
	`{"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{}}}],"model":"m"}`,
	`{"messages":[]}`, `{"messages":[{"content":"no role"}]}`, `{"tools":[]}`, `{}`, `{"messages":"[]"}`, `{"messages":{"role":"user"}}`,
	`{"messages":[{"role":"user"}],"tools":"[]"}`, `{"messages":[],"messages":[]}`, `[]`, `{"messages":[{"role":"user"}]} x`,
}

// langfuseRequestReader checks the streaming reader of a {messages, tools} input against the
// general one.
var langfuseRequestReader = fastReader{
	seeds: langfuseRequestSeeds,
	fast: func(in string) (any, bool) {
		msgs, tools, ok := langfuseRequestJSON(in, nil, nil, true)
		if len(msgs) == 0 {
			return "<passed on>", ok
		}
		return []any{dump(msgs), toolDump(tools)}, ok
	},
	general: func(in string) any {
		var rec Record
		p := langfuseRequestGeneral(&rec, nil, pcommon.NewValueStr(in))
		if p.Value.Set {
			return "<passed on>"
		}
		return []any{dump(p.Messages), toolDump(rec.Tools)}
	},
	minFast: 6,
}

func TestLangfuseRequestJSON(t *testing.T) { langfuseRequestReader.test(t) }
func FuzzLangfuseRequestJSON(f *testing.F) { langfuseRequestReader.fuzz(f) }
