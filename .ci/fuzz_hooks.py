"""Schemathesis hooks of the schema-driven fuzz (.ci/fuzz): facts of the API that an OpenAPI
document cannot state, told to the generator so that it does not build requests the document
cannot describe as refused. Each hook drops a generated query; none changes a response or a
check."""

import schemathesis


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _sort_keys(value):
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [str(key).lstrip("-") for key in value]


def _acceptable(query, path):
    if not isinstance(query, dict):
        return True
    # A cursor is valid only as the server issued it, for this very query (it carries a
    # fingerprint of the endpoint, the filters and the sort): no schema can list those values.
    # The stateful phase reaches further pages by following links.next instead.
    if "cursor" in query:
        return False
    # Each sort key once, in either direction: `id,-id` is a 400. `uniqueItems` says no two
    # items are equal; that `id` and `-id` are one key, no keyword says.
    keys = _sort_keys(query.get("sort"))
    if len(keys) != len(set(keys)):
        return False
    # A range that ends before it starts is a 400: a relation between two parameters, which a
    # schema (one parameter at a time) cannot state.
    for low, high in (("from", "to"), ("min", "max")):
        a, b = _number(query.get(low)), _number(query.get(high))
        if a is not None and b is not None and a > b:
            return False
    # A search must hold a letter or digit of any script (广东 is one); a schema pattern can
    # only say that for ASCII (JSON Schema's \w), so the document states it in words.
    q = query.get("q")
    if isinstance(q, str) and not any(ch.isalnum() for ch in q):
        return False
    # Parameters that exclude each other, each pair a 400 naming both: facets count stored
    # figures, which neither a transform nor the last of each series are; a transform reads
    # every figure of a series.
    given = {name for name in ("facets", "latest", "transform") if name in query}
    if len(given) > 1:
        return False
    # A delta lists the latest state of what changed: not with a past one (as_of), nor with
    # what reads beside the stored figures.
    if "updated_after" in query and given | ({"as_of"} & set(query)):
        return False
    # JSON-stat and SDMX-CSV have fixed structures (no fields=), and a JSON-stat dataset is
    # one indicator's figures: indicator= names exactly one, or the path does.
    format_word = str(query.get("format", "")).lower()
    if format_word in ("jsonstat", "sdmx-csv") and "fields" in query:
        return False
    if format_word == "jsonstat" and not path.startswith("/v1/indicators/"):
        indicators = query.get("indicator")
        if isinstance(indicators, str):
            indicators = indicators.split(",")
        if not isinstance(indicators, list) or len(set(map(str, indicators))) != 1:
            return False
    return True


def _path(holder):
    operation = getattr(holder, "operation", None)
    return str(getattr(operation, "path", "") or "")


@schemathesis.hook
def filter_query(ctx, query):
    """The generated queries of the examples, fuzzing and stateful phases."""
    return _acceptable(query, _path(ctx))


@schemathesis.hook
def filter_case(ctx, case):
    """The coverage phase's cases, which it builds without the query hook. Only a case meant
    to be accepted is dropped: one meant to be refused is refused whatever these facts say."""
    meta = getattr(case, "meta", None)
    mode = getattr(getattr(meta, "generation", None), "mode", None)
    if mode is not None and str(getattr(mode, "value", mode)) == "negative":
        return True
    return _acceptable(case.query, _path(case))
