// Package strictconf finds configuration keys that no field of a component's config reads.
//
// confighttp's ClientConfig and ServerConfig decode with confmap.WithIgnoreUnused, because
// components squash-embed them beside their own fields (collector v0.161.0; see
// open-telemetry/opentelemetry-collector#15907). A component that embeds one therefore accepts
// any key: a typo such as experiment_nam, or endpont in a receiver that then listens on its
// default address, was silently ignored. Check restores the error the collector gives for
// other components.
package strictconf // import "github.com/otelcol-mlflow/otelcol-mlflow/internal/strictconf"

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.opentelemetry.io/collector/confmap"
)

// optionalPkg holds configoptional.Optional, a struct whose value field holds the section and
// which also takes an "enabled" key.
const optionalPkg = "go.opentelemetry.io/collector/config/configoptional"

// Check returns an error naming every key of conf, nested ones as a::b, that cfg (a pointer to
// a config struct) has no field for; nil when every key is read.
func Check(conf *confmap.Conf, cfg any) error {
	var unknown []string
	walk(conf.ToStringMap(), reflect.TypeOf(cfg).Elem(), "", &unknown)
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return fmt.Errorf("invalid keys: %s", strings.Join(unknown, ", "))
}

func walk(m map[string]any, t reflect.Type, path string, unknown *[]string) {
	fields := map[string]reflect.Type{}
	addFields(fields, t)
	for k, v := range m {
		ft, ok := fields[strings.ToLower(k)]
		if !ok {
			*unknown = append(*unknown, path+k)
			continue
		}
		sub, isMap := v.(map[string]any)
		st, optional := section(ft)
		if !isMap || st == nil {
			continue // a value, a list, a map of anything, or a type that decodes itself
		}
		if optional {
			sub = withoutKey(sub, "enabled")
		}
		walk(sub, st, path+k+confmap.KeyDelimiter, unknown)
	}
}

// addFields adds t's fields by their mapstructure names, those of squashed structs included.
func addFields(fields map[string]reflect.Type, t reflect.Type) {
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
		switch {
		case name == "-":
		case slices.Contains(strings.Split(opts, ","), "squash"):
			addFields(fields, deref(f.Type))
		case name == "":
			fields[strings.ToLower(f.Name)] = f.Type
		default:
			fields[name] = f.Type
		}
	}
}

// section returns the struct a key's map value decodes into, unwrapping pointers and
// configoptional.Optional (optional reports it), or nil when the field is not a struct of
// mapstructure fields.
func section(t reflect.Type) (st reflect.Type, optional bool) {
	t = deref(t)
	if t.Kind() != reflect.Struct {
		return nil, false
	}
	if t.PkgPath() == optionalPkg && strings.HasPrefix(t.Name(), "Optional[") {
		if v, ok := t.FieldByName("value"); ok {
			st, _ := section(v.Type)
			return st, st != nil
		}
		return nil, false
	}
	for f := range t.Fields() {
		if _, ok := f.Tag.Lookup("mapstructure"); ok {
			return t, false
		}
	}
	return nil, false
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func withoutKey(m map[string]any, key string) map[string]any {
	if _, ok := m[key]; !ok {
		return m
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}
