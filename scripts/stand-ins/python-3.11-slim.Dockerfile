# Stand-in for the official python:3.11-slim image: Debian 12's Python
# 3.11, pip and venv in /usr/local, no compilers.
FROM debian:12-slim
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/* /usr/share/doc /usr/share/man \
 && python3 -m venv /usr/local
CMD ["python3"]
