package mlflowreceiver // import "github.com/otelcol-mlflow/otelcol-mlflow/receiver/mlflowreceiver"

import (
	"errors"
	"fmt"
	"net/http"
	"unicode/utf8"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// experiments answers the client's experiment calls and says how spans name the experiment an
// id stands for.
type experiments interface {
	getByName(w http.ResponseWriter, r *http.Request)
	get(w http.ResponseWriter, r *http.Request)
	create(w http.ResponseWriter, r *http.Request)
	// resourceAttribute returns the resource attribute the mlflow exporter routes spans of
	// experiment id by; ok is false for an id the receiver never issued.
	resourceAttribute(id string) (key, value string, ok bool)
}

// localExperiments serves experiments from the receiver's own registry.
type localExperiments struct {
	reg *registry
}

func (l *localExperiments) getByName(w http.ResponseWriter, r *http.Request) {
	lookup(w, r, "experiment_name", l.reg.byExperimentName, "Could not find experiment with name '%s'")
}

func (l *localExperiments) get(w http.ResponseWriter, r *http.Request) {
	lookup(w, r, "experiment_id", l.reg.byExperimentID, "No Experiment with id=%s exists")
}

// lookup answers the experiment named by query parameter param, as MLflow words its errors.
func lookup(w http.ResponseWriter, r *http.Request, param string, find func(string) (experiment, bool), notFound string) {
	key := r.URL.Query().Get(param)
	if key == "" {
		writeError(w, http.StatusBadRequest, codeInvalidParameter, "Missing value for required parameter '"+param+"'.")
		return
	}
	e, ok := find(key)
	if !ok {
		writeError(w, http.StatusNotFound, codeNotFound, fmt.Sprintf(notFound, key))
		return
	}
	writeExperiment(w, e)
}

func (l *localExperiments) create(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
	}
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.Name == "" {
		writeError(w, http.StatusBadRequest, codeInvalidParameter, "Missing value for required parameter 'name'.")
		return
	}
	if utf8.RuneCountInString(req.Name) > mlflow.MaxExperimentNameChars {
		// As the tracking server words it: the exporter could never create it there.
		writeError(w, http.StatusBadRequest, codeInvalidParameter, fmt.Sprintf("'name' exceeds the maximum length of %d characters", mlflow.MaxExperimentNameChars))
		return
	}
	id, err := l.reg.create(req.Name)
	switch {
	case errors.Is(err, errExperimentExists):
		writeError(w, http.StatusBadRequest, codeAlreadyExists, "Experiment '"+req.Name+"' already exists.")
	case err != nil:
		writeError(w, http.StatusInternalServerError, codeInternalError, err.Error())
	default:
		writeJSON(w, http.StatusOK, map[string]string{"experiment_id": id})
	}
}

func (l *localExperiments) resourceAttribute(id string) (string, string, bool) {
	e, ok := l.reg.byExperimentID(id)
	return mlflow.AttrExperimentName, e.Name, ok
}

// writeExperiment answers with an active experiment; the client refuses a deleted one.
func writeExperiment(w http.ResponseWriter, e experiment) {
	writeJSON(w, http.StatusOK, map[string]any{"experiment": map[string]any{
		"experiment_id":     e.ID,
		"name":              e.Name,
		"artifact_location": "mlflow-artifacts:/" + e.ID,
		"lifecycle_stage":   "active",
		"creation_time":     e.CreationTime,
		"last_update_time":  e.CreationTime,
		"tags":              []any{},
	}})
}
