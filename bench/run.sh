#!/usr/bin/env bash
# Benchmarks gd-indicators against a bare axum server serving the same bytes (the ceiling),
# on this machine, with wrk; writes BENCHMARKS.md. Each wrk run is bounded in time.
#
#   bench/run.sh                  # full run: about 15 minutes on 2 cores, most of it generating
#   BENCH_DURATION=3s bench/run.sh   # shorter runs, for a smoke test
#
# Environment: BENCH_DURATION (per wrk run, default 10s), BENCH_CONNECTIONS (default 64),
# BENCH_OBSERVATIONS (synthetic figures, default 1000000), BENCH_OUT (default BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-64}
observations=${BENCH_OBSERVATIONS:-1000000}
out=${BENCH_OUT:-BENCHMARKS.md}
threads=2

if ! command -v wrk >/dev/null; then
    echo "== installing wrk (Debian package)"
    sudo_if_needed=""
    [ "$(id -u)" -ne 0 ] && sudo_if_needed="sudo"
    $sudo_if_needed apt-get update -q && $sudo_if_needed apt-get install -y -q wrk
fi
for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 1; }
done

echo "== building release binaries"
cargo build --release --locked --bin gd-indicators --example ceiling
bin=target/release/gd-indicators
ceiling=target/release/examples/ceiling

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

service_port=18380
ceiling_port=18381

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
measure() {
    local name=$1 url=$2 header=${3:-}
    local args=(-t"$threads" -c"$connections" -d"$duration" --latency)
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
print(f"{name}|{rps:.0f}|{ms('50%'):.2f}|{ms('99%'):.2f}")
EOF
    tail -1 "$work/rows" | awk -F'|' '{ printf "   %-58s %8s req/s  p50 %6s ms  p99 %6s ms\n", $1, $2, $3, $4 }'
}

