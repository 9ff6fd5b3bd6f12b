# Stand-in for gcr.io/distroless/python3-debian11 (the seed document's
# runtime): Debian 11's Python 3.9 at /usr/bin and the libraries it
# loads, no shell, running as root with python3.9 as its entry point like
# the real :latest tag. Its Python differs from python:3.11's in version
# and path, which is what breaks the seed's recipe.
FROM debian:11-slim AS unpack
WORKDIR /debs
RUN apt-get update -q \
 && apt-get download -q \
      libc6 libgcc-s1 libstdc++6 ca-certificates tzdata netbase \
      python3.9-minimal libpython3.9-minimal libpython3.9-stdlib \
      libssl1.1 zlib1g libffi7 libexpat1 libbz2-1.0 liblzma5 \
      libsqlite3-0 libuuid1 libncursesw6 libtinfo6 libreadline8 \
      libmpdec3 libcrypt1 libdb5.3 mime-support \
 && mkdir /rootfs \
 && for deb in ./*.deb; do dpkg-deb -x "$deb" /rootfs; done \
 && cd /rootfs \
 && for d in bin lib lib64 sbin; do [ -e "$d" ] || ln -s "usr/$d" "$d"; done \
 && rm -rf usr/share/doc usr/share/man usr/share/info usr/share/lintian \
 && ln -s python3.9 usr/bin/python3 \
 && mkdir -p etc tmp root \
 && chmod 1777 tmp \
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
WORKDIR /
ENTRYPOINT ["/usr/bin/python3.9"]
