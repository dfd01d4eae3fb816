#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The soak test: an hour headless under faults, not part of .ci/run. Plays tests/soak/soak-hour.json (unthrottled,
# failures and redelivery, crashes under every strategy, kills, hangs, live reconfiguration, every overload
# policy) with /metrics on, and once a minute writes the process's RSS (from /proc) and the engine's counters
# (from /metrics) into a CSV. Fails if the run exits non-zero (a lost event is exit 3, a failed claim exit 5), if
# any sample shows an event lost, or if RSS grew by 10 MB or more from minute 5 to the end.
#
#   tests/soak/run.sh                       # the hour; CSV in build/soak/soak.csv
#   tests/soak/run.sh --speed 60 out.csv    # the same timeline in a minute (a check of the script itself)
#
# BEAM_BIN names the executable (default: build/release/app/beam-me-up, built with the release preset if missing);
# BEAM_SOAK_PORT the metrics port (default 9464).
set -euo pipefail
cd "$(dirname "$0")/../.."

speed=1
if [ "${1:-}" = "--speed" ]; then
    speed=${2:?--speed needs a factor}
    shift 2
fi
csv=${1:-build/soak/soak.csv}
bin=${BEAM_BIN:-build/release/app/beam-me-up}
port=${BEAM_SOAK_PORT:-9464}
if [ ! -x "$bin" ]; then
    cmake --preset release >/dev/null
    cmake --build --preset release --target beam-me-up
fi
command -v curl >/dev/null || { echo "soak: needs curl" >&2; exit 2; }

mkdir -p "$(dirname "$csv")"
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" --headless --scenario tests/soak/soak-hour.json --speed "$speed" --quiet --metrics-port "$port" \
    --report-json "$work/report.json" >"$work/out.log" 2>&1 &
pid=$!

metric() { # NAME: the value of an unlabelled sample in the last scrape
    awk -v name="$1" '$1 == name { printf "%.0f", $2; found = 1 } END { if (!found) printf "" }' "$work/metrics"
}
period_ms=$(awk -v s="$speed" 'BEGIN { printf "%d", 60000 / s }')
now_ms() { date +%s%3N; }
echo "minute,elapsed_s,rss_mb,produced,processed,failed,dead_lettered,dropped,restarts,in_flight,lost" >"$csv"
start_ms=$(now_ms)
minute=0
lost_seen=0
while kill -0 "$pid" 2>/dev/null; do
    minute=$((minute + 1))
    # Sleep until the next whole minute of the run (of the sped-up run with --speed), not 60 s after the scrape.
    wake_ms=$((start_ms + minute * period_ms))
    while [ "$(now_ms)" -lt "$wake_ms" ]; do
        kill -0 "$pid" 2>/dev/null || break 2
        sleep 0.2
    done
    rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
    curl -fsS --max-time 5 "http://127.0.0.1:$port/metrics" >"$work/metrics" 2>/dev/null || continue
    [ -n "$rss_kb" ] || continue
    elapsed=$(awk -v ms=$(($(now_ms) - start_ms)) 'BEGIN { printf "%.1f", ms / 1000 }')
    lost=$(metric beam_events_lost)
    [ "${lost:-0}" = "0" ] || lost_seen=1
    printf '%d,%s,%.1f,%s,%s,%s,%s,%s,%s,%s,%s\n' "$minute" "$elapsed" "$(awk -v k="$rss_kb" 'BEGIN { print k / 1024 }')" \
        "$(metric beam_events_produced_total)" "$(metric beam_events_processed_total)" \
        "$(metric beam_events_failed_total)" "$(metric beam_events_dead_lettered_total)" \
        "$(metric beam_events_dropped_total)" "$(metric beam_consumer_restarts_total)" \
        "$(metric beam_events_in_flight)" "$lost" | tee -a "$csv"
done
status=0
wait "$pid" || status=$?
grep -v "^  PASS" "$work/out.log" | tail -n 25 # the summary and any FAIL; the passes are many
echo "soak: exit $status, CSV in $csv"

verdict=0
[ "$status" -eq 0 ] || { echo "soak: FAIL: the run exited $status" >&2; verdict=1; }
[ "$lost_seen" -eq 0 ] || { echo "soak: FAIL: a sample shows events lost" >&2; verdict=1; }
# RSS growth from minute 5 (of the run; with --speed, the fifth sample) to the last sample.
growth=$(awk -F, 'NR > 1 && $1 == 5 { first = $3 } NR > 1 { last = $3 } END { if (first == "") print "none"; else printf "%.1f", last - first }' "$csv")
if [ "$growth" = "none" ]; then
    echo "soak: FAIL: no sample at minute 5" >&2
    verdict=1
elif awk -v g="$growth" 'BEGIN { exit !(g >= 10) }'; then
    echo "soak: FAIL: RSS grew $growth MB from minute 5 to the end (allowed: under 10)" >&2
    verdict=1
else
    echo "soak: RSS from minute 5 to the end: $growth MB"
fi
exit "$verdict"