# against_ceiling NAME PATH [HEADER]: the ceiling serving the service's bytes for PATH, then
# the service itself, both under the same load.
against_ceiling() {
    local name=$1 path=$2 header=${3:-}
    local curl_args=(-fs -D "$work/headers" -o "$work/body")
    [ -n "$header" ] && curl_args+=(-H "$header")
    curl "${curl_args[@]}" "http://127.0.0.1:$service_port$path"
    local content_type
    content_type=$(awk -F': ' 'tolower($1) == "content-type" { sub(/\r$/, "", $2); print $2 }' "$work/headers")
    "$ceiling" "127.0.0.1:$ceiling_port" "$work/body" "$content_type" >/dev/null &
    local ceiling_pid=$!
    pids+=("$ceiling_pid")
    wait_ready "http://127.0.0.1:$ceiling_port/"
    measure "ceiling: $name" "http://127.0.0.1:$ceiling_port$path" "$header"
    kill "$ceiling_pid"
    wait "$ceiling_pid" 2>/dev/null || true
    measure "service: $name" "http://127.0.0.1:$service_port$path" "$header"
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
generate_started=$(date +%s)
"$bin" generate --database-url "$work/large.db" --observations "$observations" 2>"$work/generate.log" >/dev/null
generate_seconds=$(($(date +%s) - generate_started))
large_mib=$(du -m "$work/large.db" | cut -f1)
echo "   generated $observations synthetic figures in ${generate_seconds} s; file ${large_mib} MiB"

echo "== start-up to ready (median of 5)"
startup_article=$(startup_ms "$work/article.db")
startup_large=$(startup_ms "$work/large.db")
echo "   article data: ${startup_article} ms; with $observations more figures: ${startup_large} ms"

echo "== cached endpoints, article data (the ceiling serves the same bytes)"
start_service "$work/article.db"
against_ceiling "/v1/clusters" "/v1/clusters"
against_ceiling "filtered observations" "/v1/observations?topic=innovation&sort=-value&limit=20"
against_ceiling "CSV export" "/v1/export?format=csv"
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
layer_names=(none catch-panic etag compression revalidate limits response-cache rate-limit request-target cors metrics request-log request-id security-headers)
for n in $(seq 0 $((${#layer_names[@]} - 1))); do
    "$ceiling" "127.0.0.1:$ceiling_port" "$work/clusters.json" application/json "$n" >/dev/null &
    ceiling_pid=$!
    pids+=("$ceiling_pid")
    wait_ready "http://127.0.0.1:$ceiling_port/"
    if [ "$n" -eq 0 ]; then label="bare ceiling"; else label="$n layers, the last ${layer_names[$n]}"; fi
    measure "$label" "http://127.0.0.1:$ceiling_port/v1/clusters"
    kill "$ceiling_pid"
    wait "$ceiling_pid" 2>/dev/null || true
done

echo "== uncached queries on $observations synthetic figures (response cache off)"
start_service "$work/large.db" --response-cache-mib 0
base="http://127.0.0.1:$service_port"
# A synthetic series: the first synthetic figure's indicator and region.
read -r indicator region < <(curl -fs "$base/v1/observations?source=synthetic&limit=1" |
    python3 -c 'import json,sys; o=json.load(sys.stdin)["data"][0]; print(o["indicator"]["id"], o["region"]["id"])')
series="/v1/observations?indicator=$indicator&region=$region&sort=period"
measure "filtered series, first page" "$base$series"
# The cursor of the page 5,000 pages (of 100) deep, walked to in pages of 1,000.
deep_query="/v1/observations?sort=period&limit=100"
cursor=$(python3 - "$base" <<'EOF'
import json, sys, urllib.parse, urllib.request
base = sys.argv[1]
path = "/v1/observations?sort=period&limit=1000&fields=id"
for _ in range(500):
    page = json.load(urllib.request.urlopen(base + path))
    path = page["links"]["next"]
query = urllib.parse.parse_qs(urllib.parse.urlparse(path).query)
print(query["cursor"][0])
EOF
)
measure "sort=period, first page" "$base$deep_query"
measure "sort=period, page 5,000 deep" "$base$deep_query&cursor=$cursor"
rss_large=$(peak_rss_mib "$service_pid")
stop_service

echo "== writing $out"
python3 - "$work/rows" "$out" <<EOF
import platform, subprocess, sys, datetime
rows = [line.rstrip("\n").split("|") for line in open(sys.argv[1])]
by_name = {row[0]: row for row in rows}
def cpu():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()
lines = []
add = lines.append
add("# Benchmarks")
add("")
add("Written by \`bench/run.sh\`; do not edit by hand. Run it again to refresh.")
add("")
add(f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
add(f"- Machine: {cpu()}, {subprocess.check_output(['nproc']).decode().strip()} cores, Linux {platform.release()}; wrk runs on the same cores")
add(f"- Load: \`wrk -t$threads -c$connections -d$duration --latency\`, one run per line")
add(f"- Service: \`target/release/gd-indicators\` with production settings and JSON request logs to a file")
add(f"- Ceiling: \`target/release/examples/ceiling\` (bench/ceiling.rs), a bare axum server returning the same bytes and content type")
add("")
add("## Cached endpoints, article data")
add("")
add("| Endpoint | Ceiling req/s | Service req/s | Ratio | Service p50 ms | Service p99 ms | Ceiling p99 ms |")
add("|---|---:|---:|---:|---:|---:|---:|")
for row in rows:
    if row[0].startswith("service: ") and ("ceiling: " + row[0][9:]) in by_name:
        ceiling = by_name["ceiling: " + row[0][9:]]
        add(f"| {row[0][9:]} | {ceiling[1]} | {row[1]} | {float(row[1]) / float(ceiling[1]):.0%} | {row[2]} | {row[3]} | {ceiling[3]} |")
revalidated = by_name["service: /v1/clusters revalidated (304)"]
add(f"| /v1/clusters revalidated (304) | | {revalidated[1]} | | {revalidated[2]} | {revalidated[3]} | |")
add("")
add(f"Peak RSS of the service after these runs: $rss_cached MiB.")
add("")
add("## What each layer costs")
add("")
add("The ceiling wrapped in the first n production layers (\`gd_indicators::http::layers::stack::LAYERS\`, innermost first), serving /v1/clusters' bytes, with the service's JSON request log written to /dev/null. Without a database the response cache is absent, so the layers inside it (catch-panic to limits) run on every request here; a cache hit in the service skips them and pays only for the cache and the seven layers outside it (rate-limit, request-target, cors, metrics, request-log, request-id, security-headers). Single 10 s runs on shared cores vary by about 5%.")
add("")
add("| Ceiling wrapped in | req/s | p50 ms | p99 ms |")
add("|---|---:|---:|---:|")
for row in rows:
    if row[0] == "bare ceiling" or " layers, the last " in row[0]:
        add(f"| {row[0]} | {row[1]} | {row[2]} | {row[3]} |")
add("")
add("## Uncached queries, $observations synthetic figures")
add("")
add("Response cache off (\`--response-cache-mib 0\`): every request reads SQLite.")
add("")
add("| Query | req/s | p50 ms | p99 ms |")
add("|---|---:|---:|---:|")
for row in rows:
    if row[0] in ("filtered series, first page", "sort=period, first page", "sort=period, page 5,000 deep"):
        add(f"| {row[0]} | {row[1]} | {row[2]} | {row[3]} |")
first, deep = by_name["sort=period, first page"], by_name["sort=period, page 5,000 deep"]
add("")
add(f"Page 5,000 deep vs first page, p50 latency: {float(deep[2]) / float(first[2]):.2f}x.")
add(f"Peak RSS of the service after these runs: $rss_large MiB.")
add("")
add("## Data and start-up")
add("")
add(f"- \`generate --observations $observations\`: ${generate_seconds} s; database file ${large_mib} MiB.")
add(f"- Start-up to ready (exec to the first 200 from /readyz, median of 5): article data ${startup_article} ms; with the synthetic figures ${startup_large} ms.")
add(f"- Series query used: \`$series\`.")
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
EOF
echo "bench: wrote $out"
