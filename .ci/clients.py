"""The statistical formats read by the clients their users have, against a live server.

Run by .ci/clients with the server's address: pyjstat loads every indicator's JSON-stat
dataset into a pandas DataFrame whose values are the JSON API's; sdmx1 reads the SDMX-CSV
2.0 of every figure back into observations with the JSON API's keys and values. (The Data
Package is checked by the `frictionless validate` command itself.) Exits non-zero, saying
what differs, on the first difference.
"""

import io
import json
import sys
import urllib.request
from collections import Counter

import pandas
import sdmx
from pyjstat import pyjstat
from sdmx.model import common, v30

BASE = sys.argv[1].rstrip("/")


def get(path, accept=None):
    request = urllib.request.Request(BASE + path)
    if accept:
        request.add_header("Accept", accept)
    with urllib.request.urlopen(request) as response:
        return response.headers.get("Content-Type"), response.read()


def get_json(path):
    return json.loads(get(path)[1])


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def every_figure(path):
    """Every figure of a list, following its pages."""
    figures = []
    while path:
        page = get_json(path)
        figures.extend(page["data"])
        path = page["links"]["next"]
    return figures


def period_category(period):
    """The JSON-stat period category the API documents for a figure's period."""
    kind, start, end = period["kind"], period["start"], period["end"]
    if kind == "year" and start is not None and start == end:
        return start
    if kind == "unspecified" and start is None and end is None:
        return "unspecified"
    return f"{kind}:{start or '..'}/{end or '..'}"


def category(figure, dimension):
    """The category of `figure` in a dataset's `dimension`, from its JSON."""
    if dimension == "region":
        return figure["region"]["id"]
    if dimension == "period":
        return period_category(figure["period"])
    if dimension in ("cluster", "cluster_group", "company", "city_plan", "role"):
        return figure[dimension] or "_Z"
    if dimension == "source":
        return figure["provenance"]["source"]["id"]
    if dimension == "measure":
        unit, scale = figure["unit"], figure["scale"]
        return unit if scale == "unit" else f"{unit}.{scale}"
    fail(f"a dimension the API does not document: {dimension}")


def check_jsonstat():
    """Every indicator's dataset, read by pyjstat, holds the JSON API's values."""
    indicators = [i["id"] for i in get_json("/v1/indicators?limit=1000")["data"]]
    cells = 0
    for indicator in indicators:
        path = f"/v1/indicators/{indicator}/observations?limit=1000"
        figures = every_figure(path)
        media, body = get(path, accept="application/json-stat+json")
        if not media.startswith("application/json-stat+json"):
            fail(f"{indicator}: served as {media}")
        dataset = json.loads(body)
        frame = pyjstat.from_json_stat(dataset, naming="id")[0]
        if not isinstance(frame, pandas.DataFrame):
            fail(f"{indicator}: pyjstat gave {type(frame)}")
        stated = frame.dropna(subset=["value"])
        if len(stated) != len(figures):
            fail(f"{indicator}: {len(stated)} values in the DataFrame, {len(figures)} figures")
        dimensions = dataset["id"]
        by_key = {tuple(row[d] for d in dimensions): row["value"] for _, row in stated.iterrows()}
        for figure in figures:
            key = tuple(category(figure, d) for d in dimensions)
            if key not in by_key:
                fail(f"{indicator}: {figure['id']} is in no cell ({key})")
            if float(by_key[key]) != float(figure["value"]):
                fail(f"{indicator}: {figure['id']} is {figure['value']}, the cell {by_key[key]}")
        cells += len(figures)
    print(f"pyjstat: {len(indicators)} indicators' datasets, {cells} values equal to the JSON API's")


def figures_structure():
    """The data structure the API documents for its SDMX-CSV: what sdmx1 reads it by."""
    dsd = v30.DataStructureDefinition(id="FIGURES", maintainer=common.Agency(id="GD_INDICATORS"))
    for id in ["INDICATOR", "REF_AREA", "CLUSTER", "CLUSTER_GROUP", "COMPANY", "CITY_PLAN"]:
        dsd.dimensions.getdefault(id)
    dsd.dimensions.getdefault("TIME_PERIOD", cls=common.TimeDimension)
    dsd.measures.getdefault("OBS_VALUE")
    for id in ["UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "ID", "QUALIFIER"]:
        dsd.attributes.getdefault(id)
    return dsd


def check_sdmx_csv():
    """sdmx1 reads the SDMX-CSV 2.0 of every figure back, keys and values the JSON API's."""
    figures = every_figure("/v1/observations?limit=1000")
    media, body = get(
        "/v1/observations?limit=1000", accept="application/vnd.sdmx.data+csv;version=2.0.0"
    )
    if not media.startswith("application/vnd.sdmx.data+csv; version=2.0.0"):
        fail(f"SDMX-CSV served as {media}")
    message = sdmx.read_sdmx(io.BytesIO(body), format="CSV", structure=figures_structure())
    observations = [obs for data_set in message.data for obs in data_set.obs]
    if len(message.data) != 1 or message.data[0].action != common.ActionType.information:
        fail(f"SDMX-CSV: {len(message.data)} data sets, not one of information")
    if len(observations) != len(figures):
        fail(f"SDMX-CSV: {len(observations)} observations, {len(figures)} figures")
    read = Counter()
    for obs in observations:
        key = tuple(kv.value for kv in obs.dimension.values.values())
        attributes = {id: value.value for id, value in obs.attached_attribute.items()}
        read[key + (float(obs.value), attributes["ID"], attributes["UNIT_MULT"])] += 1
    expected = Counter()
    mult = {"unit": "0", "thousand": "3", "million": "6", "billion": "9", "trillion": "12"}
    for figure in figures:
        start, end = figure["period"]["start"], figure["period"]["end"]
        key = (
            figure["indicator"]["id"],
            figure["region"]["id"],
            figure["cluster"] or "_Z",
            figure["cluster_group"] or "_Z",
            figure["company"] or "_Z",
            figure["city_plan"] or "_Z",
        )
        read_period = next(
            (k[6] for k in read if k[8] == figure["id"]), None
        )
        if start == end and read_period != (start or ""):
            fail(f"SDMX-CSV: {figure['id']} has TIME_PERIOD {read_period!r}, not {start!r}")
        key += (read_period, float(figure["value"]), figure["id"], mult[figure["scale"]])
        expected[key] += 1
    if read != expected:
        fail(f"SDMX-CSV: read back {sorted(read - expected)[:3]}, expected {sorted(expected - read)[:3]}")
    frame = sdmx.to_pandas(message.data[0])
    if len(frame) != len(figures):
        fail(f"SDMX-CSV: sdmx.to_pandas gave {len(frame)} rows")
    print(f"sdmx1: {len(observations)} observations of SDMX-CSV 2.0 read back with the JSON API's keys and values")


if __name__ == "__main__":
    check_jsonstat()
    check_sdmx_csv()
