//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"
)

// TestConfigKeyTyposFailAtStartup: the built collector refuses a key no setting reads, naming
// it, in stock components that embed confighttp (which would ignore it: the strictkeys
// converter) as in the distribution's own; the shipped config.yaml passes.
func TestConfigKeyTyposFailAtStartup(t *testing.T) {
	bin := filepath.Join(mlflowtest.RepoRoot(t), "bin", "otelcol-mlflow")
	validate := func(t *testing.T, config string) (string, error) {
		t.Helper()
		f := filepath.Join(t.TempDir(), "config.yaml")
		require.NoError(t, os.WriteFile(f, []byte(config), 0o600))
		out, err := exec.Command(bin, "validate", "--config", f).CombinedOutput()
		return string(out), err
	}
	pipeline := "\nservice: {pipelines: {traces: {receivers: [otlp], exporters: [%s]}}}\n"
	for _, tt := range []struct{ name, config, want string }{
		{"otlp receiver's http", "receivers: {otlp: {protocols: {http: {endpont: 127.0.0.1:4318}}}}\nexporters: {debug: }" + fmt.Sprintf(pipeline, "debug"),
			"receivers::otlp: invalid keys: protocols::http::endpont"},
		{"otlp_http exporter", "receivers: {otlp: {protocols: {grpc: }}}\nexporters: {otlp_http/jaeger: {endpoint: 'http://127.0.0.1:4318', compresion: none}}" + fmt.Sprintf(pipeline, "otlp_http/jaeger"),
			"exporters::otlp_http/jaeger: invalid keys: compresion"},
		{"mlflow exporter", "receivers: {otlp: {protocols: {grpc: }}}\nexporters: {mlflow: {endpoint: 'http://127.0.0.1:5000', experiment_nam: x}}" + fmt.Sprintf(pipeline, "mlflow"),
			"invalid keys: experiment_nam"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := validate(t, tt.config)
			require.Error(t, err, out)
			assert.Contains(t, out, tt.want)
		})
	}
	t.Run("config.yaml", func(t *testing.T) {
		cmd := exec.Command(bin, "validate", "--config", filepath.Join(mlflowtest.RepoRoot(t), "config.yaml"))
		out, err := cmd.CombinedOutput()
		assert.NoError(t, err, string(out))
	})
}
