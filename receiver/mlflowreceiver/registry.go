package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// defaultExperimentName is the experiment every tracking server has under id "0".
const defaultExperimentName = "Default"

var errExperimentExists = errors.New("experiment exists")

// experiment is one entry of the local registry.
type experiment struct {
	ID           string `json:"experiment_id"`
	Name         string `json:"name"`
	CreationTime int64  `json:"creation_time"`
}

// registry maps experiment names to ids for clients when there is no upstream MLflow server.
// Its ids are not MLflow's: spans carry the experiment name and the exporter resolves it.
//
// An id is derived from the name, so a registry that lost its file never hands a known id to
// another name; the file only lets ids issued before a restart be resolved back to names.
type registry struct {
	path string // empty: in memory only

	mu     sync.RWMutex
	byID   map[string]*experiment
	byName map[string]*experiment
}

// loadRegistry reads the registry at path, or starts an empty one if there is none or the file
// is empty (created ahead, as a mounted file may be).
func loadRegistry(path string) (*registry, error) {
	r := &registry{path: path, byID: map[string]*experiment{}, byName: map[string]*experiment{}}
	r.add(&experiment{ID: mlflow.DefaultExperimentID, Name: defaultExperimentName})
	if path == "" {
		return r, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("registry_file: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return r, nil
	}
	var file struct {
		Experiments []*experiment `json:"experiments"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("registry_file %s: %w", path, err)
	}
	for _, e := range file.Experiments {
		if e.ID != "" && e.Name != "" {
			r.add(e)
		}
	}
	return r, nil
}

func (r *registry) add(e *experiment) {
	r.byID[e.ID] = e
	r.byName[e.Name] = e
}

func (r *registry) byExperimentName(name string) (experiment, bool) { return r.find(r.byName, name) }

func (r *registry) byExperimentID(id string) (experiment, bool) { return r.find(r.byID, id) }

func (r *registry) find(m map[string]*experiment, key string) (experiment, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if e, ok := m[key]; ok {
		return *e, true
	}
	return experiment{}, false
}

// create registers name and returns its id; errExperimentExists if it is taken.
func (r *registry) create(name string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.byName[name]; ok {
		return "", errExperimentExists
	}
	id := idFor(name)
	for r.byID[id] != nil { // a hash collision: probe on
		n, _ := strconv.ParseUint(id, 10, 64)
		id = strconv.FormatUint((n+1)&(1<<63-1), 10)
	}
	e := &experiment{ID: id, Name: name, CreationTime: time.Now().UnixMilli()}
	r.add(e)
	if err := r.save(); err != nil {
		delete(r.byID, e.ID)
		delete(r.byName, e.Name)
		return "", err
	}
	return id, nil
}

// idFor derives a positive int64 id (MLflow ids are decimal) from an experiment name.
func idFor(name string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	return strconv.FormatUint(h.Sum64()&(1<<63-1), 10)
}

// save writes the registry atomically: a crash leaves the old file or the new one.
func (r *registry) save() error {
	if r.path == "" {
		return nil
	}
	file := struct {
		Experiments []*experiment `json:"experiments"`
	}{Experiments: make([]*experiment, 0, len(r.byID))}
	for _, e := range r.byID {
		if e.ID != mlflow.DefaultExperimentID {
			file.Experiments = append(file.Experiments, e)
		}
	}
	slices.SortFunc(file.Experiments, func(a, b *experiment) int { return strings.Compare(a.Name, b.Name) })
	data, err := json.MarshalIndent(file, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(r.path), filepath.Base(r.path)+".*")
	if err != nil {
		return fmt.Errorf("saving the experiment registry: %w", err)
	}
	defer os.Remove(tmp.Name())
	// Synced before the rename, so that after a crash the file is the old one or the new one,
	// never an empty one that would keep the collector from starting.
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if err != nil {
		_ = tmp.Close()
		return fmt.Errorf("saving the experiment registry: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the experiment registry: %w", err)
	}
	if err := os.Rename(tmp.Name(), r.path); err != nil {
		return fmt.Errorf("saving the experiment registry: %w", err)
	}
	return nil
}
