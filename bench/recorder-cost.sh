#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What the flight recorder costs (docs/recording.md): the same headless runs with it (the default, ten minutes kept)
# and without it (--history-minutes 0), alternated in the same minutes, ROUNDS times each.
#   bench/recorder-cost.sh [BINARY] [ROUNDS]
# Prints, per round and side: CPU in % of one core at 1,000 events/s (20 s runs), and unthrottled throughput with
# 8 consumers (5 s runs); then the medians.
set -euo pipefail
bin=${1:-build/release/app/beam-me-up}
rounds=${2:-5}
report=$(mktemp)
trap 'rm -f "$report"' EXIT

field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$report" "$1"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

declare -A cpu tput
for round in $(seq 1 "$rounds"); do
    for side in on off; do
        extra=()
        [[ $side == off ]] && extra=(--history-minutes 0)
        "$bin" --headless --duration 20 --rate 1000 "${extra[@]}" --quiet --report-json "$report" >/dev/null
        c=$(field cpu_percent_avg)
        "$bin" --headless --duration 5 --rate max --consumers 8 "${extra[@]}" --quiet --report-json "$report" >/dev/null
        t=$(field throughput_eps)
        cpu[$side]+="$c "
        tput[$side]+="$t "
        printf 'round %d  recorder %-3s  cpu %6.2f %% of a core at 1,000 ev/s   unthrottled %12.0f ev/s\n' \
            "$round" "$side" "$c" "$t"
    done
done
for side in on off; do
    printf 'median  recorder %-3s  cpu %6.2f %%   unthrottled %12.0f ev/s\n' "$side" \
        "$(tr ' ' '\n' <<<"${cpu[$side]}" | grep . | median)" "$(tr ' ' '\n' <<<"${tput[$side]}" | grep . | median)"
done
