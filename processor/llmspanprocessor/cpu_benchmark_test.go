package llmspanprocessor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.opentelemetry.io/collector/processor/processortest"
)

// BenchmarkAddedCPU measures what llmspan adds to a pipeline in CPU time, on every thread, so
// with the garbage collector's work, which the wall-clock ns/span of the other benchmarks leave
// out when the garbage collector runs on another core. Five processors take turns on chunks of
// fresh copies of the same batches; each chunk's CPU time is taken over making its copies and
// consuming them, so the garbage collector's work on the copies falls on all five alike:
//
//   - pass-through: the processor helper and nothing else, the baseline;
//   - write floor: writes the attributes llmspan adds to each span, with the same keys and
//     values, cut from one new string per span, and computes nothing: what any processor
//     producing llmspan's output through pdata pays;
//   - llmspan, with its default configuration;
//   - transform running testdata/transform_subset.yaml, the OTTL subset of llmspan's work for
//     every dialect of the corpus;
//   - transform running that file's OTel GenAI group alone.
//
// Each reports its CPU per span above the pass-through baseline; llmspan/floor is how far
// llmspan is from that floor, transform/llmspan how much cheaper llmspan is than the subset.
func BenchmarkAddedCPU(b *testing.B) {
	if _, ok := processCPU(); !ok {
		b.Skip("no process CPU time on this platform")
	}
	corpus, spans := loadCorpus(b)
	for _, c := range []struct {
		name   string
		corpus []ptrace.Traces
		spans  int
	}{
		{"NoContentBatch", []ptrace.Traces{batchOf(noContentSpan, batchSpans)}, batchSpans},
		{"ChatBatch", []ptrace.Traces{batchOf(chatSpan, batchSpans)}, batchSpans},
		{"Corpus", corpus, spans},
	} {
		b.Run(c.name, func(b *testing.B) { benchmarkAddedCPU(b, c.corpus, c.spans) })
	}
}

func benchmarkAddedCPU(b *testing.B, corpus []ptrace.Traces, spans int) {
	llm := newBenchProcessor(b)
	procs := []consumer.Traces{newTracesFunc(b, func(ptrace.Traces) {}), newWriteFloor(b, llm, corpus), llm, newTransformSubset(b, false), newTransformSubset(b, true)}
	cpu := make([]time.Duration, len(procs))
	perChunk := max(1, 2048/spans)
	b.ResetTimer()
	for done := 0; done < b.N; done += perChunk {
		n := min(perChunk, b.N-done)
		for i, p := range procs {
			start, _ := processCPU()
			for range n {
				for _, td := range corpus {
					c := ptrace.NewTraces()
					td.CopyTo(c)
					require.NoError(b, p.ConsumeTraces(context.Background(), c))
				}
			}
			end, _ := processCPU()
			cpu[i] += end - start
		}
	}
	perSpan := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N*spans) }
	b.ReportMetric(perSpan(cpu[0]), "baseline-cpu-ns/span")
	b.ReportMetric(perSpan(cpu[1]-cpu[0]), "floor-added-cpu-ns/span")
	b.ReportMetric(perSpan(cpu[2]-cpu[0]), "llmspan-added-cpu-ns/span")
	b.ReportMetric(perSpan(cpu[3]-cpu[0]), "transform-added-cpu-ns/span")
	b.ReportMetric(perSpan(cpu[4]-cpu[0]), "transform-genai-added-cpu-ns/span")
	b.ReportMetric(float64(cpu[2]-cpu[0])/float64(cpu[1]-cpu[0]), "llmspan/floor")
	b.ReportMetric(float64(cpu[3]-cpu[0])/float64(cpu[2]-cpu[0]), "transform/llmspan")
	b.ReportMetric(float64(cpu[4]-cpu[0])/float64(cpu[2]-cpu[0]), "transform-genai/llmspan")
}

// newWriteFloor returns a processor that adds to each span of a copy of corpus[i], the i-th
// batch it is given (modulo len(corpus)), the string attributes llmspan adds to that span.
// The values of a span are cut from one new string, as llmspan's writer does, so that the
// floor pays one allocation for the text, as llmspan does.
func newWriteFloor(b *testing.B, llm consumer.Traces, corpus []ptrace.Traces) consumer.Traces {
	type spanValues struct {
		keys []string
		ends []int // the values' ends in text
		text string
	}
	added := make([][]spanValues, len(corpus)) // per batch, per span in order
	for i, td := range corpus {
		before, after := allSpans(td), spansAfter(b, llm, td)
		for j, span := range after {
			var sv spanValues
			for k, v := range span.Attributes().All() {
				if _, had := before[j].Attributes().Get(k); !had && v.Type() == pcommon.ValueTypeStr {
					sv.keys = append(sv.keys, k)
					sv.text += v.Str()
					sv.ends = append(sv.ends, len(sv.text))
				}
			}
			added[i] = append(added[i], sv)
		}
	}
	next := 0
	return newTracesFunc(b, func(td ptrace.Traces) {
		for j, span := range allSpans(td) {
			sv := added[next][j]
			text, start := strings.Clone(sv.text), 0
			for n, k := range sv.keys {
				span.Attributes().PutStr(k, text[start:sv.ends[n]])
				start = sv.ends[n]
			}
		}
		next = (next + 1) % len(corpus)
	})
}

// spansAfter returns the spans of a copy of td that p has consumed, in allSpans' order.
func spansAfter(tb testing.TB, p consumer.Traces, td ptrace.Traces) []ptrace.Span {
	out := ptrace.NewTraces()
	td.CopyTo(out)
	require.NoError(tb, p.ConsumeTraces(context.Background(), out))
	return allSpans(out)
}

func allSpans(td ptrace.Traces) []ptrace.Span {
	var out []ptrace.Span
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				out = append(out, span)
			}
		}
	}
	return out
}

// newTracesFunc wraps f in the processor helper, as llmspan is, so that the helper's own cost
// is in every processor compared.
func newTracesFunc(b *testing.B, f func(ptrace.Traces)) consumer.Traces {
	p, err := processorhelper.NewTraces(context.Background(), processortest.NewNopSettings(typ), NewFactory().CreateDefaultConfig(), consumertest.NewNop(),
		func(_ context.Context, td ptrace.Traces) (ptrace.Traces, error) {
			f(td)
			return td, nil
		})
	require.NoError(b, err)
	return p
}

// BenchmarkWriteFloorNoContentBatch and BenchmarkWriteFloorChatBatch run the write floor alone,
// as BenchmarkProcessNoContentBatch and BenchmarkProcessChatBatch run llmspan, for
// scripts/bench-instructions.sh to count.
func BenchmarkWriteFloorNoContentBatch(b *testing.B) { benchmarkWriteFloor(b, noContentSpan) }
func BenchmarkWriteFloorChatBatch(b *testing.B)      { benchmarkWriteFloor(b, chatSpan) }

func benchmarkWriteFloor(b *testing.B, build func(ptrace.Span)) {
	corpus := []ptrace.Traces{batchOf(build, batchSpans)}
	floor := newWriteFloor(b, newBenchProcessor(b), corpus)
	mallocs := runOnCopies(b, corpus, func(td ptrace.Traces) {
		require.NoError(b, floor.ConsumeTraces(context.Background(), td))
	})
	reportPerSpan(b, "", b.Elapsed(), mallocs, batchSpans)
}
