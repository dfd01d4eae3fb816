# SPDX-License-Identifier: MIT
# Two images from one file (README, "Containers"):
#   docker build -t beam-me-up .                         # the default: headless, slim (the last stage)
#   docker build --target window -t beam-me-up:window .  # the window in a browser, over noVNC
#
#   docker run --rm -p 4000:4000 beam-me-up              # headless until stopped; curl localhost:4000/metrics
#   docker run --rm beam-me-up --duration 10 --rate 100000 --report-json - | jq .lost
#   docker run --rm -p 6080:6080 -e BEAM_PASSWORD=... -e BEAM_VIEW_PASSWORD=... beam-me-up:window \
#       --lesson slow-consumer --presentation            # then open http://HOST:6080/vnc.html
# `docker stop` sends SIGTERM: either one stops in well under 2 s and exits 0.

# Build: the same dependency script as the README's commands, then one build per image.
FROM debian:12 AS deps
WORKDIR /src
COPY packaging/install-deps.sh packaging/install-deps.sh
RUN bash packaging/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .

# ccache's folder is a build cache mount: a rebuild after a small change takes seconds, not minutes.
FROM deps AS build-window
ENV CCACHE_DIR=/ccache
RUN --mount=type=cache,target=/ccache cmake --preset release \
    && cmake --build --preset release \
    && cmake --install build/release --prefix /opt/beam --strip

# The same executable without the window (BEAM_BUILD_WINDOW=OFF): it loads no Qt but Qt Core.
FROM deps AS build-headless
ENV CCACHE_DIR=/ccache
RUN --mount=type=cache,target=/ccache cmake --preset headless \
    && cmake --build --preset headless \
    && cmake --install build/headless --prefix /opt/beam --strip

# The window, for a classroom: Xvfb with a kiosk window manager (matchbox: the window gets the screen and the
# keyboard), x11vnc (a password that steers, one that only watches) and noVNC through websockify on port 6080,
# all Debian packages; packaging/window-entrypoint.sh starts them and the window.
FROM debian:12 AS window
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       libtbb12 libtbbmalloc2 libprometheus-cpp-pull1.0 libsqlite3-0 \
       libqt6core6 libqt6gui6 libqt6widgets6 libqt6charts6 qt6-qpa-plugins libqt6svg6 fonts-dejavu-core \
       xvfb matchbox-window-manager x11vnc novnc websockify \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --home-dir /home/beam --shell /usr/sbin/nologin --uid 10001 beam
COPY --from=build-window /opt/beam /opt/beam
COPY packaging/window-entrypoint.sh /opt/beam/bin/window-entrypoint.sh
ENV PATH=/opt/beam/bin:$PATH
USER beam
WORKDIR /home/beam
EXPOSE 6080
ENTRYPOINT ["window-entrypoint.sh"]
CMD ["--presentation"]

# The headless root: Debian 12 with only the five libraries the executable loads (ldd: oneTBB, its allocator,
# prometheus-cpp's pull side, SQLite and Qt Core), and without documentation, manuals and translations, as
# Debian's own slim images leave them out (copyright files stay).
FROM debian:12 AS headless-root
RUN printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
       'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' \
       'path-exclude /usr/share/lintian/*' >/etc/dpkg/dpkg.cfg.d/slim \
    && find /usr/share/doc -type f ! -name copyright -delete \
    && rm -rf /usr/share/man/* /usr/share/info/* /usr/share/locale/* /usr/share/lintian/* \
    && apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       libtbb12 libtbbmalloc2 libprometheus-cpp-pull1.0 libsqlite3-0 libqt6core6 \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log \
    && useradd --create-home --home-dir /home/beam --shell /usr/sbin/nologin --uid 10001 beam

# Headless, the default (the last stage): one layer of that root, so what was deleted above takes no room.
FROM scratch AS headless
COPY --from=headless-root / /
COPY --from=build-headless /opt/beam /opt/beam
ENV PATH=/opt/beam/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER beam
WORKDIR /home/beam
EXPOSE 4000
# Runs until stopped (no --duration); the endpoint listens on every interface of the container so that
# `-p 4000:4000` reaches it. Without the window in the build, every run is headless: --headless may be left out.
ENTRYPOINT ["beam-me-up"]
CMD ["--headless", "--metrics-port", "4000", "--metrics-bind", "0.0.0.0"]
