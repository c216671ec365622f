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


def _acceptable(query):
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
    return True


@schemathesis.hook
def filter_query(ctx, query):
    """The generated queries of the examples, fuzzing and stateful phases."""
    return _acceptable(query)


@schemathesis.hook
def filter_case(ctx, case):
    """The coverage phase's cases, which it builds without the query hook. Only a case meant
    to be accepted is dropped: one meant to be refused is refused whatever these facts say."""
    meta = getattr(case, "meta", None)
    mode = getattr(getattr(meta, "generation", None), "mode", None)
    if mode is not None and str(getattr(mode, "value", mode)) == "negative":
        return True
    return _acceptable(case.query)
