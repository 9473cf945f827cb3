package anyjson

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

func TestParseRoundTrip(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means the same as in
	}{
		{in: `{"a":1,"b":[true,null,"x"],"c":{"d":1.5}}`},
		{in: ` [ 1 , 2 ] `, want: `[1,2]`},
		{in: `"hello"`},
		{in: `123`},
		{in: `-1e3`, want: `-1000`},
		{in: `"caf\u00e9 \ud83d\ude00 \n"`, want: `"café 😀 \n"`},
		{in: `{}`},
		{in: `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			v, ok := Parse(tt.in)
			require.True(t, ok)
			var e Encoder
			e.Value(v)
			want := tt.want
			if want == "" {
				want = tt.in
			}
			assert.Equal(t, want, e.String())
		})
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a":}`, `[1,]`, `{"a":1} x`, `hello`, `1-2`, `{"a" 1}`, `[` + string(make([]byte, 100)) + `]`} {
		t.Run(in, func(t *testing.T) {
			_, ok := Parse(in)
			assert.False(t, ok)
		})
	}
	deep := ""
	for range maxDepth + 2 {
		deep = "[" + deep + "]"
	}
	_, ok := Parse(deep)
	assert.False(t, ok, "nesting beyond maxDepth")
}

func TestValue(t *testing.T) {
	assert.Equal(t, pcommon.ValueTypeSlice, Value(pcommon.NewValueStr(` [{"a":1}]`)).Type())
	assert.Equal(t, pcommon.ValueTypeStr, Value(pcommon.NewValueStr(`123`)).Type(), "only objects and arrays are parsed")
	assert.Equal(t, pcommon.ValueTypeStr, Value(pcommon.NewValueStr(`[oops`)).Type())
	assert.Equal(t, pcommon.ValueTypeInt, Value(pcommon.NewValueInt(1)).Type())
}

func TestEncoderStrings(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{"q\"b\\s/", `"q\"b\\s/"`},
		{"\x00\x1f\t\r\n", `"\u0000\u001f\t\r\n"`},
		{"bad\xffutf8", `"bad\ufffdutf8"`},
		{"<html>&", `"<html>&"`},
	}
	for _, tt := range tests {
		var e Encoder
		e.Str(tt.in)
		assert.Equal(t, tt.want, e.String())
		assert.True(t, json.Valid([]byte(e.String())))
	}
}

func TestEncoderStructure(t *testing.T) {
	var e Encoder
	e.ObjectStart()
	e.Key("a")
	e.ArrayStart()
	e.Int(1)
	e.Null()
	e.ObjectStart()
	e.ObjectEnd()
	e.ArrayEnd()
	e.Key("b")
	e.Str("x")
	e.ObjectEnd()
	assert.Equal(t, `{"a":[1,null,{}],"b":"x"}`, e.String())
	e.Reset()
	e.Value(pcommon.NewValueEmpty())
	assert.Equal(t, `null`, e.String())
}

func TestPlainLen(t *testing.T) {
	special := func(c byte) bool { return c < 0x20 || c >= 0x80 || c == '"' || c == '\\' }
	base := []byte("The quick brown fox jumps over the lazy dog, 0123456789!")
	for i := range base {
		for _, c := range []byte{0, 0x1f, 0x20, '"', '\\', 0x7f, 0x80, 0xff, '!', '#', '[', ']'} {
			s := append([]byte{}, base...)
			s[i] = c
			want := len(s)
			for j, b := range s {
				if special(b) {
					want = j
					break
				}
			}
			assert.Equal(t, want, plainLen(string(s)), "byte %#x at %d", c, i)
		}
	}
}

