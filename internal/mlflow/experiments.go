package mlflow // import "github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"

import (
	"context"
	"net/url"
)

// Experiment is the part of an MLflow experiment the collector needs.
type Experiment struct {
	ID               string `json:"experiment_id"`
	Name             string `json:"name"`
	ArtifactLocation string `json:"artifact_location"`
	// LifecycleStage is "active" or "deleted".
	LifecycleStage string `json:"lifecycle_stage"`
}

// Deleted reports whether the experiment is in the trash (it can still be restored).
func (e *Experiment) Deleted() bool { return e.LifecycleStage == LifecycleDeleted }

// GetExperimentByName returns the experiment named name, deleted or not. A missing experiment
// is an error for which IsNotFound holds.
func (c *Client) GetExperimentByName(ctx context.Context, name string) (*Experiment, error) {
	return c.getExperiment(ctx, PathGetExperimentByName, url.Values{"experiment_name": {name}})
}

// GetExperiment returns the experiment with the given id.
func (c *Client) GetExperiment(ctx context.Context, id string) (*Experiment, error) {
	return c.getExperiment(ctx, PathGetExperiment, url.Values{"experiment_id": {id}})
}

func (c *Client) getExperiment(ctx context.Context, path string, query url.Values) (*Experiment, error) {
	var out struct {
		Experiment Experiment `json:"experiment"`
	}
	if err := c.get(ctx, path, query, &out); err != nil {
		return nil, err
	}
	return &out.Experiment, nil
}

// CreateExperiment creates an experiment and returns its id. If the name is taken (by a deleted
// experiment too), the error satisfies IsAlreadyExists.
func (c *Client) CreateExperiment(ctx context.Context, name string) (string, error) {
	var out struct {
		ID string `json:"experiment_id"`
	}
	if err := c.post(ctx, PathCreateExperiment, map[string]string{"name": name}, &out); err != nil {
		return "", err
	}
	return out.ID, nil
}
