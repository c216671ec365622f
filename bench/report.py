"""Writes BENCHMARKS.md from what one run of bench/run.sh measured.

    python3 bench/report.py WORK_DIRECTORY OUT

WORK_DIRECTORY holds `facts` (key=value lines), `rows` (wrk runs: name|req/s|p50|p99, and the
floor), `uncached` (label|path|first ms|median ms|status), `slowest` and `plans`.
"""

import datetime
import os
import platform
import subprocess
import sys

work, out = sys.argv[1], sys.argv[2]
facts = dict(line.rstrip("\n").split("=", 1) for line in open(os.path.join(work, "facts")))
rows = [line.rstrip("\n").split("|") for line in open(os.path.join(work, "rows"))]
by_name = {row[0]: row for row in rows}
# A name measured more than once (the body-only ceiling, the ceiling and the service, in the
# order body only, ceiling, service, service, ceiling, body only): every run of it, in order.
runs = {}
for row in rows:
    runs.setdefault(row[0], []).append(row)
uncached = [line.rstrip("\n").split("|") for line in open(os.path.join(work, "uncached"))]
slowest = [line.rstrip("\n").split("|") for line in open(os.path.join(work, "slowest"))]
plans = open(os.path.join(work, "plans")).read()


def cpu():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def number(text):
    return float(text)


lines = []
add = lines.append
add("# Benchmarks")
add("")
add("Written by `bench/run.sh` from one run; do not edit by hand. Run it again to refresh "
    "(`python3 bench/report.py target/bench-run BENCHMARKS.md` writes it again from the last "
    "run's measurements). The notes on the missed targets come from `bench/notes.md`, written "
    "by hand after reading a run's profiles; they name the run they read.")
