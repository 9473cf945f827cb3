#!/usr/bin/env bash
# Records the llmspan processor's golden corpus: real instrumentation libraries (pinned in
# processor/llmspanprocessor/testdata/record/requirements-corpus.txt, installed into
# .venv-corpus/) run against the local stub LLM, and their spans are written to
# processor/llmspanprocessor/testdata/<dialect>/<library>_<scenario>/input.json.
#   scripts/record-corpus.sh [LIBRARY]
# Then: go test ./processor/llmspanprocessor -run TestGolden -update, and review every changed
# expected.yaml (the update writes what the code does, not what is right).
set -euo pipefail
cd "$(dirname "$0")/.."

rec=processor/llmspanprocessor/testdata/record
venv=${CORPUS_VENV:-$PWD/.venv-corpus}
stamp="$venv/.installed"
if [ ! -f "$stamp" ] || [ "$rec/requirements-corpus.txt" -nt "$stamp" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$rec/requirements-corpus.txt"
  # openlit's declared requirements conflict with the pins above (see requirements-corpus.txt).
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps openlit==1.45.0
  touch "$stamp"
fi
"$venv/bin/python" "$rec/record_corpus.py" "$@"
