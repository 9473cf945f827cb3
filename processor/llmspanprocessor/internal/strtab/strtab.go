// Package strtab is a read-only string-keyed table for the lookups made for every attribute
// key of every span. Built once from a map, it hashes at most 16 bytes of a key (its length and
// its first and last 8 bytes) where a Go map hashes all of it, and probes a table kept at most
// half full, so that a lookup is mostly one slot and one string comparison.
package strtab // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmspanprocessor/internal/strtab"

import (
	"encoding/binary"
	"iter"
	"maps"
	"math/bits"
	"slices"
	"unsafe"
)

// Table maps strings to values of type V. It is safe for concurrent lookups.
type Table[V any] struct {
	slots []slot[V] // a power of two long, at most half used
	mask  uint64
	shift uint8 // 64 - log2(len(slots)): a slot is the hash's top bits, where every key bit counts
	n     int
}

type slot[V any] struct {
	key   string
	value V
	used  bool
}

const seed = 0x9e3779b97f4a7c15

// New returns a Table holding m.
func New[V any](m map[string]V) *Table[V] {
	size := 1 << bits.Len(uint(2*len(m))) // > 2*len(m): at least one slot stays free
	t := &Table[V]{slots: make([]slot[V], size), mask: uint64(size - 1), shift: uint8(65 - bits.Len(uint(size))), n: len(m)}
	// In sorted order, not the map's random one, so that probe lengths, and with them the cost
	// of a lookup, are the same in every process.
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		i := hash(k) >> t.shift
		for t.slots[i].used {
			i = (i + 1) & t.mask
		}
		t.slots[i] = slot[V]{key: k, value: v, used: true}
	}
	return t
}

// hash mixes the length and the first and last 8 bytes of k (of a shorter k, its first and
// last byte). Keys that share all of them ("gen_ai.usage.input_tokens",
// "gen_ai.usage.xxxxx_tokens") only cost a probe more.
func hash(k string) uint64 {
	n := len(k)
	a := uint64(n) << 56
	if n >= 8 {
		p := unsafe.Slice(unsafe.StringData(k), n) // a read-only view of k's bytes, not a copy
		a ^= binary.LittleEndian.Uint64(p) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(p[n-8:]), 31)
	} else if n > 0 {
		a ^= uint64(k[0]) | uint64(k[n-1])<<8
	}
	return a * seed
}

// Get returns the value of k and whether the table holds k.
func (t *Table[V]) Get(k string) (V, bool) {
	for i := hash(k) >> t.shift; t.slots[i].used; i = (i + 1) & t.mask {
		if t.slots[i].key == k {
			return t.slots[i].value, true
		}
	}
	var zero V
	return zero, false
}

// All yields every key and value, in no particular order.
func (t *Table[V]) All() iter.Seq2[string, V] {
	return func(yield func(string, V) bool) {
		for _, s := range t.slots {
			if s.used && !yield(s.key, s.value) {
				return
			}
		}
	}
}

// Len is the number of keys.
func (t *Table[V]) Len() int { return t.n }
