package llmspanprocessor

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/transformprocessor"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// chatSpan builds a chat span with about 3 KB of messages.
func chatSpan(span ptrace.Span) {
	long := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 30)
	a := span.Attributes()
	a.PutStr("gen_ai.operation.name", "chat")
	a.PutStr("gen_ai.provider.name", "openai")
	a.PutStr("gen_ai.request.model", "gpt-4o")
	a.PutStr("gen_ai.response.model", "gpt-4o-2024-08-06")
	a.PutInt("gen_ai.usage.input_tokens", 812)
	a.PutInt("gen_ai.usage.output_tokens", 96)
	a.PutStr("gen_ai.system_instructions", `[{"type":"text","content":"You are a helpful assistant."}]`)
	a.PutStr("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"`+long+`"}]},`+
		`{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"search","arguments":{"q":"fox"}}]},`+
		`{"role":"tool","parts":[{"type":"tool_call_response","id":"call_1","response":"`+long+`"}]}]`)
	a.PutStr("gen_ai.output.messages", `[{"role":"assistant","parts":[{"type":"text","content":"`+long+`"}],"finish_reason":"stop"}]`)
	a.PutStr("gen_ai.tool.definitions", `[{"type":"function","name":"search","description":"Web search.","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}]`)
}

// noContentSpan is what instrumentations emit with content capture off.
func noContentSpan(span ptrace.Span) {
	a := span.Attributes()
	a.PutStr("gen_ai.operation.name", "chat")
	a.PutStr("gen_ai.provider.name", "openai")
	a.PutStr("gen_ai.request.model", "gpt-4o")
	a.PutInt("gen_ai.usage.input_tokens", 812)
	a.PutInt("gen_ai.usage.output_tokens", 96)
	a.PutStr("server.address", "api.openai.com")
}

// batchOf is a batch of n spans built by build.
func batchOf(build func(ptrace.Span), n int) ptrace.Traces {
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for range n {
		build(spans.AppendEmpty())
	}
	return td
}

// batchSpans is the batch size of the *Batch benchmarks: what an SDK's batch span processor
// or the collector's batch processor typically hands on, so that the processor helper's fixed
// cost per ConsumeTraces is shared as it is in a pipeline.
const batchSpans = 128

func BenchmarkProcessChatSpan(b *testing.B)       { benchmarkProcess(b, chatSpan, 1) }
func BenchmarkProcessNoContentSpan(b *testing.B)  { benchmarkProcess(b, noContentSpan, 1) }
func BenchmarkProcessChatBatch(b *testing.B)      { benchmarkProcess(b, chatSpan, batchSpans) }
func BenchmarkProcessNoContentBatch(b *testing.B) { benchmarkProcess(b, noContentSpan, batchSpans) }

// benchmarkProcess measures one ConsumeTraces of a batch of n spans built by build per op, and
// reports the cost per span.
func benchmarkProcess(b *testing.B, build func(ptrace.Span), n int) {
	p := newBenchProcessor(b)
	mallocs := runOnCopies(b, []ptrace.Traces{batchOf(build, n)}, func(td ptrace.Traces) {
		if err := p.ConsumeTraces(context.Background(), td); err != nil {
			b.Fatal(err)
		}
	})
	reportPerSpan(b, "", b.Elapsed(), mallocs, n)
}

// BenchmarkCorpus processes every recorded testdata/*/*/input.* trace once per op, each file as
// one batch, and reports the cost per span.
func BenchmarkCorpus(b *testing.B) {
	corpus, spans := loadCorpus(b)
	p := newBenchProcessor(b)
	mallocs := runOnCopies(b, corpus, func(td ptrace.Traces) {
		if err := p.ConsumeTraces(context.Background(), td); err != nil {
			b.Fatal(err)
		}
	})
	reportPerSpan(b, "", b.Elapsed(), mallocs, spans)
}

