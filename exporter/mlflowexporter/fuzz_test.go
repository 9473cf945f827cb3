package mlflowexporter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// FuzzWithRepairs: the repair pass never panics, never changes its input, and leaves nothing to
// repair: a second pass over what it returns repairs nothing. Inputs are OTLP protobuf
// requests, seeded with the refusal cases.
func FuzzWithRepairs(f *testing.F) {
	for _, c := range attrCases {
		body, err := ptraceotlp.NewExportRequestFromTraces(newAttrCaseTraces(c)).MarshalProto()
		require.NoError(f, err)
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := ptraceotlp.NewExportRequest()
		if req.UnmarshalProto(body) != nil {
			return
		}
		td := req.Traces()
		before := ptrace.NewTraces()
		td.CopyTo(before)

		repaired, done := withRepairs(td)

		assert.Equal(t, before, td, "the input is not changed")
		_, again := withRepairs(repaired)
		assert.Zero(t, again.total(), "after %v, still to repair: %v", done, again)
	})
}
