#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's two commands:
#   packaging/bootstrap.sh run [beam-me-up flags]   install what is missing, build (release), run the program
#   packaging/bootstrap.sh test                     install what is missing, build (ci preset), run every test,
#                                                   then the ThreadSanitizer suites (tsan preset)
set -euo pipefail
cd "$(dirname "$0")/.."

verb="${1:-}"
shift || true

bash packaging/install-deps.sh

case "$verb" in
run)
    cmake --preset release >/dev/null
    cmake --build --preset release
    # The window; with --headless, console telemetry (Ctrl-C drains and prints the summary).
    exec ./build/release/app/beam-me-up "$@"
    ;;
test)
    cmake --workflow --preset ci
    # ThreadSanitizer on everything that runs the engine, against oneTBB built with it (docs/sanitizers.md):
    # about 15 more minutes on two cores the first time. BEAM_SKIP_TSAN=1 leaves it out.
    if [ "${BEAM_SKIP_TSAN:-0}" != "1" ]; then
        bash packaging/tsan-tbb.sh
        cmake --workflow --preset tsan
    fi
    ;;
*)
    echo "usage: packaging/bootstrap.sh run [flags] | test" >&2
    exit 2
    ;;
esac
