package llmspanprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor"

import (
	"context"
	"slices"
	"strings"
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
	// byDialect holds the telemetry attribute set of each dialect, built once. Counters are
	// given byDialect[i:i+1]... rather than byDialect[i]: passing an existing slice to the
	// variadic Add does not allocate, a new one-element slice (which escapes) would.
	byDialect []metric.AddOption
	// scratch holds per-call buffers; ConsumeTraces may run concurrently.
	scratch sync.Pool
	// prices is nil when cost.enabled is false.
	prices                    *cost.Table
	pricedTable, pricedSource []metric.AddOption // one option each, passed with ... as above

	// mapper is nil without mappings; spans only mappings recognized count as the dialect
	// named mappingsDialect, after the detector's.
	mapper *dialect.Mapper
	// dropSource and dropContent are source_attributes: drop and content: drop; consumed
	// holds each dialect's consumption table when either is set, content every dialect's
	// content keys when content is dropped.
	dropSource, dropContent bool
	consumed                []*dialect.Consumption
	content                 *dialect.Consumption
}

// mappingsDialect labels, in telemetry, spans that only custom mappings recognized.
const mappingsDialect = "mappings"

type scratch struct {
	rec        dialect.Record
	writer     *mlflowattr.Writer
	normalized []int64             // per dialect
	mapScratch *dialect.MapScratch // nil without mappings
	// priced counts spans by cost.Outcome; unknownModels counts unpriced spans by model.
	priced        [4]int64
	unknownModels map[string]int64
	lastPrice     cost.Last
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
		pricedTable:  []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(attribute.String("source", "table")))},
		pricedSource: []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(attribute.String("source", "span")))},
	}
	for _, d := range dialects {
		p.byDialect = append(p.byDialect, metric.WithAttributeSet(attribute.NewSet(attribute.String("dialect", d.Name))))
	}
	if mappings := cfg.mappings(); mappings != nil {
		p.mapper = dialect.NewMapper(mappings)
		p.byDialect = append(p.byDialect, metric.WithAttributeSet(attribute.NewSet(attribute.String("dialect", mappingsDialect))))
	}
	p.dropSource, p.dropContent = cfg.SourceAttributes == modeDrop, cfg.Content == modeDrop
	if p.dropSource || p.dropContent {
		names := make([]string, len(dialects))
		for i, d := range dialects {
			p.consumed = append(p.consumed, dialect.ConsumptionOf(d.Name))
			names[i] = d.Name
		}
		p.content = dialect.ContentOf(names)
	}
	p.scratch.New = func() any {
		return &scratch{
			writer: mlflowattr.NewWriter(cfg.MaxValueSize), normalized: make([]int64, len(p.byDialect)),
			unknownModels: map[string]int64{}, mapScratch: p.newMapScratch(),
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
	s.lastPrice = cost.Last{} // its strings may be views into the previous batch's values
	var unrecognized int64
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			scope := scopeInfo{mask: p.detector.ScopeMask(ss.Scope().Name()), cacheExclusive: p.detector.CacheExclusive(ss.Scope().Name())}
			for _, span := range ss.Spans().All() {
				if !p.processSpan(s, scope, span) {
					unrecognized++
				}
			}
		}
	}
	for i, n := range s.normalized {
		if n > 0 {
			p.telemetry.ProcessorLlmspanSpansNormalized.Add(ctx, n, p.byDialect[i:i+1]...)
		}
	}
	if unrecognized > 0 {
		p.telemetry.ProcessorLlmspanSpansUnrecognized.Add(ctx, unrecognized)
	}
	p.recordCostTelemetry(ctx, s)
	return td, nil
}

// scopeInfo is what a span's instrumentation scope tells, found once per scope.
type scopeInfo struct {
	mask           uint64 // the dialects the scope identifies
	cacheExclusive bool   // input tokens are counted without the cache
}

