#!/usr/bin/env bash
# Regenerates processor/llmspanprocessor/internal/cost/prices.json, the llmspan processor's
# default price table, from the genai-prices PyPI package (MIT, Pydantic Services Inc.).
#
#   scripts/gen-prices.sh            # the pinned version below
#   GENAI_PRICES_VERSION=0.2.4 scripts/gen-prices.sh
#
# It installs the package into a throwaway venv under .tools/ and never touches .venv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="${GENAI_PRICES_VERSION:-0.2.3}"
VENV="$ROOT/.tools/genai-prices-$VERSION"
OUT="$ROOT/processor/llmspanprocessor/internal/cost/prices.json"
LICENSE_OUT="$ROOT/processor/llmspanprocessor/internal/cost/LICENSE.genai-prices"

if [[ ! -x "$VENV/bin/python" ]]; then
	python3 -m venv "$VENV"
	"$VENV/bin/pip" install --quiet --disable-pip-version-check "genai-prices==$VERSION"
fi

"$VENV/bin/python" "$ROOT/scripts/gen_prices.py" "$VERSION" "$OUT"
# The MIT licence requires the notice to travel with the data.
cp "$("$VENV/bin/python" -c 'import importlib.metadata as m, sys; d = m.distribution("genai-prices"); print(next(str(f.locate()) for f in d.files if f.name == "LICENSE"))')" "$LICENSE_OUT"
echo "wrote $OUT and $LICENSE_OUT"
