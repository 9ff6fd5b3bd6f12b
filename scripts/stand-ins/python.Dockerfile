# Stand-in for the official python:3.13 image, built from Debian's packages
# because no registry is reachable here. Like the real one it carries a full
# toolchain and the headers of common C libraries, and python, python3 and pip live in /usr/local with a
# site-packages of their own: /usr/local is a venv over Debian's Python, so
# `pip install` there never meets a package that Debian installed.
FROM debian:13-slim
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      python3 python3-venv python3-dev gcc g++ make libc6-dev \
      git curl ca-certificates libpq-dev default-libmysqlclient-dev \
      libffi-dev libssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /usr/local
CMD ["python3"]
