"""Every documented filter and sort of /v1/observations, one request at a time, on the
synthetic database (bench/run.sh runs this with the response cache off).

    python3 bench/uncached.py BASE_URL DATABASE OUT_ROWS [CASE_REGEX]

For each filter (a realistic value on the generated data: the rarest and the commonest of a
unit, a qualifier and a role; `as_of` at the latest vintage, at a past one and before anything
was recorded; money compared in another currency; names in Chinese) and each sort (every key
both ways, and multi-key sorts), the first page; and a page 5,000 pages of 100 deep (or the
last page, for a filter that keeps fewer figures) for every filter in source order, every sort
unfiltered and the combinations known to be slow. The deep page's cursor is built from the
first page's (its query fingerprint) and the keys of the row that many places in, read from
the database file with Python's sqlite3. Each case: the first request, then two more (unless the first took over
five seconds); the median of the three is reported, and the first beside it, since a list's total
is counted on the first request of its query and kept. Then what a dashboard asks for beside
its pages: every facet at once (its filter menus), unfiltered and filtered; the count alone
(`limit=0`); and the last figure of each series of one indicator (`latest=1`).

Writes `label|query|first ms|median ms|status` lines to OUT_ROWS. With CASE_REGEX, only the
filter and sort pairs it matches (as `FILTER, SORT`, e.g. `^min, sort=period$`), first page
and deep, and the dashboard cases whose label it matches are measured: to check a few slow
cases again without the whole run.
"""

import base64
import json
import re
import sqlite3
import statistics
import sys
import time
import urllib.parse
import http.client

BASE, DATABASE, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
SELECTED = re.compile(sys.argv[4]) if len(sys.argv) > 4 else None
HOST, PORT = urllib.parse.urlparse(BASE).hostname, urllib.parse.urlparse(BASE).port
DEEP = 500_000
PAGE = 100

db = sqlite3.connect(f"file:{DATABASE}?mode=ro", uri=True)
one = lambda sql, *args: db.execute(sql, args).fetchone()[0]

gdp = "synthetic-gross-domestic-product"
concept, topic = db.execute("SELECT concept, topic FROM indicators WHERE id = ?", (gdp,)).fetchone()
units = [row[0] for row in db.execute(
    "SELECT unit FROM observations WHERE retracted = 0 GROUP BY unit ORDER BY count(*)")]
qualifiers = [row[0] for row in db.execute(
    "SELECT qualifier FROM observations WHERE retracted = 0 GROUP BY qualifier ORDER BY count(*)")]
