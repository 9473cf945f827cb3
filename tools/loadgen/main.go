// Command loadgen replays the golden corpus of the llmspan processor
// (processor/llmspanprocessor/testdata/*/*/input.{json,yaml}: the spans recorded from real
// instrumentation libraries and the hand-built cases) as OTLP traces, over gRPC or HTTP, at a
// chosen rate or as fast as it can, bounded by a count or a duration, and prints what it sent.
// Files whose spans average more than -max-span-bytes serialized are left out (Gemini CLI's
// recordings, whose model calls each carry its 23 KB system prompt and 24 KB of tool
// definitions), so that traces keep the sizes below.
//
// Each trace has a realistic agent shape: a root `invoke_agent` span (OpenTelemetry GenAI
// conventions) carrying the conversation's input and output messages (1-8 KiB of text in all),
// and under it the spans of one recorded corpus file (LLM calls, tool calls, chains, in the
// dialect that file records), repeated until the trace has its size (5-50 spans). Every trace
// gets fresh trace and span ids and current timestamps.
//
//	go run ./tools/loadgen -endpoint localhost:4318 -rate 200 -duration 30s
//	go run ./tools/loadgen -protocol grpc -endpoint localhost:4317 -count 10000 -workers 8
//	go run ./tools/loadgen -endpoint 127.0.0.1:5000 -header x-mlflow-experiment-id=0 -count 500
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
)

type headerFlag map[string]string

func (h headerFlag) String() string { return fmt.Sprint(map[string]string(h)) }

func (h headerFlag) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("header %q: want key=value", v)
	}
	h[k] = val
	return nil
}

type options struct {
	protocol, endpoint, corpus string
	rate                       float64
	count, workers, batch      int
	duration, timeout          time.Duration
	minSpans, maxSpans         int
	minContent, maxContent     int
	maxSpanBytes               int
	header                     headerFlag
	jsonOut                    bool
}

