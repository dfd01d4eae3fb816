#!/usr/bin/env bash
# CPU of each thread of a running beam-me-up, in % of one core, over SECONDS in the middle of a run, read from
# /proc (threads of one name summed: beam-exec-0, beam-pacer, beam-sampler...). docs/pacing-and-batching.md quotes it:
#   bench/thread-cpu.sh 30 build/release/app/beam-me-up --headless --rate 1000 --duration 40
#   bench/thread-cpu.sh 30 build/release/app/beam-me-up --headless --rate 1000 --pacing 5000 --duration 40
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 SECONDS PROGRAM [ARGUMENTS...] (the program must run at least SECONDS + 2 s)" >&2
    exit 2
fi
seconds=$1
shift
"$@" > /dev/null 2>&1 &
pid=$!
sleep 2 # past the start-up
snapshot() {
    for task in /proc/"$pid"/task/*; do
        printf '%s %s\n' "$(tr ' ' _ < "$task"/comm)" "$(awk '{print $14 + $15}' "$task"/stat)"
    done | awk '{ticks[$1] += $2} END {for (name in ticks) print name, ticks[name]}' | sort
}
before=$(snapshot)
sleep "$seconds"
after=$(snapshot)
kill -INT "$pid" 2> /dev/null || true
wait "$pid" 2> /dev/null || true
join -a 2 <(echo "$before") <(echo "$after") | awk -v s="$seconds" -v hz="$(getconf CLK_TCK)" '
    { used = (NF == 3 ? $3 - $2 : $2); total += used; printf "%-16s %6.2f%%\n", $1, 100 * used / hz / s }
    END { printf "%-16s %6.2f%%\n", "whole process", 100 * total / hz / s }'