// FuzzParse checks that the Scanner reads every value it accepts as json-iterator does.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[true,null,"x\n\u00e9"],"c":{"d":1.5,"d":-2e3}}`, `[01, 1., "\ud83d\ude00"]`, `"x"`, `{"a":1} x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := Parse(in)
		want, wantOK := parseIter(in)
		if ok && !StartsValue(in) {
			t.Fatalf("Parse read %q, which StartsValue rules out", in)
		}
		require.Equal(t, wantOK, ok, in)
		if ok {
			require.Equal(t, want.AsRaw(), got.AsRaw(), in)
		}
	})
}

// FuzzJSON checks that Encoder.JSON writes what Parse then Encoder.Value write whenever it
// answers, and nothing when it does not.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":[true,null,"x\n\u00e9"],"c":{"d":1.5,"e":-2e3}}`, `{"a":1,"a":2}`, `{"a":{"b":1},"c":{"b":2}}`,
		`[01, 1., "\ud83d\ude00"]`, `"x"`, `{"a":1} x`, `1e999`, ` [ ] `, `{}`, `[{"":""}]`, `12345678901234567890`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var got Encoder
		got.ArrayStart()
		got.Str("before")
		ok := got.JSON(in)
		got.ArrayEnd()
		var want Encoder
		want.ArrayStart()
		want.Str("before")
		if ok {
			parsed, parsedOK := Parse(in)
			require.True(t, parsedOK, in)
			want.Value(parsed)
		}
		want.ArrayEnd()
		require.Equal(t, want.String(), got.String(), in)
	})
}

// TestStartsValue: Parse reads nothing that StartsValue rules out.
func TestStartsValue(t *testing.T) {
	for _, s := range []string{`{}`, ` [1]`, `"x"`, `-1`, `0`, `true`, `false`, `null`, "\n\t{"} {
		assert.True(t, StartsValue(s), s)
	}
	for _, s := range []string{``, `hello`, `Paris`, `'a'`, `}`, `]`, `+1`, `.5`, "\x00"} {
		assert.False(t, StartsValue(s), s)
		_, ok := Parse(s)
		assert.False(t, ok, s)
	}
}

// TestAppendFloatMatchesStrconv checks the fixed-point path against strconv on costs as the
// price table gives them (tokens × price per million), on their sums, and around the bounds.
func TestAppendFloatMatchesStrconv(t *testing.T) {
	prices := []float64{0.01, 0.02, 0.0375, 0.075, 0.1, 0.15, 0.3, 0.6, 1.1, 1.25, 2.5, 3, 4.4, 10, 15, 60, 75}
	fast, costs := 0, 0
	check := func(f float64) {
		t.Helper()
		want := strconv.AppendFloat(nil, f, 'g', -1, 64)
		if got := appendFloat(nil, f); string(got) != string(want) {
			t.Fatalf("appendFloat(%v) = %s, want %s", f, got, want)
		}
	}
	for tokens := int64(0); tokens < 200_000; tokens += 97 {
		for _, p := range prices {
			in := float64(tokens) * p / 1e6
			for _, c := range []float64{in, in + float64(tokens/3)*p*4/1e6} {
				check(c)
				_, ok := fixedDecimal(c)
				fast, costs = fast+btoi(ok), costs+1
			}
		}
	}
	// Most costs take the fixed-point path, or the test above shows little. The rest are
	// products that are not short decimals (291 × 1.1 / 1e6 = 0.00032010000000000003).
	require.Greater(t, fast, costs*2/3)
	for _, f := range []float64{0, math.Copysign(0, -1), 1e-12, math.Nextafter(1e-12, 0), 9.99999999e-5, 1e-4, math.Nextafter(1e-4, 0),
		1e3, math.Nextafter(1e3, 0), 0.1 + 0.2, 1.0 / 3, 999.999999999999, 123.456, 5e-324, 1e21, 6e-06, 1.32e-05, 7.936e-05} {
		check(f)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		check(-r.Float64())
		check(r.Float64() * 1000)
		check(math.Round(r.Float64()*1e9) / 1e9)
		check(float64(r.Int64N(1e8)) / 1e12) // strconv's exponential form
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func FuzzAppendFloat(f *testing.F) {
	for _, seed := range []float64{0.00203, 0.0020299999999999997, 1e-4, 999.5, 12.25, 3e-7} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		if got, want := appendFloat(nil, v), strconv.AppendFloat(nil, v, 'g', -1, 64); string(got) != string(want) {
			t.Fatalf("appendFloat(%v) = %s, want %s", v, got, want)
		}
	})
}

