// Package strictkeysconverter fails the configuration, at startup, on keys that the stock
// components embedding confighttp would ignore.
//
// In collector v0.161.0, confighttp's ServerConfig and ClientConfig decode with
// confmap.WithIgnoreUnused, because components squash-embed them beside their own fields
// (open-telemetry/opentelemetry-collector#15907). Such a component then accepts any key at its
// level: a typo such as endpont in the otlp receiver's http protocol leaves it listening on its
// default address, without a word. This converter checks those sections against the
// components' config structs, as the collector checks every other component, and names each
// key no field reads. The distribution's own components check themselves (internal/strictconf).
package strictkeysconverter // import "github.com/otelcol-mlflow/otelcol-mlflow/converter/strictkeysconverter"

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/open-telemetry/opentelemetry-collector-contrib/exporter/datadogexporter"
	"github.com/open-telemetry/opentelemetry-collector-contrib/exporter/zipkinexporter"
	"github.com/open-telemetry/opentelemetry-collector-contrib/receiver/jaegerreceiver"
	"github.com/open-telemetry/opentelemetry-collector-contrib/receiver/zipkinreceiver"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/exporter/otlphttpexporter"
	"go.opentelemetry.io/collector/extension/zpagesextension"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/strictconf"
)

// lax lists, per section of the configuration, the stock components of this distribution that
// accept unknown keys (each checked with the built collector: a key such as endpont passed
// `otelcol-mlflow validate`). Other stock components refuse them already.
var lax = map[string][]component.Factory{
	"receivers":  {otlpreceiver.NewFactory(), zipkinreceiver.NewFactory(), jaegerreceiver.NewFactory()},
	"exporters":  {otlphttpexporter.NewFactory(), zipkinexporter.NewFactory(), datadogexporter.NewFactory()},
	"extensions": {zpagesextension.NewFactory()},
}

// aliased is a factory that also answers to a deprecated type name (otlphttp for otlp_http).
type aliased interface{ DeprecatedAlias() component.Type }

// NewFactory returns the converter's factory, for ocb's converters list.
func NewFactory() confmap.ConverterFactory {
	byType := map[string]map[string]component.Factory{}
	for section, factories := range lax {
		byType[section] = map[string]component.Factory{}
		for _, f := range factories {
			byType[section][f.Type().String()] = f
			if a, ok := f.(aliased); ok && a.DeprecatedAlias().String() != "" {
				byType[section][a.DeprecatedAlias().String()] = f
			}
		}
	}
	return confmap.NewConverterFactory(func(confmap.ConverterSettings) confmap.Converter {
		return converter{byType: byType}
	})
}

type converter struct {
	byType map[string]map[string]component.Factory // section -> type -> factory
}

// Convert changes nothing; it returns an error naming, per component, the keys no field of its
// config reads.
func (c converter) Convert(_ context.Context, conf *confmap.Conf) error {
	var errs []error
	for section, factories := range c.byType {
		components, err := conf.Sub(section)
		if err != nil {
			continue // not a map: the collector reports it
		}
		for id, raw := range components.ToStringMap() {
			typ, _, _ := strings.Cut(id, "/")
			f, ok := factories[typ]
			settings, isMap := raw.(map[string]any)
			if !ok || !isMap {
				continue
			}
			if err := strictconf.Check(confmap.NewFromStringMap(settings), f.CreateDefaultConfig()); err != nil {
				errs = append(errs, fmt.Errorf("%s::%s: %w", section, id, err))
			}
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}
