package mlflowexporter // import "github.com/otelcol-mlflow/otelcol-mlflow/exporter/mlflowexporter"

import (
	"context"
	"fmt"
	"sync"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.uber.org/zap"
	"golang.org/x/sync/singleflight"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

// experiments resolves experiment names to ids through the REST API, creating the experiments
// that do not exist, and remembers each id until forgotten. Failures are not remembered: the
// next batch asks again.
type experiments struct {
	api       *mlflow.Client
	logger    *zap.Logger
	onCreated func(ctx context.Context)

	ids      sync.Map // name → id
	inflight singleflight.Group
}

// id returns the id of the experiment ref names.
func (e *experiments) id(ctx context.Context, ref experimentRef) (string, error) {
	if ref.id != "" {
		return ref.id, nil
	}
	if id, ok := e.ids.Load(ref.name); ok {
		return id.(string), nil
	}
	// Concurrent batches naming the same experiment share one lookup, and at most one create.
	// It must not end with the batch that started it, which would fail the others; the HTTP
	// client's timeout bounds it. Each batch waits for it only as long as its own ctx allows.
	shared := context.WithoutCancel(ctx)
	result := e.inflight.DoChan(ref.name, func() (any, error) {
		id, err := e.resolve(shared, ref.name)
		if err == nil {
			e.ids.Store(ref.name, id)
		}
		return id, err
	})
	select {
	case r := <-result:
		return r.Val.(string), r.Err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// forget drops the id remembered for name, if it is still id, so that name is resolved again.
func (e *experiments) forget(name, id string) {
	e.ids.CompareAndDelete(name, id)
}

func (e *experiments) resolve(ctx context.Context, name string) (string, error) {
	id, err := e.lookup(ctx, name)
	if !mlflow.IsNotFound(err) {
		return id, err
	}
	id, err = e.api.CreateExperiment(ctx, name)
	if mlflow.IsAlreadyExists(err) {
		// Someone else (another collector, say) created it since the lookup.
		return e.lookup(ctx, name)
	}
	if err != nil {
		return "", fmt.Errorf("creating experiment %q: %w", name, err)
	}
	e.logger.Info("Created MLflow experiment", zap.String("experiment_name", name), zap.String("experiment_id", id))
	e.onCreated(ctx)
	return id, nil
}

func (e *experiments) lookup(ctx context.Context, name string) (string, error) {
	exp, err := e.api.GetExperimentByName(ctx, name)
	if err != nil {
		return "", fmt.Errorf("looking up experiment %q: %w", name, err)
	}
	if exp.Deleted() {
		return "", consumererror.NewPermanent(fmt.Errorf(
			"experiment %q (id %s) is deleted: restore it, or delete it for good so it can be created again", name, exp.ID))
	}
	return exp.ID, nil
}
