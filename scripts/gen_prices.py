"""Writes the llmspan processor's price table from the installed genai-prices package.

Called by scripts/gen-prices.sh; see processor/llmspanprocessor/README.md#cost.

Usage: gen_prices.py VERSION OUT [DATE]; DATE (YYYY-MM-DD, default today in UTC) is the
generation date, given to reproduce a table.

Output (prices.json): one provider per line so that diffs stay readable.
  {"source", "version", "generated", "license", "providers": [
    {"id", "provider_match"?, "model_match"?, "fallback"?, "models": [
      {"id", "match", "input", "output", "cache_read"?, "cache_write"?,
       "tiers"?: [{"start", "input", "output", "cache_read"?, "cache_write"?}]}]}]}
Prices are USD per million tokens. A tier's prices replace the model's for a call whose input
tokens exceed its start (genai-prices' threshold tiers). Match clauses keep genai-prices' shape
({"equals"|"starts_with"|"ends_with"|"contains"|"regex": s} or {"or"|"and": [...]}).

Reductions, all documented in the README:
- conditional prices: the one genai-prices resolves for most of the generation date: for
  date-conditional prices the one in force that day, for time-of-day prices (DeepSeek's
  off-peak discount, peak surcharges) the regular one, whether or not it is the unconditional;
- request-context price variants (batch, service tiers, fast mode, routes): ignored;
- prices other than text tokens (audio, images, web searches, requests): ignored;
- models without an input or output token price: skipped.
"""

import collections
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


PRICE_KEYS = ("input", "output", "cache_read", "cache_write")


def price_at(v, start):
    """v's price for a call with more than start input tokens: its last tier from start down."""
    if isinstance(v, types.TieredPrices):
        p = v.base
        for t in v.tiers:
            if t.start <= start:
                p = t.price
        v = p
    return float(Decimal(v))


def prices(price):
    """The model's text-token prices and their tiers, merged over the keys: each tier carries
    every key's price above its start."""
    values = {k: getattr(price, f"{k}_mtok", None) for k in PRICE_KEYS}
    values = {k: v for k, v in values.items() if v is not None}
    out = {k: price_at(v, -1) for k, v in values.items()}
    starts = sorted({t.start for v in values.values() if isinstance(v, types.TieredPrices) for t in v.tiers})
    if starts:
        out["tiers"] = [{"start": s, **{k: price_at(v, s) for k, v in values.items()}} for s in starts]
    return out


def regular_price(model, day):
    """The price genai-prices resolves for the most minutes of day (UTC)."""
    if isinstance(model.prices, types.ModelPrice):
        return model.prices
    midnight = datetime.datetime.combine(day, datetime.time(), datetime.UTC)
    resolved = [model.get_prices(midnight + datetime.timedelta(minutes=m)) for m in range(24 * 60)]
    most = collections.Counter(id(p) for p in resolved).most_common(1)[0][0]
    return next(p for p in resolved if id(p) == most)


def main():
    version, out = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 3:
        today = datetime.date.fromisoformat(sys.argv[3])
    else:
        today = datetime.datetime.now(datetime.UTC).date()
    providers = []
    for p in data.providers:
        models = []
        for m in p.models:
            entry = {"id": m.id, "match": clause(m.match), **prices(regular_price(m, today))}
            if "input" not in entry and "output" not in entry:
                continue
            models.append(entry)
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