// BenchmarkTransformSubset compares llmspan with the contrib transform processor running the
// part of llmspan's work that OTTL can express (span type, token usage, model, for every dialect
// of the corpus: testdata/transform_subset.yaml), on the same corpus in the same run, merged
// into one batch as a batch processor would hand it on. Each op runs both, one after the other,
// on their own copies, so machine noise hits both alike; each is timed over a whole chunk of
// copies, never per call. It also reports the share of llmspan's span types, token usages and
// models that the OTTL writes too (subsetCoverage).
func BenchmarkTransformSubset(b *testing.B) {
	corpus, spans := loadCorpus(b)
	batch := mergedCorpus(corpus)
	llm := newBenchProcessor(b)
	tf := newTransformSubset(b, false)
	var llmTime, tfTime time.Duration
	var llmAllocs, tfAllocs uint64
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(max(1, 2048/spans), b.N-done)
		llmTime += timeChunk(b, batch, n, llm, &llmAllocs)
		tfTime += timeChunk(b, batch, n, tf, &tfAllocs)
		done += n
	}
	reportPerSpan(b, "llmspan-", llmTime, llmAllocs, spans)
	reportPerSpan(b, "transform-", tfTime, tfAllocs, spans)
	b.ReportMetric(float64(tfTime)/float64(llmTime), "transform/llmspan")
	b.ReportMetric(subsetCoverage(b, batch, llm, tf), "subset-fields/llmspan-fields")
}

// subsetCoverage is the share of the span types, token usages and models that llmspan writes
// on batch that transform also writes, with the same value or another: how much of even this
// subset of llmspan's work the OTTL does.
func subsetCoverage(b testing.TB, batch ptrace.Traces, llm, transform consumer.Traces) float64 {
	before, byLLM, byTransform := allSpans(batch), spansAfter(b, llm, batch), spansAfter(b, transform, batch)
	var written, covered int
	for i := range before {
		for _, k := range []string{mlflow.AttrSpanType, mlflow.AttrChatTokenUsage, mlflow.AttrLLMModel} {
			_, had := before[i].Attributes().Get(k)
			_, wrote := byLLM[i].Attributes().Get(k)
			if had || !wrote {
				continue
			}
			written++
			if _, ok := byTransform[i].Attributes().Get(k); ok {
				covered++
			}
		}
	}
	return float64(covered) / float64(written)
}

// mergedCorpus puts every trace of corpus into one ptrace.Traces.
func mergedCorpus(corpus []ptrace.Traces) ptrace.Traces {
	batch := ptrace.NewTraces()
	for _, td := range corpus {
		for _, rs := range td.ResourceSpans().All() {
			rs.CopyTo(batch.ResourceSpans().AppendEmpty())
		}
	}
	return batch
}

// timeChunk gives p n fresh copies of td, built off the clock, and returns the time they took;
// it adds the heap allocations made meanwhile to allocs.
func timeChunk(b *testing.B, td ptrace.Traces, n int, p consumer.Traces, allocs *uint64) time.Duration {
	b.StopTimer()
	copies := make([]ptrace.Traces, n)
	for i := range copies {
		copies[i] = ptrace.NewTraces()
		td.CopyTo(copies[i])
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.Mallocs
	b.StartTimer()
	start := time.Now()
	for _, c := range copies {
		if err := p.ConsumeTraces(context.Background(), c); err != nil {
			b.Fatal(err)
		}
	}
	d := time.Since(start)
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	*allocs += ms.Mallocs - before
	b.StartTimer()
	return d
}

// newBenchProcessor returns llmspan with its default configuration, as `llmspan: {}` runs it
// (cost from the embedded price table included).
func newBenchProcessor(b testing.TB) consumer.Traces {
	f := NewFactory()
	p, err := f.CreateTraces(context.Background(), processortest.NewNopSettings(typ), f.CreateDefaultConfig(), consumertest.NewNop())
	require.NoError(b, err)
	return p
}

// newTransformSubset returns the contrib transform processor running the OTTL of
// testdata/transform_subset.yaml: the part of llmspan's work that OTTL can express, for every
// dialect of the corpus, or with genAIOnly for OTel GenAI's spans alone (the file's first group).
func newTransformSubset(b testing.TB, genAIOnly bool) consumer.Traces {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "transform_subset.yaml"))
	require.NoError(b, err)
	raw := cm.ToStringMap()
	if genAIOnly {
		raw["trace_statements"] = raw["trace_statements"].([]any)[:1]
	}
	f := transformprocessor.NewFactory()
	cfg := f.CreateDefaultConfig()
	require.NoError(b, confmap.NewFromStringMap(raw).Unmarshal(cfg))
	require.NoError(b, confmap.Validate(cfg))
	p, err := f.CreateTraces(context.Background(), processortest.NewNopSettings(f.Type()), cfg, consumertest.NewNop())
	require.NoError(b, err)

	// The statements must do their work, else the comparison flatters llmspan.
	td := ptrace.NewTraces()
	noContentSpan(td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty())
	require.NoError(b, p.ConsumeTraces(context.Background(), td))
	attrs := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()
	for k, want := range map[string]string{
		mlflow.AttrSpanType:       `"CHAT_MODEL"`,
		mlflow.AttrChatTokenUsage: `{"input_tokens":812,"output_tokens":96,"total_tokens":908}`,
		mlflow.AttrLLMModel:       `"gpt-4o"`,
	} {
		got, ok := attrs.Get(k)
		require.True(b, ok, k)
		require.Equal(b, want, got.Str(), k)
	}
	return p
}