func TestRawCanonical(t *testing.T) {
	for in, want := range map[string]bool{
		`{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}`: true,
		`{"a":"x\"y\\z\n\r\t","b":[1,-2,0,true,false,null],"c":{}}`:               true,
		`[{"a":1},{"a":2}]`: true,
		`{"a": 1}`:          false, // whitespace
		"[1,\n2]":           false,
		`{"a":1,"a":2}`:     false, // Parse keeps the last value in the first place
		`{"a":"\u0041"}`:    false, // the Encoder writes "A"
		`{"a":"\/"}`:        false,
		`{"\u0061":1}`:      false,
		`[1.5]`:             false, // floats are left to the Encoder's shortest form
		`[1e2]`:             false,
		`[-0]`:              false,
		`[+1]`:              false,
		`[007]`:             false,
		`{"a":1`:            false, // not JSON
		`{"k0":0,"k1":0,"k2":0,"k3":0,"k4":0,"k5":0,"k6":0,"k7":0,"k8":0,"k9":0,"k10":0,"k11":0,"k12":0,"k13":0,"k14":0,"k15":0}`:         true,
		`{"k0":0,"k1":0,"k2":0,"k3":0,"k4":0,"k5":0,"k6":0,"k7":0,"k8":0,"k9":0,"k10":0,"k11":0,"k12":0,"k13":0,"k14":0,"k15":0,"k16":0}`: false, // more keys than tracked
	} {
		sc := NewScanner(in)
		text, canonical := sc.RawCanonical(0)
		assert.Equal(t, want, canonical, in)
		if canonical {
			assert.Equal(t, in, text)
		}
	}
	// Whitespace around the value is not part of its text.
	sc := NewScanner(` {"a":[1]} `)
	text, canonical := sc.RawCanonical(0)
	assert.True(t, canonical)
	assert.Equal(t, `{"a":[1]}`, text)
}

// FuzzRawCanonical checks that what RawCanonical calls canonical is what Encoder.JSON writes
// for it, so that copying the text writes the same.
func FuzzRawCanonical(f *testing.F) {
	for _, s := range []string{
		`{"type":"object","properties":{"q":{"type":"string"}}}`, `{"a":1,"a":2}`, `{"a":{"b":1},"c":{"b":2}}`,
		`[01, 1., "\ud83d\ude00"]`, `"x\n"`, `{"a":"\u00e9"}`, `12345678901234567890`, `[-0,+1,1e2]`, ` [ ] `,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sc := NewScanner(in)
		text, canonical := sc.RawCanonical(0)
		if !canonical {
			return
		}
		var e Encoder
		require.True(t, e.JSON(text), text)
		require.Equal(t, text, e.String())
	})
}

func TestShortPlain(t *testing.T) {
	for _, s := range []string{"", "user", "assistant", "call_abc123", "0123456789abcdef", "0123456789abcdefg", "a\"b", "tool\\", "héllo", "line\n", "12345678\t", "\x7f"} {
		assert.Equal(t, len(s) <= 16 && plainLen(s) == len(s), shortPlain(s), "%q", s)
	}
	// Every length, with each kind of byte that is not plain at each position.
	for n := range 18 {
		for i := range n {
			for _, c := range []byte{'"', '\\', '\n', 0x1f, 0x80, 0xff} {
				b := []byte(strings.Repeat("x", n))
				b[i] = c
				s := string(b)
				assert.Equal(t, len(s) <= 16 && plainLen(s) == len(s), shortPlain(s), "%q", s)
			}
		}
	}
}