add("")
finished = facts.get("finished",
                     f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
add(f"- Date: {finished}")
add(f"- Machine: {cpu()}, {subprocess.check_output(['nproc']).decode().strip()} cores, "
    f"Linux {platform.release()}; wrk, Datasette and the floor run on the same cores")
add(f"- Load average (1, 5, 15 min) when the run started: {facts['load_at_start']}; when it "
    f"ended: {facts['load_at_end']}")
add(f"- Load: `wrk -t{facts['threads']} -c{facts['connections']} -d{facts['duration']} --timeout 30s "
    "--latency`, one run per line")
add("- Service: `target/release/gd-indicators` with production settings and JSON request logs "
    "to a file")
add("- Ceiling: `target/release/examples/ceiling` (bench/ceiling.rs), a bare axum server "
    "returning the same bytes, the body and the service's headers; \"body only\", the same "
    "server returning the body and its content type alone")
add("- Floor: `target/release/examples/sql floor` (bench/sql.rs), the service's own statement "
    "for a page in a bare sqlx loop, as many tasks as wrk has connections")
add(f"- Datasette {facts['datasette_version']} from PyPI, `datasette serve -i FILE "
    "--setting sql_time_limit_ms 30000` on the same database file (its default limit of 1 s "
    "turns its slow pages under load into errors)")
add("")

# The targets, first.
ratio_names = [name[9:] for name in runs
               if name.startswith("service: ") and "ceiling: " + name[9:] in runs]


def against_ceiling(name):
    """An endpoint's runs beside the two ceilings': the ratios of their summed rates (a drift
    of the machine's speed during the runs cancels) and the worst p99 of each. The target is
    judged against the ceiling answering the same bytes, headers included, as the issue words
    it; the ratio to the body alone shows what the headers cost."""
    service, ceiling = runs["service: " + name], runs["ceiling: " + name]
    body_only = runs["body only: " + name]
    rate = lambda measured: sum(number(row[1]) for row in measured)
    to_ceiling, to_body_only = rate(service) / rate(ceiling), rate(service) / rate(body_only)
    return {
        "ratio_to_ceiling": to_ceiling,
        "ratio_to_body_only": to_body_only,
        "service": service,
        "ceiling": ceiling,
        "body_only": body_only,
        "service_p99": max(number(row[3]) for row in service),
        "ceiling_p99": max(number(row[3]) for row in ceiling + body_only),
    }


cached = {name: against_ceiling(name) for name in ratio_names}
cached_ratios = [endpoint["ratio_to_ceiling"] for endpoint in cached.values()]
body_only_ratios = [endpoint["ratio_to_body_only"] for endpoint in cached.values()]
cached_p99 = [endpoint["service_p99"] for endpoint in cached.values()]
service = by_name["uncached: service, series page"]
floor = by_name["floor: series page"]
side = f"uncached ({facts['datasette_connections']} connections)"
beside = by_name[f"{side}: service, series page"]
datasette = by_name[f"{side}: Datasette, series page"]
indexed = by_name[f"{side}: Datasette with retracted=0, series page"]
side_seconds = float(facts["datasette_duration"].rstrip("s"))
matrix = [(label, path, number(first), number(median), status)
          for label, path, first, median, status in uncached]
worst = max(matrix, key=lambda case: case[3])
over = [case for case in matrix if case[3] > 50]
errors = [case for case in matrix if case[4] != "200"]
export_mb_s = int(facts["export_bytes"]) / 1e6 / float(facts["export_seconds"])


def verdict(met):
    return "met" if met else "**missed**"


add("## Targets (issue 16)")
add("")
add("| Target | Measured in this run | |")
add("|---|---|---|")


def times_over(theirs):
    """The service's req/s over Datasette's, beside it; a Datasette that answered nothing in
    the run did less than one answer in its duration, so the ratio is at least this."""
    if number(theirs[1]) > 0:
        return number(beside[1]) / number(theirs[1]), ""
    return number(beside[1]) * side_seconds, "more than "


over_datasette, at_least = times_over(datasette)
over_indexed, indexed_at_least = times_over(indexed)
add(f"| Uncached figure page ≥ 100× Datasette (both at {facts['datasette_connections']} "
    f"connections) | {at_least}{over_datasette:.0f}× Datasette as the issue queries it "
    f"({beside[1]} against {datasette[1]} req/s); {indexed_at_least}{over_indexed:.1f}× "
    f"Datasette told `retracted=0`, which lets it use the service's indexes ({indexed[1]} "
    f"req/s) | {verdict(over_datasette >= 100)} as the issue measures it; "
    f"{verdict(over_indexed >= 100)} against the indexed query |")
add(f"| Uncached page against the bare-SQL floor (reported) | "
    f"{number(service[1]) / number(floor[1]):.0%} of the floor's {floor[1]} statements/s | |")
spread = lambda key: (f"{min(e[key] for e in cached.values()):.2f}–"
                      f"{max(e[key] for e in cached.values()):.2f}")
add(f"| Cached reads ≥ 0.80 of the bare server answering the same bytes | "
    f"{spread('ratio_to_ceiling')} of the bare server answering the same bytes (the body and "
    f"the service's headers); {spread('ratio_to_body_only')} of it answering the body and its "
    f"content type alone | {verdict(min(cached_ratios) >= 0.8)} against the same bytes; "
    f"{verdict(min(body_only_ratios) >= 0.8)} against the body alone |")
add(f"| Cached p99 ≤ 5 ms at {facts['connections']} connections | "
    f"{min(cached_p99):.2f}–{max(cached_p99):.2f} ms | {verdict(max(cached_p99) <= 5)} |")
add(f"| Every documented filter and sort ≤ 50 ms (median of three), first page and deep | "
    f"{len(matrix) - len(over)} of {len(matrix)} cases; slowest {worst[3]:.0f} ms "
    f"({worst[0]}) | {verdict(not over)} |")
add(f"| Export CSV of {int(facts['observations']):,} figures ≥ 50 MB/s | {export_mb_s:.0f} MB/s "
    f"({int(facts['export_bytes']) / 1e6:.0f} MB in {facts['export_seconds']} s) | "
    f"{verdict(export_mb_s >= 50)} |")
add(f"| Export within 64 MiB RSS | {facts['rss_export']} MiB peak | "
    f"{verdict(float(facts['rss_export']) <= 64)} |")
add(f"| `generate --observations {facts['observations']}` ≤ 60 s | {facts['generate_seconds']} s "
    f"| {verdict(float(facts['generate_seconds']) <= 60)} |")
add(f"| Peak RSS ≤ 128 MiB serving {int(facts['observations']):,} figures | "
    f"{facts['rss_large']} MiB after every uncached query | "
    f"{verdict(float(facts['rss_large']) <= 128)} |")
add(f"| Start-up to ready ≤ 50 ms with {int(facts['observations']):,} figures | "
    f"{facts['startup_large']} ms | {verdict(float(facts['startup_large']) <= 50)} |")
add("")
if errors:
    add(f"Non-200 answers in the uncached matrix: {len(errors)} "
        f"({', '.join(case[0] for case in errors[:5])}).")
    add("")

notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "notes.md")
if os.path.exists(notes):
    add(open(notes).read().rstrip())
    add("")

