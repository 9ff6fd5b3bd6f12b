# Stand-in for gcr.io/distroless/python3-debian13:nonroot: Debian 13's
# Python 3.13 and the libraries it loads, unpacked without dpkg, apt or a
# shell, running as uid 65532 like the real image.
FROM debian:13-slim AS unpack
WORKDIR /debs
RUN apt-get update -q \
 && apt-get download -q \
      libc6 libgcc-s1 libstdc++6 libgomp1 ca-certificates tzdata netbase \
      python3.13-minimal libpython3.13-minimal libpython3.13-stdlib \
      libssl3t64 zlib1g libffi8 libexpat1 libbz2-1.0 liblzma5 libzstd1 \
      libsqlite3-0 libuuid1 libncursesw6 libtinfo6 libreadline8t64 \
      libmpdec4 libcrypt1 libdb5.3t64 media-types \
 && mkdir /rootfs \
 && for deb in ./*.deb; do dpkg-deb -x "$deb" /rootfs; done \
 && cd /rootfs \
 && for d in bin lib lib64 sbin; do [ -e "$d" ] || ln -s "usr/$d" "$d"; done \
 && rm -rf usr/share/doc usr/share/man usr/share/info usr/share/lintian \
 && ln -s python3.13 usr/bin/python3 \
 && ln -s python3.13 usr/bin/python \
 && mkdir -p etc tmp home/nonroot \
 && chmod 1777 tmp \
 && chown 65532:65532 home/nonroot \
 && printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' \
      'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
      'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' > etc/passwd \
 && printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'nonroot:x:65532:' > etc/group \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      ca-certificates > /dev/null \
 && mkdir -p etc/ssl/certs \
 && cp /etc/ssl/certs/ca-certificates.crt etc/ssl/certs/

FROM scratch
COPY --from=unpack /rootfs/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    LANG=C.UTF-8
USER 65532
WORKDIR /home/nonroot
ENTRYPOINT ["/usr/bin/python3.13"]
