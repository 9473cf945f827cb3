"""Writes the llmspan processor's price table from the installed genai-prices package.

Called by scripts/gen-prices.sh; see processor/llmspanprocessor/README.md#cost.

Output (prices.json): one provider per line so that diffs stay readable.
  {"source", "version", "generated", "license", "providers": [
    {"id", "provider_match"?, "model_match"?, "fallback"?, "models": [
      {"id", "match", "input", "output", "cache_read"?, "cache_write"?}]}]}
Prices are USD per million tokens. Match clauses keep genai-prices' shape
({"equals"|"starts_with"|"ends_with"|"contains"|"regex": s} or {"or"|"and": [...]}).

Reductions, all documented in the README:
- tiered prices: the base (first tier) price;
- date-conditional prices: the last one in force on the generation date;
- time-of-day prices (off-peak): the unconditional/first price;
- request-context price variants (service tiers, long context): ignored;
- prices other than text tokens (audio, images, web searches, requests): ignored;
- models without an input or output token price: skipped.
"""

import datetime
import json
import sys
from decimal import Decimal

from genai_prices import data, types


def clause(c):
    if isinstance(c, types.ClauseEquals):
        return {"equals": c.equals}
    if isinstance(c, types.ClauseStartsWith):
        return {"starts_with": c.starts_with}
    if isinstance(c, types.ClauseEndsWith):
        return {"ends_with": c.ends_with}
    if isinstance(c, types.ClauseContains):
        return {"contains": c.contains}
    if isinstance(c, types.ClauseRegex):
        return {"regex": c.regex}
    if isinstance(c, types.ClauseOr):
        return {"or": [clause(s) for s in c.or_]}
    if isinstance(c, types.ClauseAnd):
        return {"and": [clause(s) for s in c.and_]}
    raise TypeError(f"unknown clause {c!r}")


def base(v):
    if v is None:
        return None
    if isinstance(v, types.TieredPrices):
        v = v.base
    return float(Decimal(v))


def current_price(prices, today):
    if isinstance(prices, types.ModelPrice):
        return prices
    chosen = prices[0].prices
    for cp in prices:
        c = cp.constraint
        if c is None or (isinstance(c, types.StartDateConstraint) and c.start_date <= today):
            chosen = cp.prices
    return chosen


def main():
    version, out = sys.argv[1], sys.argv[2]
    today = datetime.datetime.now(datetime.UTC).date()
    providers = []
    for p in data.providers:
        models = []
        for m in p.models:
            price = current_price(m.prices, today)
            entry = {
                "id": m.id,
                "match": clause(m.match),
                "input": base(getattr(price, "input_mtok", None)),
                "output": base(getattr(price, "output_mtok", None)),
                "cache_read": base(getattr(price, "cache_read_mtok", None)),
                "cache_write": base(getattr(price, "cache_write_mtok", None)),
            }
            if entry["input"] is None and entry["output"] is None:
                continue
            models.append({k: v for k, v in entry.items() if v is not None})
        prov = {"id": p.id}
        if p.provider_match is not None:
            prov["provider_match"] = clause(p.provider_match)
        if p.model_match is not None:
            prov["model_match"] = clause(p.model_match)
        if p.fallback_model_providers:
            prov["fallback"] = p.fallback_model_providers
        prov["models"] = models
        providers.append(prov)

    head = {
        "source": "genai-prices (PyPI), https://github.com/pydantic/genai-prices",
        "version": version,
        "generated": today.isoformat(),
        "license": "MIT, Copyright (c) Pydantic Services Inc. 2025 to present; see LICENSE.genai-prices",
    }
    with open(out, "w") as f:
        f.write(json.dumps(head, separators=(",", ":"))[:-1])
        f.write(',"providers":[\n')
        f.write(",\n".join(json.dumps(p, separators=(",", ":"), sort_keys=False) for p in providers))
        f.write("\n]}\n")


if __name__ == "__main__":
    main()