add("## Cached endpoints, article data")
add("")
add("Each endpoint was measured in the order body only, ceiling, service, service, ceiling, "
    "body only. Body only is the bare server answering the service's body and content type; "
    "the ceiling is the same server answering the service's headers too, the same bytes as "
    "the service, against which the target is judged. The ratios are of the summed rates. "
    "The p50 and p99 are the worse run's.")
add("")
add("| Endpoint | Body only req/s, each run | Ceiling req/s, each run | Service req/s, each run "
    "| Ratio to body only | Ratio to ceiling | Service p50 ms | Service p99 ms "
    "| Ceilings' p99 ms |")
add("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, endpoint in cached.items():
    each = lambda measured: ", ".join(row[1] for row in measured)
    service_p50 = max(number(row[2]) for row in endpoint["service"])
    add(f"| {name} | {each(endpoint['body_only'])} | {each(endpoint['ceiling'])} "
        f"| {each(endpoint['service'])} | {endpoint['ratio_to_body_only']:.0%} "
        f"| {endpoint['ratio_to_ceiling']:.0%} | {service_p50:.2f} "
        f"| {endpoint['service_p99']:.2f} | {endpoint['ceiling_p99']:.2f} |")
revalidated = by_name["service: /v1/clusters revalidated (304)"]
add(f"| /v1/clusters revalidated (304) | | | {revalidated[1]} | | | {revalidated[2]} | "
    f"{revalidated[3]} | |")
add("")
add(f"Peak RSS of the service after these runs: {facts['rss_cached']} MiB.")
add("")
add("## What each layer costs")
add("")
add("The ceiling wrapped in the first n production layers "
    "(`gd_indicators::http::layers::stack::LAYERS`, innermost first), serving /v1/clusters' "
    "bytes, with the service's JSON request log written to /dev/null. Without a database the "
    "response cache is absent, so the layers inside it (catch-panic to limits) run on every "
    "request here; a cache hit in the service skips them and pays only for the cache and the "
    "layers outside it (rate-limit, request-target, cors, metrics, request-log, request-id, "
    "security-headers). Single runs on shared cores vary by about 5%.")
add("")
add("| Ceiling wrapped in | req/s | p50 ms | p99 ms |")
add("|---|---:|---:|---:|")
for row in rows:
    if row[0] == "bare ceiling" or " layers, the last " in row[0]:
        add(f"| {row[0]} | {row[1]} | {row[2]} | {row[3]} |")
add("")

add(f"## Uncached figure page: the service, the floor and Datasette, "
    f"{int(facts['observations']):,} synthetic figures")
add("")
add("Response cache off (`--response-cache-mib 0`): every request reads SQLite. The same 100 "
    "figures in the same order (checked before the runs) from each:")
add("")
add(f"- service: `{facts['series']}`")
add(f"- floor: the statement that page runs, bare (`bench/sql.rs floor`)")
add(f"- Datasette, as the issue queries it: `{facts['datasette_series']}`")
add(f"- Datasette with `retracted=0`: `{facts['datasette_indexed']}`")
add("")
add(f"At {facts['connections']} connections, {facts['duration']} each:")
add("")
add("| Server | req/s | p50 ms | p99 ms | Service's ratio |")
add("|---|---:|---:|---:|---:|")
add(f"| service | {service[1]} | {service[2]} | {service[3]} | |")
add(f"| floor (sqlx statements/s) | {floor[1]} | {floor[2]} | {floor[3]} | "
    f"{number(service[1]) / number(floor[1]):.2f} |")
add("")
add(f"Side by side with Datasette, at {facts['datasette_connections']} connections, "
    f"{facts['datasette_duration']} each: Datasette runs each query on one of a few threads, "
    f"so at {facts['connections']} connections its requests queue for longer than wrk waits "
    "(30 s) and none is answered. A run with no answer is shown as 0 req/s, and the ratio as a "
    "lower bound (fewer than one answer in the run).")
add("")
add("| Server | req/s | p50 ms | p99 ms | Service's ratio |")
add("|---|---:|---:|---:|---:|")
add(f"| service | {beside[1]} | {beside[2]} | {beside[3]} | |")
add(f"| Datasette, as the issue queries it | {datasette[1]} | {datasette[2]} | {datasette[3]} | "
    f"{at_least}{over_datasette:.0f}× |")
add(f"| Datasette with `retracted=0` | {indexed[1]} | {indexed[2]} | {indexed[3]} | "
    f"{indexed_at_least}{over_indexed:.1f}× |")
add("")
add(f"Peak RSS of the service after every uncached query: {facts['rss_large']} MiB.")
add("")

add("## Every documented filter and sort, one request at a time")
add("")
add("`bench/uncached.py`: each documented filter of `/v1/observations` (a realistic value on the "
    "generated data; `as_of` at the latest vintage, at a past one and before anything was "
    "recorded) with each sort (every key both ways and three multi-key sorts), first page; and "
    "a page 5,000 pages of 100 deep (the last page where fewer figures match) for every filter "
    "in source order, every sort unfiltered and the combinations known to be slow. Median of "
    "three requests (one when the first took over a second); the first request of a query also "
    "counts its total, which is then kept per data version, so it is shown beside it.")
add("")
add(f"{len(matrix)} cases; {len(over)} over 50 ms.")
add("")
buckets = [(0, 5), (5, 10), (10, 25), (25, 50), (50, 200), (200, 1000), (1000, float("inf"))]
add("| Median | Cases |")
add("|---|---:|")
for low, high in buckets:
    count = sum(1 for case in matrix if low <= case[3] < high)
    label = f"{low}–{high} ms" if high != float("inf") else f"over {low} ms"
    add(f"| {label} | {count} |")
add("")
add("The slowest ten, with their plans:")
add("")
add("| Case | Median ms | First ms | Status |")
add("|---|---:|---:|---|")
for label, path, first, median, status in slowest:
    add(f"| {label} | {median} | {first} | {status} |")
add("")
add("```")
add(plans.rstrip())
add("```")
add("")

add("## Bulk export, data and start-up")
add("")
add(f"- `GET /v1/export?format=csv` of every figure ({int(facts['observations']):,} generated "
    f"and the article's): {int(facts['export_bytes']):,} bytes in {facts['export_seconds']} s, "
    f"{export_mb_s:.0f} MB/s; peak RSS of a service started for it: {facts['rss_export']} MiB.")
add(f"- `generate --observations {facts['observations']}`: {facts['generate_seconds']} s, peak "
    f"RSS {facts['generate_rss']} MiB; database file {facts['large_mib']} MiB.")
add(f"- Start-up to ready (exec to the first 200 from /readyz, median of 5): article data "
    f"{facts['startup_article']} ms; with the synthetic figures {facts['startup_large']} ms.")
add("")
add("## Every uncached case")
add("")
add("<details><summary>All cases, in the order run</summary>")
add("")
add("| Case | Median ms | First ms | Status |")
add("|---|---:|---:|---|")
for label, path, first, median, status in uncached:
    add(f"| {label} | {median} | {first} | {status} |")
add("")
add("</details>")
open(out, "w").write("\n".join(lines) + "\n")
