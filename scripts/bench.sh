#!/usr/bin/env bash
# Benchmarks of otelcol-mlflow, each against a baseline measured in the same run, printed as ONE
# table and written with date, machine and versions to BENCHMARKS.md (or $BENCH_OUT).
#
#   scripts/bench.sh                   # needs bin/otelcol-mlflow (make build) and .venv (make venv)
#   BENCH_SECONDS=20 scripts/bench.sh  # longer throughput phases (default 15 s each)
#
# Everything runs on loopback; the load generator (tools/loadgen) shares the machine's cores with
# the collector, so throughput numbers are what the collector sustains next to its load. Takes
# about 6-7 minutes (BENCH_ROUNDS=1 for about 4).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BIN=$ROOT/bin/otelcol-mlflow
VENV=$ROOT/.venv
SECS=${BENCH_SECONDS:-15}
N_MLFLOW=${BENCH_MLFLOW_TRACES:-200} # traces per MLflow write method
OUT=${BENCH_OUT:-$ROOT/BENCHMARKS.md}
[ -x "$BIN" ] || { echo "bench: $BIN missing: run make build" >&2; exit 1; }
[ -x "$VENV/bin/mlflow" ] || { echo "bench: $VENV missing: run make venv" >&2; exit 1; }

WORK=$(mktemp -d)
PIDS=()
cleanup() {
	for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
	sleep 1
	for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT

log() { echo "bench: $*" >&2; }
free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # url, seconds
	for _ in $(seq 1 $(($2 * 5))); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done
	echo "bench: $1 not up" >&2; return 1
}
cpu_seconds() { # pid: user+system CPU seconds
	awk -v tck="$(getconf CLK_TCK)" '{print ($14 + $15) / tck}' "/proc/$1/stat"
}
rss_mib() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
metric_sum() { # port, metric name prefix (sums every series)
	curl -fsS "http://127.0.0.1:$1/metrics" | awk -v m="$2" 'index($0, m) == 1 && $1 !~ /^#/ {s += $NF} END {printf "%.0f", s}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
num() { awk -v a="$1" -v d="${2:-0}" 'BEGIN { printf "%.*f", d, a }'; }

log "building tools/loadgen"
go build -o "$WORK/loadgen" ./tools/loadgen
LOADGEN=$WORK/loadgen
# The OTTL subset of llmspan's work that the transform processor runs in the comparisons.
SUBSET=$ROOT/processor/llmspanprocessor/testdata/transform_subset.yaml

# start_collector NAME CONFIG: runs the collector in its own process group; sets COL_PID,
# COL_GRPC, COL_HTTP, COL_MLFLOW, COL_METRICS.
start_collector() {
	COL_GRPC=127.0.0.1:$(free_port) COL_HTTP=127.0.0.1:$(free_port) COL_MLFLOW=127.0.0.1:$(free_port)
	COL_METRICS=$(free_port)
	local health
	health=127.0.0.1:$(free_port)
	OTLP_GRPC_ENDPOINT=$COL_GRPC OTLP_HTTP_ENDPOINT=$COL_HTTP MLFLOW_RECEIVER_ENDPOINT=$COL_MLFLOW \
		HEALTH_CHECK_ENDPOINT=$health OTELCOL_METRICS_PORT=$COL_METRICS \
		setsid "$BIN" --config "$2" >"$WORK/$1.log" 2>&1 &
	COL_PID=$!
	PIDS+=("$COL_PID")
	disown "$COL_PID"
	wait_http "http://$health/" 60 || { tail -20 "$WORK/$1.log" >&2; exit 1; }
}
stop_collector() {
	kill -TERM -- "-$COL_PID" 2>/dev/null || true
	for _ in $(seq 1 100); do kill -0 "$COL_PID" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL -- "-$COL_PID" 2>/dev/null || true
}

# A collector config: receivers, processors and exporters of the one traces pipeline, plus
# component definitions (YAML, already indented by two spaces under their section).
write_config() { # file, processors, exporters, exporter definitions, receivers
	cat >"$1" <<EOF
extensions:
  health_check:
    endpoint: \${env:HEALTH_CHECK_ENDPOINT}
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "\${env:OTLP_GRPC_ENDPOINT}", max_recv_msg_size_mib: 64}
      http: {endpoint: "\${env:OTLP_HTTP_ENDPOINT}"}
  mlflow:
    endpoint: \${env:MLFLOW_RECEIVER_ENDPOINT}
processors:
  llmspan: {}
  transform: \${file:$SUBSET}
  batch: {send_batch_size: 512, timeout: 200ms}
exporters:
  debug: {verbosity: basic}
$4
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [${5:-otlp}]
      processors: [$2]
      exporters: [$3]
  telemetry:
    logs: {level: warn}
    metrics:
      readers:
        - pull: {exporter: {prometheus: {host: 127.0.0.1, port: "\${env:OTELCOL_METRICS_PORT}"}}}
EOF
}

