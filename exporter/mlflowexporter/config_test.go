package mlflowexporter

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter/internal/metadata"
)

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

	full := createDefaultConfig().(*Config)
	full.ClientConfig.Endpoint = "https://mlflow.example.com/tracking"
	full.ClientConfig.Timeout = 10 * time.Second
	full.ClientConfig.Compression = configcompression.Type("none")
	full.ClientConfig.Headers = configopaque.MapList{{Name: "x-tenant", Value: "acme"}}
	full.ClientConfig.TLS.CAFile = "/etc/ssl/mlflow-ca.pem"
	full.ExperimentName = "support-agent"
	queue := full.QueueConfig.Get()
	queue.NumConsumers = 2
	queue.QueueSize = 100
	storage := component.MustNewID("file_storage")
	queue.StorageID = &storage
	full.RetryConfig.InitialInterval = time.Second
	full.RetryConfig.MaxInterval = 30 * time.Second
	full.RetryConfig.MaxElapsedTime = 10 * time.Minute

	tests := []struct {
		name    string
		want    func(*Config)
		wantCfg *Config
		wantErr string
	}{
		{name: "", want: func(c *Config) { c.ClientConfig.Endpoint = "http://mlflow:5000" }},
		{name: "by_id", want: func(c *Config) {
			c.ClientConfig.Endpoint = "http://mlflow:5000"
			c.ExperimentID = "42"
		}},
		{name: "full", wantCfg: full},
		{name: "no_endpoint", wantErr: "endpoint must be specified"},
		{name: "bad_scheme", wantErr: `endpoint "mlflow:5000" must start with http:// or https://`},
		{name: "both_experiments", wantErr: "experiment_id and experiment_name are mutually exclusive"},
		{name: "name_as_id", wantErr: `experiment_id "support-agent" must be a number; to name an experiment use experiment_name`},
		{name: "blank_name", wantErr: "experiment_name must not be blank"},
		{name: "experiment_header", wantErr: "headers must not set X-MLflow-Experiment-Id: the exporter sets it per request from experiment_id, experiment_name and routing"},
		{name: "zstd", wantErr: `compression "zstd" is not one the tracking server reads: use gzip, deflate or none`},
		{name: "no_request_cap", want: func(c *Config) {
			c.ClientConfig.Endpoint = "http://mlflow:5000"
			c.MaxSpansPerRequest = 0
		}},
		{name: "negative_request_cap", wantErr: "max_spans_per_request must not be negative, got -1 (0: no cap)"},
		{name: "long_name", wantErr: "experiment_name has 501 characters; MLflow takes at most 500"},
		{name: "routing", want: func(c *Config) {
			c.ClientConfig.Endpoint = "http://mlflow:5000"
			c.ExperimentID = "3"
			c.Routing = RoutingConfig{
				Attribute: "service.name",
				Table: []RoutingRule{
					{Value: "checkout-agent", ExperimentName: "checkout"},
					{Value: "support-bot", ExperimentID: "12"},
				},
				DefaultExperimentName: "other",
			}
		}},
		{name: "routing_bad", wantErr: "routing.table[0]: set exactly one of experiment_id and experiment_name"},
		{name: "routing_bad", wantErr: `routing.table[1]: value "checkout-agent" is already routed by routing.table[0]`},
		{name: "routing_bad", wantErr: "routing.table[2]: value must be specified"},
		{name: "routing_bad", wantErr: `routing.table[2].experiment_id "twelve" must be a number; to name an experiment use routing.table[2].experiment_name`},
		{name: "routing_bad", wantErr: "routing.default_experiment_id and routing.default_experiment_name are mutually exclusive"},
		{name: "routing_no_attribute", wantErr: "routing.attribute must be specified with routing.table and routing.default_*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, err := cm.Sub(component.NewIDWithName(metadata.Type, tt.name).String())
			require.NoError(t, err)
			cfg := createDefaultConfig()
			require.NoError(t, sub.Unmarshal(cfg))

			if tt.wantErr != "" {
				assert.ErrorContains(t, confmap.Validate(cfg), tt.wantErr)
				return
			}
			require.NoError(t, confmap.Validate(cfg))
			want := tt.wantCfg
			if want == nil {
				want = createDefaultConfig().(*Config)
				tt.want(want)
			}
			assert.Equal(t, want, cfg)
		})
	}
}

func TestConfigExperiment(t *testing.T) {
	assert.Equal(t, experimentRef{id: "0"}, (&Config{}).experiment())
	assert.Equal(t, experimentRef{id: "7"}, (&Config{ExperimentID: "7"}).experiment())
	assert.Equal(t, experimentRef{name: "agents"}, (&Config{ExperimentName: "agents"}).experiment())
	assert.Equal(t, experimentRef{name: "other"},
		(&Config{ExperimentID: "7", Routing: RoutingConfig{Attribute: "a", DefaultExperimentName: "other"}}).experiment())
}

func TestValidateDoesNotLeakPassword(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.ClientConfig.Endpoint = "ftp://user:s3cret@mlflow:5000"
	err := cfg.Validate()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret")
}

func TestUnknownKeys(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, "typos").String())
	require.NoError(t, err)
	err = sub.Unmarshal(createDefaultConfig())
	assert.ErrorContains(t, err, "invalid keys: experiment_nam, tls::insecure_skip_verfy")
}
