#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds both container images and runs every container command the README shows, with a real engine:
#
#   bash packaging/container-check.sh
#
# Environment:
#   BEAM_DOCKER               the engine: docker (the default when there is one), podman, or any Docker-compatible
#                             CLI (a wrapper script too)
#   BEAM_DOCKER_BUILD_FLAGS   extra flags for `build`, e.g. "--pull=never" where no registry is reachable
#   BEAM_CHROMIUM             headless Chromium for the noVNC check (default: chromium, chromium-browser or
#                             google-chrome, whichever is on PATH)
#   BEAM_BROWSER_PNG          where the browser's screenshot goes (default docs/browser.png)
#
# It checks: exit codes; /metrics moving between two scrapes; uid 10001 in both images; `stop` within 2 s with
# exit 0 for both; `--report-json -` and /dev/stdout giving exactly one JSON document with lost 0; the headless
# image at most 150 MB and without the window; the window image refusing to start without BEAM_PASSWORD;
# Chromium opening the noVNC page with the view password and seeing the window drawn (the screenshot is
# BEAM_BROWSER_PNG: look at it); Ctrl+Q typed with the view password ignored, with the teacher's password
# quitting the window (exit 0). Not part of .ci/run: it needs a container engine; CI's `docker` job runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

engine=${BEAM_DOCKER:-}
if [ -z "$engine" ]; then
    if command -v docker >/dev/null; then engine=docker
    elif command -v podman >/dev/null; then engine=podman
    else echo "container-check: no docker or podman; set BEAM_DOCKER" >&2; exit 2
    fi
fi
read -r -a build_flags <<<"${BEAM_DOCKER_BUILD_FLAGS:-}"
png=${BEAM_BROWSER_PNG:-docs/browser.png}
max_headless_mb=150
max_stop_ms=2000
teacher=teach-$RANDOM
viewer=watch-$RANDOM
names=(beam-check-metrics beam-check-window beam-check-steer)

