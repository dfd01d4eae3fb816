#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds oneTBB with ThreadSanitizer from the distribution's own source package (the same version as the
# installed libtbb-dev) into a cache folder, for the `tsan` preset. Without it every oneTBB hand-off is a
# TSan report, because the packaged libtbb is not instrumented. Safe to run again: a finished build for the
# same version is kept. Debian 12 and Ubuntu; needs root or sudo for apt.
#
#   packaging/tsan-tbb.sh            # builds into .cache/tbb-tsan-<version>, prints the folder
#   BEAM_TSAN_TBB_DIR=/x packaging/tsan-tbb.sh
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
version=$(dpkg-query -W -f='${Version}' libtbb-dev 2>/dev/null || true)
if [ -z "$version" ]; then
    "$repo/packaging/install-deps.sh"
    version=$(dpkg-query -W -f='${Version}' libtbb-dev)
fi
upstream=${version%%-*}
prefix=${BEAM_TSAN_TBB_DIR:-$repo/.cache/tbb-tsan}
stamp="$prefix/.built-from"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "onetbb $version thread" ]; then
    echo "tsan-tbb: oneTBB $version with ThreadSanitizer is already in $prefix"
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

# apt-get source needs a deb-src entry for the suite the binary package came from.
if ! apt-get source --print-uris "onetbb=$version" >/dev/null 2>&1; then
    . /etc/os-release
    codename=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
    if [ "$ID" = "debian" ]; then
        uri=http://deb.debian.org/debian
        keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    else
        uri=http://archive.ubuntu.com/ubuntu
        keyring=/usr/share/keyrings/ubuntu-archive-keyring.gpg
    fi
    suites="$codename $codename-updates"
    [ "$ID" = "debian" ] || suites="$suites $codename-security"
    echo "tsan-tbb: adding a deb-src entry for $codename ($uri)"
    printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main universe\nSigned-By: %s\n' \
        "$uri" "$suites" "$keyring" | $sudo tee /etc/apt/sources.list.d/beam-deb-src.sources >/dev/null
    [ "$ID" = "debian" ] && $sudo sed -i 's/ universe$//' /etc/apt/sources.list.d/beam-deb-src.sources
    $sudo apt-get update -qq
fi

for package in dpkg-dev cmake ninja-build g++; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        $sudo apt-get install -y -qq --no-install-recommends "$package"
    fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "tsan-tbb: fetching onetbb $version sources"
(cd "$work" && apt-get source --download-only "onetbb=$version" >/dev/null 2>&1 \
    && dpkg-source -x --no-check onetbb_*.dsc src >/dev/null)

# The library only (no tests, examples or the malloc proxy), built the way Debian builds it but instrumented.
echo "tsan-tbb: building oneTBB $upstream with -fsanitize=thread (a few minutes on two cores)"
cmake -S "$work/src" -B "$work/build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DCMAKE_INSTALL_LIBDIR=lib \
    -DTBB_SANITIZE=thread \
    -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBB_STRICT=OFF \
    -DTBBMALLOC_PROXY_BUILD=OFF \
    >"$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" >"$work/build.log" 2>&1 || { tail -50 "$work/build.log"; exit 1; }
rm -rf "$prefix"
cmake --install "$work/build" >/dev/null
echo "onetbb $version thread" >"$stamp"
echo "tsan-tbb: installed into $prefix"