# 1. Pipeline throughput and cost: OTLP in -> llmspan -> batch -> debug, against the same
#    pipeline without llmspan, and with transform running the OTTL subset instead. The three
#    alternate for ROUNDS rounds (a shared VM drifts within minutes) and the table gives each
#    one's median round; CPU and RSS at ~10k spans/s are read once, in the last, for llmspan
#    and plain.
ROUNDS=${BENCH_ROUNDS:-3}
declare -A SPS CPU RSS CORE10K
declare -A SPS_ALL CPU_ALL
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
for round in $(seq 1 "$ROUNDS"); do
	for variant in llmspan transform plain; do
		procs="batch"
		[ "$variant" != plain ] && procs="$variant, batch"
		write_config "$WORK/$variant.yaml" "$procs" debug ""
		start_collector "$variant" "$WORK/$variant.yaml"
		log "$variant, round $round/$ROUNDS: as fast as possible for ${SECS}s"
		cpu0=$(cpu_seconds "$COL_PID") sent0=$(metric_sum "$COL_METRICS" otelcol_exporter_sent_spans)
		t0=$(date +%s.%N)
		"$LOADGEN" -protocol grpc -endpoint "$COL_GRPC" -duration "${SECS}s" -workers 4 -batch 20 >"$WORK/$variant.loadgen"
		sleep 1 # the last batch
		t1=$(date +%s.%N) cpu1=$(cpu_seconds "$COL_PID") sent1=$(metric_sum "$COL_METRICS" otelcol_exporter_sent_spans)
		spans=$((sent1 - sent0))
		sps=$(awk -v s="$spans" -v a="$t0" -v b="$t1" 'BEGIN {print s / (b - a)}')
		cpu=$(awk -v c0="$cpu0" -v c1="$cpu1" -v s="$spans" 'BEGIN {print (c1 - c0) / s * 1e6}')
		SPS_ALL[$variant]+="$sps " CPU_ALL[$variant]+="$cpu "
		log "$variant: $(cat "$WORK/$variant.loadgen")"
		log "$variant: collector exported $spans spans, $(num "$cpu" 2) CPU µs per span"
		if [ "$round" = "$ROUNDS" ] && [ "$variant" != transform ]; then
			log "$variant: ~10k spans/s for ${SECS}s"
			cpu0=$(cpu_seconds "$COL_PID") t0=$(date +%s.%N)
			"$LOADGEN" -protocol grpc -endpoint "$COL_GRPC" -duration "${SECS}s" -rate 500 -min-spans 20 -max-spans 20 -workers 4 >"$WORK/$variant.rss.loadgen"
			t1=$(date +%s.%N) cpu1=$(cpu_seconds "$COL_PID")
			RSS[$variant]=$(rss_mib "$COL_PID")
			CORE10K[$variant]=$(awk -v c0="$cpu0" -v c1="$cpu1" -v a="$t0" -v b="$t1" 'BEGIN {print (c1 - c0) / (b - a) * 100}')
			log "$variant: $(cat "$WORK/$variant.rss.loadgen"); RSS ${RSS[$variant]} MiB, $(num "${CORE10K[$variant]}" 1)% of a core"
		fi
		stop_collector
	done
done
for variant in llmspan transform plain; do
	SPS[$variant]=$(echo "${SPS_ALL[$variant]}" | median)
	CPU[$variant]=$(echo "${CPU_ALL[$variant]}" | median)
done

