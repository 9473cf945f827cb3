package llmtraceprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/consumer/consumertest"
)

// fromClient returns a context of a request whose client sent the given metadata.
func fromClient(t *testing.T, md map[string][]string) context.Context {
	return client.NewContext(t.Context(), client.Info{Metadata: client.NewMetadata(md)})
}

// tenantsOf returns, for each batch the sink received, the X-Tenant metadata it came with and
// its trace ids (last byte) with span counts.
func tenantsOf(sink *consumertest.TracesSink) []tenantBatch {
	var out []tenantBatch
	for i, m := range received(sink) {
		out = append(out, tenantBatch{tenant: client.FromContext(sink.Contexts()[i]).Metadata.Get("x-tenant"), spans: m})
	}
	return out
}

type tenantBatch struct {
	tenant []string
	spans  map[byte]int
}

func TestMetadataKeysFollowTheSpans(t *testing.T) {
	sink := new(consumertest.TracesSink)
	cfg := defaultConfig()
	cfg.RootGracePeriod = 0
	cfg.MetadataKeys = []string{"X-Tenant"}
	p, _ := newTestProcessor(t, cfg, sink)
	a := fromClient(t, map[string][]string{"X-Tenant": {"a"}, "Authorization": {"secret-a"}})
	b := fromClient(t, map[string][]string{"X-Tenant": {"b"}})

	// Two clients' spans with one trace id are two traces: neither's root completes the other's.
	require.NoError(t, p.ConsumeTraces(a, newTrace(1, child(2, 1))))
	require.NoError(t, p.ConsumeTraces(b, newTrace(1, child(3, 1))))
	require.NoError(t, p.ConsumeTraces(b, newTrace(1, root(1, "root", nil))))
	assert.Equal(t, []tenantBatch{{tenant: []string{"b"}, spans: map[byte]int{1: 2}}}, tenantsOf(sink))
	assert.Equal(t, 1, p.buf.len(), "client a's span is still held")
	assert.Empty(t, client.FromContext(sink.Contexts()[0]).Metadata.Get("authorization"), "only the listed keys go on")

	// Released by client b's call, client a's trace still goes on with a's metadata, in a
	// batch of its own.
	require.NoError(t, p.ConsumeTraces(a, newTrace(2, root(1, "root", nil))))
	require.NoError(t, p.ConsumeTraces(b, newTrace(3, root(1, "root", nil))))
	p.mu.Lock()
	rels := p.buf.all()
	p.mu.Unlock()
	p.send(b, rels)
	got := tenantsOf(sink)
	require.Len(t, got, 4)
	assert.Equal(t, tenantBatch{tenant: []string{"a"}, spans: map[byte]int{2: 1}}, got[1])
	assert.Equal(t, tenantBatch{tenant: []string{"b"}, spans: map[byte]int{3: 1}}, got[2])
	assert.Equal(t, tenantBatch{tenant: []string{"a"}, spans: map[byte]int{1: 1}}, got[3])
}

func TestWithoutMetadataKeysNoClientMetadataGoesOn(t *testing.T) {
	sink := new(consumertest.TracesSink)
	cfg := defaultConfig()
	cfg.RootGracePeriod = 0
	p, clock := newTestProcessor(t, cfg, sink)
	a := fromClient(t, map[string][]string{"X-Tenant": {"a"}})
	b := fromClient(t, map[string][]string{"X-Tenant": {"b"}})

	require.NoError(t, p.ConsumeTraces(a, newTrace(1, child(2, 1))))
	clock.advance(cfg.WaitDuration + time.Second)
	// Client b's call releases a's timed-out trace with its own: neither carries b's metadata.
	require.NoError(t, p.ConsumeTraces(b, newTrace(2, root(1, "root", nil))))
	assert.Equal(t, []tenantBatch{{spans: map[byte]int{1: 1, 2: 1}}}, tenantsOf(sink))
}
