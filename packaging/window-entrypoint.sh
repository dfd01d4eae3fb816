#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The `window` container: the window on a virtual X display (Xvfb, with a kiosk window manager), shared by x11vnc
# with two passwords, and
# noVNC served by websockify on port 6080, so that a browser is the only client a classroom needs:
#
#   docker run --rm -p 6080:6080 -e BEAM_PASSWORD=... -e BEAM_VIEW_PASSWORD=... beam-me-up:window \
#       --lesson slow-consumer --presentation
#
# then open http://HOST:6080/vnc.html: the teacher's password steers, the view password only watches.
# Arguments go to beam-me-up. Environment:
#   BEAM_PASSWORD       required: the password that steers (keyboard and mouse). Without it nothing starts.
#   BEAM_VIEW_PASSWORD  optional: the password that only watches. Unset: nobody but the teacher gets in.
#   BEAM_SCREEN         the virtual screen, WIDTHxHEIGHT (default 1920x1080); the window gets this size unless
#                       the arguments give --window-size.
# VNC authentication uses the first 8 characters of a password only, so the two must differ there.
# SIGTERM or SIGINT (docker stop, Ctrl-C) quits the window as its Quit action does, then the rest stops; the
# container's exit code is the window's.
set -euo pipefail

say() { echo "window-entrypoint: $*" >&2; }

if [ -z "${BEAM_PASSWORD:-}" ]; then
    say "BEAM_PASSWORD is not set: refusing to start, since anyone who reaches port 6080 could steer."
    say "Set it (and BEAM_VIEW_PASSWORD for students), e.g. docker run -e BEAM_PASSWORD=... -e BEAM_VIEW_PASSWORD=..."
    exit 2
fi
for name in BEAM_PASSWORD BEAM_VIEW_PASSWORD; do
    value=${!name:-}
    # x11vnc's password file is line-based, skips lines starting with '#' and reads a few markers.
    if [[ "$value" == *$'\n'* || "$value" == \#* || "$value" == *__* ]]; then
        say "$name may not contain a newline or '__', nor start with '#'"
        exit 2
    fi
    if [ ${#value} -gt 8 ]; then
        say "$name is longer than 8 characters: VNC checks only its first 8"
    fi
done
if [ -n "${BEAM_VIEW_PASSWORD:-}" ] && [ "${BEAM_PASSWORD:0:8}" = "${BEAM_VIEW_PASSWORD:0:8}" ]; then
    say "BEAM_PASSWORD and BEAM_VIEW_PASSWORD start with the same 8 characters, all VNC compares: make them differ"
    exit 2
fi
screen=${BEAM_SCREEN:-1920x1080}
if ! [[ "$screen" =~ ^[0-9]+x[0-9]+$ ]]; then
    say "BEAM_SCREEN='$screen' is not WIDTHxHEIGHT, e.g. 1920x1080"
    exit 2
fi

runtime=$(mktemp -d)
export XDG_RUNTIME_DIR=$runtime
pids=()
stop_helpers() {
    # Last started, first stopped, each given half a second: x11vnc can deadlock in its own SIGTERM handler (seen
    # here once in a dozen stops), and a helper left behind would keep this PID 1, and `docker stop`, waiting.
    local pid
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        pid=${pids[i]}
        kill -TERM "$pid" 2>/dev/null || continue
        for _ in 1 2 3 4 5; do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$runtime"
}

# The X display: Xvfb writes its number on descriptor 3 once it accepts connections.
Xvfb -displayfd 3 -screen 0 "${screen}x24" -nolisten tcp -noreset 3>"$runtime/display" 2>"$runtime/xvfb.log" &
pids+=($!)
for _ in $(seq 100); do
    [ -s "$runtime/display" ] && break
    kill -0 "${pids[0]}" 2>/dev/null || { cat "$runtime/xvfb.log" >&2; say "Xvfb did not start"; exit 1; }
    sleep 0.1
done
[ -s "$runtime/display" ] || { say "Xvfb did not start within 10 s"; stop_helpers; exit 1; }
DISPLAY=":$(head -n 1 "$runtime/display")"
export DISPLAY

# A window manager made for kiosks: it gives the window the whole screen and the keyboard focus. Without one,
# X leaves the focus with the pointer and Qt never sees its window as active, so shortcuts (Ctrl+Q, F9, F11)
# typed through VNC would go nowhere.
matchbox-window-manager -use_titlebar no >"$runtime/wm.log" 2>&1 &
pids+=($!)

# The passwords reach x11vnc in a file it deletes once read (rm:), never on a command line (ps shows those):
# line 1 steers, the line after __BEGIN_VIEWONLY__ watches.
umask 077
{
    printf '%s\n' "$BEAM_PASSWORD"
    if [ -n "${BEAM_VIEW_PASSWORD:-}" ]; then printf '__BEGIN_VIEWONLY__\n%s\n' "$BEAM_VIEW_PASSWORD"; fi
} >"$runtime/passwd"
watchers=""
if [ -n "${BEAM_VIEW_PASSWORD:-}" ]; then watchers=", students with BEAM_VIEW_PASSWORD"; fi
unset BEAM_PASSWORD BEAM_VIEW_PASSWORD # nothing started from here on needs them
# -localhost: VNC itself is reached only through websockify; -shared -forever: a whole class, all run long.
x11vnc -display "$DISPLAY" -rfbport 5900 -localhost -shared -forever -passwdfile "rm:$runtime/passwd" \
    -quiet -o "$runtime/x11vnc.log" >/dev/null 2>&1 &
pids+=($!)
websockify --web /usr/share/novnc 6080 localhost:5900 >"$runtime/websockify.log" 2>&1 &
pids+=($!)

size=()
if ! printf '%s\n' "$@" | grep -qE -- '^--?window-size(=|$)'; then
    size=(--window-size "$screen")
fi
say "noVNC on port 6080: open http://HOST:6080/vnc.html (the teacher with BEAM_PASSWORD$watchers)"
# Qt picks its xcb platform plugin from DISPLAY.
beam-me-up "${size[@]}" "$@" &
app=$!

# A signal to this shell (PID 1 in the container) goes to the window, which quits as its Quit action does.
signals=0
# shellcheck disable=SC2317 # called by the trap
forward() {
    signals=$((signals + 1))
    kill -TERM "$app" 2>/dev/null || true
}
trap forward TERM INT
set +e
while :; do
    before=$signals
    wait "$app"
    status=$?
    # A wait cut short by the trap returns 128+signal: wait again for the window's own status.
    [ "$signals" -ne "$before" ] || break
done
set -e
trap - TERM INT
stop_helpers
exit "$status"
