// Package anyjson converts between JSON text and pdata values without reflection: attribute
// values arrive either as strings holding JSON or as structured AnyValues, and both are read
// the same way once parsed.
package anyjson // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/anyjson"

import (
	"errors"
	"io"
	"strconv"

	jsoniter "github.com/json-iterator/go"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 64

var config = jsoniter.ConfigCompatibleWithStandardLibrary

// Parse decodes s, which must hold exactly one JSON value. ok is false when it does not.
func Parse(s string) (v pcommon.Value, ok bool) {
	// The Scanner reads well-formed input without copying it (strings are substrings of s).
	// Input it fails on for string contents or number text, where its rules are stricter,
	// json-iterator decides, as it always did; a structural error (truncated JSON, prose) fails
	// in both, and json-iterator, which copies s and builds values before it fails, is spared it.
	sc := NewScanner(s)
	v = pcommon.NewValueEmpty()
	if sc.value(v, 0) && sc.End() {
		return v, true
	}
	if !sc.unusual {
		return pcommon.NewValueEmpty(), false // json-iterator would fail as well
	}
	return parseIter(s)
}

// parseIter is Parse with json-iterator, for input the Scanner does not read.
func parseIter(s string) (v pcommon.Value, ok bool) {
	it := config.BorrowIterator([]byte(s))
	defer config.ReturnIterator(it)
	v = pcommon.NewValueEmpty()
	// Only whitespace may follow the value: looking further must hit the end of input.
	if !read(it, v, 0) || it.WhatIsNext() != jsoniter.InvalidValue || !errors.Is(it.Error, io.EOF) {
		return pcommon.NewValueEmpty(), false
	}
	return v, true
}

// Value returns v itself, or the value parsed from v when v is a string holding a JSON object
// or array: the two forms GenAI conventions allow for structured attributes.
func Value(v pcommon.Value) pcommon.Value {
	if v.Type() != pcommon.ValueTypeStr {
		return v
	}
	s := v.Str()
	if first := firstNonSpace(s); first != '{' && first != '[' {
		return v
	}
	if parsed, ok := Parse(s); ok {
		return parsed
	}
	return v
}

// StartsValue reports whether s, after whitespace, starts like a JSON value: callers that
// tried a cheaper reader first spare Parse prose that it cannot read.
func StartsValue(s string) bool {
	switch c := firstNonSpace(s); c {
	case '{', '[', '"', '-', 't', 'f', 'n':
		return true
	default:
		return c >= '0' && c <= '9'
	}
}

func firstNonSpace(s string) byte {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
		default:
			return s[i]
		}
	}
	return 0
}

func read(it *jsoniter.Iterator, v pcommon.Value, depth int) bool {
	if depth > maxDepth {
		return false
	}
	switch it.WhatIsNext() {
	case jsoniter.StringValue:
		v.SetStr(it.ReadString())
	case jsoniter.NumberValue:
		n := string(it.ReadNumber())
		if i, err := strconv.ParseInt(n, 10, 64); err == nil {
			v.SetInt(i)
		} else if f, err := strconv.ParseFloat(n, 64); err == nil {
			v.SetDouble(f)
		} else {
			return false
		}
	case jsoniter.BoolValue:
		v.SetBool(it.ReadBool())
	case jsoniter.NilValue:
		it.ReadNil()
	case jsoniter.ArrayValue:
		s := v.SetEmptySlice()
		ok := true
		it.ReadArrayCB(func(it *jsoniter.Iterator) bool {
			ok = read(it, s.AppendEmpty(), depth+1)
			return ok
		})
		if !ok {
			return false
		}
	case jsoniter.ObjectValue:
		m := v.SetEmptyMap()
		ok := true
		it.ReadObjectCB(func(it *jsoniter.Iterator, key string) bool {
			ok = read(it, m.PutEmpty(key), depth+1)
			return ok
		})
		if !ok {
			return false
		}
	default:
		return false
	}
	// A number at the very end of input reads up to EOF, which is not an error here.
	return it.Error == nil || errors.Is(it.Error, io.EOF)
}
