package llmredactionprocessor

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmredactionprocessor/internal/metadatatest"
)

func defaultConfig() *Config { return createDefaultConfig().(*Config) }

func TestDetectors(t *testing.T) {
	tests := []struct {
		detector string
		in, want string
	}{
		{"email", "mail jane.doe+x@mail.example.co.uk now", "mail [REDACTED:email] now"},
		{"email", "user@localhost or @handle", ""},
		{"credit_card", "card 4111 1111 1111 1111 ok", "card [REDACTED:credit_card] ok"},
		{"credit_card", "card 4111-1111-1111-1111", "card [REDACTED:credit_card]"},
		{"credit_card", "card 5500005555555559", "card [REDACTED:credit_card]"},
		{"credit_card", "order 4111111111111112 fails Luhn", ""},
		{"credit_card", "ts 1732435200000", ""}, // 13 digits, Luhn-invalid
		{"iban", "pay DE89 3704 0044 0532 0130 00 today", "pay [REDACTED:iban] today"},
		{"iban", "GB82WEST12345698765432", "[REDACTED:iban]"},
		{"iban", "DE89 3704 0044 0532 0130 01 bad checksum", ""},
		{"phone", "call +1 415-555-0132 or (415) 555-0199", "call [REDACTED:phone] or [REDACTED:phone]"},
		{"phone", "+44 20 7946 0958", "[REDACTED:phone]"},
		{"phone", "on 2024-08-06 v1.2.3", ""},
		{"ipv4", "from 192.168.1.20.", "from [REDACTED:ipv4]."},
		{"ipv4", "version 999.1.1.1", ""},
		{"ipv6", "addr 2001:db8::8a2e:370:7334 up", "addr [REDACTED:ipv6] up"},
		{"ipv6", "at 12:30:45 and a::b::c", ""},
		{"ipv6", "use std::vector or Foo::Bar", ""},
		{"ipv6", "loopback ::1, and fe80::1%eth0.", "loopback [REDACTED:ipv6], and [REDACTED:ipv6]."},
		{"api_key", "key sk-proj-abcdefghijklmnopqrstuvwx123", "key [REDACTED:api_key]"},
		{"api_key", "AKIAIOSFODNN7EXAMPLE", "[REDACTED:api_key]"},
		{"api_key", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "[REDACTED:api_key]"},
		{"api_key", "sk-short and task-list", ""},
		{"bearer_token", "Authorization: Bearer eyJhbGciOi.abc.def", "Authorization: [REDACTED:bearer_token]"},
		{"bearer_token", "the bearer of bad news", ""},
		{"bearer_token", "auth BeArEr eyJhbGciOi.abc.def", "auth [REDACTED:bearer_token]"},
		{"bearer_token", "BEarer eyJhbGciOi.abc.def", "[REDACTED:bearer_token]"},
	}
	for _, tt := range tests {
		t.Run(tt.detector+"/"+tt.in, func(t *testing.T) {
			cfg := defaultConfig()
			cfg.Detectors = []string{tt.detector}
			r := newRedactor(cfg)
			counts := make([]int64, 1)
			got := r.text(tt.in, counts)
			if tt.want == "" {
				assert.Equal(t, tt.in, got)
				assert.Zero(t, counts[0])
				return
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, int64(strings.Count(tt.want, "[REDACTED:")), counts[0])
		})
	}
}

