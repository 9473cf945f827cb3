#!/usr/bin/env bash
# Records the llmspan processor's golden corpus: real instrumentation libraries (pinned in
# processor/llmspanprocessor/testdata/record/requirements-corpus.txt, installed into
# .venv-corpus/, and each agent framework of testdata/record/libraries/<name>.py pinned in
# <name>.txt beside it, installed into .venv-corpus-<name>/) run against the local stub LLM,
# and their spans are written to
# processor/llmspanprocessor/testdata/<dialect>/<library>_<scenario>/input.json.
#   scripts/record-corpus.sh [LIBRARY...]
# Then: go test ./processor/llmspanprocessor -run TestGolden -update, and review every changed
# expected.yaml (the update writes what the code does, not what is right).
set -euo pipefail
cd "$(dirname "$0")/.."

rec=processor/llmspanprocessor/testdata/record

# venv DIR REQUIREMENTS [EXTRA-COMMAND]: (re)builds DIR when REQUIREMENTS is newer than it.
venv() {
  local dir=$1 reqs=$2 stamp="$1/.installed"
  if [ ! -f "$stamp" ] || [ "$reqs" -nt "$stamp" ]; then
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check -r "$reqs"
    if [ -n "${3:-}" ]; then eval "$3"; fi
    touch "$stamp"
  fi
}

wanted() { [ $# -eq 1 ] || [[ " ${*:2} " == *" $1 "* ]]; }
frameworks_only=$#
for module in "$rec"/libraries/*.py; do
  name=$(basename "$module" .py)
  case "$name" in _*) continue ;; esac
  if wanted "$name" "$@"; then
    venv "$PWD/.venv-corpus-$name" "$rec/libraries/$name.txt"
    frameworks_only=$((frameworks_only - 1))
  fi
done
# The libraries record_corpus.py wires itself share .venv-corpus/. openlit's declared
# requirements conflict with its pins (see requirements-corpus.txt).
if [ $# -eq 0 ] || [ "$frameworks_only" -gt 0 ]; then
  export CORPUS_VENV=${CORPUS_VENV:-$PWD/.venv-corpus}
  venv "$CORPUS_VENV" "$rec/requirements-corpus.txt" \
    '"$dir/bin/pip" install --quiet --disable-pip-version-check --no-deps openlit==1.45.0'
fi
# The runner only starts each recording in its library's venv; any Python 3 will do.
python3 "$rec/record_corpus.py" "$@"
