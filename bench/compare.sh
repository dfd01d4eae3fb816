#!/usr/bin/env bash
# Runs two builds of beam-me-up against each other, alternated in the same minutes (old, new, old, new...), so a
# machine that slows down or speeds up shows in both columns alike. Prints each run's table; compare medians.
#   bench/compare.sh OLD_BINARY NEW_BINARY [ROUNDS] [-- extra --bench flags]
# Example (docs/admission.md): bench/compare.sh /tmp/old/beam-me-up build/release/app/beam-me-up 2 \
#     -- --bench-seconds 2 --bench-runs 1 --bench-sections throughput
set -euo pipefail
old=$1 new=$2 rounds=${3:-2}
shift 3 || shift $#
[ "${1:-}" = "--" ] && shift
flags=("$@")
[ ${#flags[@]} -gt 0 ] || flags=(--bench-seconds 2 --bench-runs 1 --bench-sections throughput)
for round in $(seq 1 "$rounds"); do
    for which in old new; do
        binary=$old
        [ "$which" = new ] && binary=$new
        echo "=== round $round: $which ($binary) $(date -u +%H:%M:%S)"
        "$binary" --bench "${flags[@]}" | sed -n '/^consumers\|^ *[0-9]/p'
    done
done
