# otelcol-mlflow: build, run and test the distribution. `make help` lists the targets.

SHELL       := /usr/bin/env bash
GO          ?= go
ROOT        := $(CURDIR)
TOOLS       := $(ROOT)/.tools
OCB         := $(TOOLS)/builder
OCB_VERSION := v0.161.0
VENV        := $(ROOT)/.venv
BIN         := bin/otelcol-mlflow
GO_SOURCES  := $(shell find processor exporter receiver converter internal -name '*.go' -not -name '*_test.go' 2>/dev/null)
GO_DIRS     := $(wildcard cmd processor exporter receiver internal e2e tools deploy)
COMPONENTS  := $(patsubst %/metadata.yaml,%,$(wildcard processor/*/metadata.yaml exporter/*/metadata.yaml receiver/*/metadata.yaml))

export PATH := $(PATH):$(shell $(GO) env GOROOT)/bin

.PHONY: help all build run demo test unit e2e backends deploy-check corpus conformance lint generate venv bench bench-instructions clean

help: ## list targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

all: lint build test

build: $(BIN) ## build bin/otelcol-mlflow with ocb

$(OCB):
	GOBIN=$(TOOLS) $(GO) install go.opentelemetry.io/collector/cmd/builder@$(OCB_VERSION)

# ocb runs `go mod tidy`, which also resolves test-only dependencies of dependencies; the module
# proxy here refuses some of those, and -e lets tidy skip them.
$(BIN): $(OCB) builder-config.yaml go.mod $(GO_SOURCES)
	GOFLAGS="-e -mod=mod" $(OCB) --config builder-config.yaml
	# cp to a new file, then rename: a collector still running from $(BIN) keeps its old file.
	mkdir -p bin && cp _build/otelcol-mlflow $(BIN).new && mv -f $(BIN).new $(BIN)

venv: $(VENV)/.installed ## create .venv with the pinned Python packages (MLflow server, instrumentation)

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

run: build venv ## start a local MLflow server (SQLite) and the collector with config.yaml
	scripts/run.sh

demo: venv ## send one traced LLM conversation to a running `make run` (stub LLM included)
	scripts/demo.sh

test: lint unit e2e deploy-check ## everything CI runs: lint, unit, end-to-end against a real MLflow, deploy manifests

unit: venv ## unit and component tests (the exporter's also start a real MLflow server)
	$(GO) test -count=1 ./...

backends: ## install real Zipkin and Jaeger and the Datadog intake stand-in into .tools/
	scripts/install-backends.sh

e2e: build venv backends ## end-to-end: real MLflow, Jaeger, Zipkin; the built collector; real instrumented apps
	$(GO) test -count=1 -tags e2e -timeout 40m -v ./e2e/...

deploy-check: build ## Kubernetes manifests (strict decoding, invariants), Helm values, Dockerfile, `otelcol-mlflow validate`
	cd deploy && $(GO) test -count=1 ./...

corpus: ## re-record llmspan's golden inputs from the real instrumentation libraries (.venv-corpus/)
	scripts/record-corpus.sh

conformance: venv ## MLflow's own translation vs this collector, per library and scenario -> CONFORMANCE.md
	scripts/conformance.sh

lint: ## gofmt and go vet
	@out=$$(gofmt -l $(GO_DIRS)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags e2e ./e2e/...
	cd deploy && $(GO) vet ./...

generate: ## regenerate mdatagen code and docs of every component
	@for c in $(COMPONENTS); do echo "mdatagen $$c"; (cd $$c && $(GO) tool mdatagen metadata.yaml) || exit 1; done

bench: build venv ## throughput/CPU/RSS and MLflow delivery, each against a same-run baseline -> BENCHMARKS.md
	$(GO) test -run '^$$' -bench . -benchmem ./processor/...
	scripts/bench.sh

bench-instructions: ## llmspan benchmarks' instructions per span (valgrind), next to BASE=<git ref> if set
	scripts/bench-instructions.sh $(BASE)

clean: ## remove build outputs
	rm -rf bin _build
