#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures and builds the fuzz preset (clang-14, libFuzzer, AddressSanitizer + UBSan), then runs each target
# for SECONDS (default 60) over a copy of its seed corpus (tests/fuzz/corpus/TARGET; the copy grows, the seeds do
# not). Fails on any crash, leak, undefined behaviour, timeout (-timeout=10 s an input) or out-of-memory
# (-rss_limit_mb=2048); what failed is left in build/fuzz/run/artifacts-TARGET/, the log in build/fuzz/run/TARGET.log.
# Prints libFuzzer's final figures for each: executions, exec/s, cov, ft, the corpus size.
#
#   tests/fuzz/run.sh            # 60 s each (CI's fuzz job)
#   tests/fuzz/run.sh 1800       # 30 minutes each (docs/fuzzing.md)
#
# A crash reproduces with: build/fuzz/tests/fuzz/fuzz_TARGET build/fuzz/run/artifacts-TARGET/crash-...
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
    echo "usage: tests/fuzz/run.sh [seconds, default 60]" >&2
    exit 2
fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j2

# Each target's longest input: a scenario file up to 16 KiB (the lessons are 2-3 KiB), an argv up to 1 KiB, a
# recording up to 64 KiB (the seed, with 512-byte pages, is about 20 KiB).
declare -A max_len=([scenario]=16384 [commandline]=1024 [recording]=65536)
work="$PWD/build/fuzz/run" # absolute: fuzz_commandline works in a scratch folder
rm -rf "$work"
mkdir -p "$work"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$PWD/tests/ubsan.supp"
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
failed=()
summary=()
for target in scenario commandline recording; do
    corpus="$work/corpus-$target"
    artifacts="$work/artifacts-$target"
    mkdir -p "$corpus" "$artifacts"
    cp tests/fuzz/corpus/"$target"/* "$corpus"/
    echo "== fuzz_$target: ${seconds} s over $(ls "$corpus" | wc -l) seeds"
    # stdin is /dev/null: nothing the parser could open blocks on a terminal.
    if ! build/fuzz/tests/fuzz/fuzz_"$target" -max_total_time="$seconds" -max_len="${max_len[$target]}" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -dict="$PWD/tests/fuzz/$target.dict" -artifact_prefix="$artifacts/" \
        "$corpus" </dev/null >"$work/$target.log" 2>&1; then
        failed+=("fuzz_$target")
        tail -n 60 "$work/$target.log"
    fi
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$work/$target.log" | tail -n 1 || true)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$target.log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$target.log" | tail -n 1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$work/$target.log" | tail -n 1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
    echo "$done_line"
    grep '^stat::' "$work/$target.log" || true
    summary+=("fuzz_$target: ${runs:-?} executions in ${seconds} s (${rate:-?} exec/s), cov ${cov:-?}, ft ${ft:-?}, corpus $(ls "$corpus" | wc -l) files, peak RSS ${rss:-?} MB")
done

echo
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED: ${failed[*]} (inputs in $work/artifacts-*/, logs in $work/*.log)" >&2
    exit 1
fi
echo "fuzzing: no crash, leak or timeout"
