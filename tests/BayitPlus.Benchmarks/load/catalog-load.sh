#!/usr/bin/env bash
# Load run of the catalog (issue 4): browse and search requests per second and latency on a
# 10,000-item catalog. Starts the standalone emulator and the API (Release) on loopback, seeds the
# catalog, runs wrk, and stops everything. Not run by CI. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/../../.."

ITEMS=${ITEMS:-10000}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
MONGO_PORT=${MONGO_PORT:-27599}
API_PORT=${API_PORT:-5099}
API="http://127.0.0.1:$API_PORT"
MONGO="mongodb://127.0.0.1:$MONGO_PORT/?replicaSet=rs0"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

for project in src/BayitPlus.Api tests/BayitPlus.Benchmarks; do
    dotnet build -c Release -v quiet "$project" >/dev/null
done
dotnet src/BayitPlus.MongoEmulator/bin/Release/net10.0/BayitPlus.MongoEmulator.dll --port "$MONGO_PORT" >/tmp/bayitplus-load-emulator.log 2>&1 &
pids+=($!)
sleep 2
dotnet tests/BayitPlus.Benchmarks/bin/Release/net10.0/BayitPlus.Benchmarks.dll seed-catalog "$MONGO" bayit_plus "$ITEMS"

start_api() {
    ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$API" MONGODB_URI="$MONGO" \
    Jwt__SigningKey="load-run-only-$(head -c 24 /dev/urandom | base64)" \
    RateLimits__Global__PermitLimit=100000000 Content__CatalogCacheDuration="$1" \
    Logging__LogLevel__Default=Warning \
    dotnet src/BayitPlus.Api/bin/Release/net10.0/BayitPlus.Api.dll >/tmp/bayitplus-load-api.log 2>&1 &
    api_pid=$!
    pids+=($api_pid)
    for _ in $(seq 1 60); do
        curl -sf "$API/health/ready" >/dev/null && return 0
        sleep 1
    done
    echo "the API did not become ready" >&2
    exit 1
}

run() {
    echo "== $1"
    shift
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" | grep -E "Requests/sec|Latency|99%|Non-2xx"
}

echo "catalog: $ITEMS items; wrk: 2 threads, $CONNECTIONS connections, $DURATION per run; 2 cores shared by wrk, API and emulator"
start_api "00:00:30"
run "browse, one URL (output cache)" "$API/api/content?section=movies&limit=20"
run "browse, varied filters and sorts (cache default 30 s)" -s tests/BayitPlus.Benchmarks/load/browse.lua "$API"
run "search, varied words (never cached)" -s tests/BayitPlus.Benchmarks/load/search.lua "$API"
kill "$api_pid"
wait "$api_pid" 2>/dev/null || true

start_api "00:00:00.001"
run "browse, varied filters and sorts (cache off)" -s tests/BayitPlus.Benchmarks/load/browse.lua "$API"
