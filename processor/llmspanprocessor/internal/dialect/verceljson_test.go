package dialect

import "testing"

var vercelMessagesSeeds = []string{
	`[{"role":"system","content":"Be terse."},{"role":"user","content":[{"type":"text","text":"Weather in Paris?"},{"type":"image","image":"data"}]}]`,
	`[{"role":"assistant","content":[{"type":"tool-call","toolCallId":"c1","toolName":"weather","input":{"city":"Paris"}}]},{"role":"tool","content":[{"type":"tool-result","toolCallId":"c1","toolName":"weather","output":{"type":"json","value":{"t":22}}}]}]`,
	`[{"role":"tool","content":[{"type":"tool-result","toolCallId":"c2","result":"sunny"},{"type":"tool-result","output":{"type":"","value":1}},{"type":"tool-result","output":"plain"}]}]`,
	`[{"role":"assistant","content":[{"type":"tool-call","toolCallId":"c3","toolName":"f","args":"{\"a\":1}"},{"type":"text"},"s",{"type":"reasoning","text":"r"}]}]`,
	`[]`, `[{"role":"user","content":null},{"content":{"k":1}}]`, ` [ {"role" : "user" , "content" : [ {"type":"text","text":"\u00e9"} ] } ] `,
	`[{"role":1}]`, `["x"]`, `[{"role":"user","content":[{"type":1}]}]`, `[{"role":"user","content":[{"type":"text","text":null}]}]`,
	`[{"role":"user","content":[{"type":"text","type":"text"}]}]`, `[{"role":"tool","content":[{"type":"tool-result","output":{"type":1}}]}]`,
	`{"role":"user"}`, `[{"role":"user"}] x`,
}

// vercelMessagesReader checks the streaming reader of AI SDK messages against the general one.
var vercelMessagesReader = messagesReader(vercelMessagesSeeds, arenaless(appendVercelMessagesJSON), appendVercelMessagesGeneral, 7)

func TestVercelMessagesJSON(t *testing.T) { vercelMessagesReader.test(t) }
func FuzzVercelMessagesJSON(f *testing.F) { vercelMessagesReader.fuzz(f) }