func loadCorpus(b testing.TB) (corpus []ptrace.Traces, spans int) {
	inputs, err := filepath.Glob("testdata/*/*/input.*")
	require.NoError(b, err)
	require.NotEmpty(b, inputs)
	for _, input := range inputs {
		td, err := golden.ReadTraces(input)
		require.NoError(b, err)
		corpus = append(corpus, td)
		spans += td.SpanCount()
	}
	return corpus, spans
}

// runOnCopies calls consume on a fresh copy of every trace in corpus, b.N times over, and
// returns the number of heap allocations made while the timer ran. The copies are made off the
// clock in chunks, not one by one: each StopTimer/StartTimer pair reads the runtime's memory
// statistics, stopping the world, which would skew a microsecond-scale op. A chunk holds about
// chunkSpans spans, a few MB, as a collector holds a few batches in flight: a chunk of hundreds
// of MB would measure the memory system (page faults on fresh heap) more than the processor.
func runOnCopies(b *testing.B, corpus []ptrace.Traces, consume func(ptrace.Traces)) (mallocs uint64) {
	const chunkSpans = 2048
	spans := 0
	for _, td := range corpus {
		spans += td.SpanCount()
	}
	perChunk := max(1, chunkSpans/spans)
	copies := make([]ptrace.Traces, 0, perChunk*len(corpus))
	var ms runtime.MemStats
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		b.StopTimer()
		n := min(perChunk, b.N-done)
		copies = copies[:0]
		for range n {
			for _, td := range corpus {
				c := ptrace.NewTraces()
				td.CopyTo(c)
				copies = append(copies, c)
			}
		}
		runtime.ReadMemStats(&ms)
		before := ms.Mallocs
		b.StartTimer()
		for _, td := range copies {
			consume(td)
		}
		b.StopTimer()
		runtime.ReadMemStats(&ms)
		mallocs += ms.Mallocs - before
		done += n
		b.StartTimer()
	}
	return mallocs
}

func reportPerSpan(b *testing.B, prefix string, elapsed time.Duration, mallocs uint64, spans int) {
	n := float64(b.N) * float64(spans)
	b.ReportMetric(float64(elapsed.Nanoseconds())/n, prefix+"ns/span")
	b.ReportMetric(float64(mallocs)/n, prefix+"allocs/span")
	b.ReportMetric(float64(spans), "spans/op")
}

// TestTransformSubset keeps the benchmarks' OTTL baseline honest as the corpus and the contrib
// module move: it must load, do its work on a GenAI span (newTransformSubset checks), and
// write most of the span types, token usages and models llmspan writes on the corpus.
func TestTransformSubset(t *testing.T) {
	corpus, _ := loadCorpus(t)
	coverage := subsetCoverage(t, mergedCorpus(corpus), newBenchProcessor(t), newTransformSubset(t, false))
	require.Greater(t, coverage, 0.85)
	newTransformSubset(t, true)
}
