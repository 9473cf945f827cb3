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
		return []any{dump(req.msgs), toolDump(req.tools), req.model}, ok
	},
	general: func(in string) any {
		var rec Record
		var msgs []Message
		if req := jsonMap(Some(pcommon.NewValueStr(in))); req.Len() > 0 { // as readGoogleADKRequest
			msgs = googleADKRequest(&rec, req)
		}
		return []any{dump(msgs), toolDump(rec.Tools), rec.Model}
	},
	minFast: 6,
}

func TestGoogleADKRequestJSON(t *testing.T) { adkRequestReader.test(t) }
func FuzzGoogleADKRequestJSON(f *testing.F) { adkRequestReader.fuzz(f) }

var adkResponseSeeds = []string{
	`{"content":{"role":"model","parts":[{"text":"It is sunny in Paris."}]},"finish_reason":"STOP","usage_metadata":{"prompt_token_count":120,"candidates_token_count":12,"total_token_count":132,"cached_content_token_count":100,"thoughts_token_count":3}}`,
	`{"content":{"parts":[{"function_call":{"id":"c1","name":"get_weather","args":{"city":"Paris"}}}]},"finish_reason":"MAX_TOKENS"}`,
	`{"content":{"role":"model"},"usage_metadata":{"prompt_token_count":"12"}}`, `{}`, `{"content":null,"usage_metadata":null}`,
	`{"finish_reason":1}`, `{"content":"text"}`, `{"content":{"parts":"x"}}`, `{"content":{},"content":{}}`, `[]`, `{} x`,
}

// adkResponseReader checks the streaming reader of ADK LLM responses against the general one.
var adkResponseReader = fastReader{
	seeds: adkResponseSeeds,
	fast: func(in string) (any, bool) {
		var rec Record
		ok := googleADKResponseJSON(&rec, in)
		return []any{dump(rec.Output.Messages), rec.Usage}, ok
	},
	general: func(in string) any {
		var rec Record
		if resp := jsonMap(Some(pcommon.NewValueStr(in))); resp.Len() > 0 {
			googleADKResponse(&rec, resp)
		}
		return []any{dump(rec.Output.Messages), rec.Usage}
	},
	minFast: 5,
}

func TestGoogleADKResponseJSON(t *testing.T) { adkResponseReader.test(t) }
func FuzzGoogleADKResponseJSON(f *testing.F) { adkResponseReader.fuzz(f) }
