package dialect // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/dialect"

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// MappedField is a Record field that a custom mapping fills from one span attribute.
type MappedField uint8

const (
	MapSpanType MappedField = iota
	MapInputs
	MapOutputs
	MapModel
	MapProvider
	MapSessionID
	MapUserID
	MapInputTokens
	MapOutputTokens
	MapTotalTokens
	MapCacheReadTokens
	MapCacheCreationTokens
	MapTools
	numMapped
)

var mappedFieldNames = [numMapped]string{
	MapSpanType:            "span_type",
	MapInputs:              "inputs",
	MapOutputs:             "outputs",
	MapModel:               "model",
	MapProvider:            "provider",
	MapSessionID:           "session_id",
	MapUserID:              "user_id",
	MapInputTokens:         "input_tokens",
	MapOutputTokens:        "output_tokens",
	MapTotalTokens:         "total_tokens",
	MapCacheReadTokens:     "cache_read_tokens",
	MapCacheCreationTokens: "cache_creation_tokens",
	MapTools:               "tools",
}

// MappedFieldNames lists the names ParseMappedField accepts, in order.
func MappedFieldNames() []string { return mappedFieldNames[:] }

// ParseMappedField returns the field named name.
func ParseMappedField(name string) (MappedField, bool) {
	for i, n := range mappedFieldNames {
		if n == name {
			return MappedField(i), true
		}
	}
	return 0, false
}

// Content reports whether the field becomes mlflow.spanInputs or mlflow.spanOutputs.
func (f MappedField) Content() bool { return f == MapInputs || f == MapOutputs }

// Mapping fills Field from the span attribute Attribute.
type Mapping struct {
	Attribute string
	Field     MappedField
	// Values, for MapSpanType, maps the attribute's values to span types; a value it does not
	// hold maps to nothing. Nil passes the value on as it is.
	Values map[string]string
	// Override replaces what the dialect read; otherwise the mapping only fills an empty field.
	Override bool
}

// Mapper applies custom mappings to records, with a lookup table built once.
type Mapper struct {
	mappings []Mapping
	index    map[string]int // attribute → mapping; attributes are unique
}

// NewMapper returns a Mapper for mappings, whose attributes must be distinct.
func NewMapper(mappings []Mapping) *Mapper {
	m := &Mapper{mappings: mappings, index: make(map[string]int, len(mappings))}
	for i, mp := range mappings {
		m.index[mp.Attribute] = i
	}
	return m
}

// Index returns the mapping of the attribute key.
func (m *Mapper) Index(key string) (int, bool) {
	i, ok := m.index[key]
	return i, ok
}

// Mapping returns mapping i.
func (m *Mapper) Mapping(i int) *Mapping { return &m.mappings[i] }

// MapScratch holds the per-span state of Apply; reuse it, one per goroutine.
type MapScratch struct {
	vals    []pcommon.Value
	present []bool
	// Applied reports, by mapping, whether its attribute's value went into the record.
	Applied []bool
}

// NewScratch returns a scratch sized for m.
func (m *Mapper) NewScratch() *MapScratch {
	n := len(m.mappings)
	return &MapScratch{vals: make([]pcommon.Value, n), present: make([]bool, n), Applied: make([]bool, n)}
}

// Apply fills rec from attrs, after the dialect: in list order, each mapping whose attribute is
// present fills its field when the field is empty or the mapping overrides, unless an earlier
// mapping already filled it. A value that cannot be read for its field (a count that is not a
// count, a span type its Values do not hold) is skipped. Apply reports whether any mapping
// applied.
func (m *Mapper) Apply(attrs pcommon.Map, rec *Record, sc *MapScratch) bool {
	clear(sc.present)
	clear(sc.Applied)
	found := false
	for k, v := range attrs.All() {
		if i, ok := m.index[k]; ok {
			sc.vals[i], sc.present[i], found = v, true, true
		}
	}
	if !found {
		return false
	}
	var filled uint32 // fields filled by a mapping, by MappedField
	applied := false
	for i := range m.mappings {
		mp := &m.mappings[i]
		if !sc.present[i] || filled&(1<<mp.Field) != 0 || !mp.Override && hasField(rec, mp.Field) {
			continue
		}
		if setField(rec, mp, sc.vals[i]) {
			filled |= 1 << mp.Field
			sc.Applied[i], applied = true, true
		}
	}
	clear(sc.vals) // hold no reference to the span
	return applied
}

func hasField(rec *Record, f MappedField) bool {
	switch f {
	case MapSpanType:
		return rec.SpanType != ""
	case MapInputs:
		return len(rec.Input.Messages) > 0 || rec.Input.Value.Set
	case MapOutputs:
		return len(rec.Output.Messages) > 0 || rec.Output.Value.Set
	case MapModel:
		return rec.Model != ""
	case MapProvider:
		return rec.Provider != ""
	case MapSessionID:
		return rec.SessionID != ""
	case MapUserID:
		return rec.UserID != ""
	case MapTools:
		return len(rec.Tools) > 0
	}
	return countOfField(rec, f).Set
}

func countOfField(rec *Record, f MappedField) *Count {
	switch f {
	case MapInputTokens:
		return &rec.Usage.Input
	case MapOutputTokens:
		return &rec.Usage.Output
	case MapTotalTokens:
		return &rec.Usage.Total
	case MapCacheReadTokens:
		return &rec.Usage.CacheRead
	case MapCacheCreationTokens:
		return &rec.Usage.CacheCreation
	}
	return &Count{}
}

// setField writes v into mp's field and reports whether it could.
func setField(rec *Record, mp *Mapping, v pcommon.Value) bool {
	switch mp.Field {
	case MapSpanType:
		s := strings.TrimSpace(scalarString(v))
		if mp.Values != nil {
			s = mp.Values[s]
		}
		if s == "" {
			return false
		}
		rec.SpanType = s
	case MapInputs, MapOutputs:
		if v.Type() == pcommon.ValueTypeEmpty {
			return false
		}
		p := &rec.Input
		if mp.Field == MapOutputs {
			p = &rec.Output
		}
		*p = Payload{Messages: p.Messages[:0], Value: Some(v)}
		rec.MessageFormat = "" // the dialect's native format does not describe this value
	case MapModel, MapProvider, MapSessionID, MapUserID:
		s := scalarString(v)
		if s == "" {
			return false
		}
		switch mp.Field {
		case MapModel:
			rec.Model = s
		case MapProvider:
			rec.Provider = lower(s)
		case MapSessionID:
			rec.SessionID = s
		default:
			rec.UserID = s
		}
	case MapTools:
		// Read after the dialect's tools, which a value that does not read must leave intact
		// (a reader may have written part of it before giving up); then replace them.
		n := len(rec.Tools)
		tools := appendToolDefinitions(rec.Tools, v)
		if len(tools) == n {
			return false
		}
		rec.Tools = append(tools[:0], tools[n:]...)
	default:
		n, ok := ParseCount(v)
		if !ok {
			return false
		}
		*countOfField(rec, mp.Field) = Count{N: n, Set: true}
	}
	return true
}
