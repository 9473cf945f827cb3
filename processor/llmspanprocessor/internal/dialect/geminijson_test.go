package dialect

import "testing"

var geminiContentsSeeds = []string{
	`[{"role":"user","parts":[{"text":"What is the weather in Paris?"}]},{"role":"model","parts":[{"function_call":{"id":"c1","name":"get_weather","args":{"city":"Paris"}}}]},{"role":"user","parts":[{"function_response":{"id":"c1","name":"get_weather","response":{"result":"sunny"}}}]}]`,
	`[{"parts":[{"text":"thinking","thought":true},{"text":"answer","thought":false},{"inline_data":{"mime_type":"image/png"}},"s"],"role":"model"}]`,
	`[{"role":"user","parts":[{"functionCall":{"name":"f","args":"x"},"function_call":"not an object"},{"functionResponse":{"name":"f","response":"done"}},{"function_response":{"name":"g","response":null}}]}]`,
	`[{"role":"user","parts":[]},{"role":"","parts":[{"text":"\u00e9"}]}]`,
	`[]`, `[{"role":"user"}]`, `[{"role":"user","parts":null}]`, `[{"role":"user","parts":"[]"}]`, `[{"role":1,"parts":[]}]`,
	`[{"role":"user","parts":[{"text":"a","text":"b"}]}]`, `[{"role":"user","parts":[{"function_call":{"name":1}}]}]`,
	`[{"role":"user","parts":[{"function_call":{"name":"a"},"function_call":{"name":"b"}}]}]`, `[{"role":"user","parts":[{"text":1}]}]`,
	`["x"]`, `{"role":"user","parts":[]}`, `[{"role":"user","parts":[]}] x`,
}

// geminiContentsReader checks the streaming reader of Gemini contents against the general one.
var geminiContentsReader = messagesReader(geminiContentsSeeds, arenaless(appendGeminiContentsJSON), appendGeminiContentsGeneral, 5)

func TestGeminiContentsJSON(t *testing.T) { geminiContentsReader.test(t) }
func FuzzGeminiContentsJSON(f *testing.F) { geminiContentsReader.fuzz(f) }
