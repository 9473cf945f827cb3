package strtab

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTable(t *testing.T) {
	m := map[string]int{"": 1, "a": 2, "gen_ai": 3, "gen_ai.usage.input_tokens": 4, "gen_ai.usage.output_tokens": 5, "llm.token_count.prompt": 6}
	for i := range 300 {
		m[fmt.Sprintf("gen_ai.key.%d_tokens", i)] = 100 + i
	}
	tab := New(m)
	assert.Equal(t, len(m), tab.Len())
	for k, v := range m {
		got, ok := tab.Get(k)
		assert.True(t, ok, k)
		assert.Equal(t, v, got, k)
	}
	for _, k := range []string{"b", "gen_ai.", "gen_ai.usage.input_tokenz", "llm.token_count.prompts", "gen_ai.key.300_tokens"} {
		_, ok := tab.Get(k)
		assert.False(t, ok, k)
	}
	all := map[string]int{}
	for k, v := range tab.All() {
		all[k] = v
	}
	assert.Equal(t, m, all)
}

func TestEmpty(t *testing.T) {
	tab := New[int](nil)
	_, ok := tab.Get("x")
	assert.False(t, ok)
	assert.Equal(t, 0, tab.Len())
}

var sink bool

func BenchmarkGet(b *testing.B) {
	keys := []string{"gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "server.address"}
	m := map[string]bool{}
	for _, k := range keys[:5] {
		m[k] = true
	}
	for i := range 40 {
		m[fmt.Sprintf("gen_ai.other.key_%d", i)] = true
	}
	tab := New(m)
	b.Run("strtab", func(b *testing.B) {
		for range b.N {
			for _, k := range keys {
				v, _ := tab.Get(k)
				sink = sink != v
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		for range b.N {
			for _, k := range keys {
				v := m[k]
				sink = sink != v
			}
		}
	})
}