# 2. A real MLflow server (SQLite, one worker, as in the tests).
MLFLOW_PORT=$(free_port)
MLFLOW_URL=http://127.0.0.1:$MLFLOW_PORT
MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false setsid "$VENV/bin/mlflow" server \
	--backend-store-uri "sqlite:///$WORK/mlflow.db" --artifacts-destination "$WORK/artifacts" --serve-artifacts \
	--host 127.0.0.1 --port "$MLFLOW_PORT" --workers 1 >"$WORK/mlflow.log" 2>&1 &
PIDS+=("$!")
disown "$!"
log "starting MLflow on $MLFLOW_URL"
wait_http "$MLFLOW_URL/health" 120

# mlflow_py: the venv's Python with helpers: experiment ids and counting a experiment's traces.
cat >"$WORK/mlflowbench.py" <<'EOF'
import json, sys, time, urllib.request

URL = sys.argv[1]

def call(path, body=None):
    req = urllib.request.Request(URL + path, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)

def experiment(name):
    return call("/api/2.0/mlflow/experiments/create", {"name": name})["experiment_id"]

def count(exp):
    n, token = 0, None
    while True:
        body = {"locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": exp}}], "max_results": 500}
        if token:
            body["page_token"] = token
        page = call("/api/3.0/mlflow/traces/search", body)
        traces = page.get("traces", [])
        n += len(traces)
        token = page.get("next_page_token")
        if not token or not traces:
            return n

def wait(exp, want, start, timeout=300):
    """Seconds from start until the experiment holds want traces."""
    while count(exp) < want:
        if time.time() - start > timeout:
            sys.exit(f"only {count(exp)} of {want} traces landed in {timeout}s")
        time.sleep(0.25)
    return time.time() - start

def sdk(name, n, spans):
    import mlflow
    mlflow.set_tracking_uri(URL)
    exp = mlflow.set_experiment(name).experiment_id
    text = "the agent calls a tool to look up the weather " * 60  # ~2.8 KB per trace
    start = time.time()
    for i in range(n):
        with mlflow.start_span(name="invoke_agent", span_type="AGENT") as root:
            root.set_inputs({"question": text[:1800]})
            for j in range(spans - 1):
                kind = "CHAT_MODEL" if j % 2 == 0 else "TOOL"
                with mlflow.start_span(name=f"step {j}", span_type=kind) as s:
                    s.set_inputs({"messages": [{"role": "user", "content": f"step {j}"}]})
                    s.set_outputs({"content": "ok"})
            root.set_outputs({"answer": text[:900]})
    mlflow.flush_trace_async_logging()
    return wait(exp, n, start)

cmd = sys.argv[2]
if cmd == "experiment":
    print(experiment(sys.argv[3]))
elif cmd == "wait":
    print(wait(sys.argv[3], int(sys.argv[4]), float(sys.argv[5])))
elif cmd == "sdk":
    print(sdk(sys.argv[3], int(sys.argv[4]), int(sys.argv[5])))
EOF
mlflow_py() { "$VENV/bin/python" "$WORK/mlflowbench.py" "$MLFLOW_URL" "$@"; }

