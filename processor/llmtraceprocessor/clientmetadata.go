package llmtraceprocessor // import "github.com/otelcol-mlflow/otelcol-mlflow/processor/llmtraceprocessor"

import (
	"context"
	"slices"
	"strings"

	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/otel/attribute"
)

// clientMetadata is the part of a request's client metadata (a receiver's include_metadata)
// that follows its spans through the buffer: the values of the configured metadata_keys, as
// the batch processor's metadata_keys keep them.
type clientMetadata struct {
	key    attribute.Distinct // comparable: spans of one trace with other values are held apart
	values map[string][]string
}

// metadataKeys are the configured metadata_keys, lower-cased and sorted.
type metadataKeys []string

func newMetadataKeys(keys []string) metadataKeys {
	out := make(metadataKeys, len(keys))
	for i, k := range keys {
		out[i] = strings.ToLower(k)
	}
	slices.Sort(out)
	return out
}

// of reads the metadata of the request ctx belongs to; without keys, none.
func (ks metadataKeys) of(ctx context.Context) clientMetadata {
	if len(ks) == 0 {
		return clientMetadata{}
	}
	info := client.FromContext(ctx)
	attrs := make([]attribute.KeyValue, 0, len(ks))
	values := make(map[string][]string, len(ks))
	for _, k := range ks {
		vs := info.Metadata.Get(k)
		values[k] = vs
		if len(vs) == 1 {
			attrs = append(attrs, attribute.String(k, vs[0]))
		} else {
			attrs = append(attrs, attribute.StringSlice(k, vs))
		}
	}
	set := attribute.NewSet(attrs...)
	return clientMetadata{key: set.Equivalent(), values: values}
}

// context returns ctx with this metadata as its only client information: released spans go
// on with the metadata of the requests that brought them, never with that of the request whose
// call released them, which may be another client's.
func (m clientMetadata) context(ctx context.Context) context.Context {
	return client.NewContext(ctx, client.Info{Metadata: client.NewMetadata(m.values)})
}