// processSpan reports false for a span that no dialect recognized.
func (p *llmSpanProcessor) processSpan(s *scratch, scope scopeInfo, span ptrace.Span) bool {
	attrs := span.Attributes()
	// One pass over the keys: the dialects they identify, whether MLflow's are there, whether
	// the span reports its own cost.
	masks, mayExist, sourceCost := p.detector.KeyMasks(scope.mask), false, false
	for k := range attrs.All() {
		if mlflowattr.IsWrittenKey(k) {
			if k == mlflow.AttrSpanType {
				return true // already MLflow's: written by its SDK or by an earlier pass
			}
			mayExist = true
			continue
		}
		masks.Add(k)
		sourceCost = sourceCost || cost.IsSourceKey(k)
	}
	i, ok := dialect.First(masks.Mask)
	if !ok && p.mapper == nil {
		return false
	}
	s.rec.Reset()
	if ok {
		p.detector.Dialects()[i].Read(span, &s.rec)
	}
	if p.mapper != nil {
		if mapped := p.mapper.Apply(attrs, &s.rec, s.mapScratch); !ok {
			if !mapped {
				return false
			}
			i = len(p.byDialect) - 1 // mappingsDialect
		}
	}
	if scope.cacheExclusive {
		s.rec.Usage.IncludeCache()
	} else {
		s.rec.Usage.IncludeCacheIfBelow() // after mappings, which may set counts too
	}
	if p.dropContent {
		s.rec.Input = dialect.Payload{Messages: s.rec.Input.Messages[:0]}
		s.rec.Output = dialect.Payload{Messages: s.rec.Output.Messages[:0]}
		s.rec.MessageFormat = ""
	}
	if sourceCost && !s.rec.Cost.Set {
		s.rec.Cost, _ = cost.FromAttributes(attrs) // what the span reports comes before the table
	}
	outcome, priced := cost.NotPriced, false
	if p.prices != nil || s.rec.Cost.Set {
		outcome, priced = p.price(s, attrs, mayExist)
	}
	wrote := s.writer.Write(&s.rec, attrs, mayExist)
	if wrote {
		s.normalized[i]++
	}
	skipped := s.writer.Skipped()
	if priced {
		p.countPrice(s, outcome, slices.Contains(skipped, mlflow.AttrLLMCost))
	}
	// A value too large to write even truncated has only its source left: a span with one
	// keeps its source attributes.
	if wrote = wrote && len(skipped) == 0; p.dropContent || p.dropSource && wrote {
		var consumed *dialect.Consumption
		if ok {
			consumed = p.consumed[i]
		}
		p.removeSource(s, span, consumed, wrote)
	}
	return true
}

func (p *llmSpanProcessor) newMapScratch() *dialect.MapScratch {
	if p.mapper == nil {
		return nil
	}
	return p.mapper.NewScratch()
}

// removeSource applies source_attributes: drop and content: drop once the record is written.
// consumed is nil on a span only mappings recognized. mlflow.*, session.id and user.id are
// never removed: they are what MLflow reads.
func (p *llmSpanProcessor) removeSource(s *scratch, span ptrace.Span, consumed *dialect.Consumption, wrote bool) {
	dropUsed := p.dropSource && wrote
	span.Attributes().RemoveIf(func(k string, _ pcommon.Value) bool {
		if strings.HasPrefix(k, mlflow.AttrPrefix) || k == mlflow.AttrSessionID || k == mlflow.AttrUserID {
			return false
		}
		var used, content bool
		if consumed != nil {
			used, content = consumed.Uses(k)
		}
		if p.dropContent && !content {
			_, content = p.content.Uses(k)
		}
		if p.mapper != nil {
			if j, ok := p.mapper.Index(k); ok {
				used = used || s.mapScratch.Applied[j]
				content = content || p.mapper.Mapping(j).Field.Content()
			}
		}
		return used && dropUsed || content && p.dropContent
	})
	if p.dropContent {
		p.content.RemoveContentEvents(span.Events())
	}
}

// price fills the record's cost, which the writer writes, and reports whether the outcome
// counts: not when the span already has a cost, kept as it is. mayExist is false when the
// span has no mlflow.* key.
func (p *llmSpanProcessor) price(s *scratch, attrs pcommon.Map, mayExist bool) (cost.Outcome, bool) {
	outcome := cost.NotPriced
	if p.prices != nil {
		outcome = p.prices.Fill(&s.rec, &s.lastPrice)
	} else if s.rec.Cost.Set {
		outcome = cost.FromSource
	}
	if mayExist {
		if _, exists := attrs.Get(mlflow.AttrLLMCost); exists {
			return outcome, false
		}
	}
	return outcome, true
}

// countPrice counts a span's pricing outcome; a cost that did not fit max_value_size was not
// written, so it counts as not priced.
func (p *llmSpanProcessor) countPrice(s *scratch, outcome cost.Outcome, costSkipped bool) {
	if costSkipped {
		outcome = cost.NotPriced
	}
	s.priced[outcome]++
	if outcome != cost.UnknownModel {
		return
	}
	if _, counted := s.unknownModels[s.rec.Model]; counted || len(s.unknownModels) < maxUnknownModelsPerBatch {
		s.unknownModels[s.rec.Model]++
	}
}

// maxUnknownModelsPerBatch bounds the distinct models one batch reports as unknown.
const maxUnknownModelsPerBatch = 64

func (p *llmSpanProcessor) recordCostTelemetry(ctx context.Context, s *scratch) {
	if n := s.priced[cost.Priced]; n > 0 {
		p.telemetry.ProcessorLlmspanSpansPriced.Add(ctx, n, p.pricedTable...)
	}
	if n := s.priced[cost.FromSource]; n > 0 {
		p.telemetry.ProcessorLlmspanSpansPriced.Add(ctx, n, p.pricedSource...)
	}
	for model, n := range s.unknownModels {
		p.telemetry.ProcessorLlmspanCostUnknownModel.Add(ctx, n, metric.WithAttributes(attribute.String("model", model)))
	}
}

func (p *llmSpanProcessor) shutdown(context.Context) error {
	p.telemetry.Shutdown()
	return nil
}
