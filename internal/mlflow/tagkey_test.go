package mlflow

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The keys and verdicts are the real MLflow 3.17.2 server's answers to SetTraceTag.
func TestTraceTagKeyProblem(t *testing.T) {
	for key, refused := range map[string]bool{
		"ok key": false, "é-ü_1:2": false, "x.": false, strings.Repeat("é", 250): false, "team": false,
		"mlflow.traceName": false, "a/b": false,
		"a/../b": true, "bad!char": true, strings.Repeat("k", 251): true, "/abs": true, ".": true,
		"..x": true, "a//b": true, "tab\tkey": true, "": true, "a/": true,
	} {
		problem := TraceTagKeyProblem(key)
		assert.Equal(t, refused, problem != "", "%q: %s", key, problem)
	}
	assert.Equal(t, `Invalid value "bad!char" for parameter 'key' supplied: Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`, TraceTagKeyProblem("bad!char"))
	assert.Equal(t, "'key' exceeds the maximum length of 250 characters", TraceTagKeyProblem(strings.Repeat("k", 251)))
}