# 3. Traces/s landed in MLflow: the mlflow exporter, stock otlp_http on the same /v1/traces, and
#    MLflow's Python SDK logging the same number of 10-span traces directly. The two exporters
#    alternate for ROUNDS rounds, each into a fresh experiment (the server slows as its
#    database grows, so neither may always go first); the table gives each one's median.
declare -A LANDED LANDED_ALL
SPANS_PER_TRACE=10
# land EXPORTER: sets LANDED_SECS to the seconds until N_MLFLOW traces sent through the
# exporter are all listed by MLflow. (Not run in a $(...) subshell: the collector it starts must
# be in this shell's PIDS for the cleanup.)
land() {
	local exp defs
	exp=$(mlflow_py experiment "bench-$1-$RANDOM")
	if [ "$1" = mlflow ]; then
		defs="  mlflow: {endpoint: \"$MLFLOW_URL\", experiment_id: \"$exp\"}"
	else
		defs="  otlp_http: {traces_endpoint: \"$MLFLOW_URL/v1/traces\", headers: {x-mlflow-experiment-id: \"$exp\"}}"
	fi
	write_config "$WORK/to-$1.yaml" batch "$1" "$defs"
	start_collector "to-$1" "$WORK/to-$1.yaml"
	t0=$(date +%s.%N)
	"$LOADGEN" -protocol grpc -endpoint "$COL_GRPC" -count "$N_MLFLOW" -workers 2 \
		-min-spans $SPANS_PER_TRACE -max-spans $SPANS_PER_TRACE -min-content 2800 -max-content 2800 >"$WORK/to-$1.loadgen"
	LANDED_SECS=$(mlflow_py wait "$exp" "$N_MLFLOW" "$t0")
	stop_collector
}
# A fresh tracking server answers its first large /v1/traces requests far slower (lazy imports,
# first SQLite writes); one untimed round warms it up.
log "warm-up: $N_MLFLOW traces into MLflow through otlp_http (not counted)"
land otlp_http
for round in $(seq 1 "$ROUNDS"); do
	order="mlflow otlp_http"
	if [ $((round % 2)) = 0 ]; then order="otlp_http mlflow"; fi
	for exporter in $order; do
		log "$exporter exporter, round $round/$ROUNDS: $N_MLFLOW traces into MLflow"
		land "$exporter"
		LANDED_ALL[$exporter]+="$(awk -v n="$N_MLFLOW" -v s="$LANDED_SECS" 'BEGIN {print n / s}') "
		log "$exporter exporter: landed in ${LANDED_SECS}s"
	done
done
for exporter in mlflow otlp_http; do
	LANDED[$exporter]=$(echo "${LANDED_ALL[$exporter]}" | median)
done
log "Python SDK: $N_MLFLOW traces into MLflow"
secs=$(mlflow_py sdk "bench-sdk-$RANDOM" "$N_MLFLOW" $SPANS_PER_TRACE 2>"$WORK/sdk.log") || { tail -20 "$WORK/sdk.log" >&2; exit 1; }
LANDED[sdk]=$(awk -v n="$N_MLFLOW" -v s="$secs" 'BEGIN {print n / s}')
log "Python SDK: landed in ${secs}s"

# 4. Requests/s accepted at /v1/traces (as MLflow's SDK sends spans): the mlflow receiver (into
#    batch -> debug) against the real MLflow server, the same requests from the same generator.
exp=$(mlflow_py experiment "bench-requests-$RANDOM")
write_config "$WORK/receiver.yaml" batch debug "" mlflow
start_collector receiver "$WORK/receiver.yaml"
declare -A RPS
for target in receiver mlflow; do
	endpoint=$COL_MLFLOW header=x-mlflow-experiment-id=0
	[ "$target" = mlflow ] && endpoint=127.0.0.1:$MLFLOW_PORT header=x-mlflow-experiment-id=$exp
	log "requests to the $target for 10s"
	"$LOADGEN" -json -endpoint "$endpoint" -header "$header" -duration 10s -workers 4 \
		-min-spans 5 -max-spans 5 >"$WORK/rps-$target.json"
	RPS[$target]=$("$VENV/bin/python" -c 'import json,sys; s=json.load(open(sys.argv[1])); print((s["requests"]-s["failed_requests"])/s["seconds"])' "$WORK/rps-$target.json")
	log "$target: $(cat "$WORK/rps-$target.json")"
done
stop_collector

# The processor alone: the CPU llmspan adds per span (garbage collector included) next to the
# write floor, a processor that only writes llmspan's attributes, and to transform's OTTL subset
# of testdata/transform_subset.yaml, for every dialect and for OTel GenAI alone (its first
# group) (BenchmarkAddedCPU; medians of three runs). Run last, with the servers stopped.
log "go test -bench AddedCPU (processor CPU per span next to the write floor and transform)"
(cd processor/llmspanprocessor && go test -run '^$' -bench '^BenchmarkAddedCPU$' -count 3 .) >"$WORK/added.txt"
added() { # case metric: the median of the metric over the case's runs
	awk -v c="BenchmarkAddedCPU/$1-" -v m="$2" \
		'index($1, c) == 1 { for (i = 3; i < NF; i++) if ($(i + 1) == m) print $i }' "$WORK/added.txt" | median
}
declare -A LLM FLOOR OTTL OTTL_GENAI
for c in NoContentBatch ChatBatch Corpus; do
	LLM[$c]=$(added "$c" llmspan-added-cpu-ns/span)
	FLOOR[$c]=$(added "$c" floor-added-cpu-ns/span)
	OTTL[$c]=$(added "$c" transform-added-cpu-ns/span)
	OTTL_GENAI[$c]=$(added "$c" transform-genai-added-cpu-ns/span)