func main() {
	o := options{header: headerFlag{}}
	flag.StringVar(&o.protocol, "protocol", "http", "http (OTLP/HTTP protobuf to <endpoint>/v1/traces) or grpc")
	flag.StringVar(&o.endpoint, "endpoint", "localhost:4318", "host:port (or a URL for http)")
	flag.StringVar(&o.corpus, "corpus", "processor/llmspanprocessor/testdata", "directory holding <dialect>/<case>/input.{json,yaml}")
	flag.IntVar(&o.maxSpanBytes, "max-span-bytes", 16<<10, "leave out corpus files whose spans average more, serialized")
	flag.Float64Var(&o.rate, "rate", 0, "traces per second over all workers; 0: as fast as possible")
	flag.IntVar(&o.count, "count", 0, "stop after this many traces (0: no limit; -duration then required)")
	flag.DurationVar(&o.duration, "duration", 0, "stop after this long (0: no limit; -count then required)")
	flag.IntVar(&o.workers, "workers", 4, "concurrent senders")
	flag.IntVar(&o.batch, "batch", 1, "traces per request")
	flag.IntVar(&o.minSpans, "min-spans", 5, "fewest spans per trace")
	flag.IntVar(&o.maxSpans, "max-spans", 50, "most spans per trace")
	flag.IntVar(&o.minContent, "min-content", 1<<10, "least message text per trace, bytes")
	flag.IntVar(&o.maxContent, "max-content", 8<<10, "most message text per trace, bytes")
	flag.DurationVar(&o.timeout, "timeout", 10*time.Second, "per request")
	flag.Var(o.header, "header", "key=value added to every request (repeatable), e.g. x-mlflow-experiment-id=0")
	flag.BoolVar(&o.jsonOut, "json", false, "print the summary as one JSON object")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// summary is what a run sent.
type summary struct {
	Protocol       string  `json:"protocol"`
	Endpoint       string  `json:"endpoint"`
	Corpus         int     `json:"corpus_files"`
	Traces         int64   `json:"traces"`
	Spans          int64   `json:"spans"`
	Bytes          int64   `json:"bytes"` // serialized OTLP protobuf
	Requests       int64   `json:"requests"`
	Failed         int64   `json:"failed_requests"`
	FailedTraces   int64   `json:"failed_traces"`
	Seconds        float64 `json:"seconds"`
	TracesPerSec   float64 `json:"traces_per_second"`
	SpansPerSec    float64 `json:"spans_per_second"`
	FirstError     string  `json:"first_error,omitempty"`
	firstErrorOnce sync.Once
}

func run(o options) error {
	if o.count <= 0 && o.duration <= 0 {
		return errors.New("set -count or -duration")
	}
	if o.minSpans < 2 || o.maxSpans < o.minSpans || o.batch < 1 || o.workers < 1 || o.maxContent < o.minContent {
		return errors.New("bad bounds: need 2 <= min-spans <= max-spans, batch >= 1, workers >= 1, min-content <= max-content")
	}
	templates, err := loadCorpus(o.corpus, o.maxSpanBytes)
	if err != nil {
		return err
	}
	send, closeFn, err := newSender(o)
	if err != nil {
		return err
	}
	defer closeFn()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if o.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}

	// Tokens: one per trace, paced by -rate, bounded by -count.
	tokens := make(chan struct{}, o.workers*o.batch)
	go func() {
		defer close(tokens)
		var tick <-chan time.Time
		if o.rate > 0 {
			t := time.NewTicker(time.Duration(float64(time.Second) / o.rate))
			defer t.Stop()
			tick = t.C
		}
		for i := 0; o.count <= 0 || i < o.count; i++ {
			if tick != nil {
				select {
				case <-tick:
				case <-ctx.Done():
					return
				}
			}
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
	}()

	s := &summary{Protocol: o.protocol, Endpoint: o.endpoint, Corpus: len(templates)}
	start := time.Now()
	var wg sync.WaitGroup
	for w := range o.workers {
		wg.Go(func() {
			rng := mrand.New(mrand.NewPCG(uint64(w), uint64(start.UnixNano())))
			for {
				td := ptrace.NewTraces()
				n := 0
				for range o.batch {
					if _, ok := <-tokens; !ok {
						break
					}
					buildTrace(rng, templates[rng.IntN(len(templates))], o).ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
					n++
				}
				if n == 0 {
					return
				}
				size, err := send(context.Background(), td)
				atomic.AddInt64(&s.Requests, 1)
				if err != nil {
					atomic.AddInt64(&s.Failed, 1)
					atomic.AddInt64(&s.FailedTraces, int64(n))
					s.firstErrorOnce.Do(func() { s.FirstError = err.Error() })
					continue
				}
				atomic.AddInt64(&s.Traces, int64(n))
				atomic.AddInt64(&s.Spans, int64(td.SpanCount()))
				atomic.AddInt64(&s.Bytes, int64(size))
			}
		})
	}
	wg.Wait()
	s.Seconds = time.Since(start).Seconds()
	s.TracesPerSec = float64(s.Traces) / s.Seconds
	s.SpansPerSec = float64(s.Spans) / s.Seconds
	if o.jsonOut {
		return json.NewEncoder(os.Stdout).Encode(s)
	}
	fmt.Printf("sent %d traces (%d spans, %.1f MiB OTLP) in %d requests to %s %s in %.1fs: %.0f traces/s, %.0f spans/s; %d requests (%d traces) failed\n",
		s.Traces, s.Spans, float64(s.Bytes)/(1<<20), s.Requests, o.protocol, o.endpoint, s.Seconds, s.TracesPerSec, s.SpansPerSec, s.Failed, s.FailedTraces)
	if s.FirstError != "" {
		fmt.Printf("first error: %s\n", s.FirstError)
	}
	return nil
}

// template is one corpus file: its resource and scope spans, without ids.
type template struct {
	name string
	td   ptrace.Traces
}

func loadCorpus(dir string, maxSpanBytes int) ([]template, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "*", "input.*"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []template
	var sizer ptrace.ProtoMarshaler
	for _, f := range files {
		td, err := golden.ReadTraces(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if n := td.SpanCount(); n == 0 || sizer.TracesSize(td)/n > maxSpanBytes {
			continue
		}
		rel, _ := filepath.Rel(dir, filepath.Dir(f))
		out = append(out, template{name: rel, td: td})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no */*/input.* with spans of at most %d bytes under %s (run from the repository root or set -corpus)", maxSpanBytes, dir)
	}
	return out, nil
}

// buildTrace makes one trace from a corpus file: a GenAI agent root with the conversation's
// messages, and the file's spans under it, repeated to the trace's size, with fresh ids.
func buildTrace(rng *mrand.Rand, tmpl template, o options) ptrace.Traces {
	nSpans := o.minSpans + rng.IntN(o.maxSpans-o.minSpans+1)
	content := o.minContent + rng.IntN(o.maxContent-o.minContent+1)
	now := time.Now()
	traceID := pcommon.TraceID(randomID16())

	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "loadgen")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("loadgen")
	root := ss.Spans().AppendEmpty()
	rootID := pcommon.SpanID(randomID8())
	root.SetTraceID(traceID)
	root.SetSpanID(rootID)
	root.SetName("invoke_agent loadgen")
	root.SetKind(ptrace.SpanKindInternal)
	root.SetStartTimestamp(pcommon.NewTimestampFromTime(now))
	root.SetEndTimestamp(pcommon.NewTimestampFromTime(now.Add(time.Duration(nSpans) * 10 * time.Millisecond)))
	root.Status().SetCode(ptrace.StatusCodeOk)
	a := root.Attributes()
	a.PutStr("gen_ai.operation.name", "invoke_agent")
	a.PutStr("gen_ai.agent.name", "loadgen")
	a.PutStr("gen_ai.conversation.id", fmt.Sprintf("session-%d", rng.IntN(1000)))
	a.PutStr("gen_ai.input.messages", messages("user", text(rng, content*2/3)))
	a.PutStr("gen_ai.output.messages", messages("assistant", text(rng, content-content*2/3)))

	// The corpus spans, cycled, each under the root, in the corpus's resource and scope.
	i := 1
	for i < nSpans {
		for _, trs := range tmpl.td.ResourceSpans().All() {
			for _, tss := range trs.ScopeSpans().All() {
				if i >= nSpans {
					break
				}
				out := td.ResourceSpans().AppendEmpty()
				trs.Resource().CopyTo(out.Resource())
				outSS := out.ScopeSpans().AppendEmpty()
				tss.Scope().CopyTo(outSS.Scope())
				for _, span := range tss.Spans().All() {
					if i >= nSpans {
						break
					}
					s := outSS.Spans().AppendEmpty()
					span.CopyTo(s)
					s.SetTraceID(traceID)
					s.SetSpanID(pcommon.SpanID(randomID8()))
					s.SetParentSpanID(rootID)
					start := now.Add(time.Duration(i) * 10 * time.Millisecond)
					s.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
					s.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(8 * time.Millisecond)))
					i++
				}
			}
		}
	}
	return td
}

func messages(role, content string) string {
	b, _ := json.Marshal([]map[string]any{{"role": role, "parts": []map[string]any{{"type": "text", "content": content}}}})
	return string(b)
}

var words = strings.Fields("the agent calls a tool to look up the weather forecast and then summarizes " +
	"what it found for the user in a short friendly answer with sources and a follow up question")

func text(rng *mrand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(words[rng.IntN(len(words))])
		b.WriteByte(' ')
	}
	return b.String()[:n]
}

func randomID16() (b [16]byte) { _, _ = rand.Read(b[:]); return }
func randomID8() (b [8]byte)   { _, _ = rand.Read(b[:]); return }

// newSender returns a function that sends one request and reports its serialized size.
func newSender(o options) (func(context.Context, ptrace.Traces) (int, error), func(), error) {
	switch o.protocol {
	case "http":
		url := o.endpoint
		if !strings.Contains(url, "://") {
			url = "http://" + url
		}
		if !strings.HasSuffix(url, "/v1/traces") {
			url = strings.TrimRight(url, "/") + "/v1/traces"
		}
		hc := &http.Client{Timeout: o.timeout, Transport: &http.Transport{MaxIdleConnsPerHost: o.workers}}
		return func(ctx context.Context, td ptrace.Traces) (int, error) {
			body, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
			if err != nil {
				return 0, err
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
			if err != nil {
				return 0, err
			}
			req.Header.Set("Content-Type", "application/x-protobuf")
			for k, v := range o.header {
				req.Header.Set(k, v)
			}
			resp, err := hc.Do(req)
			if err != nil {
				return 0, err
			}
			answer, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			resp.Body.Close()
			if resp.StatusCode/100 != 2 {
				return 0, fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(answer)))
			}
			return len(body), nil
		}, hc.CloseIdleConnections, nil
	case "grpc":
		conn, err := grpc.NewClient(o.endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return nil, nil, err
		}
		client := ptraceotlp.NewGRPCClient(conn)
		md := metadata.New(o.header)
		return func(ctx context.Context, td ptrace.Traces) (int, error) {
			ctx, cancel := context.WithTimeout(metadata.NewOutgoingContext(ctx, md), o.timeout)
			defer cancel()
			req := ptraceotlp.NewExportRequestFromTraces(td)
			if _, err := client.Export(ctx, req); err != nil {
				return 0, err
			}
			return (&ptrace.ProtoMarshaler{}).TracesSize(td), nil
		}, func() { _ = conn.Close() }, nil
	default:
		return nil, nil, fmt.Errorf("protocol %q: want http or grpc", o.protocol)
	}
}
