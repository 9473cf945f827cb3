#!/usr/bin/env bash
# Instructions per span of the llmspan processor's Go benchmarks, counted by valgrind's callgrind:
# the same binary and input give the same count, however loaded the machine is, where wall-clock
# rounds on a shared VM vary by 30%. Counted only inside the processors' ConsumeTraces, with the
# garbage collector off (GOGC=off: its share depends on when a cycle happens to start; allocations
# are reported by the benchmarks themselves), without the memory profiler's sampling (its stack
# walks are random), on one P with async preemption off (callgrind). Each count is the
# difference between two runs, of N and 2N ops, so that one-time work is left out.
#
#   scripts/bench-instructions.sh            # HEAD's working tree, and llmspan vs transform
#   scripts/bench-instructions.sh <git-ref>  # the same, next to <git-ref> built from a worktree
#
# Needs valgrind (Debian's package). Takes a few minutes.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PKG=processor/llmspanprocessor
BASE_REF=${1:-}
WORK=$(mktemp -d)
cleanup() {
	[ -n "$BASE_REF" ] && git -C "$ROOT" worktree remove --force "$WORK/base" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
command -v valgrind >/dev/null || { echo "bench-instructions: valgrind not found" >&2; exit 1; }

# build DIR NAME: the package's test binary, with this tree's benchmark files so that both
# sides run the same benchmarks.
build() {
	[ "$1" = "$ROOT" ] || cp "$ROOT/$PKG"/{benchmark_test.go,cpu_benchmark_test.go,cputime_unix_test.go,cputime_other_test.go} "$1/$PKG/"
	(cd "$1/$PKG" && go test -c -o "$WORK/$2.test" .)
}

# collected NAME BENCH OPS PATTERN: instructions collected in functions matching PATTERN while
# BENCH runs OPS times (plus the one op that the testing package runs first), and the spans
# per op that the benchmark reports.
collected() {
	(cd "$ROOT/$PKG" && GOGC=off GODEBUG=asyncpreemptoff=1,memprofilerate=0 GOMAXPROCS=1 valgrind --tool=callgrind \
		--callgrind-out-file=/dev/null --toggle-collect="$4" "$WORK/$1.test" \
		-test.run '^$' -test.bench "^$2\$" -test.benchtime "${3}x" 2>&1) | awk '
		/spans\/op/ { for (i = 2; i <= NF; i++) if ($i == "spans/op") spans = $(i - 1) }
		/Collected/ { collected = $NF }
		END { print collected, spans }'
}

# count NAME BENCH OPS PATTERN: instructions per span in the steady state: the difference
# between 2*OPS and OPS runs, so that one-time work (the first op's lazy setup, the price
# table's cache filling) is not counted.
count() {
	local once twice
	once=$(collected "$1" "$2" "$3" "$4")
	twice=$(collected "$1" "$2" "$(($3 * 2))" "$4")
	echo "$once $twice" | awk -v n="$3" '$2 > 0 { printf "%.0f", ($3 - $1) / (n * $2) }'
}

build "$ROOT" head
if [ -n "$BASE_REF" ]; then
	git -C "$ROOT" worktree add --detach "$WORK/base" "$BASE_REF" >/dev/null
	build "$WORK/base" base
fi

helper='*processorhelper.NewTraces.func1'
if [ -n "$BASE_REF" ]; then
	echo "| Benchmark | instructions/span ($BASE_REF) | instructions/span (HEAD) | HEAD/base |"
else
	echo "| Benchmark | instructions/span (HEAD) |"
fi
echo "|---|${BASE_REF:+---:|}---:|${BASE_REF:+---:|}"
for spec in "BenchmarkProcessChatSpan 200" "BenchmarkProcessNoContentSpan 200" \
	"BenchmarkProcessChatBatch 10" "BenchmarkProcessNoContentBatch 10" "BenchmarkCorpus 10"; do
	read -r bench ops <<<"$spec"
	head=$(count head "$bench" "$ops" "$helper")
	if [ -n "$BASE_REF" ]; then
		base=$(count base "$bench" "$ops" "$helper")
		echo "| $bench | $base | $head | $(awk -v a="$head" -v b="$base" 'BEGIN {printf "%.2f", a / b}') |"
	else
		echo "| $bench | $head |"
	fi
done

# llmspan against the contrib transform processor's OTTL subset, same binary, same merged batch.
llm=$(count head BenchmarkTransformSubset 10 '*llmSpanProcessor).processTraces')
tf=$(count head BenchmarkTransformSubset 10 '*transformprocessor/internal/traces.(*Processor).ProcessTraces')
echo
echo "BenchmarkTransformSubset (HEAD): llmspan $llm, transform $tf instructions/span; transform/llmspan $(awk -v a="$tf" -v b="$llm" 'BEGIN {printf "%.2f", a / b}')"

# The write floor (see BenchmarkAddedCPU): writing llmspan's attributes, computing nothing.
floorNoContent=$(count head BenchmarkWriteFloorNoContentBatch 10 "$helper")
floorChat=$(count head BenchmarkWriteFloorChatBatch 10 "$helper")
echo "Write floor (HEAD): $floorNoContent instructions/span for BenchmarkProcessNoContentBatch's spans, $floorChat for BenchmarkProcessChatBatch's"
