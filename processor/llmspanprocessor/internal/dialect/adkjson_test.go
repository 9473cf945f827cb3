package dialect

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

var adkRequestSeeds = []string{
	`{"model":"gemini-2.0-flash","config":{"system_instruction":"You are a weather agent.","tools":[{"function_declarations":[{"name":"get_weather","description":"Weather of a city.","parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}}}}]}]},"contents":[{"role":"user","parts":[{"text":"Weather in Paris?"}]},{"role":"model","parts":[{"function_call":{"id":"c1","name":"get_weather","args":{"city":"Paris"}}}]}]}`,
	`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"config":{"system_instruction":{"role":"x","parts":[{"text":"Be terse."}]},"tools":[{"functionDeclarations":[{"name":"f"}],"function_declarations":[{"name":"g"}]},"skip",{}]},"model":"m"}`,
	`{"model":"m","config":{"system_instruction":"","tools":"[]"},"contents":[]}`, `{}`, `{"model":"m"}`, `{"config":null,"contents":null,"extra":[1]}`,
	`{"model":1}`, `{"model":"a","model":"b"}`, `{"contents":"[]"}`, `{"config":{"tools":[{"function_declarations":"[]"}]}}`,
	`{"config":{"system_instruction":{"parts":"x"}}}`, `{"contents":[{"role":"user"}]}`, `[]`, `{"model":"m"} x`,
}

// adkRequestReader checks the streaming reader of ADK LLM requests against the general one.
var adkRequestReader = fastReader{
	seeds: adkRequestSeeds,
	fast: func(in string) (any, bool) {
		req, ok := googleADKRequestJSON(in, nil, nil, true)
		if !ok || req.empty {
			return "<skipped>", ok
		}
		return []any{dump(req.msgs), toolDump(req.tools), req.model}, true
	},
	general: func(in string) any {
		var rec Record
		req := jsonMap(Some(pcommon.NewValueStr(in)))
		if req.Len() == 0 {
			return "<skipped>"
		}
		msgs := googleADKRequest(&rec, req)
		return []any{dump(msgs), toolDump(rec.Tools), rec.Model}
	},
	minFast: 6,
}

func TestGoogleADKRequestJSON(t *testing.T) { adkRequestReader.test(t) }
func FuzzGoogleADKRequestJSON(f *testing.F) { adkRequestReader.fuzz(f) }
