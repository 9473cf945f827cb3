package llmspanprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor"

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/cost"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/metadata"
	"github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/mlflowattr"
)

// llmSpanProcessor normalizes spans one at a time: detect the dialect, read a record, write
// MLflow attributes. It keeps no state between spans.
type llmSpanProcessor struct {
	detector  *dialect.Detector
	telemetry *metadata.TelemetryBuilder
	// byDialect holds the telemetry attribute set of each dialect, built once.
	byDialect []metric.AddOption
	// scratch holds per-call buffers; ConsumeTraces may run concurrently.
	scratch sync.Pool
	// prices is nil when cost.enabled is false.
	prices                    *cost.Table
	pricedTable, pricedSource metric.AddOption
}

type scratch struct {
	rec        dialect.Record
	writer     *mlflowattr.Writer
	normalized []int64 // per dialect
	// priced counts spans by cost.Outcome; unknownModels counts unpriced spans by model.
	priced        [4]int64
	unknownModels map[string]int64
}

func newLLMSpanProcessor(set processor.Settings, cfg *Config) (*llmSpanProcessor, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	dialects, _ := dialect.Select(cfg.Dialects) // Validate rejected unknown names
	prices, err := cfg.Cost.table()
	if err != nil {
		return nil, err
	}
	p := &llmSpanProcessor{
		detector: dialect.NewDetector(dialects), telemetry: tb, prices: prices,
		pricedTable:  metric.WithAttributeSet(attribute.NewSet(attribute.String("source", "table"))),
		pricedSource: metric.WithAttributeSet(attribute.NewSet(attribute.String("source", "span"))),
	}
	for _, d := range dialects {
		p.byDialect = append(p.byDialect, metric.WithAttributeSet(attribute.NewSet(attribute.String("dialect", d.Name))))
	}
	p.scratch.New = func() any {
		return &scratch{
			writer: mlflowattr.NewWriter(cfg.MaxValueSize), normalized: make([]int64, len(dialects)),
			unknownModels: map[string]int64{},
		}
	}
	return p, nil
}

func (p *llmSpanProcessor) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	s := p.scratch.Get().(*scratch)
	defer p.scratch.Put(s)
	clear(s.normalized)
	clear(s.priced[:])
	clear(s.unknownModels)
	var unrecognized int64
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			scopeMask := p.detector.ScopeMask(ss.Scope().Name())
			for _, span := range ss.Spans().All() {
				if !p.processSpan(s, scopeMask, span) {
					unrecognized++
				}
			}
		}
	}
	for i, n := range s.normalized {
		if n > 0 {
			p.telemetry.ProcessorLlmspanSpansNormalized.Add(ctx, n, p.byDialect[i])
		}
	}
	if unrecognized > 0 {
		p.telemetry.ProcessorLlmspanSpansUnrecognized.Add(ctx, unrecognized)
	}
	p.recordCostTelemetry(ctx, s)
	return td, nil
}

// processSpan reports false for a span that no dialect recognized.
func (p *llmSpanProcessor) processSpan(s *scratch, scopeMask uint64, span ptrace.Span) bool {
	attrs := span.Attributes()
	if hasSpanType(attrs) {
		return true // already MLflow's: written by its SDK or by an earlier pass
	}
	i, ok := p.detector.Detect(scopeMask, attrs)
	if !ok {
		return false
	}
	s.rec.Reset()
	p.detector.Dialects()[i].Read(span, &s.rec)
	if p.prices != nil || s.rec.Cost.Set {
		p.price(s, attrs)
	}
	if s.writer.Write(&s.rec, attrs) {
		s.normalized[i]++
	}
	return true
}

// price fills the record's cost and counts the outcome; the writer writes it.
func (p *llmSpanProcessor) price(s *scratch, attrs pcommon.Map) {
	outcome := cost.NotPriced
	if p.prices != nil {
		outcome = p.prices.Fill(&s.rec, attrs)
	} else if s.rec.Cost.Set {
		outcome = cost.FromSource
	}
	if _, exists := attrs.Get(mlflow.AttrLLMCost); exists {
		return // kept as it is: nothing priced
	}
	s.priced[outcome]++
	if outcome == cost.UnknownModel && len(s.unknownModels) < maxUnknownModelsPerBatch {
		s.unknownModels[s.rec.Model]++
	}
}

// maxUnknownModelsPerBatch bounds the distinct models one batch reports as unknown.
const maxUnknownModelsPerBatch = 64

func (p *llmSpanProcessor) recordCostTelemetry(ctx context.Context, s *scratch) {
	if n := s.priced[cost.Priced]; n > 0 {
		p.telemetry.ProcessorLlmspanSpansPriced.Add(ctx, n, p.pricedTable)
	}
	if n := s.priced[cost.FromSource]; n > 0 {
		p.telemetry.ProcessorLlmspanSpansPriced.Add(ctx, n, p.pricedSource)
	}
	for model, n := range s.unknownModels {
		p.telemetry.ProcessorLlmspanCostUnknownModel.Add(ctx, n, metric.WithAttributes(attribute.String("model", model)))
	}
}

func hasSpanType(attrs pcommon.Map) bool {
	_, ok := attrs.Get(mlflow.AttrSpanType)
	return ok
}

func (p *llmSpanProcessor) shutdown(context.Context) error {
	p.telemetry.Shutdown()
	return nil
}
