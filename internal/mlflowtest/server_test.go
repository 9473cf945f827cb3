package mlflowtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRepoRoot(t *testing.T) {
	root, err := repoRoot()
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(root, "go.mod"))
	wd, err := os.Getwd()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(wd, root+string(filepath.Separator)), "%s is not under %s", wd, root)
}

func TestMLflowBinOverride(t *testing.T) {
	t.Setenv(EnvMLflowBin, "/opt/mlflow/bin/mlflow")
	bin, err := mlflowBin()
	require.NoError(t, err)
	assert.Equal(t, "/opt/mlflow/bin/mlflow", bin)
}