failures=0
ok() { echo "  ok    $*"; }
bad() { echo "  FAIL  $*"; failures=$((failures + 1)); }
check() { # check "what" command...: ok when the command succeeds
    local what=$1
    shift
    if "$@"; then ok "$what"; else bad "$what"; fi
}
dk() { "$engine" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
remove_containers() { dk rm -f "${names[@]}" >/dev/null 2>&1 || true; }
remove_containers # left over from an interrupted run
scratch=$(mktemp -d)
cleanup() {
    remove_containers
    rm -rf "$scratch"
}
trap cleanup EXIT

# Polls (a script's loop, not a test's): until `command` succeeds or `seconds` pass.
wait_for() {
    local seconds=$1
    shift
    local deadline=$(($(date +%s) + seconds))
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

# Stops a container and checks that it exited 0 at most max_stop_ms after the signal. The container's own time
# is the engine's record of its end (State.FinishedAt) less the moment `stop` was called; the engine's command
# may return later, after its own cleanup (podman 4.3 here: 1.5-2.5 s even for a process that exits at once),
# which is also shown.
stop_check() {
    local name=$1 started returned finished code
    started=$(now_ms)
    dk stop -t 10 "$name" >/dev/null
    returned=$(now_ms)
    code=$(dk inspect -f '{{.State.ExitCode}}' "$name")
    finished=$(date -d "$(dk inspect -f '{{.State.FinishedAt}}' "$name" | sed 's/ [A-Z]*$//')" +%s%3N)
    local what="$name: exited $((finished - started)) ms after SIGTERM (at most $max_stop_ms) with $code"
    what+="; '$engine stop' returned after $((returned - started)) ms"
    if [ $((finished - started)) -le $max_stop_ms ] && [ "$code" = 0 ]; then ok "$what"; else bad "$what"; fi
}

# Reads stdin as exactly one JSON document (Python's json refuses anything around it) and prints .lost.
lost_of_one_document() {
    python3 -c 'import json, sys; print(json.load(sys.stdin)["lost"])'
}

image_mb() { dk image inspect -f '{{.Size}}' "$1" | awk '{printf "%.1f", $1 / 1000000}'; }

echo "container-check with '$engine' ${build_flags[*]}"

echo "== build"
build() { # build "what" args...: quiet unless it fails
    local what=$1 started
    shift
    started=$(now_ms)
    if dk build "${build_flags[@]}" "$@" >"$scratch/build.log" 2>&1; then
        ok "$what ($(( ($(now_ms) - started) / 1000 )) s)"
    else
        tail -30 "$scratch/build.log"
        bad "$what"
        exit 1
    fi
}
build "docker build -t beam-me-up . (the default target: headless)" -t beam-me-up .
build "docker build --target window -t beam-me-up:window ." --target window -t beam-me-up:window .
headless_mb=$(image_mb beam-me-up)
window_mb=$(image_mb beam-me-up:window)
if awk -v s="$headless_mb" -v m=$max_headless_mb 'BEGIN { exit !(s <= m) }'; then
    ok "image sizes: beam-me-up $headless_mb MB (at most $max_headless_mb), beam-me-up:window $window_mb MB"
else
    bad "image sizes: beam-me-up $headless_mb MB (at most $max_headless_mb), beam-me-up:window $window_mb MB"
fi
libs=$(dk run --rm --entrypoint sh beam-me-up -c 'ls /usr/lib/x86_64-linux-gnu | grep -E "^libQt6(Gui|Widgets|Charts)" || true')
check "the headless image has no Qt Gui, Widgets or Charts" test -z "$libs"

echo "== headless: docker run --rm -p 4000:4000 beam-me-up; curl localhost:4000/metrics"
dk run -d --name beam-check-metrics -p 4000:4000 beam-me-up >/dev/null
scrape() { curl -sf localhost:4000/metrics | awk '/^beam_events_produced_total/ {print $2}'; }
produced_now() { first=$(scrape) && [ -n "$first" ] && [ "${first%.*}" -gt 0 ]; }
if wait_for 30 produced_now; then
    sleep 2
    second=$(scrape)
    check "/metrics moves: beam_events_produced_total $first, 2 s later $second" \
        awk -v a="$first" -v b="$second" 'BEGIN { exit !(b > a) }'
else
    bad "/metrics: no beam_events_produced_total within 30 s"
fi
check "runs as uid 10001" test "$(dk exec beam-check-metrics id -u)" = 10001
stop_check beam-check-metrics
check "the log ends with the summary" sh -c "$engine logs beam-check-metrics 2>&1 | grep -q 'lost 0'"

echo "== headless: docker run --rm beam-me-up --headless --duration 10 --rate 100000 --report-json /dev/stdout"
lost=$(dk run --rm beam-me-up --headless --duration 10 --rate 100000 --report-json /dev/stdout 2>/dev/null \
    | lost_of_one_document) || lost="(not one JSON document, or exit != 0)"
check "stdout is one JSON document, lost $lost" test "$lost" = 0

echo "== headless: docker run --rm beam-me-up --duration 10 --rate 100000 --report-json - | jq .lost"
set +e
dk run --rm beam-me-up --duration 10 --rate 100000 --report-json - 2>/dev/null >"$scratch/report.json"
code=$?
set -e
lost=$(jq .lost <"$scratch/report.json" 2>&1 | tr '\n' ' ')
one=$(lost_of_one_document <"$scratch/report.json" 2>/dev/null) || one="not one JSON document"
check "exit $code, jq .lost: ${lost% }, one JSON document: lost $one" \
    sh -c "[ $code = 0 ] && [ '${lost% }' = 0 ] && [ '$one' = 0 ]"

echo "== headless: a window flag is refused"
set +e
message=$(dk run --rm beam-me-up --presentation 2>&1 >/dev/null)
code=$?
set -e
check "exit $code: ${message%%$'\n'*}" sh -c "[ $code = 2 ] && echo \"\$0\" | grep -q 'built without the window'" "$message"

echo "== window: no BEAM_PASSWORD, no start"
set +e
message=$(dk run --rm beam-me-up:window 2>&1 >/dev/null)
code=$?
set -e
check "exit $code: ${message%%$'\n'*}" sh -c "[ $code = 2 ] && echo \"\$0\" | grep -q 'BEAM_PASSWORD is not set'" "$message"

echo "== window: docker run -p 6080:6080 -e BEAM_PASSWORD=... -e BEAM_VIEW_PASSWORD=... beam-me-up:window --lesson slow-consumer --presentation"
dk run -d --name beam-check-window -p 6080:6080 -e BEAM_PASSWORD="$teacher" -e BEAM_VIEW_PASSWORD="$viewer" \
    beam-me-up:window --lesson slow-consumer --presentation >/dev/null
window_open() { dk logs beam-check-window 2>&1 | grep -q 'the window is open'; }
check "the window opens" wait_for 60 window_open
check "runs as uid 10001" test "$(dk exec beam-check-window id -u)" = 10001
# x11vnc has both passwords from a file it deleted once read; no command line carries either.
# shellcheck disable=SC2016 # expanded in the container
cmdlines=$(dk exec beam-check-window sh -c 'for f in /proc/[0-9]*/cmdline; do tr "\0" " " <"$f"; echo; done')
check "x11vnc runs with -passwdfile rm:..., and no command line holds a password" sh -c \
    "echo \"\$0\" | grep -q 'x11vnc .*-passwdfile rm:' && ! echo \"\$0\" | grep -q -e '$teacher' -e '$viewer'" \
    "$cmdlines"
# shellcheck disable=SC2016 # expanded in the container
files=$(dk exec beam-check-window sh -c 'echo $(ls /tmp/tmp.*/display /tmp/tmp.*/passwd 2>/dev/null)')
check "the password file is gone once read (the entrypoint's folder holds: $files)" \
    sh -c "echo \"\$0\" | grep -q display && ! echo \"\$0\" | grep -q passwd" "$files"
# The lesson's 13th second shows the slow consumer's queue full and the producer held back.
url="http://127.0.0.1:6080/vnc.html?autoconnect=1&resize=scale&password"
check "Chromium opens noVNC with the view password and sees the window ($png)" \
    python3 packaging/novnc-check.py "$url=$viewer" --screenshot "$png" --settle 9 --timeout 60
check "Ctrl+Q typed with the view password is ignored" \
    python3 packaging/novnc-check.py "$url=$viewer" --screenshot "$scratch/viewer.png" --key ctrl+q
sleep 2
check "... the window still runs" test "$(dk inspect -f '{{.State.Running}}' beam-check-window)" = true
stop_check beam-check-window
check "the log ends with the window's summary" sh -c "$engine logs beam-check-window 2>&1 | grep -q 'summary: quit on SIGTERM.*lost 0'"

echo "== window: the teacher's password steers"
dk run -d --name beam-check-steer -p 6080:6080 -e BEAM_PASSWORD="$teacher" -e BEAM_VIEW_PASSWORD="$viewer" \
    beam-me-up:window --lesson slow-consumer --presentation >/dev/null
steer_open() { dk logs beam-check-steer 2>&1 | grep -q 'the window is open'; }
wait_for 60 steer_open || true
check "Ctrl+Q typed with BEAM_PASSWORD reaches the window" \
    python3 packaging/novnc-check.py "$url=$teacher" --screenshot "$scratch/teacher.png" --key ctrl+q
steer_stopped() { [ "$(dk inspect -f '{{.State.Running}}' beam-check-steer)" = false ]; }
if wait_for 10 steer_stopped; then
    code=$(dk inspect -f '{{.State.ExitCode}}' beam-check-steer)
    check "... the window quits, and the container with it: exit $code" test "$code" = 0
else
    bad "... the window still runs 10 s after the teacher's Ctrl+Q"
fi

echo
if [ "$failures" -eq 0 ]; then
    echo "container-check: all passed (beam-me-up $headless_mb MB, beam-me-up:window $window_mb MB)"
else
    echo "container-check: $failures check(s) failed"
    exit 1
fi
