# SPDX-License-Identifier: MIT
# The headless image: the same install script as the README's commands, a release build, --headless by default.
#   docker build -t beam-me-up .
#   docker run --rm beam-me-up --duration 10 --rate 100000 --report-json /dev/stdout
FROM debian:12 AS build
WORKDIR /src
COPY packaging/install-deps.sh packaging/install-deps.sh
RUN bash packaging/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake --preset release && cmake --build --preset release && cmake --install build/release --prefix /opt/beam

FROM debian:12
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends libtbb12 libtbbmalloc2 libqt6core6 libqt6gui6 libqt6widgets6 \
       libqt6charts6 libqt6opengl6 libqt6openglwidgets6 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/beam /opt/beam
ENTRYPOINT ["/opt/beam/bin/beam-me-up", "--headless"]
