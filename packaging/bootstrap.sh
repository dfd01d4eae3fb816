#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's two commands:
#   packaging/bootstrap.sh run [beam-me-up flags]   install what is missing, build (release), run the program
#   packaging/bootstrap.sh test                     install what is missing, build (ci preset), run every test
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
    ;;
*)
    echo "usage: packaging/bootstrap.sh run [flags] | test" >&2
    exit 2
    ;;
esac
