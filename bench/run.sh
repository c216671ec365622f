#!/usr/bin/env bash
# Benchmarks gd-indicators on this machine, with wrk, against what bounds it: a bare axum
# server serving the same bytes (the ceiling), the service's own page statement run by a bare
# sqlx loop (the floor, bench/sql.rs), and Datasette serving the same SQLite file; then every
# documented filter and sort one request at a time (bench/uncached.py), the bulk export, the
# generator and start-up. Writes BENCHMARKS.md, all from this one run. Each wrk run is bounded
# in time.
#
#   bench/run.sh                  # full run: about 15 minutes on 2 cores
#   BENCH_DURATION=3s bench/run.sh   # shorter runs, for a smoke test
#
# Datasette comes from PyPI into a virtual environment of its own (python3 -m venv, pip).
#
# Environment: BENCH_DURATION (per wrk run, default 10s), BENCH_CONNECTIONS (default 64),
# BENCH_OBSERVATIONS (synthetic figures, default 1000000), BENCH_OUT (default BENCHMARKS.md),
# BENCH_DATASETTE_CONNECTIONS and BENCH_DATASETTE_DURATION (the side-by-side runs with
# Datasette, default 4 and 30s).
#
# What a run measured is kept in target/bench-run (the facts, wrk rows, uncached cases and
# plans), so `python3 bench/report.py target/bench-run BENCHMARKS.md` rewrites the report
# without measuring again.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-64}
datasette_connections=${BENCH_DATASETTE_CONNECTIONS:-4}
datasette_duration=${BENCH_DATASETTE_DURATION:-30s}
observations=${BENCH_OBSERVATIONS:-1000000}
out=${BENCH_OUT:-BENCHMARKS.md}
threads=2

