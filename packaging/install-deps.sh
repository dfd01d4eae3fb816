#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what building and testing BEAM Me Up needs on Debian 12 / Ubuntu 22.04+. Safe to run again:
# it asks apt only for packages that are missing. The Dockerfile runs this same script.
# Lines: toolchain; libraries; lint; docs (doxygen) and packaging checks (file and dpkg-dev for CPack's
# shlibdeps, desktop-file-validate, appstreamcli); report checks (xmllint validates JUnit against junit-10.xsd);
# recordings (SQLite's library to build against, and its shell for docs/recording.md's queries and tst_cli).
set -euo pipefail

packages=(
    build-essential cmake ninja-build ccache pkg-config git
    qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libxkbcommon-dev libgl-dev
    libtbb-dev librapidcheck-dev prometheus-cpp-dev
    clang-format clang-tidy cppcheck
    doxygen file dpkg-dev desktop-file-utils appstream python3-jsonschema
    libxml2-utils
    libsqlite3-dev sqlite3
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: everything is installed"
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
