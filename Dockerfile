# SPDX-License-Identifier: MIT
# The headless engine with its Prometheus endpoint, by default:
#   docker build -t beam-me-up .
#   docker run --rm -p 4000:4000 beam-me-up                      # then: curl localhost:4000/metrics
#   docker run --rm beam-me-up --headless --duration 10 --rate 100000
#   docker run --rm -p 5900:5900 beam-me-up -platform vnc       # the window, through a VNC viewer on :5900
# `docker stop` sends SIGTERM: the run drains, prints its summary and exits 0.

# Build: the same dependency script as the README's commands, a release build, installed into /opt/beam.
FROM debian:12 AS build
WORKDIR /src
COPY packaging/install-deps.sh packaging/install-deps.sh
RUN bash packaging/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake --preset release \
    && cmake --build --preset release \
    && cmake --install build/release --prefix /opt/beam --strip

# Runtime: only the shared libraries the binary loads (ldd), Qt's platform plugins (offscreen, vnc, xcb)
# for the window, and a user without privileges.
FROM debian:12 AS runtime
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       libtbb12 libtbbmalloc2 libprometheus-cpp-pull1.0 \
       libqt6core6 libqt6gui6 libqt6widgets6 libqt6charts6 qt6-qpa-plugins libqt6svg6 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --home-dir /home/beam --shell /usr/sbin/nologin --uid 10001 beam
COPY --from=build /opt/beam /opt/beam
ENV PATH=/opt/beam/bin:$PATH
USER beam
WORKDIR /home/beam
EXPOSE 4000
# Runs until stopped (no --duration); the endpoint listens on every interface of the container so that
# `-p 4000:4000` reaches it.
ENTRYPOINT ["beam-me-up"]
CMD ["--headless", "--metrics-port", "4000", "--metrics-bind", "0.0.0.0"]
