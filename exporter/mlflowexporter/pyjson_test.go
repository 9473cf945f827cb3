package mlflowexporter

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// The wanted texts are Python 3.11's json.dumps of the same values (ensure_ascii=False).
func TestPyFloat(t *testing.T) {
	for f, want := range map[float64]string{
		1.5: "1.5", 1e16: "1e+16", 1e15: "1000000000000000.0", 1234: "1234.0", 0.0001: "0.0001",
		0.00001: "1e-05", 1.5e-05: "1.5e-05", 123456789012345678: "1.2345678901234568e+17",
		math.Copysign(0, -1): "-0.0", 0: "0.0", -2.5e300: "-2.5e+300", math.NaN(): "NaN",
		math.Inf(1): "Infinity", 1.0 / 3: "0.3333333333333333", 100: "100.0", 5e-324: "5e-324",
	} {
		assert.Equal(t, want, pyFloat(f), "%v", f)
	}
}

func TestMLflowText(t *testing.T) {
	v := pcommon.NewValueSlice()
	v.Slice().AppendEmpty().SetStr("a\"\\\n\t\x01é😀")
	inner := v.Slice().AppendEmpty().SetEmptyMap().PutEmptySlice("k")
	inner.AppendEmpty().SetInt(1)
	inner.AppendEmpty().SetBool(true)
	inner.AppendEmpty()
	text, ok := mlflowText(v)
	assert.True(t, ok)
	assert.Equal(t, `["a\"\\\n\t\u0001é😀", {"k": [1, true, null]}]`, text)

	v.Slice().AppendEmpty().SetEmptyBytes().FromRaw([]byte("x"))
	_, ok = mlflowText(v)
	assert.False(t, ok, "bytes are dumped through repr")
}
