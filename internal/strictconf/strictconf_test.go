package strictconf

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/confmap"
)

type inner struct {
	Size int `mapstructure:"size"`
}

type Embedded struct {
	Endpoint string `mapstructure:"endpoint"`
}

type config struct {
	Embedded `mapstructure:",squash"`
	Name     string                         `mapstructure:"name"`
	Section  inner                          `mapstructure:"section"`
	Optional configoptional.Optional[inner] `mapstructure:"optional"`
	Pointer  *inner                         `mapstructure:"pointer"`
	Values   map[string]any                 `mapstructure:"values"`
	Untagged int
	_        struct{}
}

func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		name    string
		conf    map[string]any
		wantErr string
	}{
		{name: "every key read", conf: map[string]any{
			"endpoint": "x", "name": "n", "section": map[string]any{"size": 1},
			"optional": map[string]any{"enabled": true, "size": 2}, "pointer": map[string]any{"size": 3},
			"values": map[string]any{"anything": map[string]any{"goes": 1}}, "untagged": 4,
		}},
		{name: "typos at every level", conf: map[string]any{
			"endpont": "x", "section": map[string]any{"sise": 1}, "optional": map[string]any{"sizes": 2},
			"pointer": map[string]any{"enabled": true},
		}, wantErr: "invalid keys: endpont, optional::sizes, pointer::enabled, section::sise"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(confmap.NewFromStringMap(tt.conf), &config{})
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tt.wantErr)
		})
	}
}