imports = [row[0] for row in db.execute("SELECT recorded_at FROM imports ORDER BY id")]
latest = imports[-1]
# Halfway through the generated imports: a past vintage, a few microseconds after an import.
middle = imports[len(imports) // 2]
past = middle[:-2] + str((int(middle[-2]) + 1) % 10) + "Z"

FILTERS = [
    ("no filter", ""),
    ("indicator", f"indicator={gdp}"),
    ("region", "region=synthetic-beijing"),
    ("within", "within=guangdong"),
    ("indicator and region", f"indicator={gdp}&region=synthetic-beijing"),
    ("cluster", "cluster=new-energy"),
    ("cluster_group", "cluster_group=trillion-yuan-industrial-clusters"),
    ("company", "company=byd"),
    ("city_plan", "city_plan=guangzhou"),
    ("speaker", "speaker=ai-xuefeng"),
    ("source", "source=synthetic"),
    ("concept", f"concept={concept}"),
    ("topic", f"topic={topic}"),
    ("unit, rarest", f"unit={units[0]}"),
    ("unit, commonest", f"unit={units[-1]}"),
    ("qualifier, rarest", f"qualifier={qualifiers[0]}"),
    ("qualifier, commonest", f"qualifier={qualifiers[-1]}"),
    ("role, commonest", "role=primary"),
    ("role, rarest", "role=restatement"),
    ("roles, both links", "role=equivalent,restatement"),
    ("year", "year=2020"),
    ("years", "year=2019,2020"),
    ("from", "from=2020"),
    ("to", "to=2000"),
    ("min", "min=1000000000000"),
    ("max", "max=100"),
    ("as_of, latest vintage", "as_of=" + latest.replace(".000000", "")),
    ("as_of, past vintage", "as_of=" + past),
    ("as_of, before any figure", "as_of=2000-01-01T00:00:00Z"),
    ("currency", "currency=USD"),
    ("currency and min", "currency=USD&min=1000000000000"),
    ("scale", "scale=billion"),
    ("names in Chinese", "lang=zh"),
]
SORTS = ["", "id", "-id", "period", "-period", "value", "-value", "indicator", "-indicator",
         "region", "-region", "indicator,-period", "-region,value,id", "period,-value"]
# Deep pages beyond each filter in source order and each sort unfiltered.
DEEP_COMBINATIONS = {("unit, rarest", "period"), ("year", "-period"), ("years", "value"),
                     ("as_of, latest vintage", "period"), ("as_of, past vintage", "period"),
                     ("source", "-value"), ("topic", "region")}

SORT_SQL = {"id": "o.id", "period": "o.period_sort_key", "value": "o.value_in_units",
            "indicator": "o.indicator_id", "region": "o.region_id"}


def where(query):
    """The filter of a query string as SQL over `o`, for finding a deep row."""
    clauses, args = [], []
    params = urllib.parse.parse_qs(query)
    columns = {"indicator": "indicator_id", "region": "region_id", "cluster": "cluster_id",
               "cluster_group": "cluster_group_id", "company": "company_id",
               "city_plan": "city_plan_id", "speaker": "speaker_id", "source": "source_id",
               "unit": "unit", "qualifier": "qualifier"}
    for name, [value] in params.items():
        values = value.split(",")
        marks = ", ".join("?" * len(values))
        if name in columns:
            clauses.append(f"o.{columns[name]} IN ({marks})"); args += values
        elif name in ("concept", "topic"):
            clauses.append(f"o.indicator_id IN (SELECT id FROM indicators WHERE {name} IN ({marks}))")
            args += values
        elif name == "within":
            marks = ", ".join("?" * len(values))
            clauses.append(
                "o.region_id IN (WITH RECURSIVE inside (id) AS (SELECT id FROM regions WHERE id IN "
                f"({marks}) UNION SELECT r.id FROM regions r JOIN inside ON r.parent_id = inside.id "
                "UNION SELECT m.member_id FROM region_members m JOIN inside ON m.region_id = inside.id)"
                " SELECT id FROM inside)")
            args += values
        elif name == "role":
            alternatives = {
                "equivalent": "o.equivalent_of IS NOT NULL",
                "restatement": "(o.equivalent_of IS NULL AND o.restates IS NOT NULL)",
                "threshold": "(o.equivalent_of IS NULL AND o.restates IS NULL AND o.indicator_id"
                             " IN (SELECT id FROM indicators WHERE measure = 'threshold'))",
                "primary": "(o.equivalent_of IS NULL AND o.restates IS NULL AND o.indicator_id"
                           " IN (SELECT id FROM indicators WHERE measure <> 'threshold'))",
            }
            clauses.append("(" + " OR ".join(alternatives[role] for role in values) + ")")
        elif name == "year":
            clauses.append("(" + " OR ".join(
                "(o.period_start_year <= ? AND o.period_end_year >= ?)" for _ in values) + ")")
            for year in values:
                args += [int(year), int(year)]
        elif name == "from":
            clauses.append("o.period_end_year >= ?"); args.append(int(value))
        elif name == "to":
            clauses.append("o.period_start_year <= ?"); args.append(int(value))
        elif name == "min":
            clauses.append("o.value_in_units >= ?"); args.append(float(value))
        elif name == "max":
            clauses.append("o.value_in_units <= ?"); args.append(float(value))
    return " AND ".join(clauses) or "1 = 1", args


def relation(query):
    params = urllib.parse.parse_qs(query)
    if "as_of" in params and not params["as_of"][0].startswith(latest[:19]):
        moment = params["as_of"][0]
        return ("""(SELECT cur.rowid AS position, v.observation_id AS id, v.*
                    FROM observations cur JOIN observation_revisions v ON v.observation_id = cur.id
                    WHERE v.change <> 'retracted' AND v.number = (
                        SELECT max(w.number) FROM observation_revisions w
                        WHERE w.observation_id = cur.id AND w.recorded_at <= ?)) o""", [moment])
    return "(SELECT rowid AS position, * FROM observations WHERE retracted = 0) o", []


def deep_cursor(query, sort, fingerprint, offset):
    keys = [(key.lstrip("-"), key.startswith("-")) for key in sort.split(",") if key]
    order = ", ".join(f"{SORT_SQL[name]} {'DESC' if desc else 'ASC'}" for name, desc in keys)
    source, source_args = relation(query)
    clause, args = where(query)
    columns = ", ".join([SORT_SQL[name] for name, _ in keys] + ["o.position"])
    sql = (f"SELECT {columns} FROM {source} WHERE {clause} "
           f"ORDER BY {order + ', ' if order else ''}o.position LIMIT 1 OFFSET ?")
    row = db.execute(sql, source_args + args + [offset]).fetchone()
    if row is None:
        return None
    cursor = {"d": "a", "k": list(row[:-1]), "p": row[-1], "q": fingerprint}
    return base64.urlsafe_b64encode(json.dumps(cursor, separators=(",", ":")).encode()).decode().rstrip("=")


connection = http.client.HTTPConnection(HOST, PORT, timeout=60)


def get(path):
    """One request, timed; on a connection the server closed while idle (finding a deep row
    in the file can take longer than the server keeps an idle connection), a new one first."""
    global connection
    try:
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
    except (http.client.RemoteDisconnected, ConnectionError):
        connection.close()
        connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
        connection.connect()
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
    body = response.read()
    return (time.perf_counter() - started) * 1e3, response.status, body


# Past this, a case is measured once: its first request alone is reported as its median. Every
# case measured on a million figures takes well under it, so each is the median of three (a
# cut at one second made the facets' first request, 0.7-1.0 s, the median in some runs and
# not in others).
ONCE_PAST_MS = 5000


def measure(label, path, out):
    first, status, body = get(path)
    times = [first]
    if first < ONCE_PAST_MS:
        times += [get(path)[0] for _ in range(2)]
    median = statistics.median(times)
    out.write(f"{label}|{path}|{first:.1f}|{median:.1f}|{status}\n")
    out.flush()
    print(f"   {median:9.1f} ms (first {first:9.1f})  {status}  {label}", flush=True)
    return status, body


with open(OUT, "w") as out:
    for filter_label, filter_query in FILTERS:
        for sort in SORTS:
            parts = [p for p in (filter_query, f"sort={sort}" if sort else "") if p]
            query = "&".join(parts)
            path = "/v1/observations" + ("?" + query if query else "")
            sort_label = f"sort={sort}" if sort else "source order"
            if SELECTED is not None and not SELECTED.search(f"{filter_label}, {sort_label}"):
                continue
            status, body = measure(f"{filter_label}, {sort_label}, first page", path, out)
            wanted = (sort == "" or filter_label == "no filter"
                      or (filter_label, sort) in DEEP_COMBINATIONS)
            if status != 200 or not wanted:
                continue
            page = json.loads(body)
            total, following = page["meta"]["total"], page["links"]["next"]
            if following is None or total <= 2 * PAGE:
                continue
            token = urllib.parse.parse_qs(urllib.parse.urlparse(following).query)["cursor"][0]
            fingerprint = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))["q"]
            offset = min(DEEP, total - PAGE)
            cursor = deep_cursor(query, sort, fingerprint, offset - 1)
            if cursor is None:
                continue
            depth = "5,000 pages deep" if offset == DEEP else f"last page ({offset // PAGE} deep)"
            separator = "&" if query else "?"
            measure(f"{filter_label}, {sort_label}, {depth}",
                    f"{path}{separator}cursor={cursor}", out)
    every_facet = "facets=region,indicator,unit,year,qualifier,role,source"
    for label, query in [
        ("facets, all seven, no filter", f"{every_facet}&limit=0"),
        ("facets, all seven, one region", f"region=synthetic-beijing&{every_facet}&limit=0"),
        ("facets, region and year, one indicator", f"indicator={gdp}&facets=region,year"),
        ("count alone (limit=0), one region", "region=synthetic-beijing&limit=0"),
        ("latest=1 of each series, one indicator and region",
         f"indicator={gdp}&region=synthetic-beijing&latest=1"),
    ]:
        if SELECTED is None or SELECTED.search(label):
            measure(label, "/v1/observations?" + query, out)