// TestGluedValues: a value a checksum confirms is found even when the regexp's longest match
// takes in a neighbouring token and fails the checksum.
func TestGluedValues(t *testing.T) {
	r := newRedactor(defaultConfig())
	for _, tt := range []struct{ in, want string }{
		{"card 4111 1111 1111 1111 12/26", "card [REDACTED:credit_card] 12/26"},
		{"qty 3 4111111111111111", "qty 3 [REDACTED:credit_card]"},
		{"IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX", "IBAN [REDACTED:iban] BIC COBADEFFXXX"},
		{"IP:2001:db8::1", "IP:[REDACTED:ipv6]"},
		{"ids 1234 5678 9012 3456 7890 1234 5678", "ids 1234 5678 9012 3456 7890 1234 5678"},
		{"build 1.22.3:4:5 at 12:30:45", "build 1.22.3:4:5 at 12:30:45"},
		// Escapes in text that is not JSON (cut-off JSON, a Python repr) do not glue a value to
		// the escape's letter, and stay escapes.
		{`{"content":"card\n4111111111111111 ip\n10.0.0.1 key\nsk-proj-abcdefghijklmnopqrstuvwx123 mail\nbob@corp.com, cut`,
			`{"content":"card\n[REDACTED:credit_card] ip\n[REDACTED:ipv4] key\n[REDACTED:api_key] mail\n[REDACTED:email], cut`},
		{`[HumanMessage(content='IBAN\tDE89370400440532013000\xa0call\r\n415-555-0132\u00a04111 1111 1111 1111')]`,
			`[HumanMessage(content='IBAN\t[REDACTED:iban]\xa0call\r\n[REDACTED:phone]\u00a0[REDACTED:credit_card]')]`},
	} {
		t.Run(tt.in, func(t *testing.T) {
			counts := make([]int64, len(r.detectors))
			got, _ := r.value(tt.in, counts)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestChecksums(t *testing.T) {
	assert.True(t, luhn("4111111111111111"))
	assert.True(t, luhn("378282246310005")) // Amex, 15 digits
	assert.False(t, luhn("4111111111111121"))
	assert.False(t, luhn("000000000000")) // too short
	assert.True(t, ibanChecksum("FR1420041010050500013M02606"))
	assert.True(t, ibanChecksum("NL91 ABNA 0417 1643 00"))
	assert.False(t, ibanChecksum("NL91ABNA0417164301"))
	assert.False(t, ibanChecksum("NL91ABNA04171643"+strings.Repeat("0", 30)))
}

// TestCustomMatchingEmpty: a custom regex that can also match the empty string redacts its
// non-empty matches only, instead of a mask between every two characters.
func TestCustomMatchingEmpty(t *testing.T) {
	cfg := defaultConfig()
	cfg.Custom = []CustomDetector{{Name: "employee_id", Regex: `(EMP-\d{6})?`}}
	r := newRedactor(cfg)
	counts := make([]int64, len(r.detectors))
	out, _ := r.value(`{"content":"I am EMP-123456."}`, counts)
	assert.Equal(t, `{"content":"I am [REDACTED:employee_id]."}`, out)
	assert.Equal(t, int64(1), counts[len(counts)-1])
}

// TestMasksAreNotRedacted: a detector that runs after another, or a second pass, finds nothing
// in a mask, such as digits in a hash.
func TestMasksAreNotRedacted(t *testing.T) {
	cfg := defaultConfig()
	cfg.Mode, cfg.HashSalt = ModeHash, "salt"
	cfg.Custom = []CustomDetector{{Name: "account", Regex: `\d{5,}`}}
	r := newRedactor(cfg)
	for i := range 100 {
		counts := make([]int64, len(r.detectors))
		out, _ := r.value(fmt.Sprintf("mail user%d@corp.com, account 1234567", i), counts)
		require.Regexp(t, `^mail \[REDACTED:email:[0-9a-f]{16}\], account \[REDACTED:account:[0-9a-f]{16}\]$`, out)
		again, changed := r.value(out, counts)
		assert.False(t, changed, again)
	}
}

func TestModesAndAllowLists(t *testing.T) {
	cfg := defaultConfig()
	cfg.Mode, cfg.HashSalt = ModeHash, "salt"
	cfg.AllowValues = []string{"support@example.com"}
	cfg.AllowPatterns = []string{`.*@example\.org`}
	cfg.Custom = []CustomDetector{{Name: "employee_id", Regex: `EMP-\d{6}`}}
	r := newRedactor(cfg)
	counts := make([]int64, len(r.detectors))
	got := r.text("a@b.io support@example.com x@example.org EMP-123456 a@b.io", counts)
	assert.Regexp(t, `^\[REDACTED:email:[0-9a-f]{16}\] support@example.com x@example.org \[REDACTED:employee_id:[0-9a-f]{16}\] \[REDACTED:email:[0-9a-f]{16}\]$`, got)
	parts := strings.Fields(got)
	assert.Equal(t, parts[0], parts[4], "stable hash")

	cfg.HashSalt = "other"
	assert.NotEqual(t, got, newRedactor(cfg).text("a@b.io support@example.com x@example.org EMP-123456 a@b.io", counts), "salted")
}

func TestJSONStaysJSON(t *testing.T) {
	r := newRedactor(defaultConfig())
	counts := make([]int64, len(r.detectors))
	in := `{"messages":[{"role":"user","content":"I am bob@corp.com, card 4111111111111111","n":1.50e2,"ok":true,"x":null}],"a@b.io":"key stays"}`
	out, changed := r.value(in, counts)
	require.True(t, changed)
	assert.Equal(t, `{"messages":[{"role":"user","content":"I am [REDACTED:email], card [REDACTED:credit_card]","n":1.50e2,"ok":true,"x":null}],"a@b.io":"key stays"}`, out)

	// A number a detector matches (a card number in tool call arguments) becomes its mask, a
	// string; other numbers stay as written.
	out, changed = r.value(`{"card_number":4111111111111111,"qty":3,"price":1.50e2}`, counts)
	require.True(t, changed)
	assert.Equal(t, `{"card_number":"[REDACTED:credit_card]","qty":3,"price":1.50e2}`, out)

	// MLflow's JSON-string values stay JSON strings.
	out, changed = r.value(`"mail me at bob@corp.com"`, counts)
	require.True(t, changed)
	assert.Equal(t, `"mail me at [REDACTED:email]"`, out)

	// Not JSON (or not only JSON): redacted as text.
	out, _ = r.value(`{"broken": bob@corp.com`, counts)
	assert.Equal(t, `{"broken": [REDACTED:email]`, out)
	out, _ = r.value(`"a" "bob@corp.com"`, counts)
	assert.Equal(t, `"a" "[REDACTED:email]"`, out)

	// Unchanged values are returned as they were, whitespace included.
	in = "{ \"a\" : \"no pii here 123\" }"
	out, changed = r.value(in, counts)
	assert.False(t, changed)
	assert.Equal(t, in, out)
}

// TestNestedJSON: a string value that is itself JSON (OpenAI's tool_calls[].function.arguments)
// is redacted as JSON, so its escapes are not taken for text and it stays JSON.
func TestNestedJSON(t *testing.T) {
	r := newRedactor(defaultConfig())
	in := `[{"role":"assistant","tool_calls":[{"function":{"name":"send","arguments":"{\"to\":\"Bob\\nbob@corp.com\",\"card\":\"x\\n4111111111111111\"}"}}]}]`
	counts := make([]int64, len(r.detectors))
	out, changed := r.value(in, counts)
	require.True(t, changed)
	require.True(t, json.Valid([]byte(out)))
	var msgs []struct {
		ToolCalls []struct {
			Function struct{ Arguments string } `json:"function"`
		} `json:"tool_calls"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &msgs))
	args := msgs[0].ToolCalls[0].Function.Arguments
	assert.True(t, json.Valid([]byte(args)), "arguments stay JSON: %s", args)
	assert.Equal(t, `{"to":"Bob\n[REDACTED:email]","card":"x\n[REDACTED:credit_card]"}`, args)
	assert.Equal(t, []int64{0, 0, 1, 1, 0, 0, 0, 0}, counts, "one email, one card")

	// A leaf that only starts like JSON is redacted as text.
	out, _ = r.value(`{"a":"[not json bob@corp.com"}`, counts)
	assert.Equal(t, `{"a":"[not json [REDACTED:email]"}`, out)

	// Nesting deeper than maxJSONDepth is redacted as text, and is still redacted.
	s := `"bob@corp.com"`
	for range maxJSONDepth + 2 {
		b, _ := json.Marshal(s)
		s = string(b)
	}
	out, changed = r.value(s, counts)
	assert.True(t, changed)
	assert.NotContains(t, out, "bob@corp.com")
	assert.True(t, json.Valid([]byte(out)))
}

func TestTruncate(t *testing.T) {
	assert.Equal(t, "ab…[truncated 3 bytes]", truncate("abcde", 2))
	s := truncate("aé€", 3) // 'é' is bytes 1-2, '€' bytes 3-5
	assert.True(t, utf8.ValidString(s))
	assert.Equal(t, "aé…[truncated 3 bytes]", s)
	assert.Equal(t, "a…[truncated 5 bytes]", truncate("aé€", 2))
}

func newSpan(td ptrace.Traces) ptrace.Span {
	return td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
}

func run(t *testing.T, cfg *Config, td ptrace.Traces) *componenttest.Telemetry {
	t.Helper()
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	require.NoError(t, cfg.Validate())
	p, err := NewFactory().CreateTraces(context.Background(), metadatatest.NewSettings(tel), cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	require.NoError(t, p.Shutdown(context.Background()))
	return tel
}

// TestSpan is a golden span: every kind of content attribute, in every shape.
func TestSpan(t *testing.T) {
	td := ptrace.NewTraces()
	span := newSpan(td)
	a := span.Attributes()
	a.PutStr("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"I'm bob@corp.com"}]}]`)
	a.PutStr("gen_ai.tool.call.arguments", `{"ip":"10.0.0.1"}`)
	a.PutStr("mlflow.spanInputs", `"call +1 415-555-0132"`)
	a.PutStr("input.value", "plain text bob@corp.com")
	a.PutStr("llm.input_messages.0.message.content", "key sk-proj-abcdefghijklmnopqrstuvwx123")
	a.PutStr("http.url", "http://bob@corp.com/") // not content: kept
	sl := a.PutEmptySlice("gen_ai.output.messages")
	sl.AppendEmpty().SetEmptyMap().PutStr("content", "mail bob@corp.com")
	ev := span.Events().AppendEmpty()
	ev.SetName("gen_ai.user.message")
	ev.Attributes().PutStr("content", "bob@corp.com")
	ev.Attributes().PutStr("gen_ai.system", "openai")
	ev.Attributes().PutStr("custom.field", "bob@corp.com")
	other := span.Events().AppendEmpty()
	other.SetName("exception")
	other.Attributes().PutStr("exception.message", "bob@corp.com")

	tel := run(t, defaultConfig(), td)

	want := map[string]any{
		"gen_ai.input.messages":                `[{"role":"user","parts":[{"type":"text","content":"I'm [REDACTED:email]"}]}]`,
		"gen_ai.tool.call.arguments":           `{"ip":"[REDACTED:ipv4]"}`,
		"mlflow.spanInputs":                    `"call [REDACTED:phone]"`,
		"input.value":                          "plain text [REDACTED:email]",
		"llm.input_messages.0.message.content": "key [REDACTED:api_key]",
		"http.url":                             "http://bob@corp.com/",
		"gen_ai.output.messages":               []any{map[string]any{"content": "mail [REDACTED:email]"}},
		"llm.redaction.count":                  int64(8), // events included,
		"llm.redaction.email":                  int64(5),
		"llm.redaction.ipv4":                   int64(1),
		"llm.redaction.phone":                  int64(1),
		"llm.redaction.api_key":                int64(1),
	}
	assert.Equal(t, want, a.AsRaw())
	assert.Equal(t, map[string]any{"content": "[REDACTED:email]", "gen_ai.system": "openai", "custom.field": "[REDACTED:email]"}, ev.Attributes().AsRaw())
	assert.Equal(t, map[string]any{"exception.message": "bob@corp.com"}, other.Attributes().AsRaw())

	metadatatest.AssertEqualProcessorLlmredactionRedactions(t, tel, []metricdata.DataPoint[int64]{
		{Value: 1, Attributes: attribute.NewSet(attribute.String("detector", "api_key"))},
		{Value: 5, Attributes: attribute.NewSet(attribute.String("detector", "email"))},
		{Value: 1, Attributes: attribute.NewSet(attribute.String("detector", "phone"))},
		{Value: 1, Attributes: attribute.NewSet(attribute.String("detector", "ipv4"))},
	}, metricdatatest.IgnoreTimestamp())

	// A second pass finds nothing more.
	before := ptrace.NewTraces()
	td.CopyTo(before)
	run(t, defaultConfig(), td)
	assert.Equal(t, before.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().AsRaw(), a.AsRaw())
}

// TestSourceContentKeys: the content attributes llmspan reads, and keeps by default next to the
// mlflow.spanInputs/Outputs it builds from them, are redacted too.
func TestSourceContentKeys(t *testing.T) {
	for _, key := range []string{
		"ai.prompt.messages", "ai.response.text", "ai.toolCall.args", "langfuse.observation.input",
		"gcp.vertex.agent.llm_request", "pydantic_ai.all_messages", "lk.user_input", "lk.pii.chat_ctx",
		"llm.prompts.0.prompt.text", "retrieval.documents.0.document.content", "gen_ai.retrieval.documents",
		"lmnr.span.input", "genkit:output", "spring.ai.tool.call.result", "user_prompt",
		"mcp.tool.arguments", "gen_ai.memory.records", "ai.embeddings",
		"mlflow.traceRequestPreview", "mlflow.traceResponsePreview", // an app's previews, carried by the mlflow receiver
	} {
		t.Run(key, func(t *testing.T) {
			td := ptrace.NewTraces()
			span := newSpan(td)
			span.Attributes().PutStr(key, `[{"role":"user","content":"I am bob@corp.com"}]`)
			run(t, defaultConfig(), td)
			v, _ := span.Attributes().Get(key)
			assert.Equal(t, `[{"role":"user","content":"I am [REDACTED:email]"}]`, v.Str())
		})
	}
	for _, event := range []string{"tool.output", "memory.results"} { // Claude Code's, Strands'
		t.Run(event+" event", func(t *testing.T) {
			td := ptrace.NewTraces()
			ev := newSpan(td).Events().AppendEmpty()
			ev.SetName(event)
			ev.Attributes().PutStr("diff", "+OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwx123")
			run(t, defaultConfig(), td)
			assert.Equal(t, map[string]any{"diff": "+OPENAI_API_KEY=[REDACTED:api_key]"}, ev.Attributes().AsRaw())
		})
	}
}

func TestDropModeAndStrip(t *testing.T) {
	td := ptrace.NewTraces()
	span := newSpan(td)
	span.Attributes().PutStr("gen_ai.input.messages", `[{"content":"bob@corp.com"}]`)
	span.Attributes().PutStr("gen_ai.output.messages", `[{"content":"fine"}]`)
	cfg := defaultConfig()
	cfg.Mode = ModeDrop
	cfg.SummaryAttributes = false
	run(t, cfg, td)
	assert.Equal(t, map[string]any{"gen_ai.output.messages": `[{"content":"fine"}]`}, span.Attributes().AsRaw())

	td = ptrace.NewTraces()
	span = newSpan(td)
	span.Attributes().PutStr("gen_ai.input.messages", `[{"content":"bob@corp.com"}]`)
	span.Attributes().PutStr("traceloop.entity.output", "x")
	span.Attributes().PutStr("db.statement", strings.Repeat("é", 100))
	span.Attributes().PutInt("gen_ai.usage.input_tokens", 5)
	ev := span.Events().AppendEmpty()
	ev.SetName("gen_ai.choice")
	ev.Attributes().PutStr("message", "hi")
	ev.Attributes().PutInt("index", 0)
	cfg = defaultConfig()
	cfg.Content, cfg.MaxValueSize = ContentDrop, 51
	tel := run(t, cfg, td)
	assert.Equal(t, map[string]any{
		"db.statement":              strings.Repeat("é", 25) + "…[truncated 150 bytes]",
		"gen_ai.usage.input_tokens": int64(5),
	}, span.Attributes().AsRaw())
	assert.Equal(t, map[string]any{"index": int64(0)}, ev.Attributes().AsRaw())
	metadatatest.AssertEqualProcessorLlmredactionAttributesDropped(t, tel, []metricdata.DataPoint[int64]{
		{Value: 3, Attributes: attribute.NewSet(attribute.String("reason", "content"))},
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualProcessorLlmredactionValuesTruncated(t, tel, []metricdata.DataPoint[int64]{{Value: 1}}, metricdatatest.IgnoreTimestamp())
}

// FuzzRedact: any attribute value, JSON or not, must not panic, and JSON in stays JSON out.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		`{"messages":[{"role":"user","content":"bob@corp.com 4111 1111 1111 1111"}]}`,
		`"+1 415-555-0132"`, `[1,2,{"a":"DE89370400440532013000"}]`, `{"a":"\u00e9 \ud83d\ude00 x@y.io"}`,
		"plain 10.0.0.1 2001:db8::1 Bearer abcdefghijk", `{"a":`, "", "\xff@\xfe.com",
		`{"args":"{\"to\":\"x\\n4111111111111111\"}"}`, "IP:2001:db8::1 qty 3 4111111111111111 BeArEr abcdefghijk",
	} {
		f.Add(s)
	}
	cfg := defaultConfig()
	cfg.Custom = []CustomDetector{{Name: "any_digit", Regex: `\d`}}
	r := newRedactor(cfg)
	f.Fuzz(func(t *testing.T, s string) {
		counts := make([]int64, len(r.detectors))
		out, _ := r.value(s, counts)
		if json.Valid([]byte(s)) && looksLikeJSON(s) {
			assert.True(t, json.Valid([]byte(out)), "in %q out %q", s, out)
		}
		if strings.ContainsAny(s, "0123456789") && json.Valid([]byte(s)) && looksLikeJSON(s) {
			// The value keeps its kind (an object stays an object), numbers redacted or not.
			var in, got any
			require.NoError(t, json.Unmarshal([]byte(s), &in))
			require.NoError(t, json.Unmarshal([]byte(out), &got))
			assert.IsType(t, in, got)
		}
		if max := len(s) / 2; max > 0 {
			assert.True(t, utf8.ValidString(truncate(strings.ToValidUTF8(s, "?"), max)))
		}
	})
}

func BenchmarkProcess(b *testing.B) {
	msg := `[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"` +
		strings.Repeat("Summarize the quarterly report for the board, focusing on revenue. ", 20) +
		`"},{"role":"assistant","content":"Sure. Contact me at jane@corp.com."}]`
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for range 100 {
		s := spans.AppendEmpty()
		s.Attributes().PutStr("gen_ai.input.messages", msg)
		s.Attributes().PutStr("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"The revenue grew 12% to 4.1M."}]}]`)
		s.Attributes().PutStr("http.method", "POST")
	}
	p, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(typ), defaultConfig(), consumertest.NewNop())
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		batch := ptrace.NewTraces()
		td.CopyTo(batch)
		b.StartTimer()
		_ = p.ConsumeTraces(context.Background(), batch)
	}
}