if ! command -v wrk >/dev/null; then
    echo "== installing wrk (Debian package)"
    sudo_if_needed=""
    [ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get update -q && $sudo_if_needed apt-get install -y -q wrk
fi
if [ ! -x /usr/bin/time ]; then
    echo "== installing GNU time (Debian package), for the generator's peak RSS"
    sudo_if_needed=""
    [ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get update -q && $sudo_if_needed apt-get install -y -q time
fi
for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done
# Datasette's virtual environment needs the venv module, which Debian packages apart.
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    echo "== installing python3-venv (Debian package), for Datasette's virtual environment"
    sudo_if_needed=""
    [ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get update -q && $sudo_if_needed apt-get install -y -q python3-venv
fi

echo "== building release binaries"
cargo build --release --locked --bin gd-indicators --example ceiling --example sql
bin=target/release/gd-indicators
ceiling=target/release/examples/ceiling
sql=target/release/examples/sql
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    mkdir -p target/bench-run
    for file in facts rows uncached slowest plans; do
        [ -f "$work/$file" ] && cp "$work/$file" target/bench-run/
    done
    rm -rf "$work"
}
trap cleanup EXIT

service_port=18380
ceiling_port=18381
datasette_port=18382

echo "== Datasette from PyPI, in a virtual environment of its own"
python3 -m venv "$work/datasette"
"$work/datasette/bin/pip" install --quiet --disable-pip-version-check datasette
datasette_version=$("$work/datasette/bin/datasette" --version | awk '{ print $NF }')
echo "   datasette $datasette_version"

# wait_ready URL: polls until the URL answers 200, at most 10 s.
wait_ready() {
    for _ in $(seq 1 2000); do
        curl -fs -o /dev/null "$1" && return 0
        sleep 0.005
    done
    echo "bench: $1 never answered" >&2
    exit 1
}

# start_service DB [FLAGS...]: the release binary with production settings, JSON logs to a
# file (as a container would ship them), on loopback.
start_service() {
    local db=$1
    shift
    "$bin" --database-url "$db" --addr "127.0.0.1:$service_port" --log-format json "$@" \
        >>"$work/service.log" 2>&1 &
    service_pid=$!
    pids+=("$service_pid")
    wait_ready "http://127.0.0.1:$service_port/readyz"
}
stop_service() {
    kill "$service_pid"
    wait "$service_pid" 2>/dev/null || true
}

# peak_rss_mib PID: the process's peak resident set so far (VmHWM).
peak_rss_mib() {
    awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# measure NAME URL [HEADER]: one wrk run; appends "NAME|req/s|p50 ms|p99 ms" to $work/rows.
# MEASURE_CONNECTIONS and MEASURE_DURATION, if set, replace the run's defaults.
measure() {
    local name=$1 url=$2 header=${3:-}
    local args=(-t"$threads" -c"${MEASURE_CONNECTIONS:-$connections}"
        -d"${MEASURE_DURATION:-$duration}" --timeout 30s --latency)
    [ -n "$header" ] && args+=(-H "$header")
    wrk "${args[@]}" "$url" >"$work/wrk.txt"
    if grep -q "Non-2xx or 3xx responses" "$work/wrk.txt"; then
        echo "bench: $name: wrk saw error responses" >&2
        cat "$work/wrk.txt" >&2
        exit 1
    fi
    python3 - "$name" "$work/wrk.txt" >>"$work/rows" <<'EOF'
import re, sys
name, path = sys.argv[1], sys.argv[2]
text = open(path).read()
def ms(label):
    value, unit = re.search(r"^\s*%s\s+([\d.]+)(us|ms|s)\s*$" % label, text, re.M).groups()
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
print(f"{name}|{rps:.0f}|{ms('50%'):.2f}|{ms('99%'):.2f}" if rps >= 10 else
      f"{name}|{rps:.2f}|{ms('50%'):.2f}|{ms('99%'):.2f}")
EOF
    tail -1 "$work/rows" | awk -F'|' '{ printf "   %-58s %8s req/s  p50 %6s ms  p99 %6s ms\n", $1, $2, $3, $4 }'
}

# run_ceiling BODY_FILE HEADERS_FILE [LAYERS]: starts the ceiling on $ceiling_port.
run_ceiling() {
    "$ceiling" "127.0.0.1:$ceiling_port" "$@" >/dev/null &
    ceiling_pid=$!
    pids+=("$ceiling_pid")
    wait_ready "http://127.0.0.1:$ceiling_port/"
}
stop_ceiling() {
    kill "$ceiling_pid"
    wait "$ceiling_pid" 2>/dev/null || true
}

# against_ceiling NAME PATH [HEADER]: the ceiling answering the service's bytes for PATH, body
# and headers, and the service itself, under the same load, in the order ceiling, service,
# service, ceiling: this machine's speed drifts within minutes (the ceiling alone measured
# 46k-63k req/s in three runs of one day, the service 42k-46k), and the ratio of the sums
# cancels a steady drift, where one run of each read it as a difference between the two.
# Before and after, the ceiling answering the body and its content type alone ("body only"):
# the report judges the service against the ceiling, which answers the same bytes, and shows
# the ratio to the body alone beside it (what the headers cost).
against_ceiling() {
    local name=$1 path=$2 header=${3:-}
    local curl_args=(-fs -D "$work/headers" -o "$work/body")
    [ -n "$header" ] && curl_args+=(-H "$header")
    curl "${curl_args[@]}" "http://127.0.0.1:$service_port$path"
    grep -i '^content-type:' "$work/headers" >"$work/content_type"
    run_ceiling "$work/body" "$work/content_type"
    measure "body only: $name" "http://127.0.0.1:$ceiling_port$path" "$header"
    stop_ceiling
    run_ceiling "$work/body" "$work/headers"
    measure "ceiling: $name" "http://127.0.0.1:$ceiling_port$path" "$header"
    measure "service: $name" "http://127.0.0.1:$service_port$path" "$header"
    measure "service: $name" "http://127.0.0.1:$service_port$path" "$header"
    measure "ceiling: $name" "http://127.0.0.1:$ceiling_port$path" "$header"
    stop_ceiling
    run_ceiling "$work/body" "$work/content_type"
    measure "body only: $name" "http://127.0.0.1:$ceiling_port$path" "$header"
    stop_ceiling
}

# startup_ms DB: median of 5 starts, from exec to the first 200 from /readyz.
startup_ms() {
    local db=$1 times=()
    for _ in 1 2 3 4 5; do
        local started ended
        started=$(date +%s%N)
        "$bin" --database-url "$db" --addr "127.0.0.1:$service_port" >/dev/null 2>&1 &
        local pid=$!
        until curl -fs -o /dev/null "http://127.0.0.1:$service_port/readyz"; do sleep 0.002; done
        ended=$(date +%s%N)
        kill "$pid"
        wait "$pid" 2>/dev/null || true
        times+=($(((ended - started) / 1000000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}

: >"$work/rows"
echo "== databases"
"$bin" migrate --database-url "$work/article.db" >/dev/null
generate_started=$(date +%s%N)
/usr/bin/time -f "%M" -o "$work/generate.rss" \
    "$bin" generate --database-url "$work/large.db" --observations "$observations" 2>"$work/generate.log" >/dev/null
generate_seconds=$(awk -v ns=$(($(date +%s%N) - generate_started)) 'BEGIN { printf "%.1f", ns / 1e9 }')
generate_rss=$(awk '{ printf "%.0f", $1 / 1024 }' "$work/generate.rss")
large_mib=$(du -m "$work/large.db" | cut -f1)
echo "   generated $observations synthetic figures in ${generate_seconds} s (peak RSS ${generate_rss} MiB); file ${large_mib} MiB"

echo "== start-up to ready (median of 5)"
startup_article=$(startup_ms "$work/article.db")
startup_large=$(startup_ms "$work/large.db")
echo "   article data: ${startup_article} ms; with $observations more figures: ${startup_large} ms"

echo "== cached endpoints, article data (the ceiling serves the same bytes)"
start_service "$work/article.db"
against_ceiling "/v1/clusters" "/v1/clusters"
against_ceiling "filtered observations" "/v1/observations?topic=innovation&sort=-value&limit=20"
against_ceiling "CSV list" "/v1/observations?format=csv&limit=1000"
against_ceiling "search" "/v1/search?q=patent"
against_ceiling "/v1/clusters, gzip" "/v1/clusters" "Accept-Encoding: gzip"
tag=$(curl -fs -D - -o /dev/null "http://127.0.0.1:$service_port/v1/clusters" |
    awk -F': ' 'tolower($1) == "etag" { sub(/\r$/, "", $2); print $2 }')
measure "service: /v1/clusters revalidated (304)" "http://127.0.0.1:$service_port/v1/clusters" "If-None-Match: $tag"
rss_cached=$(peak_rss_mib "$service_pid")
stop_service

echo "== what each layer costs: the ceiling wrapped in the first n production layers"
start_service "$work/article.db"
curl -fs -o "$work/clusters.json" "http://127.0.0.1:$service_port/v1/clusters"
stop_service
# The layers add their own headers: the handler sends the content type alone.
echo "content-type: application/json" >"$work/json_content_type"
layer_names=(none catch-panic etag compression revalidate limits request-span response-cache public-url rate-limit request-target cors metrics request-log request-id security-headers)
for n in $(seq 0 $((${#layer_names[@]} - 1))); do
    run_ceiling "$work/clusters.json" "$work/json_content_type" "$n"
    if [ "$n" -eq 0 ]; then label="bare ceiling"; else label="$n layers, the last ${layer_names[$n]}"; fi
    measure "$label" "http://127.0.0.1:$ceiling_port/v1/clusters"
    stop_ceiling
done

echo "== uncached queries on $observations synthetic figures (response cache off)"
start_service "$work/large.db" --response-cache-mib 0
base="http://127.0.0.1:$service_port"
# A synthetic series: the first synthetic figure's indicator and region.
read -r indicator region < <(curl -fs "$base/v1/observations?source=synthetic&limit=1" |
    python3 -c 'import json,sys; o=json.load(sys.stdin)["data"][0]; print(o["indicator"]["id"], o["region"]["id"])')
series_query="indicator=$indicator&region=$region&sort=period&limit=100"
series="/v1/observations?$series_query"
# Datasette's equivalent: its table view of the same file, filtered and sorted the same way.
# As the issue wrote it, and with the service's own `retracted = 0`, without which SQLite
# cannot use the service's (partial) indexes.
datasette_series="/large/observations.json?indicator_id=$indicator&region_id=$region&_sort=period_sort_key&_size=100&_shape=array"
datasette_indexed="/large/observations.json?indicator_id=$indicator&region_id=$region&_where=retracted%3D0&_sort=period_sort_key&_size=100&_shape=array"
# Datasette stops a query after 1 s by default and answers 400; under load its series page
# takes longer than that, so its limit is raised to wrk's own 30 s: a slow page counts as a
# slow answer, not as an error.
"$work/datasette/bin/datasette" serve -i "$work/large.db" -h 127.0.0.1 -p "$datasette_port" \
    --setting sql_time_limit_ms 30000 >"$work/datasette.log" 2>&1 &
datasette_pid=$!
pids+=("$datasette_pid")
wait_ready "http://127.0.0.1:$datasette_port/-/versions.json"
for path in "$datasette_series" "$datasette_indexed"; do
    python3 - "$base$series" "http://127.0.0.1:$datasette_port$path" <<'EOF' || exit 1
import json, sys, urllib.request
ours = [o["id"] for o in json.load(urllib.request.urlopen(sys.argv[1]))["data"]]
theirs = [r["id"] for r in json.load(urllib.request.urlopen(sys.argv[2]))]
if ours != theirs or len(ours) != 100:
    sys.exit(f"bench: Datasette answers other rows than the service ({len(theirs)} against {len(ours)})")
print(f"   Datasette and the service answer the same {len(ours)} figures in the same order")
EOF
done
measure "uncached: service, series page" "$base$series"
# Side by side with Datasette at a load it can answer: it runs each query on one of a few
# threads, so 64 connections queue for longer than wrk waits (30 s) and none is answered.
# The service under the same load, then Datasette with the indexed query and, last (the
# queries it is still running once wrk stops would delay the next run), the issue's query.
side="uncached ($datasette_connections connections)"
MEASURE_CONNECTIONS=$datasette_connections MEASURE_DURATION=$datasette_duration \
    measure "$side: service, series page" "$base$series"
MEASURE_CONNECTIONS=$datasette_connections MEASURE_DURATION=$datasette_duration \
    measure "$side: Datasette with retracted=0, series page" "http://127.0.0.1:$datasette_port$datasette_indexed"
MEASURE_CONNECTIONS=$datasette_connections MEASURE_DURATION=$datasette_duration \
    measure "$side: Datasette, series page" "http://127.0.0.1:$datasette_port$datasette_series"
kill "$datasette_pid"
wait "$datasette_pid" 2>/dev/null || true
# The floor: the service's own statement for the page, in a bare sqlx loop, as many tasks as
# wrk has connections, beside the (idle) service.
floor=$("$sql" floor "$work/large.db" "$series_query" "${duration%s}" "$connections")
echo "floor: series page|$floor" >>"$work/rows"
echo "   floor (bench/sql.rs)                                        ${floor%%|*} statements/s"

echo "== every documented filter and sort, one request at a time"
python3 bench/uncached.py "$base" "$work/large.db" "$work/uncached"
# Sorted into a file first: `head` closing the pipe early would end `sort` with SIGPIPE, which
# pipefail turns into the run's failure.
sort -t'|' -k4 -g -r "$work/uncached" >"$work/by_median"
head -10 "$work/by_median" >"$work/slowest"
cut -d'|' -f1,2 "$work/slowest" | sed 's#|/v1/observations?\{0,1\}#\t#' |
    "$sql" plan "$work/large.db" >"$work/plans"
rss_large=$(peak_rss_mib "$service_pid")
stop_service

echo "== bulk export of every figure as CSV"
start_service "$work/large.db"
export_started=$(date +%s%N)
export_bytes=$(curl -fs -o /dev/null -w '%{size_download}' "$base/v1/export?format=csv")
export_seconds=$(awk -v ns=$(($(date +%s%N) - export_started)) 'BEGIN { printf "%.2f", ns / 1e9 }')
rss_export=$(peak_rss_mib "$service_pid")
stop_service
echo "   ${export_bytes} bytes in ${export_seconds} s; peak RSS ${rss_export} MiB"
load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)
finished=$(date -u '+%Y-%m-%d %H:%M UTC')

echo "== writing $out"
cat >"$work/facts" <<EOF
threads=$threads
connections=$connections
duration=$duration
observations=$observations
rss_cached=$rss_cached
rss_large=$rss_large
rss_export=$rss_export
export_bytes=$export_bytes
export_seconds=$export_seconds
generate_seconds=$generate_seconds
generate_rss=$generate_rss
large_mib=$large_mib
startup_article=$startup_article
startup_large=$startup_large
series=$series
datasette_series=$datasette_series
datasette_indexed=$datasette_indexed
datasette_version=$datasette_version
datasette_connections=$datasette_connections
datasette_duration=$datasette_duration
load_at_start=$load_at_start
load_at_end=$load_at_end
finished=$finished
EOF
python3 bench/report.py "$work" "$out"
echo "bench: wrote $out"
