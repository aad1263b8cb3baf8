# shopd in one image: a build stage compiles the binary, a slim runtime stage runs
# it as a non-root user. Both stages install their Debian packages from the same
# lists scripts/install-deps.sh uses (scripts/deps/*.txt), so the image and a
# developer machine cannot drift apart; tests/packaging/check_packages.py checks
# that runtime.txt covers every shared library the binary loads.
#
#   docker build -t shopd .
#   docker run -p 8080:8080 -v shopd-data:/data shopd

ARG DEBIAN_RELEASE=bookworm

FROM debian:${DEBIAN_RELEASE} AS build
ARG BUILD_JOBS=2
ARG DEBIAN_FRONTEND=noninteractive
COPY scripts/deps/build.txt /tmp/deps/build.txt
RUN apt-get update \
 && sed -e 's/#.*//' /tmp/deps/build.txt | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .
RUN cmake -S . -B build \
      -DCMAKE_BUILD_TYPE=Release \
      -DSHOPD_BUILD_TESTS=OFF \
      -DSHOPD_BUILD_BENCH=OFF \
 && cmake --build build --target shopd -j"${BUILD_JOBS}" \
 && binary="$(find build -type f -name shopd -perm -u+x -print -quit)" \
 && test -n "$binary" \
 && install -D -s -m 0755 "$binary" /out/usr/local/bin/shopd \
 && mkdir -p /out/usr/local/share/shopd /out/etc \
 && cp -a web /out/usr/local/share/shopd/web \
 && cp -a config /out/etc/shopd

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
ARG DEBIAN_FRONTEND=noninteractive
COPY scripts/deps/runtime.txt /tmp/deps/runtime.txt
RUN apt-get update \
 && sed -e 's/#.*//' /tmp/deps/runtime.txt | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/deps \
 && groupadd --system shopd \
 && useradd --system --gid shopd --home-dir /data --no-create-home --shell /usr/sbin/nologin shopd \
 && mkdir -p /data \
 && chown shopd:shopd /data

COPY --from=build /out/ /

ENV SHOPD_DATA_DIR=/data \
    SHOPD_HTTP_HOST=0.0.0.0 \
    SHOPD_WEB_DIR=/usr/local/share/shopd/web
VOLUME /data
WORKDIR /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["shopd", "--config", "/etc/shopd/dev.toml", "healthcheck"]
USER shopd
# shopd is PID 1 and handles SIGTERM/SIGINT itself (graceful drain, exit 0).
ENTRYPOINT ["shopd", "--config", "/etc/shopd/dev.toml"]
CMD ["serve"]
