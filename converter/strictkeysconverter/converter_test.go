package strictkeysconverter

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"go.yaml.in/yaml/v3"
)

func convert(t *testing.T, text string) error {
	t.Helper()
	var raw map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(text), &raw))
	conf := confmap.NewFromStringMap(raw)
	before := conf.ToStringMap()
	err := NewFactory().Create(confmap.ConverterSettings{}).Convert(t.Context(), conf)
	assert.Equal(t, before, conf.ToStringMap(), "the configuration is not changed")
	return err
}

// TestUnknownKeys: a key no field reads fails, for each stock component that would ignore it,
// under its name and its deprecated alias.
func TestUnknownKeys(t *testing.T) {
	for _, tt := range []struct{ config, want string }{
		{"receivers: {otlp: {protocols: {http: {endpont: 127.0.0.1:4318}}}}", "receivers::otlp: invalid keys: protocols::http::endpont"},
		{"receivers: {zipkin/in: {endpont: x}}", "receivers::zipkin/in: invalid keys: endpont"},
		{"receivers: {jaeger: {protocols: {thrift_http: {endpont: x}}}}", "receivers::jaeger: invalid keys: protocols::thrift_http::endpont"},
		{"exporters: {otlp_http/jaeger: {endpoint: http://x, endpont: x, compresion: gzip}}", "exporters::otlp_http/jaeger: invalid keys: compresion, endpont"},
		{"exporters: {otlphttp: {endpont: x}}", "exporters::otlphttp: invalid keys: endpont"},
		{"exporters: {zipkin: {endpont: x}}", "exporters::zipkin: invalid keys: endpont"},
		{"exporters: {datadog: {hostname: x, api: {key: k}, endpont: x}}", "exporters::datadog: invalid keys: endpont"},
		{"extensions: {zpages: {endpont: x}}", "extensions::zpages: invalid keys: endpont"},
		{"receivers: {otlp: {protocols: {http: {endpont: x}}}}\nextensions: {zpages: {endpont: x}}",
			"extensions::zpages: invalid keys: endpont\nreceivers::otlp: invalid keys: protocols::http::endpont"},
	} {
		err := convert(t, tt.config)
		require.Error(t, err, tt.config)
		assert.Equal(t, tt.want, err.Error())
	}
}

// TestKnownKeys: what the components read passes: every key of their default configs, and
// sections this converter leaves to the collector.
func TestKnownKeys(t *testing.T) {
	for section, factories := range lax {
		for _, f := range factories {
			conf := confmap.New()
			require.NoError(t, conf.Marshal(f.CreateDefaultConfig()))
			full := confmap.NewFromStringMap(map[string]any{section: map[string]any{f.Type().String() + "/all": conf.ToStringMap()}})
			assert.NoError(t, NewFactory().Create(confmap.ConverterSettings{}).Convert(t.Context(), full), "%s %s", section, f.Type())
		}
	}
	for _, config := range []string{
		"receivers: {otlp: {protocols: {grpc: {endpoint: x}, http: {endpoint: x, traces_url_path: /t, cors: {allowed_origins: [x]}}}}}",
		"receivers: {otlp: }",                            // no settings
		"receivers: {mlflow: {endpont: x}}",              // not a stock component: it checks itself
		"exporters: {otlp_grpc: {endpont: x}}",           // a stock component the collector checks
		"exporters: [otlp_http]",                         // not a map: the collector says so
		"exporters: {otlp_http: {endpoint: '${env:X}'}}", // as found after expansion
	} {
		assert.NoError(t, convert(t, config), config)
	}
}

// TestRepoConfigs: the configurations this repository ships pass.
func TestRepoConfigs(t *testing.T) {
	files, err := filepath.Glob("../../configs/*.yaml")
	require.NoError(t, err)
	files = append(files, "../../config.yaml")
	require.Greater(t, len(files), 1)
	for _, file := range files {
		text, err := os.ReadFile(file)
		require.NoError(t, err)
		assert.NoError(t, convert(t, string(text)), file)
	}
}