done
# The subset's statements: in all, and in its first group (OTel GenAI).
read -r STMTS_ALL STMTS_GENAI < <(awk '/- context:/ {g++} /^ *- .set\(/ {n++; if (g == 1) first++} END {print n, first}' "$SUBSET")

# CPU µs per span that each processor adds to the plain pipeline.
minus() { awk -v a="$1" -v b="$2" 'BEGIN {print a - b}'; }
# rounds VARIANT: its CPU µs per span in each round, comma-separated.
rounds() { echo "${CPU_ALL[$1]}" | awk '{for (i = 1; i <= NF; i++) printf "%s%.2f", (i > 1 ? ", " : ""), $i}'; }
ADDED_LLMSPAN=$(minus "${CPU[llmspan]}" "${CPU[plain]}") ADDED_TRANSFORM=$(minus "${CPU[transform]}" "${CPU[plain]}")

# The table.
CORES=$(nproc)
TABLE=$(
	cat <<EOF
| Measure (${CORES} cores, loopback, generator on the same cores) | otelcol-mlflow | Baseline (same run) | Ratio |
|---|---:|---:|---:|
| Spans/s sustained, OTLP/gRPC -> llmspan -> batch -> debug vs without llmspan (median of $ROUNDS alternating rounds) | $(num "${SPS[llmspan]}") | $(num "${SPS[plain]}") | $(ratio "${SPS[llmspan]}" "${SPS[plain]}") |
| Collector CPU seconds per million spans, same two pipelines and rounds | $(num "${CPU[llmspan]}" 1) | $(num "${CPU[plain]}" 1) | $(ratio "${CPU[llmspan]}" "${CPU[plain]}") |
| Spans per collector CPU-second (spans/s per core), same two pipelines and rounds | $(num "$(awk -v c="${CPU[llmspan]}" 'BEGIN {print 1e6 / c}')") | $(num "$(awk -v c="${CPU[plain]}" 'BEGIN {print 1e6 / c}')") | $(ratio "${CPU[plain]}" "${CPU[llmspan]}") |
| Collector CPU seconds per million spans: OTLP/gRPC -> transform (the OTTL subset, $STMTS_ALL statements) -> batch -> debug vs without it, same rounds | $(num "${CPU[transform]}" 1) | $(num "${CPU[plain]}" 1) | $(ratio "${CPU[transform]}" "${CPU[plain]}") |
| Collector CPU µs per span added to the plain pipeline: llmspan vs transform's OTTL subset, same rounds | $(num "$ADDED_LLMSPAN" 2) | $(num "$ADDED_TRANSFORM" 2) | $(ratio "$ADDED_LLMSPAN" "$ADDED_TRANSFORM") |
| Collector CPU (% of one core) over ${SECS}s at ~10k spans/s, same two pipelines | $(num "${CORE10K[llmspan]}" 1) | $(num "${CORE10K[plain]}" 1) | $(ratio "${CORE10K[llmspan]}" "${CORE10K[plain]}") |
| Collector RSS (MiB) after ${SECS}s at ~10k spans/s, same two pipelines | ${RSS[llmspan]} | ${RSS[plain]} | $(ratio "${RSS[llmspan]}" "${RSS[plain]}") |
| Traces/s landed in MLflow ($N_MLFLOW x $SPANS_PER_TRACE spans, median of $ROUNDS alternating rounds): \`mlflow\` exporter vs stock \`otlp_http\` to /v1/traces | $(num "${LANDED[mlflow]}" 1) | $(num "${LANDED[otlp_http]}" 1) | $(ratio "${LANDED[mlflow]}" "${LANDED[otlp_http]}") |
| Traces/s landed in MLflow: \`mlflow\` exporter vs MLflow's Python SDK logging directly | $(num "${LANDED[mlflow]}" 1) | $(num "${LANDED[sdk]}" 1) | $(ratio "${LANDED[mlflow]}" "${LANDED[sdk]}") |
| Requests/s accepted at /v1/traces (5-span OTLP requests): \`mlflow\` receiver vs the MLflow server | $(num "${RPS[receiver]}") | $(num "${RPS[mlflow]}") | $(ratio "${RPS[receiver]}" "${RPS[mlflow]}") |
| CPU ns added per span without content (batches of 128, GC included): llmspan vs the write floor | $(num "${LLM[NoContentBatch]}") | $(num "${FLOOR[NoContentBatch]}") | $(ratio "${LLM[NoContentBatch]}" "${FLOOR[NoContentBatch]}") |
| CPU ns added per ~4.2 KB chat span (batches of 128): llmspan vs the write floor | $(num "${LLM[ChatBatch]}") | $(num "${FLOOR[ChatBatch]}") | $(ratio "${LLM[ChatBatch]}" "${FLOOR[ChatBatch]}") |
| CPU ns added per span of the recorded corpus: llmspan vs the write floor | $(num "${LLM[Corpus]}") | $(num "${FLOOR[Corpus]}") | $(ratio "${LLM[Corpus]}" "${FLOOR[Corpus]}") |
| CPU ns added per span without content: llmspan vs transform's OTTL subset for every dialect ($STMTS_ALL statements) | $(num "${LLM[NoContentBatch]}") | $(num "${OTTL[NoContentBatch]}") | $(ratio "${LLM[NoContentBatch]}" "${OTTL[NoContentBatch]}") |
| CPU ns added per span without content: llmspan vs the subset's OTel GenAI statements alone ($STMTS_GENAI) | $(num "${LLM[NoContentBatch]}") | $(num "${OTTL_GENAI[NoContentBatch]}") | $(ratio "${LLM[NoContentBatch]}" "${OTTL_GENAI[NoContentBatch]}") |
| CPU ns added per span of the recorded corpus: llmspan vs transform's OTTL subset for every dialect | $(num "${LLM[Corpus]}") | $(num "${OTTL[Corpus]}") | $(ratio "${LLM[Corpus]}" "${OTTL[Corpus]}") |
EOF
)
echo "$TABLE"

CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
MEM=$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
{
	echo "# Benchmarks"
	echo
	echo "Produced by \`scripts/bench.sh\` (\`make bench\`); one run, every ratio against a baseline measured in that run."
	echo
	echo "- Date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "- Machine: $CORES cores ($CPU_MODEL), $MEM RAM, $(uname -sr); load average at start of table: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- Versions: $("$BIN" --version 2>&1 | head -1), $(go version | cut -d' ' -f3), mlflow $("$VENV/bin/mlflow" --version 2>&1 | awk '{print $NF}') (SQLite, 1 worker)"
	echo "- Load: \`tools/loadgen\` replaying the llmspan golden corpus, recorded and hand-built, as agent traces (5-50 spans under a root with 1-8 KiB of messages, fixed sizes where the row says so; files whose spans average over 16 KiB left out), for ${SECS}s per throughput phase"
	echo
	echo "$TABLE"
	echo
	echo "Collector CPU µs per span in each round (llmspan / transform / plain): $(rounds llmspan) / $(rounds transform) / $(rounds plain)."
	echo
	echo "How each row is measured: spans/s from the collector's own \`otelcol_exporter_sent_spans\` over the phase; CPU from /proc/<pid>/stat (user+system); the transform pipeline runs the contrib \`transform\` processor on the OTTL subset named below in llmspan's place; spans per CPU-second = 1e6 / CPU µs per span; CPU and RSS at ~10k spans/s over the phase of 500 traces/s x 20 spans, RSS (VmRSS) at its end; traces/s landed = traces sent / seconds until MLflow's search lists them all; requests/s = requests answered 2xx / seconds; CPU ns added per span from \`go test -bench AddedCPU ./processor/llmspanprocessor\` (process CPU over making fresh copies and consuming them, the pass-through processor's subtracted; the write floor only writes the attributes llmspan adds, cut from one new string per span; transform runs the OTTL of \`processor/llmspanprocessor/testdata/transform_subset.yaml\`, span type, token usage and model for every dialect of the corpus, or its OTel GenAI group alone; medians of three runs)."
} >"$OUT"
log "wrote $OUT"
