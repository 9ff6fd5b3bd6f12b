# Stand-in for the official python:3.11 image, for the benchmark's seed
# recipes: Debian 12's Python 3.11 with a full toolchain, and python,
# python3 and pip in /usr/local like the real image (here a venv over
# Debian's Python; see python.Dockerfile).
FROM debian:12-slim
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      python3 python3-venv python3-dev gcc g++ make libc6-dev \
      git curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /usr/local
CMD ["python3"]
